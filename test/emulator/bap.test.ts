import { bootEmulator, Kit, until } from "./testkit";
import { SEED } from "./seed";

let kit: Kit;
beforeAll(async () => { kit = await bootEmulator(); });
afterAll(async () => { await kit.stop(); });
beforeEach(async () => { await kit.control("POST", "/reset", {}); await kit.control("PUT", "/settings", { environmentOperationMs: 500, retryAfterSeconds: 1 }); });

const P = "/providers/Microsoft.BusinessAppPlatform";
const V = "api-version=2023-06-01";
const E = SEED.environments;
const envBody = (over: any = {}) => ({ location: "unitedstates", properties: { displayName: "New env", environmentSku: "Sandbox", ...over } });

describe("environments (BAP)", () => {
  test("admin list and get in the recorded shape", async () => {
    const l = await kit.api("GET", `${P}/scopes/admin/environments?${V}`);
    expect(l.status).toBe(200);
    expect(l.json.value.map((e: any) => e.properties.environmentSku).sort()).toEqual(["Default", "Developer", "Production", "Sandbox", "Trial"]);
    const g = await kit.api("GET", `${P}/scopes/admin/environments/${E.production}?${V}`);
    expect(g.json).toMatchObject({ id: `${P}/scopes/admin/environments/${E.production}`, name: E.production, location: "unitedstates", type: "Microsoft.BusinessAppPlatform/scopes/environments", properties: { environmentSku: "Production", provisioningState: "Succeeded", states: { management: { id: "Ready" } }, linkedEnvironmentMetadata: { domainName: "contoso-prod", instanceUrl: "https://contoso-prod.crm.dynamics.com/" } } });
    expect((await kit.api("GET", `${P}/scopes/admin/environments/nope?${V}`)).status).toBe(404);
    expect((await kit.api("GET", `${P}/scopes/admin/environments`)).status).toBe(400);
  });

  test("create without Dataverse: 201", async () => {
    const r = await kit.api("POST", `${P}/environments?${V}`, envBody());
    expect(r.status).toBe(201);
    expect(r.json.properties).toMatchObject({ displayName: "New env", environmentSku: "Sandbox", provisioningState: "Succeeded" });
    expect(r.json.properties.linkedEnvironmentMetadata).toBeUndefined();
  });

  test("create with Dataverse: 202 + Location; lifecycle operation in the recorded shape; one operation at a time", async () => {
    const r = await kit.api("POST", `${P}/environments?${V}`, envBody({ linkedEnvironmentMetadata: { domainName: "newdomain", baseLanguage: 1033, currency: { code: "EUR" } } }));
    expect(r.status).toBe(202);
    expect(r.headers.get("retry-after")).toBe("1");
    const loc = r.headers.get("location")!;
    expect(loc).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/providers\/Microsoft\.BusinessAppPlatform\/lifecycleOperations\/[0-9a-f-]{36}\?api-version=/);
    const op = await kit.api("GET", loc);
    expect(op.json).toMatchObject({ type: { id: "Create" }, links: { self: { path: expect.any(String) }, environment: { path: expect.stringMatching(/^\/providers\/Microsoft\.BusinessAppPlatform\/environments\//) } } });
    expect(op.json.stages.map((s: any) => s.id)).toEqual(["Validate", "Prepare", "Run", "Finalize"]);
    const envId = op.json.links.environment.path.split("/").pop();
    const busy = await kit.api("PATCH", `${P}/scopes/admin/environments/${envId}?api-version=2021-04-01`, { properties: { displayName: "x" } });
    expect(busy.status).toBe(409);
    expect(busy.json.error.code).toBe("OperationNotStartable");
    const done = await until(() => kit.api("GET", loc), (x) => ["Succeeded", "Failed"].includes(x.json.state.id));
    expect(done.json.state.id).toBe("Succeeded");
    expect(done.headers.get("retry-after")).toBeNull();
    const env = await kit.api("GET", `${P}/scopes/admin/environments/${envId}?${V}`);
    expect(env.json.properties).toMatchObject({ provisioningState: "Succeeded", linkedEnvironmentMetadata: { domainName: "newdomain", instanceState: "Ready" } });
  });

  test("final 409s: DomainNameAlreadyInUse and capacity (recorded body)", async () => {
    const dup = await kit.api("POST", `${P}/environments?${V}`, envBody({ linkedEnvironmentMetadata: { domainName: "contoso-prod" } }));
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe("DomainNameAlreadyInUse");
    await kit.control("PATCH", "/objects/tenant/tenant", { databaseCapacityMb: 1000 });
    const cap = await kit.api("POST", `${P}/environments?${V}`, envBody({ linkedEnvironmentMetadata: {} }));
    expect(cap.status).toBe(409);
    expect(cap.json).toEqual({ error: { code: "InsufficientCapacity_StorageDriven", message: "This environment can't be created because your org (tenant) needs at least 1 GB of database capacity.", detailUrlType: "NotSpecified" } });
  });

  test("validation: missing displayName, bad SKU, bad region", async () => {
    const a = await kit.api("POST", `${P}/environments?${V}`, { location: "unitedstates", properties: { environmentSku: "Sandbox" } });
    expect(a.json.error.message).toMatch(/properties\.displayName/);
    expect((await kit.api("POST", `${P}/environments?${V}`, envBody({ environmentSku: "Gold" }))).status).toBe(400);
    expect((await kit.api("POST", `${P}/environments?${V}`, envBody({ azureRegion: "westeurope" }))).status).toBe(400);
  });

  test("PATCH (api-version 2021-04-01) updates displayName/description; SKU change via PATCH refused", async () => {
    const r = await kit.api("PATCH", `${P}/scopes/admin/environments/${E.sandbox}?api-version=2021-04-01`, { properties: { displayName: "Renamed", description: "d" } });
    expect(r.status).toBe(202);
    expect(r.headers.get("location")).toMatch(/lifecycleOperations/);
    expect((await kit.api("GET", `${P}/scopes/admin/environments/${E.sandbox}?${V}`)).json.properties).toMatchObject({ displayName: "Renamed", description: "d" });
    await until(() => kit.api("GET", r.headers.get("location")!), (x) => x.json.state.id === "Succeeded");
    const sku = await kit.api("PATCH", `${P}/scopes/admin/environments/${E.sandbox}?api-version=2021-04-01`, { properties: { environmentSku: "Production" } });
    expect(sku.status).toBe(400);
  });

  test("modifySku: Trial -> Production allowed, Developer -> Production refused", async () => {
    const r = await kit.api("POST", `${P}/environments/${E.trial}/modifySku?api-version=2021-04-01`, { environmentSku: "Production" });
    expect(r.status).toBe(202);
    await until(() => kit.api("GET", r.headers.get("location")!), (x) => x.json.state.id === "Succeeded");
    expect((await kit.api("GET", `${P}/scopes/admin/environments/${E.trial}?${V}`)).json.properties.environmentSku).toBe("Production");
    expect((await kit.api("POST", `${P}/environments/${E.developer}/modifySku?api-version=2021-04-01`, { environmentSku: "Production" })).status).toBe(400);
  });

  test("delete: 202 + Location, environment gone afterwards, then 204; failure outcome keeps it", async () => {
    const r = await kit.api("DELETE", `${P}/scopes/admin/environments/${E.production}?${V}`, { code: "7", message: "Deleted by pulumi" });
    expect(r.status).toBe(202);
    const again = await kit.api("DELETE", `${P}/scopes/admin/environments/${E.production}?${V}`, { code: "7", message: "again" });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("OperationNotStartable");
    const done = await until(() => kit.api("GET", r.headers.get("location")!), (x) => x.json.state.id !== "NotStarted" && x.json.state.id !== "Running");
    expect(done.json).toMatchObject({ type: { id: "Delete" }, state: { id: "Succeeded" } });
    expect((await kit.api("GET", `${P}/scopes/admin/environments/${E.production}?${V}`)).status).toBe(404);
    expect((await kit.api("DELETE", `${P}/scopes/admin/environments/${E.production}?${V}`, { code: "7", message: "x" })).status).toBe(204);
    const state = (await kit.control("GET", "/state")).json;
    expect(state.billingPolicyLinks[E.production]).toBeUndefined();
    expect(Object.values(state.flows).length).toBe(0);
    await kit.control("PUT", "/settings", { environmentOperationOutcome: "Failed" });
    const f = await kit.api("DELETE", `${P}/scopes/admin/environments/${E.sandbox}?${V}`, { code: "7", message: "x" });
    const failed = await until(() => kit.api("GET", f.headers.get("location")!), (x) => ["Succeeded", "Failed"].includes(x.json.state.id));
    expect(failed.json.state.id).toBe("Failed");
    expect((await kit.api("GET", `${P}/scopes/admin/environments/${E.sandbox}?${V}`)).status).toBe(200);
  });
});
