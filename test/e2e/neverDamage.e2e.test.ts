/**
 * Issue 8 on the real engine: programs that damaged a tenant are now refused before
 * anything reaches it (test/e2e/programs/never-damage, one `case` per damage).
 * - item 6: arguments silently dropped (`protect` as an argument, `securityGroupID`,
 *   `roleName`) are refused by check, naming the argument meant;
 * - item 9: two resources of one program managing one flow are refused, naming both;
 * - item 7: the policy pack recognises the provider's implementation under another type
 *   token, and a Flow adopting a critical flow to stop it;
 * - item 10: a mandatory rule on a value unknown at preview fails the preview, so `up`
 *   creates nothing (no helper environment left behind).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { SEED } from "../emulator/seed";
import { EmulatorControl, PulumiProject, repoRoot, startTestEmulator, type CommandResult } from "./harness";

const policyPack = path.join(repoRoot, "policies");

describe("programs that damaged a tenant are refused before they reach it", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    project = PulumiProject.create("test/e2e/programs/never-damage", emulator.env);
    // A production stack: the pack's production rules apply.
    await project.initStack("prod");
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  async function useCase(name: string): Promise<void> {
    await project.pulumiOk(["config", "set", "case", name]);
    await control.clearRequests();
  }

  const writes = async () => (await control.apiRequests()).filter((r) => r.method !== "GET");
  const managedTypes = async () =>
    ((JSON.parse(await project.stackExport()).deployment.resources ?? []) as Array<{ type: string }>).map((r) => r.type).filter((t) => t.startsWith("pulumi-nodejs:dynamic"));

  /** preview and up both fail with `expected` in their output, and nothing is written to the tenant or the state. */
  async function refusedBeforeTheTenant(expected: Array<string | RegExp>, extra: string[] = []): Promise<CommandResult> {
    const preview = await project.pulumi(["preview", ...extra]);
    expect(preview.code).not.toBe(0);
    for (const e of expected) expect(preview.output).toMatch(e);
    const up = await project.pulumi(["up", "--yes", ...extra]);
    expect(up.code).not.toBe(0);
    for (const e of expected) expect(up.output).toMatch(e);
    expect(await writes()).toEqual([]);
    expect(await managedTypes()).toEqual([]);
    return up;
  }

  describe("item 6: no argument is silently dropped", () => {
    test("protect passed as an argument is named a resource option (it protected nothing, and destroy deleted the environment)", async () => {
      await useCase("protect-as-argument");
      await refusedBeforeTheTenant(["Environment: protect is a resource option, not an argument: pass it in the resource options ({ protect: ... })"]);
    }, 240_000);

    test("securityGroupID: did you mean securityGroupId? (the environment was created without its security group)", async () => {
      await useCase("security-group-typo");
      await refusedBeforeTheTenant(["Environment: unknown argument securityGroupID (did you mean securityGroupId?)"]);
    }, 240_000);

    test("roleName: CanView: did you mean role? (it granted CanEdit)", async () => {
      await useCase("role-name");
      await refusedBeforeTheTenant(["FlowOwners: unknown argument owners[0].roleName (did you mean owners[0].role?)"]);
    }, 240_000);
  });

  test("item 9: two FlowOwners of one flow in one program are refused, naming both (co-owners flipped on every run)", async () => {
    await useCase("two-owners");
    await refusedBeforeTheTenant([
      `FlowOwners "report-owners-too" and FlowOwners "report-owners" both manage the co-owners of flow ${SEED.flows.dailyReport}`,
    ]);
  }, 240_000);

  describe("item 7: the policy pack cannot be sidestepped", () => {
    test("the Environment implementation under another type token meets the Environment rules (a Trial environment in prod passed)", async () => {
      await useCase("disguised-trial");
      // Without the pack, this program is a valid Trial environment: the pack is what refuses it.
      const plain = await project.pulumi(["preview"]);
      expect(plain.code).toBe(0);
      await refusedBeforeTheTenant(
        [
          /\[mandatory\].*no-trial-or-developer-environments-in-production/,
          'violates no-trial-or-developer-environments-in-production: environmentSku "Trial" is not allowed in a production stack',
          "runs the implementation of Environment under another type token",
        ],
        ["--policy-pack", policyPack],
      );
    }, 300_000);

    test("a Flow adopting a critical flow with state Stopped is refused by critical-flows-started (it stopped the flow)", async () => {
      await useCase("adopt-critical-flow");
      const config = path.join(project.dir, "critical.json");
      fs.writeFileSync(config, JSON.stringify({ "critical-flows-started": { criticalFlowIds: [SEED.flows.dailyReport] } }));
      const before = await control.request<{ properties: { state: string } }>("GET", `objects/flows/${SEED.flows.dailyReport}`);
      await refusedBeforeTheTenant(
        [`Flow "report-copy" violates critical-flows-started: the flow is critical (flow ${SEED.flows.dailyReport} is in criticalFlowIds) but its state is "Stopped"`],
        ["--policy-pack", policyPack, "--policy-pack-config", config],
      );
      const after = await control.request<{ properties: { state: string } }>("GET", `objects/flows/${SEED.flows.dailyReport}`);
      expect(after.properties.state).toBe(before.properties.state);
    }, 300_000);
  });

  describe("item 10: a rule on a value unknown at preview", () => {
    test("fails the preview by default, so up creates nothing: no helper environment is left behind", async () => {
      await useCase("helper-environment");
      await refusedBeforeTheTenant(
        ['Environment "from-helper" cannot be checked by no-trial-or-developer-environments-in-production during preview: environmentSku is not known until another resource is created'],
        ["--policy-pack", policyPack],
      );
      expect((await control.apiRequests()).filter((r) => r.method === "POST")).toEqual([]);
    }, 300_000);

    test("unknownAtPreview: enforceAtApply leaves the rule to the update, as the engine says", async () => {
      await useCase("helper-environment");
      const config = path.join(project.dir, "enforce-at-apply.json");
      const enforceAtApply = { unknownAtPreview: "enforceAtApply" };
      fs.writeFileSync(
        config,
        JSON.stringify({ "no-trial-or-developer-environments-in-production": enforceAtApply, "production-environments-protected": enforceAtApply }),
      );
      const preview = await project.pulumi(["preview", "--policy-pack", policyPack, "--policy-pack-config", config]);
      expect(preview.code).toBe(0);
      expect(preview.output).toMatch(/can't run policy .*during preview/i);
      expect(await writes()).toEqual([]);
    }, 240_000);
  });
});
