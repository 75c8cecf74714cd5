/**
 * The environment-group rules of the policy pack on the real engine (examples/environment-group):
 * during preview the group's id is not known yet, and the stack rule still matches the rule set
 * to its group; `--policy-pack-config` makes it demand rules the set lacks, and blocks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { EmulatorControl, PulumiProject, repoRoot, type CommandResult, startTestEmulator } from "./harness";

const policyPack = path.join(repoRoot, "policies");

describe("environment-group rules of the policy pack on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    project = PulumiProject.create("examples/environment-group", emulator.env);
    await project.initStack("policies", { groupName: "policy-group" });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  const withPack = (args: string[], config?: Record<string, unknown>) => {
    const extra: string[] = [];
    if (config) {
      const file = path.join(project.dir, "groups.policy-config.json");
      fs.writeFileSync(file, JSON.stringify(config, null, 2));
      extra.push("--policy-pack-config", file);
    }
    return [...args, "--policy-pack", policyPack, ...extra];
  };
  const violationLines = (result: CommandResult) => result.output.split("\n").filter((l) => /\[(mandatory|advisory)\]/.test(l));

  test("a group with its rule set passes at preview, before the group's id exists", async () => {
    const preview = await project.pulumi(withPack(["preview"]));
    expect(preview.code).toBe(0);
    expect(violationLines(preview)).toEqual([]);
  }, 120_000);

  test("required rules the set lacks block, naming the group and the rules, and nothing reaches the API", async () => {
    await control.clearRequests();
    const up = await project.pulumi(
      withPack(["up", "--yes"], { "environment-groups-have-rules": { enforcementLevel: "mandatory", requiredRules: ["sharingControls", "aiGeneratedDescriptions"] } }),
    );
    expect(up.code).not.toBe(0);
    expect(violationLines(up)).toEqual([expect.stringMatching(/\[mandatory\].*environment-groups-have-rules.*EnvironmentGroup: personal-productivity/)]);
    expect(up.output).toContain('does not declare "aiGeneratedDescriptions"');
    expect((await control.apiRequests()).filter((r) => r.method !== "GET")).toEqual([]);
  }, 180_000);
});
