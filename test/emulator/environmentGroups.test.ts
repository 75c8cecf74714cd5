// Environment groups and rule sets (surfaces/environmentGroups.ts). Evidence: Microsoft Learn
// "Environment Groups - Create Environment Group" (path, api-version, 200 with the group) and
// "Environment groups" (Managed Environments only, one group per environment, no delete with
// members); the Power Platform for Admins V2 connector (addEnvironment / removeEnvironment paths);
// membership as properties.parentEnvironmentGroup (the $filter of Microsoft's Terraform provider);
// rule-set bodies: test/conformance/recorded/sources.json "environmentGroups.*". The status codes and
// bodies of the refusals are guesses (test/conformance/README.md 11, test/emulator/README.md).
import { bootEmulator, Kit } from "./testkit";
import { SEED } from "./seed";

let kit: Kit;
beforeAll(async () => { kit = await bootEmulator(); });
afterAll(async () => { await kit.stop(); });
beforeEach(async () => { await kit.control("POST", "/reset", {}); });

const EG = "api-version=2022-03-01-preview";
const RS = "api-version=2021-10-01-preview";
const E = SEED.environments;
const BAP = "/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments";
const managed = (id: string) => kit.control("PATCH", `/objects/environments/${id}`, { properties: { governanceConfiguration: { protectionLevel: "Standard" } } });
const newGroup = async (displayName = "Makers") => (await kit.api("POST", `/environmentmanagement/environmentGroups?${EG}`, { displayName, description: "d" })).json;
const parent = async (id: string) => (await kit.api("GET", `${BAP}/${id}?api-version=2023-06-01`)).json.properties.parentEnvironmentGroup;

describe("environment groups", () => {
  test("create answers 200 with the group (the Learn definition's keys); get, list, update", async () => {
    const r = await kit.api("POST", `/environmentmanagement/environmentGroups?${EG}`, { displayName: "Makers", description: "d" });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(["childrenGroupIds", "createdBy", "createdTime", "description", "displayName", "id", "lastModifiedBy", "lastModifiedTime", "parentGroupId"]);
    expect(r.json.createdBy).toEqual({ id: SEED.admin.objectId, type: "ServicePrincipal" });
    expect((await kit.api("GET", `/environmentmanagement/environmentGroups/${r.json.id}?${EG}`)).json.displayName).toBe("Makers");
    expect((await kit.api("GET", `/environmentmanagement/environmentGroups?${EG}`)).json.value).toHaveLength(1);
    const u = await kit.api("PUT", `/environmentmanagement/environmentGroups/${r.json.id}?${EG}`, { displayName: "Makers 2", description: "" });
    expect(u.json).toMatchObject({ displayName: "Makers 2", description: "" });
    expect((await kit.api("POST", `/environmentmanagement/environmentGroups?${EG}`, { description: "no name" })).status).toBe(400);
    expect((await kit.api("GET", `/environmentmanagement/environmentGroups/00000000-0000-0000-0000-000000000000?${EG}`)).json.error.code).toBe("EnvironmentGroupNotFound");
  });

  test("membership: managed environments only, one group each; BAP reads carry parentEnvironmentGroup", async () => {
    const a = await newGroup("A");
    const b = await newGroup("B");
    expect(await parent(E.production)).toBeUndefined();
    const unmanaged = await kit.api("POST", `/environmentmanagement/environmentGroups/${a.id}/addEnvironment/${E.production}?${EG}`);
    expect([unmanaged.status, unmanaged.json.error.code]).toEqual([400, "EnvironmentNotManaged"]);
    await managed(E.production);
    expect((await kit.api("POST", `/environmentmanagement/environmentGroups/${a.id}/addEnvironment/${E.production}?${EG}`)).status).toBe(200);
    expect(await parent(E.production)).toEqual({ id: a.id });
    expect((await kit.api("POST", `/environmentmanagement/environmentGroups/${a.id}/addEnvironment/${E.production}?${EG}`)).status).toBe(200);
    const moved = await kit.api("POST", `/environmentmanagement/environmentGroups/${b.id}/addEnvironment/${E.production}?${EG}`);
    expect([moved.status, moved.json.error.code]).toEqual([409, "EnvironmentAlreadyInGroup"]);
    expect((await kit.api("POST", `/environmentmanagement/environmentGroups/${b.id}/removeEnvironment/${E.production}?${EG}`)).status).toBe(200);
    expect(await parent(E.production)).toEqual({ id: a.id });
    expect((await kit.api("POST", `/environmentmanagement/environmentGroups/${a.id}/removeEnvironment/${E.production}?${EG}`)).status).toBe(200);
    expect(await parent(E.production)).toBeUndefined();
  });

  test("the managed-only rule can be switched off by a setting", async () => {
    await kit.control("PUT", "/settings", { environmentGroupMembersMustBeManaged: false });
    const a = await newGroup();
    expect((await kit.api("POST", `/environmentmanagement/environmentGroups/${a.id}/addEnvironment/${E.trial}?${EG}`)).status).toBe(200);
  });

  test("a group with environments cannot be deleted; without, it goes with its rule set", async () => {
    const a = await newGroup();
    await managed(E.sandbox);
    await kit.api("POST", `/environmentmanagement/environmentGroups/${a.id}/addEnvironment/${E.sandbox}?${EG}`);
    await kit.api("POST", `/governance/environmentGroups/${a.id}/ruleSets?${RS}`, { parameters: [{ type: "Lifecycle", resourceType: "NotSpecified", value: [{ id: "RetentionPeriod", value: "7.00:00:00" }] }] });
    const refused = await kit.api("DELETE", `/environmentmanagement/environmentGroups/${a.id}?${EG}`);
    expect([refused.status, refused.json.error.code]).toEqual([400, "EnvironmentGroupHasEnvironments"]);
    await kit.api("POST", `/environmentmanagement/environmentGroups/${a.id}/removeEnvironment/${E.sandbox}?${EG}`);
    expect((await kit.api("DELETE", `/environmentmanagement/environmentGroups/${a.id}?${EG}`)).status).toBe(200);
    expect((await kit.control("GET", "/objects/environmentGroupRuleSets")).json.value).toEqual([]);
  });
});

