/**
 * BillingPolicyEnvironment on the real Pulumi engine against the emulator: up links
 * the seed's EU sandbox to the EU policy → no drift → the link removed by hand shows
 * as drift → up --refresh recreates it → the documented rules fail with clear errors
 * before the add call → bad input refused before any API call → destroy removes only
 * the link (policy and environment stay).
 */
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { SEED } from "../emulator/seed";
import { EmulatorControl, PulumiProject, startTestEmulator } from "./harness";

describe("BillingPolicyEnvironment on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;
  const policyId = SEED.billingPolicies.europe;
  const environmentId = SEED.environments.sandbox;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    project = PulumiProject.create("examples/billing-policy-environment", emulator.env);
    await project.initStack("e2e", { billingPolicyId: policyId, environmentId });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  const linkOf = (envId: string) => control.request<{ billingPolicyId: string; environmentId: string }>("GET", `objects/billingPolicyLinks/${envId}`);
  const calls = async () => (await control.apiRequests()).map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, "{id}")} ${r.status}`);
  const POLICY = "/licensing/billingPolicies/{id}";
  const ENV = "/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/{id}";

  test("up links the environment after checking the rules", async () => {
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(await linkOf(environmentId)).toEqual({ billingPolicyId: policyId, environmentId });
    expect((await project.outputs()).linkId).toBe(`${policyId}/${environmentId}`);
    expect((await calls()).sort()).toEqual([`GET ${ENV} 200`, `GET ${POLICY} 200`, `POST ${POLICY}/environments/add 200`].sort());
  });

  test("refresh --expect-no-changes passes right after up, with one call", async () => {
    await control.clearRequests();
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    expect(await calls()).toEqual([`GET ${POLICY}/environments 200`]);
  });

  test("a link removed by hand shows as drift, and up --refresh recreates it", async () => {
    await control.request("DELETE", `objects/billingPolicyLinks/${environmentId}`);
    const drift = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    expect(drift.output).toMatch(/sandbox-billing/);
    expect(drift.output).toMatch(/delete/i);

    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect(await linkOf(environmentId)).toEqual({ billingPolicyId: policyId, environmentId });
    expect(await calls()).toEqual(
      expect.arrayContaining([`GET ${POLICY}/environments 200`, `GET ${ENV} 200`, `GET ${POLICY} 200`, `POST ${POLICY}/environments/add 200`]),
    );
    // The refresh believes the missing link only after a second look and the environment's own view
    // (GET …/environments/{id}/billingPolicy 404): 2 more calls than the link's list, the checks and the add.
    expect(await calls()).toContain(`GET /licensing/environments/{id}/billingPolicy 404`);
    expect((await calls()).filter((c) => c === `GET ${POLICY}/environments 200`)).toHaveLength(2);
    expect(await calls()).toHaveLength(6);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test.each([
    ["an environment billed by another policy", SEED.environments.production, /already linked to billing policy "payg-us"/],
    ["a Trial environment", SEED.environments.trial, /of type Trial; only Production and Sandbox/],
  ])("%s fails with a clear error and no add call", async (_name, otherEnv, message) => {
    const other = PulumiProject.create("examples/billing-policy-environment", emulator.env);
    try {
      await other.initStack("e2e-rule", { billingPolicyId: policyId, environmentId: otherEnv });
      await control.clearRequests();
      const up = await other.pulumi(["up", "--yes", "--skip-preview"]);
      expect(up.code).not.toBe(0);
      expect(up.output).toMatch(message);
      expect((await calls()).filter((c) => c.includes("/environments/add"))).toEqual([]);
    } finally {
      other.cleanup();
    }
  });

  test("an environment outside the policy's geography fails naming both", async () => {
    const other = PulumiProject.create("examples/billing-policy-environment", emulator.env);
    try {
      const created = await control.request<{ id: string }>("POST", "objects/environments", { displayName: "EU Production", environmentSku: "Production", location: "europe" });
      await other.initStack("e2e-geo", { billingPolicyId: SEED.billingPolicies.us, environmentId: created.id });
      const up = await other.pulumi(["up", "--yes", "--skip-preview"]);
      expect(up.code).not.toBe(0);
      expect(up.output).toMatch(/is in europe but billing policy "payg-us" is in unitedstates/);
    } finally {
      other.cleanup();
    }
  });

  test("bad input fails at preview, naming the field, with zero API calls", async () => {
    await project.pulumiOk(["config", "set", "billingPolicyId", "payg-europe"]);
    await control.clearRequests();
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain("billingPolicyId must be a GUID");
    expect(await control.apiRequests()).toHaveLength(0);
    await project.pulumiOk(["config", "set", "billingPolicyId", policyId]);
  });

  test("destroy removes the link only: the policy and the environment stay", async () => {
    await control.clearRequests();
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    await expect(linkOf(environmentId)).rejects.toThrow(/404/);
    expect(await control.request("GET", `objects/billingPolicies/${policyId}`)).toMatchObject({ id: policyId });
    expect(await control.request("GET", `objects/environments/${environmentId}`)).toMatchObject({ name: environmentId });
    expect(await calls()).toEqual([`POST ${POLICY}/environments/remove 200`]);
  });
});
