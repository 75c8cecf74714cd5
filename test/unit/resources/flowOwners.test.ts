import {
  flowOwnersHandler,
  managedOwnersFrom,
  modifyPermissionsBody,
  permissionChanges,
  type FlowOwner,
  type FlowOwnersOutputs,
} from "../../../provider/resources/flowOwners";
import type { FlowPermission } from "../../../provider/client/api/types";

const fakeFlows = { listPermissions: jest.fn(), modifyPermissions: jest.fn(), list: jest.fn() };
jest.mock("../../../provider/resources/runtimeSupport", () => {
  const actual = jest.requireActual("../../../provider/resources/runtimeSupport");
  // The client parts the ownership and 404-confirmation checks use: a clock that does not sleep, our principal, the safety settings.
  const http = { clock: { now: () => Date.now(), sleep: async () => undefined }, callerObjectId: async () => "a1000000-0000-4000-8000-00000000b001" };
  const config = { safety: { notFoundConfirmMs: 5000, unknownOutcomeLookupMs: 0, duplicateGuardMs: 6 * 3_600_000, clockSkewMs: 300_000 } };
  return { ...actual, clientFromEnvironment: async () => ({ flows: fakeFlows, http, config }) };
});
const { NotFoundError } = jest.requireActual("../../../provider/client/errors");

const ENV = "e1000000-0000-4000-8000-000000000001";
const FLOW = "f1000000-0000-4000-8000-000000000001";
const CREATOR = "c1000000-0000-4000-8000-0000000000a1";
const MAKER = "c1000000-0000-4000-8000-0000000000a2";
const OTHER = "c1000000-0000-4000-8000-0000000000a3";
const GROUP = "c1000000-0000-4000-8000-0000000000b1";
const APP = "a1000000-0000-4000-8000-00000000b002";

const perm = (id: string, type: string, roleName: string): FlowPermission => ({
  name: id,
  id: `/providers/Microsoft.ProcessSimple/environments/${ENV}/flows/${FLOW}/permissions/${id}`,
  properties: { roleName, permissionType: "Principal", principal: { id, type } },
});
const owner = (principalId: string, principalType: FlowOwner["principalType"], role: FlowOwner["role"] = "CanEdit"): FlowOwner => ({ principalId, principalType, role });

describe("FlowOwners check", () => {
  test("normalizes: lower-case GUIDs, role defaults to CanEdit, sorted by principalId", async () => {
    const result = await flowOwnersHandler.check({}, {
      environmentId: ENV,
      flowId: FLOW,
      owners: [
        { principalId: OTHER.toUpperCase(), principalType: "User", role: "CanView" },
        { principalId: GROUP, principalType: "Group" },
        { principalId: MAKER, principalType: "User" },
      ],
    });
    expect(result).toEqual({
      inputs: { environmentId: ENV, flowId: FLOW, owners: [owner(MAKER, "User"), owner(OTHER, "User", "CanView"), owner(GROUP, "Group")] },
    });
  });

  test("an empty list is valid (no co-owners, no viewers)", async () => {
    expect((await flowOwnersHandler.check({}, { environmentId: ENV, flowId: FLOW, owners: [] })).inputs?.owners).toEqual([]);
  });

  test.each([
    ["environmentId", { environmentId: undefined }, "environmentId is required"],
    ["flowId", { flowId: "x" }, "flowId must be a GUID"],
    ["owners", { owners: undefined }, "owners is required"],
    ["owners", { owners: { principalId: MAKER } }, "owners must be a list"],
    ["owners[0]", { owners: ["someone"] }, "owners[0] must be an object"],
    ["owners[1].principalId", { owners: [owner(MAKER, "User"), { principalId: "bob", principalType: "User" }] }, "owners[1].principalId must be a GUID"],
    ["owners[0].principalId", { owners: [{ principalType: "User" }] }, "owners[0].principalId is required"],
    ["owners[0].principalType", { owners: [{ principalId: MAKER, principalType: "user" }] }, "owners[0].principalType must be one of User, Group, ServicePrincipal"],
    ["owners[0].principalType", { owners: [{ principalId: MAKER }] }, "owners[0].principalType is required"],
    ["owners[0].role", { owners: [{ principalId: MAKER, principalType: "User", role: "Owner" }] }, "owners[0].role must be one of CanEdit, CanView"],
    ["owners[2].principalId", { owners: [owner(MAKER, "User"), owner(GROUP, "Group"), owner(MAKER.toUpperCase(), "User", "CanView")] }, "already declared by owners[0]"],
  ])("names the bad field %s", async (property, change, reason) => {
    const result = await flowOwnersHandler.check({}, { environmentId: ENV, flowId: FLOW, owners: [owner(MAKER, "User")], ...change });
    expect(result.inputs).toBeUndefined();
    expect(result.failures).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringContaining(reason) })]));
  });

  test("reports every bad field at once, each by its index", async () => {
    const result = await flowOwnersHandler.check({}, {
      environmentId: ENV,
      flowId: FLOW,
      owners: [owner(MAKER, "User"), { principalId: "nope", principalType: "Robot", role: "Admin" }, owner(MAKER, "User")],
    });
    expect(result.failures?.map((f) => f.property)).toEqual(["owners[1].principalId", "owners[1].principalType", "owners[1].role", "owners[2].principalId"]);
  });
});

