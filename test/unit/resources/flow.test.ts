import { flowHandler, type FlowOutputs } from "../../../provider/resources/flow";
import { canonicalJson, sameJson } from "../../../provider/resources/jsonEquality";
import { clearClaims } from "../../../provider/resources/ownership";

const fakeFlows = {
  get: jest.fn(),
  getWithDefinition: jest.fn(),
  create: jest.fn(),
  update: jest.fn(),
  delete: jest.fn(),
  start: jest.fn(),
  stop: jest.fn(),
  list: jest.fn(),
};
jest.mock("../../../provider/resources/runtimeSupport", () => {
  const actual = jest.requireActual("../../../provider/resources/runtimeSupport");
  // The client parts the ownership and 404-confirmation checks use: a clock that does not sleep, our principal, the safety settings.
  const http = { clock: { now: () => Date.now(), sleep: async () => undefined }, callerObjectId: async () => "a1000000-0000-4000-8000-00000000b001" };
  const config = { safety: { notFoundConfirmMs: 5000, unknownOutcomeLookupMs: 0, duplicateGuardMs: 6 * 3_600_000, clockSkewMs: 300_000 } };
  // Reads served from lists: here a list that never has the flow, so the admin view is the GET (listedReads.test.ts covers the lists).
  const reads = { flow: (env: string, id: string) => fakeFlows.get(env, id) };
  return { ...actual, clientFromEnvironment: async () => ({ flows: fakeFlows, http, config, reads }) };
});

const ENV = "e1000000-0000-4000-8000-000000000001";
const definition = () => ({
  $schema: "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
  contentVersion: "1.0.0.0",
  triggers: { manual: { type: "Request", kind: "Button", inputs: { schema: {} } } },
  actions: { Compose: { type: "Compose", inputs: "hello" } },
});
const valid = () => ({ environmentId: ENV, displayName: "Daily greeting", definition: definition() });

describe("canonical JSON", () => {
  test("sorts keys at every depth and keeps array order", () => {
    expect(JSON.stringify(canonicalJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: null } }))).toBe('{"a":{"c":null,"d":[{"x":2,"y":1}]},"b":1}');
  });
  test("key order never makes two definitions differ; values and array order do", () => {
    expect(sameJson({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: {} })).toBe(false);
  });
});

describe("Flow check", () => {
  test("accepts valid input, defaults state to Stopped and canonicalizes the definition", async () => {
    const result = await flowHandler.check({}, valid());
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toEqual({ environmentId: ENV, displayName: "Daily greeting", definition: definition(), state: "Stopped" });
    expect(Object.keys(result.inputs!.definition)).toEqual(["$schema", "actions", "contentVersion", "triggers"]);
  });

  test("normalizes a default environment name and drops empty connection references", async () => {
    const result = await flowHandler.check({}, { ...valid(), environmentId: "default-8D1F7A2E-5C3B-4E1A-9F0D-2B6C4E8A1D00", connectionReferences: {} });
    expect(result.inputs?.environmentId).toBe("Default-8d1f7a2e-5c3b-4e1a-9f0d-2b6c4e8a1d00");
    expect(result.inputs).not.toHaveProperty("connectionReferences");
  });

  test.each([
    ["environmentId", { environmentId: undefined }, "environmentId is required"],
    ["environmentId", { environmentId: "prod" }, "must be an environment name"],
    ["displayName", { displayName: "" }, "displayName is required"],
    ["definition", { definition: undefined }, "definition is required"],
    ["definition", { definition: [1] }, "definition must be an object"],
    ["definition.triggers", { definition: { actions: {} } }, "at least one trigger"],
    ["definition.triggers", { definition: { triggers: {} } }, "at least one trigger"],
    ["definition.actions", { definition: { triggers: { t: {} }, actions: [] } }, "definition.actions must be an object"],
    ["connectionReferences", { connectionReferences: "x" }, "connectionReferences must be an object"],
    ["connectionReferences.shared_office365", { connectionReferences: { shared_office365: 3 } }, "must be an object"],
    ["state", { state: "Suspended" }, "state must be one of Started, Stopped"],
    ["adoptId", { adoptId: "flow-1" }, "adoptId must be a GUID"],
  ])("names the bad field %s", async (property, change, reason) => {
    const result = await flowHandler.check({}, { ...valid(), ...change });
    expect(result.inputs).toBeUndefined();
    expect(result.failures).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringContaining(reason) })]));
  });

  test("reports every bad field at once", async () => {
    const result = await flowHandler.check({}, { environmentId: "x", displayName: "", definition: { triggers: {} }, state: "On" });
    expect(result.failures?.map((f) => f.property).sort()).toEqual(["definition.triggers", "displayName", "environmentId", "state"]);
  });
});

