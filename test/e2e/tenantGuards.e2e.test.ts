/**
 * The root program never empties a tenant by accident (issue 8, item 4: an empty tenant
 * file deleted all 10 resources, two Dataverse environments among them, and `up` exited
 * 0), honours protect and retainOnDelete per entry, and refuses two entries for one
 * flow (item 9), on the real engine against the emulator.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import type { RunningEmulator } from "../emulator/server";
import { SEED } from "../emulator/seed";
import { EmulatorControl, PulumiProject, startTestEmulator } from "./harness";

const policy = {
  name: "kept-policy",
  location: "europe",
  billingInstrument: { subscriptionId: "11111111-2222-3333-4444-555555555555", resourceGroup: "rg-powerplatform-billing" },
  retainOnDelete: true,
};
const guarded = { displayName: "Guarded", location: "europe", environmentSku: "Sandbox", protect: true };
const scratch = { displayName: "Scratch", location: "europe", environmentSku: "Sandbox" };
const invoice = { environment: SEED.environments.production, flowId: SEED.flows.invoiceApproval, state: "Started" };

describe("the root program guards the tenant", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;
  const files = fs.mkdtempSync(path.join(os.tmpdir(), "pp-guard-files-"));
  let managed: { billingPolicies: Record<string, { id: string }>; environments: Record<string, { id: string }> };

  async function useTenant(name: string, tenant: object | string): Promise<void> {
    const file = path.join(files, name);
    fs.writeFileSync(file, typeof tenant === "string" ? tenant : stringify(tenant));
    await project.pulumiOk(["config", "set", "tenantFile", file]);
    await control.clearRequests();
  }

  const writes = async () => (await control.apiRequests()).filter((r) => r.method !== "GET");
  const stateNames = async () =>
    ((JSON.parse(await project.stackExport()).deployment.resources ?? []) as Array<{ urn: string; type: string }>)
      .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"))
      .map((r) => r.urn.split("::").pop())
      .sort();
  const exists = (kind: string, id: string) =>
    control.request("GET", `objects/${kind}/${id}`).then(
      () => true,
      () => false,
    );

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    project = PulumiProject.createRootProgram(emulator.env);
    await project.initStack("guard");
    await useTenant("full.yaml", { billingPolicies: { "kept-policy": policy }, environments: { guarded, scratch }, flows: { invoice } });
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    ({ managed } = (await project.outputs()) as { managed: typeof managed });
  }, 240_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  test("an empty tenant file is refused by preview and up, naming what would go and how to allow it; nothing is deleted", async () => {
    await useTenant("empty.yaml", "# emptied by a bad merge\n");
    for (const command of [["preview"], ["up", "--yes"], ["up", "--yes", "--skip-preview"]]) {
      const result = await project.pulumi(command);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain("refusing to delete 4 of the 4 objects this stack manages (");
      expect(result.output).toContain("empty.yaml declares nothing)");
      expect(result.output).toContain("pulumi config set powerplatform-tenant:allowDeletions 4");
    }
    expect(await writes()).toEqual([]);
    expect(await stateNames()).toEqual(["guarded", "invoice", "kept-policy", "scratch"]);
  }, 300_000);

  test("deleting more than maxDeletionShare is refused until allowDeletions says how many", async () => {
    await useTenant("shrunk.yaml", { billingPolicies: { "kept-policy": policy }, environments: { guarded } });
    const refused = await project.pulumi(["up", "--yes"]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain("refusing to delete 2 of the 4 objects this stack manages (that is 50% of them, more than maxDeletionShare (0.25))");
    expect(refused.output).toMatch(/Environment\/scratch, FlowState\/invoice|FlowState\/invoice, Environment\/scratch/);
    expect(await writes()).toEqual([]);

    await project.pulumiOk(["config", "set", "allowDeletions", "2"]);
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    await project.pulumiOk(["config", "rm", "allowDeletions"]);
    expect(await exists("environments", managed.environments.scratch.id)).toBe(false);
    expect(await stateNames()).toEqual(["guarded", "kept-policy"]);
  }, 300_000);

  test("retainOnDelete: a billing policy leaving the file is forgotten, not deleted", async () => {
    await useTenant("no-policy.yaml", { environments: { guarded } });
    expect((await project.pulumi(["up", "--yes"])).code).not.toBe(0); // 1 of 2: more than the share
    await project.pulumiOk(["config", "set", "allowDeletions", "1"]);
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    await project.pulumiOk(["config", "rm", "allowDeletions"]);
    expect((await writes()).filter((r) => /billingPolicies/i.test(r.path))).toEqual([]);
    expect(await exists("billingPolicies", managed.billingPolicies["kept-policy"].id)).toBe(true);
    expect(await stateNames()).toEqual(["guarded"]);
  }, 300_000);

  test("protect: even with allowMassDeletion, a protected environment is not deleted", async () => {
    await useTenant("empty-again.yaml", "");
    await project.pulumiOk(["config", "set", "allowMassDeletion", "true"]);
    const result = await project.pulumi(["up", "--yes", "--skip-preview"]);
    await project.pulumiOk(["config", "rm", "allowMassDeletion"]);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/protected/);
    expect(await writes()).toEqual([]);
    expect(await exists("environments", managed.environments.guarded.id)).toBe(true);
    expect(await stateNames()).toEqual(["guarded"]);
  }, 300_000);

  test("two tenant-file entries for one flow are refused before any API call (they fought over co-owners)", async () => {
    const owners = (principalId: string) => [{ principalId, principalType: "Group" }];
    await useTenant("twice.yaml", {
      environments: { guarded },
      flows: {
        report: { environment: SEED.environments.production, flowId: SEED.flows.dailyReport, owners: owners(SEED.group.objectId) },
        "report-again": { environment: SEED.environments.production, flowId: SEED.flows.dailyReport.toUpperCase(), owners: owners(SEED.makerUser.objectId) },
      },
    });
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(
      new RegExp(`twice\\.yaml:\\d+:\\d+ at /flows/report-again/flowId: flow ${SEED.flows.dailyReport.toUpperCase()} is already managed by /flows/report: declare each object once`),
    );
    expect(await control.apiRequests()).toEqual([]);
  }, 240_000);
});