describe("FlowOwners permission difference", () => {
  const seeded = () => [perm(CREATOR, "User", "Owner"), perm(MAKER, "User", "CanEdit")];

  test("nothing to do when the declared list is the current one", () => {
    const c = permissionChanges(seeded(), [owner(MAKER, "User")]);
    expect(c).toMatchObject({ put: [], remove: [], ignored: [], creatorIds: [CREATOR] });
    expect(modifyPermissionsBody(c)).toBeUndefined();
  });

  test("an added principal is one put", () => {
    const c = permissionChanges(seeded(), [owner(MAKER, "User"), owner(GROUP, "Group")]);
    expect(c.put).toEqual([owner(GROUP, "Group")]);
    expect(c.remove).toEqual([]);
    expect(modifyPermissionsBody(c)).toEqual({ put: [{ properties: { principal: { id: GROUP, type: "Group" }, roleName: "CanEdit" } }] });
  });

  test("an undeclared co-owner or viewer is one delete by principal id", () => {
    const c = permissionChanges([...seeded(), perm(GROUP, "Group", "CanView")], [owner(MAKER, "User")]);
    expect(c.put).toEqual([]);
    expect(c.remove).toEqual([GROUP]);
    expect(modifyPermissionsBody(c)).toEqual({ delete: [{ id: GROUP }] });
  });

  test("a changed role is a put of the new role, not a delete and a put", () => {
    const c = permissionChanges(seeded(), [owner(MAKER, "User", "CanView")]);
    expect(c.put).toEqual([owner(MAKER, "User", "CanView")]);
    expect(c.remove).toEqual([]);
  });

  test("a changed principal type is a put", () => {
    expect(permissionChanges([perm(APP, "User", "CanEdit")], [owner(APP, "ServicePrincipal")]).put).toEqual([owner(APP, "ServicePrincipal")]);
  });

  test("adds, role changes and removals travel together in one body", () => {
    const current = [perm(CREATOR, "User", "Owner"), perm(MAKER, "User", "CanEdit"), perm(GROUP, "Group", "CanView"), perm(OTHER, "User", "CanEdit")];
    const c = permissionChanges(current, [owner(GROUP, "Group", "CanEdit"), owner(APP, "ServicePrincipal", "CanView")]);
    expect(c.put).toEqual([owner(APP, "ServicePrincipal", "CanView"), owner(GROUP, "Group")]);
    expect(c.remove).toEqual([MAKER, OTHER]);
    expect(modifyPermissionsBody(c)).toEqual({
      put: [
        { properties: { principal: { id: APP, type: "ServicePrincipal" }, roleName: "CanView" } },
        { properties: { principal: { id: GROUP, type: "Group" }, roleName: "CanEdit" } },
      ],
      delete: [{ id: MAKER }, { id: OTHER }],
    });
    expect(c.result).toEqual([owner(APP, "ServicePrincipal", "CanView"), owner(GROUP, "Group")]);
  });

  test("the creator is never put nor removed: a declared creator entry is ignored and reported", () => {
    const c = permissionChanges(seeded(), [owner(CREATOR, "User", "CanView"), owner(MAKER, "User")]);
    expect(c.put).toEqual([]);
    expect(c.remove).toEqual([]);
    expect(c.ignored).toEqual([owner(CREATOR, "User", "CanView")]);
    expect(c.result).toEqual([owner(MAKER, "User")]);
  });

  test("an empty declaration removes every co-owner and viewer but not the Owner", () => {
    const c = permissionChanges([...seeded(), perm(GROUP, "Group", "CanView")], []);
    expect(c.remove).toEqual([MAKER, GROUP].sort());
    expect(c.remove).not.toContain(CREATOR);
  });

  test("principal ids are compared case-insensitively", () => {
    const c = permissionChanges([perm(CREATOR.toUpperCase(), "User", "Owner"), perm(MAKER.toUpperCase(), "User", "CanEdit")], [owner(MAKER, "User"), owner(CREATOR, "User")]);
    expect(c).toMatchObject({ put: [], remove: [], ignored: [owner(CREATOR, "User")], creatorIds: [CREATOR] });
  });

  test("a flow with only its Owner and nothing declared needs nothing", () => {
    expect(modifyPermissionsBody(permissionChanges([perm(CREATOR, "User", "Owner")], []))).toBeUndefined();
  });

  test("the managed list is deterministic: sorted, Owner excluded, whatever the API's order", () => {
    const a = managedOwnersFrom([perm(GROUP, "Group", "CanView"), perm(CREATOR, "User", "Owner"), perm(MAKER, "User", "CanEdit")]);
    const b = managedOwnersFrom([perm(MAKER, "User", "CanEdit"), perm(GROUP, "Group", "CanView"), perm(CREATOR, "User", "Owner")]);
    expect(a).toEqual(b);
    expect(a).toEqual([owner(MAKER, "User"), owner(GROUP, "Group", "CanView")]);
  });
});

