/**
 * Each example's README.md shell block, run as pasted (from the repository's root) against
 * the emulator it starts: up, destroy, stop. Only the port, the file locations and the stack
 * name change, so that the run touches nothing of a developer's own.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { alive, repoRoot, replaced, requireEngine } from "./harness";

const examplesDir = path.join(repoRoot, "examples");
const examples = fs
  .readdirSync(examplesDir)
  .filter((name) => fs.existsSync(path.join(examplesDir, name, "Pulumi.yaml")))
  .sort();

describe("example READMEs, run as pasted", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pp-example-readmes-"));
  const started: number[] = [];
  const stacks: string[] = [];

  afterAll(() => {
    for (const pid of started) if (alive(pid)) process.kill(pid);
    for (const file of stacks) fs.rmSync(file, { force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  test.each(examples)("%s", (name) => {
    requireEngine();
    const readme = fs.readFileSync(path.join(examplesDir, name, "README.md"), "utf8");
    const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toEqual(expect.any(String));
    const dir = fs.mkdtempSync(path.join(work, `${name}-`));
    const stack = `readme-${process.pid}`;
    const pidFile = path.join(dir, ".emulator.pid");
    stacks.push(path.join(examplesDir, name, `Pulumi.${stack}.yaml`));
    let script = block!;
    script = replaced(script, /--port 8443\b/g, "--port 0");
    script = replaced(script, /(\.\/)?\.env\.emulator\b/g, path.join(dir, ".env.emulator"));
    script = replaced(script, /\.emulator\.pid\b/g, pidFile);
    script = replaced(script, /--create dev\b/g, `--create ${stack}`);
    const lines = script.trimEnd().split("\n");
    const stop = lines.pop()!;
    expect(stop).toMatch(/^kill /);
    const run = spawnSync("bash", ["-euo", "pipefail", "-c", `${lines.join("\n")}\ncp ${JSON.stringify(pidFile)} ${JSON.stringify(pidFile + ".seen")}\n${stop}\n`], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, PULUMI_BACKEND_URL: `file://${dir}`, PULUMI_CONFIG_PASSPHRASE: "", NO_COLOR: "1" },
      timeout: 600_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    if (fs.existsSync(pidFile + ".seen")) started.push(Number(fs.readFileSync(pidFile + ".seen", "utf8").trim()));
    expect({ status: run.status, output }).toEqual({ status: 0, output: expect.stringMatching(/emulator running at/) });
    expect(output).toMatch(/Resources:\s*\n\s*\+ \d+ created/);
    expect(output).toMatch(/Resources:\s*\n\s*- \d+ deleted/);
  });
});
