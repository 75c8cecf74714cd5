/**
 * BillingPolicy through its whole life on the real Pulumi engine against the emulator:
 * up → no drift → out-of-band edit → drift reported → up restores → faults survived →
 * bad input refused before any API call → no secret in state or output → destroy.
 */
import * as os from "node:os";
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { EmulatorControl, PulumiProject, startTestEmulator } from "./harness";

interface PolicyObject {
  id: string;
  name: string;
  status: string;
  location: string;
}

describe("BillingPolicy on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;
  let policyId: string;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    // Provisioning takes a while on the real service: make the wait visible here too.
    await control.request("PUT", "settings", { billingPolicyProvisioningMs: 1500 });
    project = PulumiProject.create("examples/billing-policy", emulator.env);
    await project.initStack("e2e", { policyName: "e2e-payg", location: "europe" });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  const getPolicy = (id: string) => control.request<PolicyObject>("GET", `objects/billingPolicies/${id}`);

  test("up creates the policy and waits until it leaves Provisioning", async () => {
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const outputs = await project.outputs();
    policyId = outputs.billingPolicyId as string;
    expect(policyId).toMatch(/^[0-9a-f-]{36}$/);
    expect(outputs.status).toBe("Enabled");
    const policy = await getPolicy(policyId);
    expect(policy).toMatchObject({ name: "e2e-payg", status: "Enabled", location: "europe" });
    const requests = await control.apiRequests();
    // One POST, then GETs of the policy until it leaves Provisioning (one per poll interval).
    expect(requests.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(requests.filter((r) => r.method !== "POST" && r.method !== "GET")).toHaveLength(0);
    expect(requests.filter((r) => r.method === "GET").length).toBeGreaterThanOrEqual(1);
  });

  test("refresh --expect-no-changes passes right after up, with one GET (the tenant's policy list serves the read)", async () => {
    await control.clearRequests();
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    expect((await control.apiRequests()).map((r) => `${r.method} ${r.path}`)).toEqual(["GET /licensing/billingPolicies"]);
  });

  test("an edit made in the portal shows as drift, and up restores the declared state", async () => {
    await control.request("PATCH", `objects/billingPolicies/${policyId}`, { status: "Disabled", name: "renamed-by-hand" });
    const drift = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    expect(drift.output).toMatch(/status/);
    expect(drift.output).toMatch(/Disabled/);
    expect(drift.output).toMatch(/renamed-by-hand/);

    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect(await getPolicy(policyId)).toMatchObject({ name: "e2e-payg", status: "Enabled" });
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("an in-place update costs one GET and one PUT", async () => {
    await project.pulumiOk(["config", "set", "policyName", "e2e-payg-renamed"]);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect((await control.apiRequests()).map((r) => r.method)).toEqual(["GET", "PUT"]);
    expect(await getPolicy(policyId)).toMatchObject({ name: "e2e-payg-renamed" });
    await project.pulumiOk(["config", "set", "policyName", "e2e-payg"]);
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
  });

  test("an update survives injected 429s and 503s", async () => {
    await control.request("POST", "faults", { method: "PUT", path: "/licensing/billingPolicies/", status: 429, times: 2, retryAfter: 1 });
    await control.request("POST", "faults", { method: "GET", path: "/licensing/billingPolicies/", status: 503, times: 2, retryAfter: 1 });
    await control.clearRequests();
    await project.pulumiOk(["config", "set", "status", "Disabled"]);
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(await getPolicy(policyId)).toMatchObject({ status: "Disabled" });
    const requests = await control.apiRequests();
    expect(requests.filter((r) => r.status === 429)).toHaveLength(2);
    expect(requests.filter((r) => r.status === 503)).toHaveLength(2);
    // Exactly one successful write: the retries did not repeat an applied change.
    expect(requests.filter((r) => r.method === "PUT" && r.status === 200)).toHaveLength(1);
    await control.request("DELETE", "faults");
  });

  test("bad input fails at preview, naming the fields, with zero API calls", async () => {
    await project.pulumiOk(["config", "set", "subscriptionId", "not-a-guid"]);
    await project.pulumiOk(["config", "set", "location", "atlantis"]);
    await control.clearRequests();
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain("billingInstrument.subscriptionId must be a GUID");
    expect(preview.output).toContain("location must be one of");
    expect(await control.apiRequests()).toHaveLength(0);
    await project.pulumiOk(["config", "rm", "subscriptionId"]);
    await project.pulumiOk(["config", "set", "location", "europe"]);
  });

  test("neither the state nor the output holds a secret or a token", async () => {
    const exported = await project.stackExport();
    const secret = emulator.admin.clientSecret;
    expect(exported).not.toContain(secret);
    expect(exported).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/); // no JWT
    expect(exported).not.toContain(emulator.caCertPath);
    expect(exported).not.toContain(os.homedir());
    const provider = JSON.parse(exported).deployment.resources.find((r: { type: string }) => r.type.endsWith("BillingPolicy")).inputs
      .__provider as string;
    expect(provider.length).toBeLessThan(4096);

    const run = await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh", "--diff"]);
    expect(run.output).not.toContain(secret);
    expect(run.output).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  });

  test("destroy deletes the policy with one DELETE", async () => {
    await control.clearRequests();
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect((await control.apiRequests()).map((r) => r.method)).toEqual(["DELETE"]);
    await expect(getPolicy(policyId)).rejects.toThrow(/404/);
  });
});
