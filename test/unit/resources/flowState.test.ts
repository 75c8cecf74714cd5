import { flowStateHandler, type FlowStateOutputs } from "../../../provider/resources/flowState";

const fakeFlows = { get: jest.fn(), start: jest.fn(), stop: jest.fn(), list: jest.fn() };
jest.mock("../../../provider/resources/runtimeSupport", () => {
  const actual = jest.requireActual("../../../provider/resources/runtimeSupport");
  // The client parts the ownership and 404-confirmation checks use: a clock that does not sleep, our principal, the safety settings.
  const http = { clock: { now: () => Date.now(), sleep: async () => undefined }, callerObjectId: async () => "a1000000-0000-4000-8000-00000000b001" };
  const config = { safety: { notFoundConfirmMs: 5000, unknownOutcomeLookupMs: 0, duplicateGuardMs: 6 * 3_600_000, clockSkewMs: 300_000 } };
  // Reads served from lists: here a list that never has the flow, so every read goes to the GET (listedReads.test.ts covers the lists).
  const reads = { flow: (env: string, id: string) => fakeFlows.get(env, id) };
  return { ...actual, clientFromEnvironment: async () => ({ flows: fakeFlows, http, config, reads }) };
});
const { NotFoundError } = jest.requireActual("../../../provider/client/errors");
const notFound = () => Object.create(NotFoundError.prototype);

const ENV = "e1000000-0000-4000-8000-000000000001";
const FLOW = "f1000000-0000-4000-8000-000000000002";
const valid = () => ({ environmentId: ENV, flowId: FLOW, state: "Started" });
const flow = (state: string) => ({ name: FLOW, properties: { displayName: "Invoice approval", state } });

describe("FlowState check", () => {
  test("accepts valid input and lower-cases the flow id", async () => {
    const result = await flowStateHandler.check({}, { ...valid(), flowId: FLOW.toUpperCase() });
    expect(result).toEqual({ inputs: { environmentId: ENV, flowId: FLOW, state: "Started" } });
  });

  test.each([
    ["environmentId", { environmentId: "" }, "environmentId is required"],
    ["environmentId", { environmentId: "my env" }, "must be an environment name"],
    ["flowId", { flowId: undefined }, "flowId is required"],
    ["flowId", { flowId: "daily-report" }, "flowId must be a GUID"],
    ["state", { state: undefined }, "state is required"],
    ["state", { state: "Suspended" }, "state must be one of Started, Stopped"],
  ])("names the bad field %s", async (property, change, reason) => {
    const result = await flowStateHandler.check({}, { ...valid(), ...change });
    expect(result.inputs).toBeUndefined();
    expect(result.failures).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringContaining(reason) })]));
  });

  test("reports every bad field at once", async () => {
    const result = await flowStateHandler.check({}, { environmentId: "x", flowId: "y", state: "On" });
    expect(result.failures?.map((f) => f.property).sort()).toEqual(["environmentId", "flowId", "state"]);
  });
});

describe("FlowState diff", () => {
  const olds: FlowStateOutputs = { environmentId: ENV, flowId: FLOW, state: "Started", initialState: "Stopped", flowDisplayName: "Invoice approval" };
  const news = () => ({ environmentId: ENV, flowId: FLOW, state: "Started" as const });

  test("no change", async () => {
    expect(await flowStateHandler.diff(FLOW, olds, news())).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
  });
  test("a flow stopped by hand (refreshed olds) is an in-place change", async () => {
    expect(await flowStateHandler.diff(FLOW, { ...olds, state: "Stopped" }, news())).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
  });
  test("environmentId and flowId replace", async () => {
    const result = await flowStateHandler.diff(FLOW, olds, { ...news(), environmentId: "e1000000-0000-4000-8000-000000000002", flowId: "f1000000-0000-4000-8000-000000000001" });
    expect(result).toMatchObject({ changes: true, replaces: ["environmentId", "flowId"] });
  });
});