describe("Flow diff", () => {
  const olds: FlowOutputs = {
    environmentId: ENV,
    displayName: "Daily greeting",
    definition: canonicalJson(definition()) as Record<string, unknown>,
    state: "Stopped",
    definitionReadable: true,
    flowId: "f1",
    creatorId: "c1",
    createdTime: "2026-01-01T00:00:00Z",
    lastModifiedTime: "2026-01-01T00:00:00Z",
  };
  const news = () => ({ environmentId: ENV, displayName: "Daily greeting", definition: definition(), state: "Stopped" as const });

  test("no change, whatever the key order of the definition", async () => {
    const reordered = { ...news(), definition: { triggers: definition().triggers, actions: definition().actions, contentVersion: "1.0.0.0", $schema: definition().$schema } };
    expect(await flowHandler.diff("f1", olds, reordered)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test.each([
    ["displayName", { displayName: "Renamed" }],
    ["definition", { definition: { ...definition(), actions: { Compose: { type: "Compose", inputs: "changed" } } } }],
    ["connectionReferences", { connectionReferences: { shared_office365: { connectionName: "c" } } }],
    ["state", { state: "Started" as const }],
  ])("%s updates in place", async (_field, change) => {
    expect(await flowHandler.diff("f1", olds, { ...news(), ...change })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test("a suspended flow (refreshed) shows a change towards the declared state", async () => {
    expect((await flowHandler.diff("f1", { ...olds, state: "Suspended" }, news())).changes).toBe(true);
  });

  test("environmentId replaces", async () => {
    expect(await flowHandler.diff("f1", olds, { ...news(), environmentId: "e1000000-0000-4000-8000-000000000002" })).toMatchObject({ changes: true, replaces: ["environmentId"] });
  });
});

describe("Flow create, update, read and delete against a fake client", () => {
  // The maker GET's reply (with the definition); the admin GET's reply has none (issue 7, fact 6).
  const dto = (over: Record<string, unknown> = {}) => ({
    name: "F1000000-0000-4000-8000-00000000000A",
    properties: {
      displayName: "Daily greeting",
      state: "Stopped",
      definition: { triggers: definition().triggers, actions: definition().actions, contentVersion: "1.0.0.0", $schema: definition().$schema },
      connectionReferences: {},
      createdTime: "t0",
      lastModifiedTime: "t1",
      creator: { objectId: "A1000000-0000-4000-8000-00000000B001" },
      ...over,
    },
  });
  const adminDto = (over: Record<string, unknown> = {}) => {
    const d = dto(over);
    const { definition: _omitted, ...properties } = d.properties;
    return { ...d, properties };
  };
  beforeEach(() => {
    Object.values(fakeFlows).forEach((f) => f.mockReset());
    clearClaims(); // the flows an earlier test created are not this test's
  });

  test("create posts once, starts the flow when Started is declared and reads it back", async () => {
    fakeFlows.list.mockResolvedValue([]);
    fakeFlows.create.mockResolvedValue(dto());
    fakeFlows.get.mockResolvedValue(adminDto({ state: "Started", lastModifiedTime: "t2" }));
    fakeFlows.getWithDefinition.mockResolvedValue(dto({ state: "Started", lastModifiedTime: "t2" }));
    const inputs = (await flowHandler.check({}, { ...valid(), state: "Started" })).inputs!;
    const { id, outs } = await flowHandler.create(inputs);
    expect(id).toBe("f1000000-0000-4000-8000-00000000000a");
    expect(fakeFlows.create).toHaveBeenCalledTimes(1);
    expect(fakeFlows.update).not.toHaveBeenCalled();
    expect(fakeFlows.start).toHaveBeenCalledTimes(1);
    expect(outs).toMatchObject({ state: "Started", lastModifiedTime: "t2", creatorId: "a1000000-0000-4000-8000-00000000b001", definitionReadable: true });
    expect(outs.definition).toEqual(canonicalJson(definition()));
  });

  const US = "a1000000-0000-4000-8000-00000000b001";
  const listed = (name: string, displayName: string, creator: string) => ({
    name,
    properties: { displayName, creator: { objectId: creator }, createdTime: new Date().toISOString() },
  });

  test("create adopts a maybe-applied POST only when the flow is provably its own, instead of posting again", async () => {
    fakeFlows.create.mockRejectedValue(Object.assign(new Error("socket hang up"), { maybeApplied: true }));
    // Before the POST: nothing matches. After it: the flow our principal made during the request.
    fakeFlows.list.mockResolvedValueOnce([]).mockResolvedValue([listed("other", "Other", US), listed(dto().name, "Daily greeting", US)]);
    fakeFlows.get.mockResolvedValue(dto());
    fakeFlows.getWithDefinition.mockResolvedValue(dto());
    const inputs = (await flowHandler.check({}, valid())).inputs!;
    const { id } = await flowHandler.create(inputs);
    expect(id).toBe("f1000000-0000-4000-8000-00000000000a");
    expect(fakeFlows.create).toHaveBeenCalledTimes(1);
    // The candidate's definition comes from the maker GET (the admin GET has none).
    expect(fakeFlows.getWithDefinition).toHaveBeenCalledTimes(1);
  });

  test("create never adopts another principal's flow of the same name after a maybe-applied POST", async () => {
    fakeFlows.create.mockRejectedValue(Object.assign(new Error("socket hang up"), { maybeApplied: true }));
    fakeFlows.list.mockResolvedValue([listed("f1000000-0000-4000-8000-0000000000ff", "Daily greeting", "c1000000-0000-4000-8000-0000000000a3")]);
    const inputs = (await flowHandler.check({}, valid())).inputs!;
    await expect(flowHandler.create(inputs)).rejects.toThrow(/f1000000-0000-4000-8000-0000000000ff \("Daily greeting", created by c1000000-0000-4000-8000-0000000000a3.*adoptId/);
    expect(fakeFlows.create).toHaveBeenCalledTimes(1);
  });

  test("create refuses to make a second flow when our principal recently made a matching one no resource manages", async () => {
    fakeFlows.list.mockResolvedValue([listed("f1000000-0000-4000-8000-0000000000ee", "Daily greeting", US)]);
    const inputs = (await flowHandler.check({}, valid())).inputs!;
    await expect(flowHandler.create(inputs)).rejects.toThrow(/f1000000-0000-4000-8000-0000000000ee.*powerplatform-recover/);
    expect(fakeFlows.create).not.toHaveBeenCalled();
  });

  test("adoptId of a flow that is not in the environment is refused", async () => {
    const { NotFoundError } = jest.requireActual("../../../provider/client/errors");
    fakeFlows.get.mockRejectedValue(Object.create(NotFoundError.prototype));
    const inputs = (await flowHandler.check({}, { ...valid(), adoptId: "f1000000-0000-4000-8000-000000000099" })).inputs!;
    await expect(flowHandler.create(inputs)).rejects.toThrow(/names no flow in environment/);
    expect(fakeFlows.create).not.toHaveBeenCalled();
  });

  test("update PATCHes only the changed content and does not start/stop a flow already in the declared state", async () => {
    fakeFlows.update.mockResolvedValue(adminDto({ displayName: "Renamed" }));
    fakeFlows.get.mockResolvedValue(adminDto({ displayName: "Renamed" }));
    fakeFlows.getWithDefinition.mockResolvedValue(dto({ displayName: "Renamed" }));
    const previous: FlowOutputs = { environmentId: ENV, displayName: "Daily greeting", definition: definition(), state: "Stopped", definitionReadable: true, flowId: "f1", creatorId: "c" };
    const news = (await flowHandler.check({}, { ...valid(), displayName: "Renamed" })).inputs!;
    const { outs } = await flowHandler.update("f1", previous, news);
    expect(fakeFlows.update).toHaveBeenCalledTimes(1);
    expect(fakeFlows.update.mock.calls[0][2]).toEqual({ properties: { displayName: "Renamed" } });
    expect(fakeFlows.start).not.toHaveBeenCalled();
    expect(fakeFlows.stop).not.toHaveBeenCalled();
    expect(outs.displayName).toBe("Renamed");
  });

  test("read returns the real definition (from the maker GET) as inputs, and an empty id when the flow is gone", async () => {
    fakeFlows.get.mockResolvedValue(adminDto());
    fakeFlows.getWithDefinition.mockResolvedValue(dto({ definition: { ...definition(), actions: { Compose: { type: "Compose", inputs: "by hand" } } } }));
    const result = await flowHandler.read("f1", { environmentId: ENV } as FlowOutputs);
    expect(result.inputs?.definition).toMatchObject({ actions: { Compose: { inputs: "by hand" } } });
    expect(result.inputs).not.toHaveProperty("connectionReferences");
    const { NotFoundError } = jest.requireActual("../../../provider/client/errors");
    fakeFlows.get.mockRejectedValue(Object.create(NotFoundError.prototype));
    fakeFlows.list.mockResolvedValue([]);
    expect((await flowHandler.read("f1", { environmentId: ENV } as FlowOutputs)).id).toBe("");
    // A 404 is believed only after a second read and the list agree.
    expect(fakeFlows.get).toHaveBeenCalledTimes(3);
    expect(fakeFlows.list).toHaveBeenCalledTimes(1);
  });

  test("read keeps a flow that answers 404 once and is back on the second read", async () => {
    const { NotFoundError } = jest.requireActual("../../../provider/client/errors");
    fakeFlows.get.mockRejectedValueOnce(Object.create(NotFoundError.prototype)).mockResolvedValue(dto());
    expect((await flowHandler.read("f1", { environmentId: ENV } as FlowOutputs)).id).toBe("f1000000-0000-4000-8000-00000000000a");
  });

  test("a read that cannot see the definition keeps the one in the state: no update is ever proposed for it", async () => {
    // The admin GET never carries the definition; the maker GET answers 403/404 to a principal
    // without a permission on the flow (client: undefined).
    fakeFlows.get.mockResolvedValue(adminDto());
    fakeFlows.getWithDefinition.mockResolvedValue(undefined);
    const inState: FlowOutputs = {
      environmentId: ENV,
      displayName: "Daily greeting",
      definition: canonicalJson(definition()) as Record<string, unknown>,
      state: "Stopped",
      definitionReadable: true,
      flowId: "f1000000-0000-4000-8000-00000000000a",
      creatorId: "a1000000-0000-4000-8000-00000000b001",
    };
    const read = await flowHandler.read(inState.flowId, inState);
    expect(read.props.definition).toEqual(inState.definition);
    expect(read.props.definitionReadable).toBe(false);
    expect(read.inputs?.definition).toEqual(inState.definition);
    const declared = (await flowHandler.check({}, valid())).inputs!;
    expect(await flowHandler.diff(inState.flowId, read.props, declared)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test("a read without connectionReferences keeps the ones in the state", async () => {
    const refs = { shared_office365: { connectionName: "c1", id: "/providers/Microsoft.PowerApps/apis/shared_office365", source: "Invoker" } };
    const admin = adminDto();
    delete (admin.properties as Record<string, unknown>).connectionReferences;
    fakeFlows.get.mockResolvedValue(admin);
    fakeFlows.getWithDefinition.mockResolvedValue(undefined);
    const inState = { environmentId: ENV, displayName: "Daily greeting", definition: definition(), connectionReferences: refs, state: "Stopped", definitionReadable: false, flowId: "f1", creatorId: "c" } as FlowOutputs;
    expect((await flowHandler.read("f1", inState)).props.connectionReferences).toEqual(canonicalJson(refs));
  });

  test("turning on a flow a DLP policy blocks fails with an error that says so and names the flow", async () => {
    const { errorFromResponse } = jest.requireActual("../../../provider/client/errors");
    // The recorded answer of `start` for a DLP-suspended flow (issue 7, fact 6).
    const dlp = errorFromResponse({
      status: 403,
      data: { error: { code: "DlpViolation", message: "Flow 'f1000000-0000-4000-8000-00000000000a' cannot be activated due to admin API policies." } },
      method: "POST",
      url: "https://api.flow.microsoft.com/providers/Microsoft.ProcessSimple/scopes/admin/environments/e/flows/f/start?api-version=2016-11-01",
    });
    fakeFlows.get.mockResolvedValue(adminDto({ state: "Suspended", flowSuspensionReason: "CompanyDlpViolation" }));
    fakeFlows.getWithDefinition.mockResolvedValue(dto({ state: "Suspended", flowSuspensionReason: "CompanyDlpViolation" }));
    fakeFlows.start.mockRejectedValue(dlp);
    const previous = { environmentId: ENV, displayName: "Daily greeting", definition: definition(), state: "Suspended", definitionReadable: true, flowId: "f1", creatorId: "c" } as FlowOutputs;
    const news = (await flowHandler.check({}, { ...valid(), state: "Started" })).inputs!;
    await expect(flowHandler.update("f1", previous, news)).rejects.toThrow(/cannot be turned on: .*data loss prevention \(DLP\) policy/);
  });

  test("a create the service refuses (403: a service principal on the maker API) says to create it as a user and adopt it", async () => {
    const { errorFromResponse } = jest.requireActual("../../../provider/client/errors");
    fakeFlows.list.mockResolvedValue([]); // the duplicate guard's look before the POST: nothing left behind
    fakeFlows.create.mockRejectedValue(errorFromResponse({ status: 403, data: { error: { code: "Forbidden", message: "no" } }, method: "POST", url: "https://x/flows" }));
    const inputs = (await flowHandler.check({}, valid())).inputs!;
    await expect(flowHandler.create(inputs)).rejects.toThrow(/service principals .*administrative flow actions only.*adoptId/);
    expect(fakeFlows.create).toHaveBeenCalledTimes(1);
    expect(fakeFlows.list).toHaveBeenCalledTimes(1); // no lookup after a refusal: the POST was answered
  });
});
