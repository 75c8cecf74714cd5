/**
 * FlowOwners on the real Pulumi engine against the emulator, on a seeded flow (creator
 * Tenant Admin as Owner, Maker User as co-owner): up applies the declared co-owners and
 * viewers in one modifyPermissions → no drift → owners added and removed by hand show
 * as drift → `up --refresh` converges with ONE modifyPermissions → a declared creator is
 * ignored and reported → destroy removes the managed co-owners and keeps the creator.
 */
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { SEED } from "../emulator/seed";
import { EmulatorControl, PulumiProject, startTestEmulator } from "./harness";

interface Permission {
  name: string;
  id: string;
  type: string;
  properties: { roleName: string; permissionType: string; principal: { id: string; type: string } };
}

const ENV = SEED.environments.production;
const FLOW = SEED.flows.dailyReport;
const CREATOR = SEED.adminUser.objectId;
const MAKER = SEED.makerUser.objectId;
const OTHER = SEED.otherUser.objectId;
const GROUP = SEED.group.objectId;
const APP = SEED.certificateApp.objectId;

const flowApi = (r: { surface: string }) => r.surface === "flow";
const describeRequests = (rs: Array<{ method: string; path: string }>) => rs.map((r) => `${r.method} ${r.path.replace(/^.*\/flows\/[^/]+/, "") || "/"}`);
/** A key of the principalRoles map on a changed line of a diff. */
const mapKey = (marker: string, principalId: string, role?: string) =>
  new RegExp(`${marker} "?${principalId}"?\\s*:${role ? ` "${role}"` : ""}`);
const declared = [
  { principalId: MAKER, principalType: "User" },
  { principalId: GROUP, principalType: "Group", role: "CanView" },
  { principalId: APP, principalType: "ServicePrincipal" },
];