describe("FlowState against a fake client", () => {
  beforeEach(() => Object.values(fakeFlows).forEach((f) => f.mockReset()));

  test("create records the initial state and starts a stopped flow once", async () => {
    fakeFlows.get.mockResolvedValue(flow("Stopped"));
    const { id, outs } = await flowStateHandler.create(valid() as never);
    expect(id).toBe(FLOW);
    expect(outs).toEqual({ environmentId: ENV, flowId: FLOW, state: "Started", initialState: "Stopped", flowDisplayName: "Invoice approval" });
    expect(fakeFlows.get).toHaveBeenCalledTimes(1);
    expect(fakeFlows.start).toHaveBeenCalledTimes(1);
    expect(fakeFlows.stop).not.toHaveBeenCalled();
  });

  test("neither create nor update calls start/stop when the flow is already in the declared state", async () => {
    fakeFlows.get.mockResolvedValue(flow("Started"));
    await flowStateHandler.create(valid() as never);
    const olds: FlowStateOutputs = { environmentId: ENV, flowId: FLOW, state: "Stopped", initialState: "Started", flowDisplayName: "x" };
    const { outs } = await flowStateHandler.update(FLOW, olds, valid() as never);
    expect(outs.state).toBe("Started");
    expect(outs.initialState).toBe("Started");
    expect(fakeFlows.start).not.toHaveBeenCalled();
    expect(fakeFlows.stop).not.toHaveBeenCalled();
  });

  test("create fails, naming the flow, when it does not exist", async () => {
    fakeFlows.get.mockRejectedValue(notFound());
    await expect(flowStateHandler.create(valid() as never)).rejects.toThrow(`no flow ${FLOW} in environment ${ENV}`);
  });

  test("read reports the real state as input, and an empty id when the flow is gone", async () => {
    const props: FlowStateOutputs = { environmentId: ENV, flowId: FLOW, state: "Started", initialState: "Stopped", flowDisplayName: "x" };
    fakeFlows.get.mockResolvedValue(flow("Stopped"));
    const result = await flowStateHandler.read(FLOW, props);
    expect(result).toEqual({
      id: FLOW,
      props: { ...props, state: "Stopped", flowDisplayName: "Invoice approval" },
      inputs: { environmentId: ENV, flowId: FLOW, state: "Stopped", initialState: props.initialState },
    });
    fakeFlows.get.mockRejectedValue(notFound());
    fakeFlows.list.mockResolvedValue([]);
    expect((await flowStateHandler.read(FLOW, props)).id).toBe("");
  });

  test.each([
    ["Stopped", "Started", "stop"],
    ["Started", "Stopped", "start"],
    ["Suspended", "Started", "stop"],
  ])("delete restores initial state %s (flow now %s) with %s", async (initialState, now, call) => {
    fakeFlows.get.mockResolvedValue(flow(now));
    await flowStateHandler.delete(FLOW, { environmentId: ENV, flowId: FLOW, state: now, initialState, flowDisplayName: "x" });
    expect(fakeFlows[call as "start" | "stop"]).toHaveBeenCalledTimes(1);
    expect(fakeFlows[call === "start" ? "stop" : "start"]).not.toHaveBeenCalled();
  });

  test("delete does nothing when the flow is already in its initial state or gone", async () => {
    fakeFlows.get.mockResolvedValueOnce(flow("Stopped")).mockRejectedValueOnce(notFound());
    const props: FlowStateOutputs = { environmentId: ENV, flowId: FLOW, state: "Stopped", initialState: "Stopped", flowDisplayName: "x" };
    await flowStateHandler.delete(FLOW, props);
    await flowStateHandler.delete(FLOW, props);
    expect(fakeFlows.start).not.toHaveBeenCalled();
    expect(fakeFlows.stop).not.toHaveBeenCalled();
  });

  test("a flow a DLP policy blocks is not turned on, and the error says why (DLP) and which flow", async () => {
    const { errorFromResponse } = jest.requireActual("../../../provider/client/errors");
    // The recorded answer of `start` for a DLP-suspended flow (issue 7, fact 6).
    fakeFlows.start.mockRejectedValue(
      errorFromResponse({ status: 403, data: { error: { code: "DlpViolation", message: `Flow '${FLOW}' cannot be activated due to admin API policies.` } }, method: "POST", url: "https://x/start" }),
    );
    const suspended = { name: FLOW, properties: { displayName: "Invoice approval", state: "Suspended", flowSuspensionReason: "CompanyDlpViolation" } };
    fakeFlows.get.mockResolvedValue(suspended);
    const inputs = (await flowStateHandler.check({}, { environmentId: ENV, flowId: FLOW, state: "Started" })).inputs!;
    const failure = flowStateHandler.create(inputs);
    await expect(failure).rejects.toThrow(/cannot be turned on \(flowSuspensionReason: CompanyDlpViolation\)/);
    await expect(failure).rejects.toThrow(/data loss prevention \(DLP\) policy/);
    expect(fakeFlows.start).toHaveBeenCalledTimes(1);
  });
});
