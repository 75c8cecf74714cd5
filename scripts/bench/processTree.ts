/**
 * A command run with the peak memory of its whole process tree: the Pulumi CLI (engine),
 * the language host and the program it runs, the dynamic-provider processes, or the
 * drift command and the CLI it starts. Memory is sampled from /proc (resident set size
 * of every descendant of the command, summed) every `sampleMs`; the peak is the largest
 * sum seen, with what each process role (processRole: CLI, language host, program,
 * dynamic provider...) held at that moment. On a system without /proc the peak is
 * reported as null.
 */
import * as fs from "node:fs";
import { runCommand, type CommandResult } from "../../test/e2e/harness";

/** A command's result with the peak resident memory of its process tree. */
export interface MeasuredResult extends CommandResult {
  /** Peak of the summed resident set sizes of the command and its descendants, in bytes (null without /proc). */
  peakRssBytes: number | null;
  /** What each role of the tree held at that peak, in bytes (roles of processRole, summed per role; empty without /proc). */
  peakByRole: Record<string, number>;
}

/** One process of a tree: its role (processRole) and resident size. */
export interface ProcessSample {
  pid: number;
  role: string;
  rssBytes: number;
}

/**
 * The role of a process in a Pulumi run, from its command name (/proc/<pid>/comm) and
 * command line: the CLI (`pulumi`), the language host, the program's Node process, the
 * dynamic-provider Node process, a policy pack's Node process, or its command name.
 */
export function processRole(comm: string, cmdline: string[]): string {
  const line = cmdline.join(" ");
  // Node names its main thread "MainThread"; its executable is then the first argument.
  const isNode = comm === "node" || comm === "MainThread" || /(^|\/)node$/.test(cmdline[0] ?? "");
  if (comm === "pulumi") return "pulumi CLI";
  if (comm.startsWith("pulumi-language")) return "language host";
  if (/dynamic-provider|pulumi-resource-pulumi-nodejs/.test(line)) return isNode ? "dynamic provider (node)" : `dynamic provider (${comm})`;
  if (/run-policy-pack|pulumi-analyzer-policy/.test(line) && isNode) return "policy pack (node)";
  if (/@pulumi[\\/]pulumi[\\/]cmd[\\/]run|pulumi-language-nodejs/.test(line) && isNode) return "program (node)";
  if (/powerplatform-drift/.test(line)) return "drift command (node)";
  return comm;
}

const pageSize = 4096;

/** Parent pid of every process (from /proc/<pid>/stat), or null without /proc. */
function parentsOfAll(): Map<number, number> | null {
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return null;
  }
  const parents = new Map<number, number>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name (2nd field) is in parentheses and may hold spaces: fields after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(rest[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  return parents;
}

/** Resident memory of `root` and all its descendants, one sample per process, or null without /proc. */
export function treeSamples(root: number): ProcessSample[] | null {
  const parents = parentsOfAll();
  if (!parents) return null;
  const children = new Map<number, number[]>();
  for (const [pid, parent] of parents) {
    const list = children.get(parent) ?? [];
    list.push(pid);
    children.set(parent, list);
  }
  const samples: ProcessSample[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    try {
      const statm = fs.readFileSync(`/proc/${pid}/statm`, "utf8").split(" ");
      const comm = fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      samples.push({ pid, role: processRole(comm, cmdline), rssBytes: Number(statm[1]) * pageSize });
    } catch {
      // ended meanwhile
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return samples;
}

/** The samples summed per role. */
export function bytesByRole(samples: ProcessSample[]): Record<string, number> {
  const byRole: Record<string, number> = {};
  for (const s of samples) byRole[s.role] = (byRole[s.role] ?? 0) + s.rssBytes;
  return byRole;
}

/**
 * Runs `command args` (harness runCommand: a process group of its own, killed whole after
 * `deadlineMs`) and samples its process tree's memory every `sampleMs`. Resolves with the
 * exit code; never rejects on a non-zero exit.
 */
export async function runMeasured(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; deadlineMs: number; sampleMs?: number },
): Promise<MeasuredResult> {
  let peak: number | null = null;
  let peakByRole: Record<string, number> = {};
  const watch = (pid: number) => {
    const sample = () => {
      const samples = treeSamples(pid);
      if (samples === null) return;
      const rss = samples.reduce((sum, s) => sum + s.rssBytes, 0);
      if (peak === null || rss > peak) {
        peak = rss;
        peakByRole = bytesByRole(samples);
      }
    };
    const sampler = setInterval(sample, options.sampleMs ?? 100);
    return () => clearInterval(sampler);
  };
  const result = await runCommand(command, args, { cwd: options.cwd, env: options.env, deadlineMs: options.deadlineMs, watch });
  return { ...result, peakRssBytes: peak, peakByRole };
}