describe("FlowOwners diff", () => {
  const olds: FlowOwnersOutputs = { environmentId: ENV, flowId: FLOW, owners: [owner(MAKER, "User")], creatorId: CREATOR, ignoredOwners: [], principalRoles: { [MAKER]: "CanEdit" } };
  const news = (owners: FlowOwner[]) => ({ environmentId: ENV, flowId: FLOW, owners });

  test("no change", async () => {
    expect(await flowOwnersHandler.diff(FLOW, olds, news([owner(MAKER, "User")]))).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
  });
  test("an owner added by hand (refreshed olds) is an in-place change", async () => {
    expect(await flowOwnersHandler.diff(FLOW, { ...olds, owners: [owner(MAKER, "User"), owner(OTHER, "User")] }, news([owner(MAKER, "User")]))).toMatchObject({ changes: true, replaces: [] });
  });
  test("a role change is a change", async () => {
    expect((await flowOwnersHandler.diff(FLOW, olds, news([owner(MAKER, "User", "CanView")]))).changes).toBe(true);
  });
  test("a declared creator entry that was ignored is no change", async () => {
    const withIgnored = { ...olds, ignoredOwners: [owner(CREATOR, "User")] };
    expect((await flowOwnersHandler.diff(FLOW, withIgnored, news([owner(CREATOR, "User"), owner(MAKER, "User")]))).changes).toBe(false);
  });
  test("environmentId and flowId replace", async () => {
    expect(await flowOwnersHandler.diff(FLOW, olds, { ...news(olds.owners), flowId: "f1000000-0000-4000-8000-000000000002" })).toMatchObject({ replaces: ["flowId"] });
    expect(await flowOwnersHandler.diff(FLOW, olds, { ...news(olds.owners), environmentId: "e1000000-0000-4000-8000-000000000002" })).toMatchObject({ replaces: ["environmentId"] });
  });
});

