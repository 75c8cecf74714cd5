/**
 * `npm run emulator -- … --detach` (test/emulator/cli.ts): returns once the env file is
 * written and the server answers, leaves the emulator running with a PID file, and fails
 * with the emulator's own log when it cannot start.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "./server";

const cli = path.join(__dirname, "cli.ts");
const tsx = path.resolve(__dirname, "..", "..", "node_modules", "tsx", "dist", "cli.mjs");

function runCli(args: string[]) {
  return spawnSync(process.execPath, [tsx, cli, ...args], { encoding: "utf8", timeout: 120_000 });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function get(url: string, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    https.get(url, { ca }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on("error", reject);
  });
}

describe("emulator CLI --detach", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-detach-"));
  const pids: number[] = [];
  let blocker: RunningEmulator | undefined;

  afterAll(async () => {
    for (const pid of pids) if (alive(pid)) process.kill(pid);
    await blocker?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("returns once the env file is written and the server answers; kill stops it and removes the PID file", async () => {
    const envFile = path.join(dir, "detached.env");
    const pidFile = path.join(dir, "detached.pid");
    const logFile = path.join(dir, "detached.log");
    const run = runCli(["--port", "0", "--env-out", envFile, "--pid-file", pidFile, "--log-file", logFile, "--detach"]);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    const pid = Number(fs.readFileSync(pidFile, "utf8").trim());
    pids.push(pid);
    expect(run.stdout).toContain(`pid ${pid}, log ${logFile}; stop it with: kill ${pid}`);
    // Right after the command returned: the env file is complete and the server answers.
    const env = Object.fromEntries(fs.readFileSync(envFile, "utf8").trim().split("\n").map((line) => line.split(/=(.*)/s).slice(0, 2)));
    expect(env).toMatchObject({ AZURE_AUTHORITY_HOST: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/), NODE_EXTRA_CA_CERTS: expect.any(String) });
    expect(await get(`${env.AZURE_AUTHORITY_HOST}/_emulator/health`, fs.readFileSync(env.NODE_EXTRA_CA_CERTS))).toBe(200);
    expect(fs.readFileSync(logFile, "utf8")).toContain("listening on");
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 100 && alive(pid); i++) spawnSync("sleep", ["0.1"]);
    expect(alive(pid)).toBe(false);
    expect(fs.existsSync(pidFile)).toBe(false);
  });

  test("an emulator that cannot start fails the command with its log", async () => {
    blocker = await startEmulator({ port: 0 });
    const run = runCli(["--port", String(new URL(blocker.url).port), "--env-out", path.join(dir, "never.env"), "--detach"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/exited \(code 1\) before it was ready:[\s\S]*EADDRINUSE/);
    expect(fs.existsSync(path.join(dir, "never.env"))).toBe(false);
  });

  test("--log-file without --detach is refused", () => {
    const run = runCli(["--port", "0", "--log-file", path.join(dir, "x.log")]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("--log-file is for --detach");
  });
});
