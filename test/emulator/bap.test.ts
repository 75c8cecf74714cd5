// BAP surface of the emulator, checked against what the real service answers.
// Sources (cited per test):
//  [TF]  microsoft/terraform-provider-power-platform internal/services/environment/resource_environment_test.go
//        (mocks built from live replies: 202 + empty body + regional Location on create/delete,
//        `https://europe.api.bap.microsoft.com/…/lifecycleOperations/…?api-version=2023-06-01`)
//  [TFapi] same repo, internal/services/environment/api_environment.go (DELETE 409 with an empty body
//        retried; validateEnvironmentDetails; locations/environmentLanguages/environmentCurrencies;
//        re-read until linkedEnvironmentMetadata appears)
//  [REC] /work/shared/fixtures/recorded/environments (create/get_environment_*.json: no `currency`
//        in linkedEnvironmentMetadata; get_lifecycle.json: operation shape)
//  [LOC] same repo, internal/services/environment/tests/resource/Validate_Create_Macro_Region/get_locations.json
//  [I7]  issue 7 facts 1–3, 7 (recorded replies of the live service)
import * as https from "node:https";
import { bootEmulator, Kit, until } from "./testkit";
import { SEED } from "./seed";
import { loopbackAwareLookup } from "../../provider/client/transport";

let kit: Kit;
beforeAll(async () => { kit = await bootEmulator(); });
afterAll(async () => { await kit.stop(); });
beforeEach(async () => {
  await kit.control("POST", "/reset", {});
  await kit.control("PUT", "/settings", { environmentOperationMs: 500, retryAfterSeconds: 1, dataverseMetadataMissingReads: 0, lifecycleOperationRetentionMs: 60_000 });
});

const P = "/providers/Microsoft.BusinessAppPlatform";
const V = "api-version=2023-06-01";
const E = SEED.environments;
const envBody = (over: any = {}, location = "unitedstates") => ({ location, properties: { displayName: "New env", environmentSku: "Sandbox", ...over } });
const port = () => kit.emu.port;

/** A request by host name (`localhost`, `europe.localhost`, `x.crm.localhost`): what a client of default mode sends. */
function byName(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; headers: Record<string, string>; json: any; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(url, { method, lookup: loopbackAwareLookup, headers: { authorization: `Bearer ${token}`, ...(data ? { "content-type": "application/json" } : {}) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => {
        let json: any;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, json, text });
      });
    });
    req.on("error", reject);
    req.end(data);
  });
}

/** An access token for a Dataverse instance (`{instanceUrl}/.default`), as Microsoft's clients ask for it. */
async function instanceToken(instanceOrigin: string): Promise<string> {
  const creds = (await kit.raw("GET", "/_emulator/credentials")).json;
  const r = await kit.raw("POST", `/${kit.emu.admin.tenantId}/oauth2/v2.0/token`, {
    form: { grant_type: "client_credentials", client_id: creds.admin.clientId, client_secret: creds.admin.clientSecret, scope: `${instanceOrigin}/.default` },
  });
  expect(r.status).toBe(200);
  return r.json.access_token;
}

