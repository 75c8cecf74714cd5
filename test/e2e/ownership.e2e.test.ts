/**
 * Never damage a tenant (issue 8), on the real engine against the emulator:
 * - a create whose answer is lost adopts only the object provably its own, never another
 *   principal's object of the same name, and `destroy` leaves the other one alone;
 * - a create slower than the (configurable) client timeout is not repeated: one object;
 * - a transient 404 during refresh neither drops the resource nor makes a second one;
 * - an object whose operation ended Failed says what state it is in and what to do, and
 *   the way out it names works;
 * - a 401 (revoked token) is answered with one fresh token, not the cached one;
 * - what a stack adopted implicitly (an existing billing-policy link, the co-owners a
 *   flow had) is left or restored on destroy.
 *
 * Service facts these rest on: billing policies carry `createdBy.id` and `createdOn`
 * (recorded: microsoft/terraform-provider-power-platform
 * internal/services/licensing/tests/resource/*; /work/shared/fixtures/recorded/billing-policies/
 * create-provisioning/post_billing_policy.json), environments `properties.createdBy.id` and
 * `properties.createdTime` (fixtures/recorded/environments/create/get_environment_*.json),
 * flows `properties.creator.objectId` and `properties.createdTime`
 * (https://learn.microsoft.com/en-us/power-automate/web-api — the admin flow GET).
 */
import { EmulatorControl, PulumiProject, startTestEmulator } from "./harness";
import type { RunningEmulator } from "../emulator/server";
import { SEED } from "../emulator/seed";

interface Policy {
  id: string;
  name: string;
  status: string;
  createdBy: { id: string };
}

const fastLookups = {
  POWERPLATFORM_UNKNOWN_OUTCOME_LOOKUP_SECONDS: "6",
  POWERPLATFORM_NOT_FOUND_CONFIRM_SECONDS: "1",
};

// Several runs of the real engine per test, some waiting out a lookup or a provisioning.
jest.setTimeout(180_000);

