/**
 * The dynamic-provider process exits when the Pulumi engine that started it is gone.
 *
 * The engine starts each plugin in a process group of its own, through the
 * `pulumi-resource-pulumi-nodejs` shell script, which runs node as its child. When the
 * engine is killed (a cancelled CI job, SIGKILL to the `pulumi` process group), nothing
 * tells the plugin: the shell waits on node and node waits on the service, for as long
 * as an operation's deadline allows (orphans up to 35 minutes old were found). So the
 * runtime watches the engine: it notes, when it loads, which process is the engine (its
 * parent, or its grandparent behind the shell script) and checks every second that its
 * own parent is unchanged and the engine still lives; when either fails, it exits.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

/** How often the engine is checked. */
export const watchIntervalMs = 1000;

/** True in the process Pulumi starts for dynamic providers (`node …/cmd/dynamic-provider/index.js <engine address>`). */
export function isDynamicProviderProcess(argv: readonly string[] = process.argv): boolean {
  return /[\\/]cmd[\\/]dynamic-provider([\\/]index\.js)?$/.test(argv[1] ?? "");
}

interface ProcessInfo {
  ppid: number;
  command: string;
  /** `Z` (zombie) or `X` (dead): exited, only not reaped yet. */
  exited: boolean;
}

/** The parent, command line and liveness of a process, or undefined when there is no such process. */
export function processInfo(pid: number): ProcessInfo | undefined {
  if (fs.existsSync("/proc/self/stat")) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ")".
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const command = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      return { ppid: Number(ppid), command, exited: state === "Z" || state === "X" };
    } catch {
      return undefined;
    }
  }
  try {
    // macOS and other systems without /proc.
    const line = execFileSync("ps", ["-o", "ppid=,stat=,command=", "-p", String(pid)], { encoding: "utf8" }).trim();
    const match = /^(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    return match ? { ppid: Number(match[1]), command: match[3], exited: match[2].startsWith("Z") } : undefined;
  } catch {
    return undefined;
  }
}

/** The engine's pid: the parent, or the grandparent when the parent is the plugin's shell script. */
export function enginePid(parent: number, info: (pid: number) => ProcessInfo | undefined = processInfo): number {
  const parentInfo = info(parent);
  return parentInfo && /pulumi-resource-pulumi-nodejs/.test(parentInfo.command) ? parentInfo.ppid : parent;
}

function alive(pid: number, info: (pid: number) => ProcessInfo | undefined): boolean {
  if (pid <= 1) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return !(info(pid)?.exited ?? false);
}

/**
 * Why this process should exit (its parent changed, or the engine is gone), or undefined
 * while the engine lives. Pure but for the process probes it is given.
 */
export function engineGone(
  watched: { parent: number; engine: number },
  currentParent: number,
  info: (pid: number) => ProcessInfo | undefined = processInfo,
): string | undefined {
  if (currentParent !== watched.parent) return `its parent process ${watched.parent} is gone (the process is now a child of ${currentParent})`;
  if (!alive(watched.engine, info)) return `the Pulumi engine (pid ${watched.engine}) that started it is gone`;
  return undefined;
}

let timer: NodeJS.Timeout | undefined;

/** Starts the watch in the dynamic-provider process (once; nowhere else). */
export function startEngineWatchdog(): void {
  if (timer || !isDynamicProviderProcess()) return;
  const watched = { parent: process.ppid, engine: enginePid(process.ppid) };
  timer = setInterval(() => {
    const reason = engineGone(watched, process.ppid);
    if (reason === undefined) return;
    process.stderr.write(`@powerplatform-iac/provider: exiting: ${reason}; an operation still under way is left to the next run.\n`);
    process.exit(1);
  }, watchIntervalMs);
  // The watch never keeps the process alive by itself.
  timer.unref();
}
