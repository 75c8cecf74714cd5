import { bootEmulator, Kit, until } from "./testkit";
import { SEED } from "./seed";

let kit: Kit;
beforeAll(async () => { kit = await bootEmulator(); });
afterAll(async () => { await kit.stop(); });
beforeEach(async () => { await kit.control("POST", "/reset", {}); await kit.control("PUT", "/settings", { billingPolicyProvisioningMs: 300, installDurationMs: 400, retryAfterSeconds: 0 }); });

const V = "api-version=2022-03-01-preview";
const E = SEED.environments;
const newPolicy = (over: object = {}) => ({ name: "payg-test", location: "unitedstates", status: "Enabled", billingInstrument: { subscriptionId: "5b0c0000-0000-4000-8000-000000000009", resourceGroup: "rg-test" }, ...over });

describe("billing policies", () => {
  test("create answers 201 Provisioning in the recorded shape, then Enabled", async () => {
    const r = await kit.api("POST", `/licensing/billingPolicies?${V}`, newPolicy());
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ name: "payg-test", type: "TenantOwned", status: "Provisioning", location: "unitedstates", billingInstrument: { subscriptionId: "5b0c0000-0000-4000-8000-000000000009", resourceGroup: "rg-test" }, createdBy: { id: SEED.admin.objectId, type: "ServicePrincipal" } });
    expect(r.json.billingInstrument.id).toBe("/subscriptions/5b0c0000-0000-4000-8000-000000000009/resourceGroups/rg-test/providers/Microsoft.PowerPlatform/accounts/payg-test");
    expect(Object.keys(r.json).sort()).toEqual(["billingInstrument", "createdBy", "createdOn", "id", "lastModifiedBy", "lastModifiedOn", "location", "name", "status", "type"]);
    const done = await until(() => kit.api("GET", `/LICENSING/BillingPolicies/${r.json.id}?${V}`), (x) => x.json.status !== "Provisioning");
    expect(done.json.status).toBe("Enabled");
  });

  test("requested Disabled ends Disabled; configured ProvisioningFailed ends ProvisioningFailed", async () => {
    const d = await kit.api("POST", `/licensing/billingPolicies?${V}`, newPolicy({ status: "Disabled" }));
    await kit.control("PUT", "/settings", { billingPolicyOutcome: "ProvisioningFailed" });
    const f = await kit.api("POST", `/licensing/billingPolicies?${V}`, newPolicy({ name: "fails" }));
    expect((await until(() => kit.api("GET", `/licensing/billingPolicies/${d.json.id}?${V}`), (x) => x.json.status !== "Provisioning")).json.status).toBe("Disabled");
    expect((await until(() => kit.api("GET", `/licensing/billingPolicies/${f.json.id}?${V}`), (x) => x.json.status !== "Provisioning")).json.status).toBe("ProvisioningFailed");
  });

  test("validation names the field; unknown id 404", async () => {
    const r = await kit.api("POST", `/licensing/billingPolicies?${V}`, newPolicy({ billingInstrument: { subscriptionId: "x", resourceGroup: "rg" } }));
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("InvalidRequestContent");
    expect(r.json.error.message).toMatch(/billingInstrument\.subscriptionId/);
    expect((await kit.api("POST", `/licensing/billingPolicies?${V}`, { location: "europe" })).json.error.message).toMatch(/'name'/);
    expect((await kit.api("POST", `/licensing/billingPolicies?${V}`, "{not json")).status).toBe(400);
    // issue 7, fact 5: the real answer for an unknown id.
    const missing = await kit.api("GET", `/licensing/billingPolicies/00000000-0000-0000-0000-000000000000?${V}`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: { code: "BillingPolicyNotFound", message: "The billing policy '00000000-0000-0000-0000-000000000000' could not be found." } });
  });

  test("a create by a service principal is accepted by default; refused when the setting asks (a guess of the answer)", async () => {
    expect((await kit.api("POST", `/licensing/billingPolicies?${V}`, newPolicy())).status).toBe(201);
    await kit.control("PUT", "/settings", { refuseServicePrincipalBillingPolicyCreate: true });
    const refused = await kit.api("POST", `/licensing/billingPolicies?${V}`, newPolicy());
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/service principal is not supported/);
    // A user with the admin role still can.
    expect((await kit.api("POST", `/licensing/billingPolicies?${V}`, newPolicy(), "adminUser")).status).toBe(201);
  });

  test("update with PUT and PATCH changes name/status; location and billingInstrument are immutable", async () => {
    const id = SEED.billingPolicies.us;
    const put = await kit.api("PUT", `/licensing/billingPolicies/${id}?${V}`, { name: "renamed", status: "Disabled" });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ name: "renamed", status: "Disabled" });
    expect((await kit.api("PATCH", `/licensing/billingPolicies/${id}?${V}`, { status: "Enabled" })).json.status).toBe("Enabled");
    const loc = await kit.api("PUT", `/licensing/billingPolicies/${id}?${V}`, { name: "x", location: "europe" });
    expect(loc.status).toBe(400);
    expect(loc.json.error.message).toMatch(/location/);
    const bi = await kit.api("PATCH", `/licensing/billingPolicies/${id}?${V}`, { billingInstrument: { subscriptionId: "5b0c0000-0000-4000-8000-00000000000f", resourceGroup: "other" } });
    expect(bi.status).toBe(400);
    expect(bi.json.error.message).toMatch(/billingInstrument/);
  });

  test("links: rules (SKU, region, one policy per environment), list, env lookup, remove", async () => {
    const us = SEED.billingPolicies.us, eu = SEED.billingPolicies.europe;
    const trial = await kit.api("POST", `/licensing/billingPolicies/${us}/environments/add?${V}`, { environmentIds: [E.trial] });
    expect(trial.status).toBe(400);
    expect(trial.json.error.message).toMatch(/Production and Sandbox/);
    const region = await kit.api("POST", `/licensing/billingPolicies/${eu}/environments/add?${V}`, { environmentIds: [E.production] });
    expect(region.status).toBe(400);
    expect(region.json.error.code).toBe("EnvironmentRegionMismatch");
    const ok = await kit.api("POST", `/licensing/billingPolicies/${eu}/environments/add?${V}`, { environmentIds: [E.sandbox] });
    expect(ok.status).toBe(200);
    const list = await kit.api("GET", `/licensing/billingPolicies/${eu}/environments?${V}`);
    expect(list.json.value).toEqual([{ billingPolicyId: eu, environmentId: E.sandbox }]);
    expect((await kit.api("GET", `/licensing/environments/${E.sandbox}/billingPolicy?${V}`)).json.id).toBe(eu);
    const envBap = await kit.api("GET", `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${E.sandbox}?api-version=2023-06-01`);
    expect(envBap.json.properties.billingPolicy.id).toBe(eu);
    // a second US policy cannot take the Production environment already linked to payg-us
    const p2 = await kit.api("POST", `/licensing/billingPolicies?${V}`, newPolicy({ name: "second" }));
    await until(() => kit.api("GET", `/licensing/billingPolicies/${p2.json.id}?${V}`), (x) => x.json.status === "Enabled");
    const dup = await kit.api("POST", `/licensing/billingPolicies/${p2.json.id}/environments/add?${V}`, { environmentIds: [E.production] });
    expect(dup.status).toBe(409);
    expect(dup.json.error.message).toMatch(/one billing policy only/);
    expect((await kit.api("POST", `/licensing/billingPolicies/${eu}/environments/remove?${V}`, { environmentIds: [E.sandbox] })).status).toBe(200);
    expect((await kit.api("GET", `/licensing/environments/${E.sandbox}/billingPolicy?${V}`)).status).toBe(404);
    expect((await kit.api("POST", `/licensing/billingPolicies/${eu}/environments/add?${V}`, { environmentIds: ["nope"] })).status).toBe(404);
  });

  test("delete answers 204 and removes the policy's links", async () => {
    const us = SEED.billingPolicies.us;
    expect((await kit.api("DELETE", `/licensing/billingPolicies/${us}?${V}`)).status).toBe(204);
    expect((await kit.api("GET", `/licensing/billingPolicies/${us}?${V}`)).status).toBe(404);
    expect((await kit.api("GET", `/licensing/environments/${E.production}/billingPolicy?${V}`)).status).toBe(404);
    expect((await kit.control("GET", "/state")).json.billingPolicyLinks).toEqual({});
  });

  test("lists page with @odata.nextLink (absolute URL with a skip token)", async () => {
    await kit.control("PUT", "/settings", { pageSize: 1 });
    const names: string[] = [];
    let next: string | undefined = `/licensing/billingPolicies?${V}`;
    let pages = 0;
    while (next) {
      const r = await kit.api("GET", next);
      expect(r.status).toBe(200);
      names.push(...r.json.value.map((p: any) => p.name));
      next = r.json["@odata.nextLink"];
      if (next) expect(next).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/licensing\/billingPolicies\?api-version=2022-03-01-preview&%24skiptoken=/);
      pages++;
    }
    expect(pages).toBe(2);
    expect(names.sort()).toEqual(["payg-europe", "payg-us"]);
  });
});