describe("environments (BAP)", () => {
  test("admin list and get in the recorded shape; no invented `currency`, no empty securityGroupId [REC]", async () => {
    const l = await kit.api("GET", `${P}/scopes/admin/environments?${V}`);
    expect(l.status).toBe(200);
    expect(l.json.value.map((e: any) => e.properties.environmentSku).sort()).toEqual(["Default", "Developer", "Production", "Sandbox", "Trial"]);
    const g = await kit.api("GET", `${P}/scopes/admin/environments/${E.production}?${V}`);
    expect(g.json).toMatchObject({ id: `${P}/scopes/admin/environments/${E.production}`, name: E.production, location: "unitedstates", type: "Microsoft.BusinessAppPlatform/scopes/environments", properties: { environmentSku: "Production", provisioningState: "Succeeded", states: { management: { id: "Ready" } }, linkedEnvironmentMetadata: { domainName: "contoso-prod" } } });
    const lem = g.json.properties.linkedEnvironmentMetadata;
    expect(lem.currency).toBeUndefined(); // 0 of 146 recorded environments carry one [I7 fact 2]
    expect("securityGroupId" in lem).toBe(false);
    // Called on an IP literal: the instance is on the local name the client reaches by family.
    expect(lem.instanceUrl).toBe(`https://contoso-prod.crm.localhost:${port()}/`);
    expect((await kit.api("GET", `${P}/scopes/admin/environments/nope?${V}`)).status).toBe(404);
    expect((await kit.api("GET", `${P}/scopes/admin/environments`)).status).toBe(400);
  });

  test("create without Dataverse: 202, empty body, Location of a lifecycle operation, no Retry-After [TF][I7 fact 1]", async () => {
    const r = await kit.api("POST", `${P}/environments?${V}`, envBody());
    expect(r.status).toBe(202);
    expect(r.text).toBe("");
    expect(r.headers.get("retry-after")).toBeNull();
    const loc = r.headers.get("location")!;
    // On an IP literal no regional subdomain exists: the same host.
    expect(loc).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:${port()}/providers/Microsoft\\.BusinessAppPlatform/lifecycleOperations/[0-9a-f-]{36}\\?api-version=2023-06-01$`));
    const done = await until(() => kit.api("GET", loc), (x) => x.json.state.id === "Succeeded");
    const envId = done.json.links.environment.path.split("/").pop();
    const env = await kit.api("GET", `${P}/scopes/admin/environments/${envId}?${V}`);
    expect(env.json.properties).toMatchObject({ displayName: "New env", environmentSku: "Sandbox", provisioningState: "Succeeded" });
    expect(env.json.properties.linkedEnvironmentMetadata).toBeUndefined();
  });

  test("called by name, the Location is on the REGIONAL host of the environment's geography [TF]", async () => {
    const token = await kit.token("bap");
    const r = await byName("POST", `https://localhost:${port()}${P}/environments?${V}`, token, envBody({}, "europe"));
    expect(r.status).toBe(202);
    expect(r.headers.location).toMatch(new RegExp(`^https://europe\\.localhost:${port()}${P}/lifecycleOperations/[0-9a-f-]{36}\\?api-version=2023-06-01$`));
    const op = await byName("GET", r.headers.location, token);
    expect(op.status).toBe(200);
    expect(op.json.type.id).toBe("Create");
  });

  test("create with Dataverse: lifecycle operation in the recorded shape; one operation at a time; metadata after a delay [REC][I7 fact 3]", async () => {
    await kit.control("PUT", "/settings", { dataverseMetadataMissingReads: 2 });
    const r = await kit.api("POST", `${P}/environments?${V}`, envBody({ linkedEnvironmentMetadata: { domainName: "newdomain", baseLanguage: 1033, currency: { code: "EUR" } } }));
    expect(r.status).toBe(202);
    expect(r.text).toBe("");
    const loc = r.headers.get("location")!;
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
    for (let read = 0; read < 2; read++) {
      const early = await kit.api("GET", `${P}/scopes/admin/environments/${envId}?${V}`);
      expect(early.json.properties.provisioningState).toBe("Succeeded");
      expect(early.json.properties.linkedEnvironmentMetadata).toBeUndefined();
      expect(early.json.properties.databaseType).toBeUndefined(); // as recorded while the metadata is missing
    }
    const env = await kit.api("GET", `${P}/scopes/admin/environments/${envId}?${V}`);
    expect(env.json.properties.linkedEnvironmentMetadata).toMatchObject({ domainName: "newdomain", instanceState: "Ready" });
    expect(env.json.properties.linkedEnvironmentMetadata.currency).toBeUndefined();
  });

  test("Retry-After on lifecycle replies only when the setting asks", async () => {
    await kit.control("PUT", "/settings", { lifecycleRetryAfter: true, retryAfterSeconds: 3 });
    const r = await kit.api("POST", `${P}/environments?${V}`, envBody());
    expect(r.headers.get("retry-after")).toBe("3");
    expect((await kit.api("GET", r.headers.get("location")!)).headers.get("retry-after")).toBe("3");
  });

  test("a finished lifecycle operation answers 404 after the retention time [I7 fact 1]", async () => {
    await kit.control("PUT", "/settings", { environmentOperationMs: 0, lifecycleOperationRetentionMs: 0 });
    const r = await kit.api("POST", `${P}/environments?${V}`, envBody());
    const gone = await kit.api("GET", r.headers.get("location")!);
    expect(gone.status).toBe(404);
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

  test("PATCH (2021-04-01): 202 + empty body + Location; 204 when nothing changes; SKU change via PATCH refused [TF][I7 fact 1]", async () => {
    const r = await kit.api("PATCH", `${P}/scopes/admin/environments/${E.sandbox}?api-version=2021-04-01`, { properties: { displayName: "Renamed", description: "d" } });
    expect(r.status).toBe(202);
    expect(r.text).toBe("");
    expect(r.headers.get("location")).toMatch(/lifecycleOperations/);
    expect((await kit.api("GET", `${P}/scopes/admin/environments/${E.sandbox}?${V}`)).json.properties).toMatchObject({ displayName: "Renamed", description: "d" });
    await until(() => kit.api("GET", r.headers.get("location")!), (x) => x.json.state.id === "Succeeded");
    const same = await kit.api("PATCH", `${P}/scopes/admin/environments/${E.sandbox}?api-version=2021-04-01`, { properties: { displayName: "Renamed", description: "d" } });
    expect(same.status).toBe(204);
    const sku = await kit.api("PATCH", `${P}/scopes/admin/environments/${E.sandbox}?api-version=2021-04-01`, { properties: { environmentSku: "Production" } });
    expect(sku.status).toBe(400);
  });

  test("modifySku: 202 + Operation-Location (not Location); Trial -> Production allowed, Developer -> Production refused [I7 fact 1]", async () => {
    const r = await kit.api("POST", `${P}/environments/${E.trial}/modifySku?api-version=2021-04-01`, { environmentSku: "Production" });
    expect(r.status).toBe(202);
    expect(r.text).toBe("");
    expect(r.headers.get("location")).toBeNull();
    const opUrl = r.headers.get("operation-location")!;
    expect(opUrl).toMatch(/lifecycleOperations\/[0-9a-f-]{36}\?api-version=2023-06-01$/);
    await until(() => kit.api("GET", opUrl), (x) => x.json.state.id === "Succeeded");
    expect((await kit.api("GET", `${P}/scopes/admin/environments/${E.trial}?${V}`)).json.properties.environmentSku).toBe("Production");
    expect((await kit.api("POST", `${P}/environments/${E.developer}/modifySku?api-version=2021-04-01`, { environmentSku: "Production" })).status).toBe(400);
  });

  // [REC] create/get_environment_….json (europe: cluster 107, "eu-il107.gateway.prod.island", scale group
  // EURCRMLIVESG705, flows on emea.api.flow.microsoft.com, PVA on powervamg.{uriSuffix}.powerapps.com, five capacity
  // types) and without-dataverse-metadata/….json (no databaseType while there is no linkedEnvironmentMetadata).
  test("where an environment lives, as recorded: cluster, runtime endpoints, scale group, capacity; no databaseType without Dataverse [REC]", async () => {
    const sandbox = (await kit.api("GET", `${P}/scopes/admin/environments/${E.sandbox}?${V}`)).json.properties;
    expect(sandbox.cluster).toMatchObject({ category: "Prod", geoShortName: "EU", environment: "Prod", uriSuffix: `eu-il${sandbox.cluster.number}.gateway.prod.island` });
    expect(Number(sandbox.cluster.number)).toBeGreaterThanOrEqual(101);
    expect(sandbox.runtimeEndpoints).toEqual({
      "microsoft.BusinessAppPlatform": "https://europe.api.bap.microsoft.com",
      "microsoft.CommonDataModel": "https://europe.api.cds.microsoft.com",
      "microsoft.PowerApps": "https://europe.api.powerapps.com",
      "microsoft.PowerAppsAdvisor": "https://europe.api.advisor.powerapps.com",
      "microsoft.PowerVirtualAgents": `https://powervamg.${sandbox.cluster.uriSuffix}.powerapps.com`,
      "microsoft.ApiManagement": "https://management.europe.azure-apihub.net",
      "microsoft.Flow": "https://emea.api.flow.microsoft.com",
    });
    expect(sandbox.linkedEnvironmentMetadata.scaleGroup).toMatch(/^EURCRMLIVESG\d{3}$/);
    expect(sandbox.databaseType).toBe("CommonDataService");
    expect(sandbox.capacity.map((c: any) => c.capacityType)).toEqual(["Database", "File", "Log", "FinOpsDatabase", "FinOpsFile"]);
    expect(sandbox.capacity[0]).toMatchObject({ capacityUnit: "MB", ratedConsumption: 1024 });
    expect(sandbox.states.runtime).toEqual({ runtimeReasonCode: "NotSpecified", requestedBy: { displayName: "SYSTEM", type: "NotSpecified" }, id: "Enabled" });
    expect(sandbox).toMatchObject({ trialScenarioType: "None", notificationMetadata: { state: "NotSpecified", branding: "NotSpecific" }, governanceConfiguration: { protectionLevel: "Basic" }, retentionDetails: { retentionPeriod: "P7D" } });
    // Same environment, same cluster on every read.
    expect((await kit.api("GET", `${P}/scopes/admin/environments/${E.sandbox}?${V}`)).json.properties.cluster).toEqual(sandbox.cluster);
    const trial = (await kit.api("GET", `${P}/scopes/admin/environments/${E.trial}?${V}`)).json.properties;
    expect("databaseType" in trial).toBe(false);
    expect("description" in trial).toBe(false); // none set: no key, as in every recorded environment without one
    expect(trial.linkedEnvironmentMetadata).toBeUndefined();
    expect(trial.capacity.every((c: any) => c.actualConsumption === 0)).toBe(true);
  });

  // [REC] the recorded creators are users (createdBy with email and userPrincipalName); the recorded SYSTEM creator
  // (terraform-provider-power-platform datasource/Validate_Read/get_environments.json@501fc97b) has neither.
  test("createdBy: a user's email and UPN; a service principal has neither [REC]", async () => {
    const byUser = await kit.api("POST", `${P}/environments?${V}`, envBody({ displayName: "by a user" }), "adminUser");
    expect(byUser.status).toBe(202);
    const userOp = await until(() => kit.api("GET", byUser.headers.get("location")!), (x) => x.json.state.id === "Succeeded");
    const userEnv = (await kit.api("GET", `${P}/scopes/admin/environments/${userOp.json.links.environment.path.split("/").pop()}?${V}`)).json;
    expect(userEnv.properties.createdBy).toEqual({ id: SEED.adminUser.objectId, displayName: SEED.adminUser.displayName, email: SEED.adminUser.username, type: "User", tenantId: SEED.tenantId, userPrincipalName: SEED.adminUser.username });
    const byApp = await kit.api("POST", `${P}/environments?${V}`, envBody({ displayName: "by an app" }));
    const appOp = await until(() => kit.api("GET", byApp.headers.get("location")!), (x) => x.json.state.id === "Succeeded");
    const appEnv = (await kit.api("GET", `${P}/scopes/admin/environments/${appOp.json.links.environment.path.split("/").pop()}?${V}`)).json;
    expect(appEnv.properties.createdBy).toEqual({ id: SEED.admin.objectId, displayName: SEED.admin.displayName, type: "ServicePrincipal", tenantId: SEED.tenantId });
  });

  // [REC] create-dataverse/get_environment_with_dataverse.json: a Sandbox refuses Promote and ForceFailover
  // ("… cannot be performed on environment of type Sandbox.", EnvironmentSkuType).
  test("lifecycleOperationsEnforcement follows the type: Promote refused on a Sandbox, not once it is Production [REC]", async () => {
    const before = (await kit.api("GET", `${P}/scopes/admin/environments/${E.sandbox}?${V}`)).json.properties.lifecycleOperationsEnforcement;
    expect(before.disallowedOperations).toContainEqual({ type: { id: "Promote" }, reason: { message: "Promote cannot be performed on environment of type Sandbox.", type: "EnvironmentSkuType" } });
    expect(before.allowedOperations).toContainEqual({ type: { id: "Delete" } });
    const r = await kit.api("POST", `${P}/environments/${E.sandbox}/modifySku?api-version=2021-04-01`, { environmentSku: "Production" });
    await until(() => kit.api("GET", r.headers.get("operation-location")!), (x) => x.json.state.id === "Succeeded");
    const after = (await kit.api("GET", `${P}/scopes/admin/environments/${E.sandbox}?${V}`)).json.properties.lifecycleOperationsEnforcement;
    expect(after.disallowedOperations.map((o: any) => o.type.id)).not.toContain("Promote");
    expect(after.allowedOperations).toContainEqual({ type: { id: "Promote" } });
  });

  test("delete: 202 + Location; 409 with an EMPTY body while another operation runs; gone afterwards, then 204; failure keeps it [TF][TFapi]", async () => {
    const r = await kit.api("DELETE", `${P}/scopes/admin/environments/${E.production}?${V}`, { code: "7", message: "Deleted by pulumi" });
    expect(r.status).toBe(202);
    expect(r.text).toBe("");
    const again = await kit.api("DELETE", `${P}/scopes/admin/environments/${E.production}?${V}`, { code: "7", message: "again" });
    expect(again.status).toBe(409);
    expect(again.text).toBe("");
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

describe("creation checks (what Microsoft's tools call before a create) [TFapi][I7 fact 7]", () => {
  test("locations in the recorded shape [LOC]; languages and currencies by location", async () => {
    const l = await kit.api("GET", `${P}/locations?${V}`);
    expect(l.status).toBe(200);
    const europe = l.json.value.find((x: any) => x.name === "europe");
    expect(europe).toMatchObject({ id: `${P}/locations/europe`, type: "Microsoft.BusinessAppPlatform/locations", properties: { displayName: "Europe", code: "EMEA", hasFirstReleaseIslandAvailableForProvisioning: true, azureRegions: ["westeurope", "northeurope"] } });
    // [LOC] the tenant's provisioning mode and its six macro regions.
    expect(l.json.tenantProvisioningMode).toBe("macroRegion");
    expect(l.json.macroRegions.map((m: any) => m.macroRegionId)).toEqual(["asia-pacific", "emea", "eu-efta", "europe-uk", "north-america", "the-americas"]);
    const langs = await kit.api("GET", `${P}/locations/europe/environmentLanguages?${V}`);
    expect(langs.json.value.map((x: any) => x.name)).toContain("1033");
    const cur = await kit.api("GET", `${P}/locations/europe/environmentCurrencies?${V}`);
    expect(cur.json.value.map((x: any) => x.name)).toContain("EUR");
    expect((await kit.api("GET", `${P}/locations/atlantis/environmentCurrencies?${V}`)).status).toBe(404);
  });

  test("validateEnvironmentDetails (2021-04-01): 200 for a free domain name, 409 for a taken one", async () => {
    const free = await kit.api("POST", `${P}/validateEnvironmentDetails?api-version=2021-04-01`, { domainName: "brand-new", environmentLocation: "europe" });
    expect(free.status).toBe(200);
    const taken = await kit.api("POST", `${P}/validateEnvironmentDetails?api-version=2021-04-01`, { domainName: "contoso-prod", environmentLocation: "unitedstates" });
    expect(taken.status).toBe(409);
    expect(taken.json.error.code).toBe("DomainNameAlreadyInUse");
    // An update of the environment that holds the name is fine.
    const self = await kit.api("POST", `${P}/validateEnvironmentDetails?api-version=2021-04-01`, { domainName: "contoso-prod", environmentName: E.production });
    expect(self.status).toBe(200);
  });
});

describe("Dataverse Web API at the instance URL [TFapi]", () => {
  test("organizations → base currency id → transactioncurrencies: the currency the environment was created with", async () => {
    await kit.control("PUT", "/settings", { environmentOperationMs: 0 });
    const r = await kit.api("POST", `${P}/environments?${V}`, envBody({ linkedEnvironmentMetadata: { domainName: "plncorp", baseLanguage: 1033, currency: { code: "PLN" } } }, "europe"));
    const op = await until(() => kit.api("GET", r.headers.get("location")!), (x) => x.json.state.id === "Succeeded");
    const envId = op.json.links.environment.path.split("/").pop();
    const env = await kit.api("GET", `${P}/scopes/admin/environments/${envId}?${V}`);
    const instance = env.json.properties.linkedEnvironmentMetadata.instanceUrl.replace(/\/$/, "");
    expect(instance).toBe(`https://plncorp.crm.localhost:${port()}`);
    const token = await instanceToken(instance);
    const orgs = await byName("GET", `${instance}/api/data/v9.2/organizations?$select=_basecurrencyid_value`, token);
    expect(orgs.status).toBe(200);
    const currencyId = orgs.json.value[0]._basecurrencyid_value;
    expect(currencyId).toMatch(/^[0-9a-f-]{36}$/);
    const cur = await byName("GET", `${instance}/api/data/v9.2/transactioncurrencies?$select=isocurrencycode&$filter=${encodeURIComponent(`transactioncurrencyid eq ${currencyId}`)}`, token);
    expect(cur.status).toBe(200);
    // Same shape as the recorded get_transactioncurrencies_*.json: {"value":[{"isocurrencycode":"PLN"}]} (+ key and etag).
    expect(cur.json.value).toHaveLength(1);
    expect(cur.json.value[0].isocurrencycode).toBe("PLN");
    const one = await byName("GET", `${instance}/api/data/v9.2/transactioncurrencies(${currencyId})?$select=isocurrencycode`, token);
    expect(one.json.isocurrencycode).toBe("PLN");
  });

  test("only a token for the instance's own audience is accepted", async () => {
    const instance = `https://contoso-prod.crm.localhost:${port()}`;
    const bapToken = await kit.token("bap");
    expect((await byName("GET", `${instance}/api/data/v9.2/organizations`, bapToken)).status).toBe(401);
    const otherInstance = await instanceToken(`https://contoso-sandbox-eu.crm.localhost:${port()}`);
    expect((await byName("GET", `${instance}/api/data/v9.2/organizations`, otherInstance)).status).toBe(401);
    expect((await byName("GET", `${instance}/api/data/v9.2/organizations`, await instanceToken(instance))).status).toBe(200);
  });

  test("an environment without Dataverse has no instance", async () => {
    const instance = `https://nosuchorg.crm.localhost:${port()}`;
    expect((await byName("GET", `${instance}/api/data/v9.2/organizations`, await instanceToken(instance))).status).toBe(404);
  });
});