describe("FlowOwners against a fake client", () => {
  beforeEach(() => Object.values(fakeFlows).forEach((f) => f.mockReset()));

  test("update reads once and sends exactly one modifyPermissions with the whole difference", async () => {
    fakeFlows.listPermissions.mockResolvedValue([perm(CREATOR, "User", "Owner"), perm(MAKER, "User", "CanEdit"), perm(OTHER, "User", "CanEdit")]);
    const olds: FlowOwnersOutputs = { environmentId: ENV, flowId: FLOW, owners: [owner(MAKER, "User"), owner(OTHER, "User")], creatorId: CREATOR, ignoredOwners: [], principalRoles: { [MAKER]: "CanEdit", [OTHER]: "CanEdit" } };
    const { outs } = await flowOwnersHandler.update(FLOW, olds, { environmentId: ENV, flowId: FLOW, owners: [owner(MAKER, "User"), owner(GROUP, "Group")] });
    expect(fakeFlows.listPermissions).toHaveBeenCalledTimes(1);
    expect(fakeFlows.modifyPermissions).toHaveBeenCalledTimes(1);
    expect(fakeFlows.modifyPermissions.mock.calls[0][2]).toEqual({
      put: [{ properties: { principal: { id: GROUP, type: "Group" }, roleName: "CanEdit" } }],
      delete: [{ id: OTHER }],
    });
    expect(outs).toEqual({
      environmentId: ENV,
      flowId: FLOW,
      owners: [owner(MAKER, "User"), owner(GROUP, "Group")],
      creatorId: CREATOR,
      ignoredOwners: [],
      principalRoles: { [MAKER]: "CanEdit", [GROUP]: "CanEdit" },
    });
  });

  test("create sends no modifyPermissions when the flow already has the declared owners", async () => {
    fakeFlows.listPermissions.mockResolvedValue([perm(CREATOR, "User", "Owner"), perm(MAKER, "User", "CanEdit")]);
    await flowOwnersHandler.create({ environmentId: ENV, flowId: FLOW, owners: [owner(CREATOR, "User"), owner(MAKER, "User")] });
    expect(fakeFlows.modifyPermissions).not.toHaveBeenCalled();
  });

  test("read costs one list and keeps the ignored creator entry in the inputs; a gone flow gives an empty id", async () => {
    fakeFlows.listPermissions.mockResolvedValue([perm(MAKER, "User", "CanEdit"), perm(CREATOR, "User", "Owner")]);
    const props: FlowOwnersOutputs = { environmentId: ENV, flowId: FLOW, owners: [], creatorId: CREATOR, ignoredOwners: [owner(CREATOR, "User")], principalRoles: {} };
    const result = await flowOwnersHandler.read(FLOW, props);
    expect(fakeFlows.listPermissions).toHaveBeenCalledTimes(1);
    expect(result.props.owners).toEqual([owner(MAKER, "User")]);
    expect(result.props.principalRoles).toEqual({ [MAKER]: "CanEdit" });
    expect(result.inputs?.owners).toEqual([owner(CREATOR, "User"), owner(MAKER, "User")]);
    fakeFlows.listPermissions.mockRejectedValue(Object.create(NotFoundError.prototype));
    fakeFlows.list.mockResolvedValue([]);
    expect((await flowOwnersHandler.read(FLOW, props)).id).toBe("");
  });

  test("delete removes only the managed co-owners still present, never the creator, in one call", async () => {
    fakeFlows.listPermissions.mockResolvedValue([perm(CREATOR, "User", "Owner"), perm(MAKER, "User", "CanEdit"), perm(OTHER, "User", "CanEdit")]);
    const props: FlowOwnersOutputs = { environmentId: ENV, flowId: FLOW, owners: [owner(MAKER, "User"), owner(GROUP, "Group")], creatorId: CREATOR, ignoredOwners: [], principalRoles: { [MAKER]: "CanEdit", [GROUP]: "CanEdit" } };
    await flowOwnersHandler.delete(FLOW, props);
    expect(fakeFlows.modifyPermissions).toHaveBeenCalledTimes(1);
    expect(fakeFlows.modifyPermissions.mock.calls[0][2]).toEqual({ delete: [{ id: MAKER }] });
  });
});

describe("FlowOwners check during preview", () => {
  const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
  const base = { environmentId: "e1000000-0000-4000-8000-000000000001", flowId: "f1000000-0000-4000-8000-000000000001" };

  test("a list not known yet is accepted as is", async () => {
    const result = await flowOwnersHandler.check({}, { ...base, owners: unknown });
    expect(result.failures).toBeUndefined();
    expect(result.inputs?.owners).toBe(unknown);
  });

  test("several principals not known yet are not duplicates", async () => {
    const result = await flowOwnersHandler.check({}, {
      ...base,
      owners: [
        { principalId: unknown, principalType: "Group" },
        { principalId: unknown, principalType: unknown },
      ],
    });
    expect(result.failures).toBeUndefined();
    expect(result.inputs?.owners).toHaveLength(2);
  });
});