describe("application packages", () => {
  const pkgPath = (env: string, pkg: string) => `/appmanagement/environments/${env}/applicationPackages/${pkg}/install?${V}`;

  test("tenant catalog comes from the recorded fixtures", async () => {
    await kit.control("PUT", "/settings", { pageSize: 1000 });
    const r = await kit.api("GET", `/appmanagement/applicationPackages?${V}`);
    expect(r.json.value.length).toBeGreaterThan(200);
    expect(r.json.value.find((p: any) => p.uniqueName === "msdyn_FlowApprovals").errorDetails.errorName).toBe("ApplicationNotVisible");
  });

  // issue 7, fact 4 (recorded): 202, empty body, Operation-Location with api-version=1, no Retry-After.
  test("install: 202 + empty body + Operation-Location (api-version=1), no Retry-After, NotStarted/Running then Succeeded, package Installed", async () => {
    const r = await kit.api("POST", pkgPath(E.production, SEED.packages.installable));
    expect(r.status).toBe(202);
    expect(r.text).toBe("");
    expect(r.headers.get("retry-after")).toBeNull();
    const loc = r.headers.get("operation-location")!;
    expect(loc).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:\\d+/appmanagement/environments/${E.production}/operations/[0-9a-f-]{36}\\?api-version=1$`));
    const seen = new Set<string>();
    const done = await until(() => kit.api("GET", loc), (x) => { expect(x.headers.get("retry-after")).toBeNull(); seen.add(x.json.status); return ["Succeeded", "Failed"].includes(x.json.status); }, 5000, 50);
    expect(done.json).toMatchObject({ status: "Succeeded", statusMessage: "" });
    expect(Object.keys(done.json).sort()).toEqual(["createdDateTime", "lastActionDateTime", "operationId", "status", "statusMessage"]);
    expect([...seen].some((s) => s === "NotStarted" || s === "Running")).toBe(true);
    const pkgs = await kit.api("GET", `/appmanagement/environments/${E.production}/applicationPackages?${V}&appInstallState=Installed`);
    expect(pkgs.json.value.map((p: any) => p.uniqueName).sort()).toEqual([SEED.packages.installable, SEED.packages.other].sort());
  });

  test("setting appOperationRetryAfter sends Retry-After on the install and its polls", async () => {
    await kit.control("PUT", "/settings", { appOperationRetryAfter: true, retryAfterSeconds: 2 });
    const r = await kit.api("POST", pkgPath(E.production, SEED.packages.installable));
    expect(r.headers.get("retry-after")).toBe("2");
  });

  test("configured failure: operation Failed with error, package InstallFailed with errorDetails; 409 polls while running", async () => {
    await kit.control("PUT", "/settings", { installOutcome: "Failed", installFailureMessage: "boom", installPollConflicts: 2, installDurationMs: 600, pageSize: 1000 });
    const r = await kit.api("POST", pkgPath(E.production, SEED.packages.installable));
    const loc = r.headers.get("operation-location")!;
    const statuses: number[] = [];
    const done = await until(() => kit.api("GET", loc), (x) => { statuses.push(x.status); return x.status === 200 && x.json.status === "Failed"; }, 5000, 50);
    expect(statuses.filter((s) => s === 409).length).toBe(2);
    expect(done.json.error).toMatchObject({ message: "boom" });
    // error.errorCode is an integer in the recorded failures (issue 7, fact 4).
    expect(Number.isInteger(done.json.error.errorCode)).toBe(true);
    const pkgs = await kit.api("GET", `/appmanagement/environments/${E.production}/applicationPackages?${V}`);
    const p = pkgs.json.value.find((x: any) => x.uniqueName === SEED.packages.installable);
    expect(p.state).toBe("InstallFailed");
    expect(p.errorDetails.message).toBe("boom");
  });

  test("errors: no Dataverse 400, unknown package 400, unknown env 404; reinstall succeeds", async () => {
    const noDv = await kit.api("POST", pkgPath(E.trial, SEED.packages.installable));
    expect(noDv.status).toBe(400);
    const unknown = await kit.api("POST", pkgPath(E.production, "NoSuchPackage"));
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toBe("Package requested for installation was not found");
    expect((await kit.api("POST", pkgPath("nope", SEED.packages.installable))).status).toBe(404);
    const again = await kit.api("POST", pkgPath(E.production, SEED.packages.other));
    expect(again.status).toBe(202);
    const done = await until(() => kit.api("GET", again.headers.get("operation-location")!), (x) => x.json.status === "Succeeded");
    expect(done.status).toBe(200);
  });
});

describe("powerautomate flow runs (Power Platform API)", () => {
  test("200 with runs, 204 when none, 404 without Dataverse, 400 without workflowId", async () => {
    const r = await kit.api("GET", `/powerautomate/environments/${E.production}/flowRuns?workflowId=${SEED.flows.dailyReport}&${V}`);
    expect(r.status).toBe(200);
    expect(r.json.value.length).toBe(3);
    expect((await kit.api("GET", `/powerautomate/environments/${E.production}/flowRuns?workflowId=${SEED.flows.invoiceApproval}&${V}`)).status).toBe(204);
    expect((await kit.api("GET", `/powerautomate/environments/${E.default}/flowRuns?workflowId=${SEED.flows.dailyReport}&${V}`)).status).toBe(404);
    expect((await kit.api("GET", `/powerautomate/environments/${E.production}/flowRuns?${V}`)).status).toBe(400);
  });
});
