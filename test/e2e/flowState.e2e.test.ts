/**
 * FlowState on the real Pulumi engine against the emulator, on the seeded flows:
 * up turns a stopped flow on (recording its initial state) → no drift → stopped by hand
 * shows as drift → `up --refresh` starts it again → destroy restores the initial state;
 * a flow already in the declared state gets no start/stop; a flow deleted by hand is
 * dropped by refresh.
 */
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { SEED } from "../emulator/seed";
import { EmulatorControl, PulumiProject, startTestEmulator } from "./harness";

interface FlowObject {
  properties: { displayName: string; state: string };
}

const ENV = SEED.environments.production;
const flowApi = (r: { surface: string }) => r.surface === "flow";
/** `GET /`: the flow's own GET; `GET list`: a page of the environment's admin flow list (reads are served from it). */
const describeRequests = (rs: Array<{ method: string; path: string }>) =>
  rs.map((r) => (/\/v2\/flows$/.test(r.path) ? `${r.method} list` : `${r.method} ${r.path.replace(/^.*\/flows\/[^/]+/, "") || "/"}`));

describe("FlowState on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    project = PulumiProject.create("examples/flow-state", emulator.env);
    await project.initStack("e2e", { environmentId: ENV, flowId: SEED.flows.invoiceApproval, state: "Started" });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  const getFlow = (id: string) => control.request<FlowObject>("GET", `objects/flows/${id}`);

  test("up turns the stopped flow on with one GET and one start, recording the initial state", async () => {
    expect((await getFlow(SEED.flows.invoiceApproval)).properties.state).toBe("Stopped");
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect((await getFlow(SEED.flows.invoiceApproval)).properties.state).toBe("Started");
    expect(await project.outputs()).toEqual({ state: "Started", initialState: "Stopped", flowDisplayName: "Invoice approval" });
    // check reads the state the flow starts from (recorded before any change, so a killed run cannot lose it) from the
    // environment's list; create reads the flow itself before the start it decides on.
    expect(describeRequests((await control.apiRequests()).filter(flowApi))).toEqual(["GET list", "GET /", "POST /start"]);
  });

  test("refresh right after up shows no change, with one read of the environment's flow list", async () => {
    await control.clearRequests();
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    expect(describeRequests((await control.apiRequests()).filter(flowApi))).toEqual(["GET list"]);
  });

  test("a flow stopped by hand shows as drift, and up --refresh starts it again", async () => {
    await control.request("PATCH", `objects/flows/${SEED.flows.invoiceApproval}`, { properties: { state: "Stopped" } });
    const drift = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    expect(drift.output).toMatch(/~ state\s*:\s*"Started" => "Stopped"/);
    expect(drift.output).not.toMatch(/[-+~] (initialState|flowDisplayName|flowId|environmentId)/);

    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect((await getFlow(SEED.flows.invoiceApproval)).properties.state).toBe("Started");
    // refresh (the list), update's GET (start/stop never sent blindly), one start.
    expect(describeRequests((await control.apiRequests()).filter(flowApi))).toEqual(["GET list", "GET /", "POST /start"]);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    expect((await project.outputs()).initialState).toBe("Stopped");
  });

  test("up with nothing to change sends no start/stop", async () => {
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect(describeRequests((await control.apiRequests()).filter(flowApi))).toEqual(["GET list"]);
  });

  test("destroy restores the initial state (Stopped) with one GET and one stop", async () => {
    await control.clearRequests();
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect((await getFlow(SEED.flows.invoiceApproval)).properties.state).toBe("Stopped");
    expect(describeRequests((await control.apiRequests()).filter(flowApi))).toEqual(["GET /", "POST /stop"]);
  });

  test("a flow already in the declared state gets no start/stop; deleted by hand, refresh drops it", async () => {
    await project.pulumiOk(["config", "set", "flowId", SEED.flows.dailyReport]);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    // check's read (the initial state, recorded; from the list) and create's GET; no start/stop.
    expect(describeRequests((await control.apiRequests()).filter(flowApi))).toEqual(["GET list", "GET /"]);
    expect(await project.outputs()).toMatchObject({ state: "Started", initialState: "Started" });

    await control.request("DELETE", `objects/flows/${SEED.flows.dailyReport}`);
    const drift = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes"]);
    expect(drift.code).not.toBe(0);
    await project.pulumiOk(["refresh", "--yes", "--skip-preview"]);
    const state = JSON.parse(await project.stackExport()) as { deployment: { resources?: Array<{ type: string }> } };
    expect((state.deployment.resources ?? []).filter((r) => r.type.endsWith("FlowState"))).toHaveLength(0);
    await control.clearRequests();
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect((await control.apiRequests()).filter(flowApi)).toHaveLength(0);
  });

  test("a flow a DLP policy suspended is not turned on: up fails saying a DLP policy blocks it, with one start attempt", async () => {
    // The service suspends the flow for a DLP policy; `start` then answers 403 DlpViolation (issue 7, fact 6).
    await control.request("PUT", `flowSuspensions/${SEED.flows.invoiceApproval}`, { reason: "CompanyDlpViolation" });
    await project.pulumiOk(["config", "set", "flowId", SEED.flows.invoiceApproval]);
    await control.clearRequests();
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code).not.toBe(0);
    expect(up.output).toContain(`flow ${SEED.flows.invoiceApproval} in environment ${ENV} cannot be turned on (flowSuspensionReason: CompanyDlpViolation)`);
    expect(up.output).toContain("a data loss prevention (DLP) policy of the tenant blocks this flow");
    // check reads the flow (its initial state, kept across an interrupted run) from the list, create reads
    // it again before the one start attempt.
    expect(describeRequests((await control.apiRequests()).filter(flowApi))).toEqual(["GET list", "GET /", "POST /start"]);
    expect((await getFlow(SEED.flows.invoiceApproval)).properties.state).toBe("Suspended");
    await control.request("DELETE", `flowSuspensions/${SEED.flows.invoiceApproval}`);
  });

  test("bad input fails at preview, naming the fields, with zero API calls", async () => {
    await project.pulumiOk(["config", "set", "flowId", "invoice-approval"]);
    await project.pulumiOk(["config", "set", "state", "On"]);
    await control.clearRequests();
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain("flowId must be a GUID");
    expect(preview.output).toContain("state must be one of Started, Stopped");
    expect(await control.apiRequests()).toHaveLength(0);
  });
});
