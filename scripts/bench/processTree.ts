/**
 * A command run with the peak memory of its whole process tree: the Pulumi CLI (engine),
 * the language host and the program it runs, the dynamic-provider processes, or the
 * drift command and the CLI it starts. Memory is sampled from /proc (resident set size
 * of every descendant of the command, summed) every `sampleMs`; the peak is the largest
 * sum seen. On a system without /proc the peak is reported as null.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import type { CommandResult } from "../../test/e2e/harness";

/** A command's result with the peak resident memory of its process tree. */
export interface MeasuredResult extends CommandResult {
  /** Peak of the summed resident set sizes of the command and its descendants, in bytes (null without /proc). */
  peakRssBytes: number | null;
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

/** Summed resident memory (bytes) of `root` and all its descendants, or null without /proc. */
export function treeRssBytes(root: number): number | null {
  const parents = parentsOfAll();
  if (!parents) return null;
  const children = new Map<number, number[]>();
  for (const [pid, parent] of parents) {
    const list = children.get(parent) ?? [];
    list.push(pid);
    children.set(parent, list);
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    try {
      const statm = fs.readFileSync(`/proc/${pid}/statm`, "utf8").split(" ");
      total += Number(statm[1]) * pageSize;
    } catch {
      // ended meanwhile
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * Runs `command args` (in a process group of its own, killed whole after `deadlineMs`)
 * and samples its process tree's memory. Resolves with the exit code; never rejects on
 * a non-zero exit.
 */
export function runMeasured(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; deadlineMs: number; sampleMs?: number },
): Promise<MeasuredResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let output = "";
    let peak: number | null = null;
    const sample = () => {
      if (child.pid === undefined) return;
      const rss = treeRssBytes(child.pid);
      if (rss !== null) peak = Math.max(peak ?? 0, rss);
    };
    const sampler = setInterval(sample, options.sampleMs ?? 100);
    const deadline = setTimeout(() => {
      output += `\n[bench] ${command} ${args.join(" ")} still running after ${options.deadlineMs / 1000} s: killed\n`;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, options.deadlineMs);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      output += chunk.toString();
    });
    child.on("error", (error) => {
      clearInterval(sampler);
      clearTimeout(deadline);
      reject(error);
    });
    child.on("close", (code) => {
      clearInterval(sampler);
      clearTimeout(deadline);
      resolve({ code: code ?? -1, stdout, stderr, output, peakRssBytes: peak });
    });
  });
}
