/**
 * End-to-end harness: runs the real `pulumi` CLI (put on PATH by scripts/toolchain.sh)
 * on a copy of a program against an in-process emulator, with a throw-away local
 * backend, and reads the emulator's control API.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { startEmulator, type RunningEmulator } from "../emulator/server";

export const repoRoot = path.resolve(__dirname, "..", "..");

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for searching. */
  output: string;
}

export function requireEngine(): void {
  const found = (process.env.PATH ?? "").split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, "pulumi")));
  if (!found) {
    throw new Error("the pulumi CLI is not on PATH: run the tests with `npm test`, which sets up the engine");
  }
}

/** A program copied under the repository (so it resolves the workspace's node_modules) with its own backend. */
export class PulumiProject {
  private constructor(
    readonly dir: string,
    readonly env: NodeJS.ProcessEnv,
    private readonly backendDir: string,
  ) {}

  /** Copies `examples/<name>` (or any directory under the repo) and points it at `extraEnv` (the emulator's). */
  static create(source: string, extraEnv: Record<string, string>): PulumiProject {
    requireEngine();
    const from = path.isAbsolute(source) ? source : path.join(repoRoot, source);
    const workRoot = path.join(repoRoot, ".e2e-work");
    fs.mkdirSync(workRoot, { recursive: true });
    const dir = fs.mkdtempSync(path.join(workRoot, `${path.basename(from)}-`));
    // Stack files (Pulumi.<stack>.yaml) of the source are left behind: each test makes its own.
    fs.cpSync(from, dir, {
      recursive: true,
      filter: (p) => path.basename(p) !== "node_modules" && !/^Pulumi\..+\.yaml$/.test(path.basename(p)),
    });
    const backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-e2e-backend-"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...extraEnv,
      PULUMI_BACKEND_URL: `file://${backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      NO_COLOR: "1",
    };
    return new PulumiProject(dir, env, backendDir);
  }

  /**
   * A project whose program is the repository's root program (program/), as
   * Pulumi.yaml at the root declares it, in a directory of its own so its stack files
   * stay out of the repository.
   */
  static createRootProgram(extraEnv: Record<string, string>): PulumiProject {
    const root = parse(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as { main: string };
    const source = fs.mkdtempSync(path.join(os.tmpdir(), "pp-root-program-"));
    const project = PulumiProject.create(source, extraEnv);
    fs.rmSync(source, { recursive: true, force: true });
    const main = path.relative(project.dir, path.join(repoRoot, root.main));
    fs.writeFileSync(
      path.join(project.dir, "Pulumi.yaml"),
      stringify({ ...parse(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")), main }),
    );
    return project;
  }

  /** Runs `pulumi ARGS` in the project; resolves with the exit code (never rejects on a non-zero exit). */
  pulumi(args: string[], options: { env?: Record<string, string> } = {}): Promise<CommandResult> {
    return runCommand("pulumi", [...args, "--non-interactive", "--color", "never"], {
      cwd: this.dir,
      env: { ...this.env, ...options.env },
    });
  }

  /** Like pulumi(), but throws with the captured output when the exit code is not 0. */
  async pulumiOk(args: string[], options: { env?: Record<string, string> } = {}): Promise<CommandResult> {
    const result = await this.pulumi(args, options);
    if (result.code !== 0) {
      throw new Error(`pulumi ${args.join(" ")} exited ${result.code}\n${result.output}`);
    }
    return result;
  }

  async initStack(stack: string, config: Record<string, string> = {}): Promise<void> {
    await this.pulumiOk(["stack", "init", stack]);
    for (const [key, value] of Object.entries(config)) {
      await this.pulumiOk(["config", "set", key, value]);
    }
  }

  async stackExport(): Promise<string> {
    return (await this.pulumiOk(["stack", "export", "--show-secrets"])).stdout;
  }

  async outputs(): Promise<Record<string, unknown>> {
    return JSON.parse((await this.pulumiOk(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.rmSync(this.backendDir, { recursive: true, force: true });
  }
}

/** How long one command of a test may run before it is killed (its whole process group). */
export const commandDeadlineMs = 5 * 60_000;

/**
 * Runs `command args` in a process group of its own, killed whole after `deadlineMs`
 * (default {@link commandDeadlineMs}). Resolves with the exit code and the output; never
 * rejects on a non-zero exit. `watch` is called with the child's pid once it runs and
 * returns what to call when it has ended (the bench samples the process tree's memory).
 */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; deadlineMs?: number; watch?: (pid: number) => () => void },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const unwatch = child.pid !== undefined && options.watch ? options.watch(child.pid) : () => {};
    const deadline = setTimeout(() => {
      output += `\n[harness] ${command} ${args.join(" ")} still running after ${(options.deadlineMs ?? commandDeadlineMs) / 1000} s: killed\n`;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, options.deadlineMs ?? commandDeadlineMs);
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      output += chunk.toString();
    });
    child.on("error", (error) => {
      unwatch();
      clearTimeout(deadline);
      reject(error);
    });
    child.on("close", (code) => {
      unwatch();
      clearTimeout(deadline);
      resolve({ code: code ?? -1, stdout, stderr, output });
    });
  });
}

/** A small client of the emulator's control API (`/_emulator/...`). */
export class EmulatorControl {
  private readonly ca: Buffer;

  constructor(
    private readonly baseUrl: string,
    caCertPath: string,
  ) {
    this.ca = fs.readFileSync(caCertPath);
  }

  request<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
    const url = new URL(`/_emulator/${route.replace(/^\//, "")}`, this.baseUrl);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          ca: this.ca,
          headers: payload ? { "content-type": "application/json", "content-length": payload.length } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString();
            if ((res.statusCode ?? 500) >= 400) {
              reject(new Error(`${method} ${url.pathname} -> ${res.statusCode}: ${text}`));
              return;
            }
            resolve((text ? JSON.parse(text) : undefined) as T);
          });
        },
      );
      req.on("error", reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  async clearRequests(): Promise<void> {
    await this.request("DELETE", "requests");
  }

  /** API requests (token and control calls excluded) since the last clear. */
  async apiRequests(): Promise<Array<{ method: string; path: string; status: number; surface: string }>> {
    const log = await this.request<{ requests: Array<{ method: string; path: string; status: number; surface: string }> }>("GET", "requests");
    return log.requests.filter((r) => r.surface !== "entra");
  }
}

/** An emulator of its own for one test file (port 0, a fresh data dir) and its control API. */
export async function startTestEmulator(): Promise<{ emulator: RunningEmulator; control: EmulatorControl }> {
  const emulator = await startEmulator({ port: 0, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), "pp-e2e-emulator-")) });
  return { emulator, control: new EmulatorControl(emulator.url, emulator.caCertPath) };
}

/** Replaces every match of `pattern` in a documented shell block, failing when there is none (the block changed: update the test). */
export function replaced(text: string, pattern: RegExp, by: string): string {
  expect(text).toMatch(pattern);
  return text.replace(pattern, by);
}

/** Whether a process with this pid is still running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