describe("FlowOwners on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    project = PulumiProject.create("examples/flow-owners", emulator.env);
    await project.initStack("e2e", { environmentId: ENV, flowId: FLOW, owners: JSON.stringify(declared) });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  const permissions = () => control.request<Permission[]>("GET", `objects/flowPermissions/${FLOW}`);
  const roles = async () =>
    Object.fromEntries((await permissions()).map((p) => [p.properties.principal.id, p.properties.roleName]));
  const permission = (id: string, type: string, roleName: string): Permission => ({
    name: id,
    id: `/providers/Microsoft.ProcessSimple/environments/${ENV}/flows/${FLOW}/permissions/${id}`,
    type: "Microsoft.ProcessSimple/environments/flows/permissions",
    properties: { roleName, permissionType: "Principal", principal: { id, type } },
  });

  test("up adds the missing principals with one GET and one modifyPermissions", async () => {
    expect(await roles()).toEqual({ [CREATOR]: "Owner", [MAKER]: "CanEdit" });
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(await roles()).toEqual({ [CREATOR]: "Owner", [MAKER]: "CanEdit", [GROUP]: "CanView", [APP]: "CanEdit" });
    expect(describeRequests((await control.apiRequests()).filter(flowApi))).toEqual(["GET /permissions", "POST /modifyPermissions"]);
    const outputs = await project.outputs();
    expect(outputs.creatorId).toBe(CREATOR);
    // sorted by principalId, roles defaulted
    expect(outputs.managedOwners).toEqual([
      { principalId: APP, principalType: "ServicePrincipal", role: "CanEdit" },
      { principalId: MAKER, principalType: "User", role: "CanEdit" },
      { principalId: GROUP, principalType: "Group", role: "CanView" },
    ]);
  });

  test("refresh right after up shows no change, with ONE GET", async () => {
    await control.clearRequests();
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    expect(describeRequests((await control.apiRequests()).filter(flowApi))).toEqual(["GET /permissions"]);
  });

  test("an owner added by hand shows as drift; up --refresh removes it with ONE modifyPermissions", async () => {
    await control.request("PATCH", `objects/flowPermissions/${FLOW}`, [...(await permissions()), permission(OTHER, "User", "CanEdit")]);
    const drift = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    // principalRoles (a map) names exactly the added principal; nothing else changed.
    expect(drift.output).toMatch(mapKey("\\+", OTHER, "CanEdit"));
    for (const unchanged of [MAKER, GROUP, APP, CREATOR]) expect(drift.output).not.toMatch(mapKey("[-+~]", unchanged));
    expect(drift.output).not.toMatch(/[-+~] (creatorId|flowId|environmentId|ignoredOwners)/);

    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect(await roles()).toEqual({ [CREATOR]: "Owner", [MAKER]: "CanEdit", [GROUP]: "CanView", [APP]: "CanEdit" });
    // refresh GET + update GET + one modifyPermissions.
    expect(describeRequests((await control.apiRequests()).filter(flowApi))).toEqual(["GET /permissions", "GET /permissions", "POST /modifyPermissions"]);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("an owner removed by hand shows as drift; up --refresh adds it back with ONE modifyPermissions", async () => {
    await control.request("PATCH", `objects/flowPermissions/${FLOW}`, (await permissions()).filter((p) => p.properties.principal.id !== GROUP));
    const drift = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    expect(drift.output).toMatch(mapKey("-", GROUP, "CanView"));
    for (const unchanged of [MAKER, APP, CREATOR, OTHER]) expect(drift.output).not.toMatch(mapKey("[-+~]", unchanged));
    expect(drift.output).not.toMatch(/[-+~] (creatorId|flowId|environmentId|ignoredOwners)/);

    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect(await roles()).toEqual({ [CREATOR]: "Owner", [MAKER]: "CanEdit", [GROUP]: "CanView", [APP]: "CanEdit" });
    expect(describeRequests((await control.apiRequests()).filter(flowApi))).toEqual(["GET /permissions", "GET /permissions", "POST /modifyPermissions"]);
  });

  test("an add, a removal and a role change by hand converge in ONE modifyPermissions (put and delete together)", async () => {
    const edited = (await permissions())
      .filter((p) => p.properties.principal.id !== MAKER)
      .map((p) => (p.properties.principal.id === GROUP ? permission(GROUP, "Group", "CanEdit") : p));
    await control.request("PATCH", `objects/flowPermissions/${FLOW}`, [...edited, permission(OTHER, "User", "CanView")]);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect(await roles()).toEqual({ [CREATOR]: "Owner", [MAKER]: "CanEdit", [GROUP]: "CanView", [APP]: "CanEdit" });
    expect(describeRequests((await control.apiRequests()).filter(flowApi))).toEqual(["GET /permissions", "GET /permissions", "POST /modifyPermissions"]);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("declaring the creator is ignored (and reported), with no permission call and no drift", async () => {
    await project.pulumiOk(["config", "set", "owners", JSON.stringify([...declared, { principalId: CREATOR, principalType: "User", role: "CanView" }])]);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(describeRequests((await control.apiRequests()).filter(flowApi))).toEqual(["GET /permissions"]);
    expect((await roles())[CREATOR]).toBe("Owner");
    const state = JSON.parse(await project.stackExport()) as { deployment: { resources: Array<{ type: string; outputs: Record<string, unknown> }> } };
    const owners = state.deployment.resources.find((r) => r.type.endsWith("FlowOwners"))!;
    expect(owners.outputs.ignoredOwners).toEqual([{ principalId: CREATOR, principalType: "User", role: "CanView" }]);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    await project.pulumiOk(["config", "set", "owners", JSON.stringify(declared)]);
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
  });

  test("bad input fails at preview, naming each entry by index, with zero API calls", async () => {
    await project.pulumiOk(["config", "set", "owners", JSON.stringify([...declared, { principalId: "bob", principalType: "Robot" }, { principalId: MAKER, principalType: "User", role: "Owner" }])]);
    await control.clearRequests();
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain("owners[3].principalId must be a GUID");
    expect(preview.output).toContain("owners[3].principalType must be one of User, Group, ServicePrincipal");
    expect(preview.output).toContain("owners[4].principalId");
    expect(preview.output).toContain("already declared by owners[0]");
    expect(preview.output).toContain("owners[4].role must be one of CanEdit, CanView");
    expect(await control.apiRequests()).toHaveLength(0);
    await project.pulumiOk(["config", "set", "owners", JSON.stringify(declared)]);
  });

  test("destroy restores the co-owners the flow had before (the maker), removes the ones it added, in one call, and keeps the creator", async () => {
    await control.clearRequests();
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    // Before the stack: the creator and the maker (CanEdit). Never strip what the stack did not add (issue 8).
    expect(await roles()).toEqual({ [CREATOR]: "Owner", [MAKER]: "CanEdit" });
    expect(describeRequests((await control.apiRequests()).filter(flowApi))).toEqual(["GET /permissions", "POST /modifyPermissions"]);
  });
});
