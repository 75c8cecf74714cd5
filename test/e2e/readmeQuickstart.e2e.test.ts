/**
 * README.md's "try an example against the emulator" block, run as pasted: the emulator
 * starts detached and the next line sources its env file at once (no race), then an example
 * is brought up with the real CLI and the emulator is stopped by its PID file.
 * The block lives in examples/quickstart.sh (README.md shows the same lines); only the
 * port, the file locations and the stack name are changed so that the run touches nothing
 * of a developer's own.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { alive, repoRoot, replaced, requireEngine } from "./harness";

const block = fs.readFileSync(path.join(repoRoot, "examples", "quickstart.sh"), "utf8");

describe("README quickstart", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pp-quickstart-"));
  const stack = `quickstart-${process.pid}`;
  const envFile = path.join(work, ".env.emulator");
  const pidFile = path.join(work, ".emulator.pid");
  let pid: number | undefined;

  afterAll(() => {
    if (pid && alive(pid)) process.kill(pid);
    fs.rmSync(path.join(repoRoot, "examples", "billing-policy", `Pulumi.${stack}.yaml`), { force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  test("the pasted commands bring an example up against the emulator and stop it", () => {
    requireEngine();
    let script = block;
    script = replaced(script, /--port 8443\b/g, "--port 0");
    script = replaced(script, /(\.\/)?\.env\.emulator\b/g, envFile);
    script = replaced(script, /\.emulator\.pid\b/g, pidFile);
    script = replaced(script, /--create dev\b/g, `--create ${stack}`);
    // The last line stops the emulator: read its PID before, to check that it really stopped.
    const lines = script.trimEnd().split("\n");
    const stop = lines.pop()!;
    expect(stop).toMatch(/^kill /);
    const run = spawnSync("bash", ["-euo", "pipefail", "-c", `${lines.join("\n")}\ncat ${JSON.stringify(pidFile)} > ${JSON.stringify(pidFile + ".seen")}\n${stop}\n`], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, PULUMI_BACKEND_URL: `file://${work}`, PULUMI_CONFIG_PASSPHRASE: "", NO_COLOR: "1" },
      timeout: 300_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    pid = Number(fs.readFileSync(pidFile + ".seen", "utf8").trim());
    expect({ status: run.status, output }).toEqual({ status: 0, output: expect.stringMatching(/emulator running at https:\/\/127\.0\.0\.1:\d+: pid \d+/) });
    expect(output).toMatch(/\+ 2 created/);
    expect(output).toMatch(/billingPolicyId\s*:\s*"[0-9a-f-]{36}"/);
    expect(Number.isInteger(pid) && pid > 0).toBe(true);
    // kill sent SIGTERM: the emulator stops and removes its PID file.
    for (let i = 0; i < 50 && alive(pid); i++) spawnSync("sleep", ["0.1"]);
    expect(alive(pid)).toBe(false);
    expect(fs.existsSync(pidFile)).toBe(false);
  });
});
