/**
 * customTimeouts on the real engine (issue 7 and issue 10): a create whose wait outlasts
 * customTimeouts.create fails with a deadline error that names the timeout, and Pulumi keeps
 * the id (no orphan: the next `up` finishes the same object, never a second one); changing a
 * timeout is never a change; a bad timeout is refused before any API call.
 */
import type { RunningEmulator } from "../emulator/server";
import { EmulatorControl, PulumiProject, startTestEmulator } from "./harness";

interface StateResource {
  type: string;
  id?: string;
  outputs?: Record<string, unknown>;
  initErrors?: string[];
}

describe("customTimeouts on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;

  const policyResources = async (): Promise<StateResource[]> => {
    const state = JSON.parse(await project.stackExport()) as { deployment: { resources?: StateResource[] } };
    return (state.deployment.resources ?? []).filter((r) => r.type === "pulumi-nodejs:dynamic/powerplatform:BillingPolicy");
  };
  const policiesNamed = async (name: string): Promise<Array<{ id: string; status: string }>> => {
    const all = await control.request<{ value: Array<{ key: string; value: { id: string; name: string; status: string } }> }>("GET", "objects/billingPolicies");
    return all.value.map((e) => e.value).filter((p) => p.name === name);
  };

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    // The service keeps the policy Provisioning far longer than the declared timeout.
    await control.request("PUT", "settings", { billingPolicyProvisioningMs: 600_000 });
    project = PulumiProject.create("test/e2e/programs/custom-timeouts", emulator.env);
    await project.initStack("e2e", { createTimeout: "3s" });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  test("a create wait longer than customTimeouts.create fails with a deadline error naming the timeout, and keeps the id", async () => {
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code).not.toBe(0);
    expect(up.output).toMatch(/did not finish before the deadline/);
    expect(up.output).toContain("customTimeouts.create (3s)");

    const created = await policiesNamed("timeouts-payg");
    expect(created).toHaveLength(1);
    expect(created[0]!.status).toBe("Provisioning");
    const [resource] = await policyResources();
    expect(resource?.id).toBe(created[0]!.id);
    expect(resource?.outputs?.__timeouts).toEqual({ create: "3s" });
  });

  test("the next up finishes the same policy (no second one) once the service is done", async () => {
    const [{ id }] = await policiesNamed("timeouts-payg");
    await control.request("PATCH", `objects/billingPolicies/${id}`, { status: "Enabled" });
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(await policiesNamed("timeouts-payg")).toEqual([expect.objectContaining({ id, status: "Enabled" })]);
    expect((await project.outputs()).billingPolicyId).toBe(id);
  });

  test("changing a timeout is neither a change nor a replace", async () => {
    await project.pulumiOk(["config", "set", "createTimeout", "1h30m"]);
    await control.clearRequests();
    await project.pulumiOk(["preview", "--expect-no-changes"]);
    expect((await control.apiRequests()).filter((r) => r.method !== "GET")).toEqual([]);
  });

  test("a timeout that is not a duration is refused before any API call", async () => {
    await project.pulumiOk(["config", "set", "createTimeout", "soon"]);
    await control.clearRequests();
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(/soon/);
    expect(await control.apiRequests()).toEqual([]);
    await project.pulumiOk(["config", "set", "createTimeout", "20m"]);
  });
});
