/**
 * The engine and runtime settings a user gets (README "What a run costs"): those
 * `npm run pulumi` sets (scripts/toolchain.sh, offline_pulumi_settings run by bash here)
 * and the same values in every pipeline file, so a setting missing from either fails.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

const root = path.resolve(__dirname, "..", "..");
const toolchain = fs.readFileSync(path.join(root, "scripts", "toolchain.sh"), "utf8");
const settingsFunction = /^offline_pulumi_settings\(\) \{\n[\s\S]*?\n\}\n/m.exec(toolchain)?.[0];

/** The variables offline_pulumi_settings exports, run by bash over `given` (and nothing else of this process's environment). */
function settingsOver(given: Record<string, string>): Record<string, string> {
  if (!settingsFunction) throw new Error("scripts/toolchain.sh has no offline_pulumi_settings function");
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "run-settings-"));
  try {
    const out = execFileSync("bash", ["-c", `set -euo pipefail\nroot=${JSON.stringify(home)}\ncache=${JSON.stringify(home)}/cache\n${settingsFunction}offline_pulumi_settings\nenv -0`], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, ...given },
      encoding: "utf8",
    });
    return Object.fromEntries(
      out
        .split("\0")
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** The settings the pipelines must carry with toolchain.sh's values. */
const pipelineSettings = ["PULUMI_PARALLEL", "NODE_OPTIONS", "GOGC"];

describe("npm run pulumi's settings (scripts/toolchain.sh)", () => {
  const defaults = settingsOver({});

  test("defaults: parallelism, no type-check, compile cache, a small young generation for Node, GOGC 50 for the CLI", () => {
    expect(defaults.PULUMI_PARALLEL).toBe("64");
    expect(defaults.PULUMI_NODEJS_TRANSPILE_ONLY).toBe("true");
    expect(defaults.NODE_COMPILE_CACHE).toMatch(/node-compile-cache$/);
    expect(defaults.NODE_OPTIONS).toBe("--max-semi-space-size=4");
    expect(defaults.GOGC).toBe("50");
  });

  test("Node accepts the NODE_OPTIONS it sets", () => {
    expect(execFileSync(process.execPath, ["-e", "process.stdout.write('ok')"], { env: { ...process.env, NODE_OPTIONS: defaults.NODE_OPTIONS }, encoding: "utf8" })).toBe("ok");
  });

  test("the user's own values win: GOGC, PULUMI_PARALLEL, a semi-space size; other NODE_OPTIONS are kept after ours", () => {
    const own = settingsOver({ GOGC: "100", PULUMI_PARALLEL: "8", NODE_OPTIONS: "--max-semi-space-size=16 --trace-warnings" });
    expect(own.GOGC).toBe("100");
    expect(own.PULUMI_PARALLEL).toBe("8");
    expect(own.NODE_OPTIONS).toBe("--max-semi-space-size=16 --trace-warnings");
    expect(settingsOver({ NODE_OPTIONS: "--trace-warnings" }).NODE_OPTIONS).toBe("--max-semi-space-size=4 --trace-warnings");
  });

  const dir = path.join(root, "examples", "pipelines");
  const githubFiles = ["github/pull-request.yml", "github/main.yml", "github/matrix.yml"];

  test.each(githubFiles)("%s carries the same settings for the whole workflow", (file) => {
    const doc = parse(fs.readFileSync(path.join(dir, file), "utf8")) as { env: Record<string, string> };
    for (const name of pipelineSettings) expect([name, doc.env[name]]).toEqual([name, defaults[name]]);
  });

  test("github/drift.yml carries the same settings in its drift job", () => {
    const doc = parse(fs.readFileSync(path.join(dir, "github/drift.yml"), "utf8")) as { jobs: Record<string, { env?: Record<string, string> }> };
    const withParallel = Object.values(doc.jobs).filter((job) => job.env?.PULUMI_PARALLEL !== undefined);
    expect(withParallel.length).toBeGreaterThan(0);
    for (const job of withParallel) for (const name of pipelineSettings) expect([name, job.env![name]]).toEqual([name, defaults[name]]);
  });

  test("azure-devops/azure-pipelines.yml carries the same settings as variables", () => {
    const doc = parse(fs.readFileSync(path.join(dir, "azure-devops/azure-pipelines.yml"), "utf8")) as { variables: Array<{ name?: string; value?: string }> };
    const variables = Object.fromEntries(doc.variables.filter((v) => v.name).map((v) => [v.name!, v.value]));
    for (const name of pipelineSettings) expect([name, variables[name]]).toEqual([name, defaults[name]]);
  });
});
