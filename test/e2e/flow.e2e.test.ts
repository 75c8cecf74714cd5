/**
 * Flow through its whole life on the real Pulumi engine against the emulator:
 * up creates it → no drift → a definition edited by hand and a flow stopped by hand
 * show as drift → `up --refresh` converges with one PATCH / one start → destroy deletes it.
 */
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { SEED } from "../emulator/seed";
import { EmulatorControl, PulumiProject, startTestEmulator } from "./harness";

interface FlowObject {
  name: string;
  properties: { displayName: string; state: string };
  _definition: { actions: { Compose: { inputs: string } } };
}

const ENV = SEED.environments.production;
const flowApi = (r: { surface: string; path: string }) => r.surface === "flow";

describe("Flow on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;
  let flowId: string;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    project = PulumiProject.create("examples/flow", emulator.env);
    await project.initStack("e2e", { environmentId: ENV, displayName: "Greeting from git", state: "Started", greeting: "Good morning" });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  const getFlow = (id: string) => control.request<FlowObject>("GET", `objects/flows/${id}`);

  test("up creates the flow with one POST and turns it on", async () => {
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const outputs = await project.outputs();
    flowId = outputs.flowId as string;
    expect(flowId).toMatch(/^[0-9a-f-]{36}$/);
    expect(outputs.state).toBe("Started");
    expect(outputs.creatorId).toBe(SEED.admin.objectId);
    const flow = await getFlow(flowId);
    expect(flow.properties).toMatchObject({ displayName: "Greeting from git", state: "Started" });
    expect(flow._definition.actions.Compose.inputs).toBe("Good morning");
    const requests = (await control.apiRequests()).filter(flowApi);
    // One list first (no flow of this name that an interrupted run of ours left behind: test/e2e/interruptedRun.e2e.test.ts),
    // then the POST; create posts Started in its body: no start call needed.
    expect(requests.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 200", "POST 201"]);
  });

  // The admin view has no definition; the maker GET carries it to the flow's owner (issue 7, fact 6):
  // a read is the environment's admin flow list (shared by every flow there) and the maker GET.
  test("refresh right after up shows no change, with the admin list and the maker GET", async () => {
    await control.clearRequests();
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    const requests = (await control.apiRequests()).filter(flowApi);
    expect(requests.map((r) => `${r.method} ${/\/scopes\/admin\/.*\/v2\/flows$/.test(r.path) ? "admin list" : /\/scopes\/admin\//.test(r.path) ? "admin" : "maker"}`)).toEqual([
      "GET admin list",
      "GET maker",
    ]);
  });

  test("a definition changed by hand shows as drift, and up --refresh PATCHes it back once", async () => {
    await control.request("PATCH", `objects/flows/${flowId}`, { _definition: { actions: { Compose: { inputs: "Changed by hand" } } } });
    const drift = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    expect(drift.output).toMatch(/~ definition/);
    expect(drift.output).toMatch(/~ inputs\s*: "Good morning" => "Changed by hand"/);
    expect(drift.output).not.toMatch(/[-+~]\s*displayName/);
    expect(drift.output).not.toMatch(/[-+~]\s*state/);

    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect((await getFlow(flowId))._definition.actions.Compose.inputs).toBe("Good morning");
    const requests = (await control.apiRequests()).filter(flowApi);
    // refresh GETs (admin list + maker), then one PATCH (its answer is the flow: no further read, no start/stop).
    expect(requests.map((r) => r.method)).toEqual(["GET", "GET", "PATCH"]);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("a flow stopped by hand shows as drift, and up --refresh starts it with one call", async () => {
    await control.request("PATCH", `objects/flows/${flowId}`, { properties: { state: "Stopped" } });
    const drift = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    expect(drift.output).toMatch(/state/);
    expect(drift.output).toMatch(/Stopped/);
    expect(drift.output).not.toContain("definition:");

    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect((await getFlow(flowId)).properties.state).toBe("Started");
    const requests = (await control.apiRequests()).filter(flowApi);
    // refresh (admin list + maker GET), update GET (no content changed), POST start, GET (start answers without a body).
    expect(requests.map((r) => (/\/v2\/flows$/.test(r.path) ? "GET list" : `${r.method} ${r.path.replace(/^.*\/flows\/[^/]+/, "")}`))).toEqual([
      "GET list",
      "GET ",
      "GET ",
      "POST /start",
      "GET ",
    ]);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("a definition change in git is one PATCH", async () => {
    await project.pulumiOk(["config", "set", "greeting", "Good evening"]);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect((await getFlow(flowId))._definition.actions.Compose.inputs).toBe("Good evening");
    expect((await control.apiRequests()).filter(flowApi).map((r) => r.method)).toEqual(["PATCH"]);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("the service returning the definition with its keys in another order is no drift", async () => {
    const reverse = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverse)
        : v && typeof v === "object"
          ? Object.fromEntries(Object.keys(v).reverse().map((k) => [k, reverse((v as Record<string, unknown>)[k])]))
          : v;
    const stored = await control.request<Record<string, unknown>>("GET", `objects/flows/${flowId}`);
    const reordered = { ...stored, _definition: reverse(stored._definition) };
    expect(Object.keys(reordered._definition as object)).not.toEqual(Object.keys(stored._definition as object));
    await control.request("PUT", `objects/flows/${flowId}`, reordered);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    await project.pulumiOk(["refresh", "--yes", "--skip-preview"]);
    // The program declares the definition in yet another order ($schema, contentVersion, triggers, actions).
    await control.clearRequests();
    await project.pulumiOk(["preview", "--expect-no-changes"]);
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect((await control.apiRequests()).filter(flowApi)).toHaveLength(0);
  });

  test("bad input fails at preview, naming the fields, with zero API calls", async () => {
    await project.pulumiOk(["config", "set", "environmentId", "production"]);
    await project.pulumiOk(["config", "set", "state", "Paused"]);
    await control.clearRequests();
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain("environmentId must be an environment name");
    expect(preview.output).toContain("state must be one of Started, Stopped");
    expect(await control.apiRequests()).toHaveLength(0);
    await project.pulumiOk(["config", "set", "environmentId", ENV]);
    await project.pulumiOk(["config", "set", "state", "Started"]);
  });

  test("destroy deletes the flow", async () => {
    await control.clearRequests();
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    await expect(getFlow(flowId)).rejects.toThrow(/404/);
    expect((await control.apiRequests()).filter(flowApi).map((r) => r.method)).toEqual(["DELETE"]);
  });

  test("a flow deleted by hand is tolerated by destroy (404)", async () => {
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const id = (await project.outputs()).flowId as string;
    await control.request("DELETE", `objects/flows/${id}`);
    await control.clearRequests();
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect((await control.apiRequests()).filter(flowApi).map((r) => `${r.method} ${r.status}`)).toEqual(["DELETE 404"]);
  });

  test("adoptId takes over an existing flow after verifying it is in the environment", async () => {
    await project.initStack("adopt", { displayName: "Greeting from git", state: "Started", greeting: "Good evening" });
    await project.pulumiOk(["config", "set", "environmentId", SEED.environments.sandbox]);
    await project.pulumiOk(["config", "set", "adoptId", SEED.flows.invoiceApproval]);
    // The seeded flow lives in Production, not in Sandbox: refused, nothing written.
    await control.clearRequests();
    const refused = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(`adoptId ${SEED.flows.invoiceApproval} names no flow in environment ${SEED.environments.sandbox}`);
    expect((await control.apiRequests()).filter(flowApi).map((r) => `${r.method} ${r.status}`)).toEqual(["GET 404"]);

    await project.pulumiOk(["config", "set", "environmentId", ENV]);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect((await project.outputs()).flowId).toBe(SEED.flows.invoiceApproval);
    const adopted = await getFlow(SEED.flows.invoiceApproval);
    expect(adopted.properties).toMatchObject({ displayName: "Greeting from git", state: "Started" });
    expect(adopted._definition.actions.Compose.inputs).toBe("Good evening");
    // GETs to verify (admin, then maker: this principal has no permission on the seeded flow, so no
    // definition), one PATCH of the content, one start, one GET after it; no POST of a new flow.
    expect((await control.apiRequests()).filter(flowApi).map((r) => `${r.method} ${r.path.replace(/^.*\/flows\/[^/]+/, "")}`)).toEqual([
      "GET ",
      "GET ",
      "PATCH ",
      "POST /start",
      "GET ",
    ]);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    await expect(getFlow(SEED.flows.invoiceApproval)).rejects.toThrow(/404/);
  });
});