describe("rule sets", () => {
  test("none: 204; one per group (a second create 409); unknown rule types and value ids refused", async () => {
    const a = await newGroup();
    expect((await kit.api("GET", `/governance/environmentGroups/${a.id}/ruleSets?${RS}`)).status).toBe(204);
    const bad = await kit.api("POST", `/governance/environmentGroups/${a.id}/ruleSets?${RS}`, { parameters: [{ type: "Teleport", resourceType: "App", value: [] }] });
    expect([bad.status, bad.json.error.code]).toEqual([400, "InvalidRuleType"]);
    const badId = await kit.api("POST", `/governance/environmentGroups/${a.id}/ruleSets?${RS}`, { parameters: [{ type: "Lifecycle", resourceType: "NotSpecified", value: [{ id: "Days", value: "7" }] }] });
    expect(badId.status).toBe(400);
    const body = { parameters: [{ type: "Lifecycle", resourceType: "NotSpecified", value: [{ id: "RetentionPeriod", value: "7.00:00:00" }], hasStagedChanges: true }] };
    const created = await kit.api("POST", `/governance/environmentGroups/${a.id}/ruleSets?${RS}`, body);
    expect(created.status).toBe(201);
    expect(Object.keys(created.json)).toEqual(["parameters"]);
    expect((await kit.api("POST", `/governance/environmentGroups/${a.id}/ruleSets?${RS}`, body)).status).toBe(409);
    const got = await kit.api("GET", `/governance/environmentGroups/${a.id}/ruleSets?${RS}`);
    expect(got.json.value[0]).toMatchObject({ parameters: body.parameters, environmentFilter: { type: "Include", values: [{ id: a.id, type: "EnvironmentGroup" }] } });
  });
});