describe("ownership and faults on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    await control.request("PUT", "settings", { billingPolicyProvisioningMs: 300, environmentOperationMs: 300 });
    project = PulumiProject.create("test/e2e/programs/guarantees", { ...emulator.env, ...fastLookups });
    await project.initStack("e2e");
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  const policiesNamed = async (name: string): Promise<Policy[]> =>
    (await control.request<{ value: Array<{ value: Policy }> }>("GET", "objects/billingPolicies")).value.map((v) => v.value).filter((p) => p.name === name);
  const stateIds = async (): Promise<Record<string, string>> => ((await project.outputs()).ids ?? {}) as Record<string, string>;
  /** The ids the checkpoint holds, by resource kind (refresh changes these, not the stack outputs). */
  const checkpointIds = async (): Promise<Record<string, string>> => {
    const resources = JSON.parse(await project.stackExport()).deployment.resources as Array<{ type: string; id?: string }>;
    return Object.fromEntries(resources.filter((r) => r.type.includes("dynamic/powerplatform:") && r.id).map((r) => [r.type.split(":").pop()!, r.id!]));
  };

  describe("a create whose answer is lost", () => {
    let foreignId: string;

    beforeAll(async () => {
      // Another team's policy: same name, location and billing instrument, another creator.
      const made = await control.request<{ id: string }>("POST", "objects/billingPolicies", {
        name: "shared-name",
        location: "europe",
        billingInstrument: { subscriptionId: "11111111-2222-3333-4444-555555555555", resourceGroup: "rg-guarantees" },
      });
      foreignId = made.id;
      await control.request("PATCH", `objects/billingPolicies/${foreignId}`, { createdBy: { id: SEED.otherUser.objectId, type: "User" } });
      await project.pulumiOk(["config", "set", "policyName", "shared-name"]);
    });

    test("never adopts another principal's object: the up fails, naming it and adoptId", async () => {
      // The connection breaks after the POST is sent; the service never acts on it.
      await control.request("POST", "faults", { method: "POST", path: "^/licensing/billingPolicies$", drop: true });
      const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
      expect(up.code).not.toBe(0);
      expect(up.output).toContain(foreignId);
      expect(up.output).toContain(SEED.otherUser.objectId);
      expect(up.output).toContain("adoptId");
      expect(up.output).toMatch(/POST \/licensing\/billingPolicies/);
      expect(await stateIds()).toEqual({});
      expect((await policiesNamed("shared-name")).map((p) => p.id)).toEqual([foreignId]);
    });

    test("adopts the object it made itself when the answer is lost after the service acted", async () => {
      await control.request("POST", "faults", { method: "POST", path: "^/licensing/billingPolicies$", dropResponse: true });
      await control.clearRequests();
      await project.pulumiOk(["up", "--yes", "--skip-preview"]);
      const ours = (await stateIds()).policy;
      const named = await policiesNamed("shared-name");
      expect(named).toHaveLength(2);
      expect(ours).not.toBe(foreignId);
      expect(named.find((p) => p.id === ours)?.createdBy.id).toBe(SEED.admin.objectId);
      // The POST was sent once: an unknown outcome is looked up, never repeated.
      expect((await control.apiRequests()).filter((r) => r.method === "POST")).toHaveLength(1);
    });

    test("destroy deletes only the object this stack made", async () => {
      const ours = (await stateIds()).policy;
      await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
      expect((await policiesNamed("shared-name")).map((p) => p.id)).toEqual([foreignId]);
      expect((await policiesNamed("shared-name")).map((p) => p.id)).not.toContain(ours);
      await project.pulumiOk(["config", "rm", "policyName"]);
    });
  });

  test("a create slower than the configured client timeout is not repeated: one object", async () => {
    await project.pulumiOk(["config", "set", "policyName", "slow-create"]);
    // The service takes 4 s to answer; the client gives up after 2 s, while the create goes on.
    await control.request("POST", "faults", { method: "POST", path: "^/licensing/billingPolicies$", delayMs: 4000 });
    await control.clearRequests();
    const up = await project.pulumi(["up", "--yes", "--skip-preview"], { env: { POWERPLATFORM_REQUEST_TIMEOUT_SECONDS: "2" } });
    expect(up.code).toBe(0);
    const named = await policiesNamed("slow-create");
    expect(named).toHaveLength(1);
    expect((await stateIds()).policy).toBe(named[0].id);
    const requests = await control.apiRequests();
    expect(requests.filter((r) => r.method === "POST")).toHaveLength(1);
    // The list is read once before the POST (the duplicate guard) and again after the client gave up on it
    // (2 s): the policy is looked up, not sent again.
    expect(requests.filter((r) => r.method === "GET" && /\/licensing\/billingPolicies$/.test(r.path)).length).toBeGreaterThanOrEqual(2);
  });

  // A refresh reads a listed policy from the tenant's list, never by its GET (README, "Reads served
  // from lists"): these two cases, about the GET's 404, run with the read cache off (every read a GET).
  const withReadCacheOff = async (run: () => Promise<void>): Promise<void> => {
    project.env.POWERPLATFORM_READ_CACHE_SECONDS = "0";
    try {
      await run();
    } finally {
      delete project.env.POWERPLATFORM_READ_CACHE_SECONDS;
    }
  };

  test("a transient 404 during up --refresh neither drops the policy nor creates a second one", () =>
    withReadCacheOff(async () => {
      const id = (await stateIds()).policy;
      await control.request("POST", "faults", { method: "GET", path: `^/licensing/billingPolicies/${id}$`, status: 404, times: 1 });
      await control.clearRequests();
      const up = await project.pulumi(["up", "--yes", "--skip-preview", "--refresh"]);
      expect(up.code).toBe(0);
      expect((await checkpointIds()).BillingPolicy).toBe(id);
      expect(await policiesNamed("slow-create")).toHaveLength(1);
      expect((await control.apiRequests()).filter((r) => r.method === "POST")).toHaveLength(0);
      expect((await control.apiRequests()).filter((r) => r.status === 404)).toHaveLength(1);
    }));

  test("404 twice but still listed: refresh fails and keeps the policy; the next run is clean", () =>
    withReadCacheOff(async () => {
      const id = (await stateIds()).policy;
      await control.request("POST", "faults", { method: "GET", path: `^/licensing/billingPolicies/${id}$`, status: 404, times: 2 });
      const refresh = await project.pulumi(["refresh", "--yes", "--skip-preview"]);
      expect(refresh.code).not.toBe(0);
      expect(refresh.output).toContain("still listed");
      expect((await checkpointIds()).BillingPolicy).toBe(id);
      await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
      expect(await policiesNamed("slow-create")).toHaveLength(1);
    }));

  test("with reads served from the list, a policy whose GET answers 404 but which the list has stays, read from the list", async () => {
    const id = (await stateIds()).policy;
    await control.request("POST", "faults", { method: "GET", path: `^/licensing/billingPolicies/${id}$`, status: 404, times: 2 });
    await control.clearRequests();
    await project.pulumiOk(["refresh", "--yes", "--skip-preview"]);
    expect((await checkpointIds()).BillingPolicy).toBe(id);
    expect((await control.apiRequests()).filter((r) => r.method === "GET").map((r) => r.path)).toEqual(["/licensing/billingPolicies"]);
    await control.request("DELETE", "faults");
  });

  test("a policy really deleted by hand leaves the state after the confirmation", async () => {
    const id = (await stateIds()).policy;
    await control.request("DELETE", `objects/billingPolicies/${id}`);
    await project.pulumiOk(["refresh", "--yes", "--skip-preview"]);
    expect((await checkpointIds()).BillingPolicy).toBeUndefined();
    await project.pulumiOk(["config", "rm", "policyName"]);
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
  });

  test("a 401 with a revoked token is answered with one fresh token, not the cached one", async () => {
    await project.pulumiOk(["config", "set", "policyName", "after-revocation"]);
    // The POST is held 3 s; meanwhile every token issued so far is revoked.
    await control.request("POST", "faults", { method: "POST", path: "^/licensing/billingPolicies$", delayMs: 3000 });
    await control.clearRequests();
    const run = project.pulumi(["up", "--yes", "--skip-preview"]);
    for (let i = 0; i < 100 && !(await control.apiRequests()).some((r) => r.method === "GET"); i++) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 500));
    await control.request("POST", "revoke-tokens");
    const up = await run;
    expect(up.code).toBe(0);
    const posts = (await control.apiRequests()).filter((r) => r.method === "POST");
    expect(posts.map((r) => r.status)).toEqual([401, 201]);
    expect(await policiesNamed("after-revocation")).toHaveLength(1);
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    await project.pulumiOk(["config", "rm", "policyName"]);
  });

  test("pulumi up --replace of a healthy policy meets the duplicate guard, which names the way; with it, one new policy", async () => {
    await project.pulumiOk(["config", "set", "policyName", "to-replace"]);
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const before = (await policiesNamed("to-replace")).map((p) => p.id);
    const urn = "urn:pulumi:e2e::guarantees::pulumi-nodejs:dynamic/powerplatform:BillingPolicy::policy";
    // The engine gives the provider no sign of the object a targeted replace replaces: refused, not duplicated.
    const refused = await project.pulumi(["up", "--yes", "--skip-preview", "--replace", urn]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain("POWERPLATFORM_DUPLICATE_GUARD_MINUTES=0");
    expect((await policiesNamed("to-replace")).map((p) => p.id)).toEqual(before);
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--replace", urn], { env: { POWERPLATFORM_DUPLICATE_GUARD_MINUTES: "0" } });
    const after = (await policiesNamed("to-replace")).map((p) => p.id);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    await project.pulumiOk(["config", "rm", "policyName"]);
  });

  test("a billing policy that ended ProvisioningFailed says so and how out; up --refresh replaces it", async () => {
    await control.request("PUT", "settings", { billingPolicyOutcome: "ProvisioningFailed" });
    await project.pulumiOk(["config", "set", "policyName", "will-fail"]);
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code).not.toBe(0);
    expect(up.output).toContain("ProvisioningFailed");
    expect(up.output).toContain("pulumi up --refresh");
    const failedId = (await policiesNamed("will-fail"))[0].id;
    // The next up does not fail forever: it replaces the failed policy.
    await control.request("PUT", "settings", { billingPolicyOutcome: "Enabled" });
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    const named = await policiesNamed("will-fail");
    expect(named).toHaveLength(1);
    expect(named[0].id).not.toBe(failedId);
    expect(named[0].status).toBe("Enabled");
    expect((await stateIds()).policy).toBe(named[0].id);
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    await project.pulumiOk(["config", "rm", "policyName"]);
  });

  test("an environment whose create ended Failed says so and how out; the next up replaces it", async () => {
    await control.request("PUT", "settings", { environmentOperationOutcome: "Failed" });
    await project.pulumiOk(["config", "set", "environmentName", "will-fail-env"]);
    await project.pulumiOk(["config", "set", "environmentDataverse", "true"]);
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code).not.toBe(0);
    expect(up.output).toContain("provisioningState Failed");
    expect(up.output).toContain("pulumi up --replace");
    type Env = { name: string; properties: { displayName: string; provisioningState: string } };
    const named = async () =>
      (await control.request<{ value: Array<{ value: Env }> }>("GET", "objects/environments")).value.map((v) => v.value).filter((e) => e.properties.displayName === "will-fail-env");
    const failed = await named();
    expect(failed.map((e) => e.properties.provisioningState)).toEqual(["Failed"]);
    await control.request("PUT", "settings", { environmentOperationOutcome: "Succeeded" });
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const now = (await stateIds()).environment;
    expect(now).not.toBe(failed[0].name);
    // The failed environment was replaced: one left, Succeeded.
    expect((await named()).map((e) => [e.name, e.properties.provisioningState])).toEqual([[now, "Succeeded"]]);
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    await project.pulumiOk(["config", "rm", "environmentName"]);
    await project.pulumiOk(["config", "rm", "environmentDataverse"]);
  });

  test("destroy leaves a billing-policy link the stack found, and restores the co-owners a flow had", async () => {
    const E = SEED.environments;
    const F = SEED.flows;
    await project.pulumiOk(["config", "set", "linkPolicyId", SEED.billingPolicies.us]);
    await project.pulumiOk(["config", "set", "linkEnvironmentId", E.production]);
    await project.pulumiOk(["config", "set", "flowEnvironmentId", E.production]);
    await project.pulumiOk(["config", "set", "ownersFlowId", F.invoiceApproval]);
    // Before: the group is a viewer. Declared: the group an editor, another user a viewer.
    await project.pulumiOk([
      "config",
      "set",
      "owners",
      JSON.stringify([
        { principalId: SEED.group.objectId, principalType: "Group", role: "CanEdit" },
        { principalId: SEED.otherUser.objectId, principalType: "User", role: "CanView" },
      ]),
    ]);
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    type Permission = { properties: { roleName: string; principal: { id: string } } };
    const roles = async () =>
      Object.fromEntries(
        (await control.request<Permission[]>("GET", `objects/flowPermissions/${F.invoiceApproval}`)).map((p) => [p.properties.principal.id, p.properties.roleName]),
      );
    expect(await roles()).toMatchObject({ [SEED.group.objectId]: "CanEdit", [SEED.otherUser.objectId]: "CanView" });
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect(await control.request("GET", `objects/billingPolicyLinks/${E.production}`)).toMatchObject({ billingPolicyId: SEED.billingPolicies.us });
    const after = await roles();
    expect(after[SEED.group.objectId]).toBe("CanView");
    expect(after[SEED.otherUser.objectId]).toBeUndefined();
  });
});
