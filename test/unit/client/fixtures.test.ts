/**
 * Every recorded response of the real services (test/conformance/recorded, kept in the
 * repository) is decoded through the typed client functions, over a fake transport.
 * A missing recording fails the test (no skip).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConflictError } from "../../../provider/client/errors";
import { environmentIdOf } from "../../../provider/client/api/environments";
import { RECORDED_DIR as ROOT, recordedFiles } from "../../conformance/recordings";
import { harness, json } from "./helpers";

const used = new Set<string>();
function fixture(rel: string): unknown {
  used.add(rel);
  return JSON.parse(fs.readFileSync(path.join(ROOT, rel), "utf8"));
}
/** The recordings this file decodes (the others are replayed by test/conformance/client.test.ts). */
const COVERED_HERE = [
  "application-packages/environment/get_applications.json",
  "application-packages/install-operation/get_operation.json",
  "application-packages/tenant/get_tenant_applications.json",
  "billing-policies/create-provisioning/get_billing_policy.json",
  "billing-policies/create-provisioning/post_billing_policy.json",
  "billing-policies/links/get_environments_for_policy.json",
  "billing-policies/list/get_billing_policies.json",
  "billing-policies/update/put_billing_policy_1.json",
  "environments/create-409-capacity/post_environment.json",
  "environments/create/get_environment_00000000-0000-0000-0000-000000000001.json",
  "environments/create/get_lifecycle.json",
  "environments/delete/get_lifecycle_delete.json",
];

describe("recorded fixtures decode through the typed client", () => {
  test("billing-policies/list → billingPolicies.list", async () => {
    const { client, transport } = harness([json(200, fixture("billing-policies/list/get_billing_policies.json"))]);
    const list = await client.billingPolicies.list();
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ id: "00000000-0000-0000-0000-000000000001", type: "TenantOwned", status: "Enabled", location: "europe" });
    expect(list[1]!.billingInstrument.resourceGroup).toBe("rg-group2");
    expect(transport.requests[0]!.method).toBe("GET");
  });

  test("billing-policies/create-provisioning → create (Provisioning) then waitUntilProvisioned (Enabled)", async () => {
    const post = fixture("billing-policies/create-provisioning/post_billing_policy.json");
    const get = fixture("billing-policies/create-provisioning/get_billing_policy.json");
    const { client, transport, clock } = harness([json(201, post), json(200, get)]);
    const created = await client.billingPolicies.create({
      name: "payAsYouGoBillingPolicyExample",
      location: "europe",
      status: "Enabled",
      billingInstrument: { subscriptionId: "00000000-0000-0000-0000-000000000000", resourceGroup: "resource_group_name" },
    });
    expect(created.status).toBe("Provisioning");
    expect(created.billingInstrument.id).toContain("/providers/Microsoft.PowerPlatform/accounts/");
    expect(created.createdBy).toEqual({ id: "00000000-0000-0000-0000-000000000000", type: "User" });
    const ready = await client.billingPolicies.waitUntilProvisioned(created.id, { initial: created });
    expect(ready.status).toBe("Enabled");
    expect(transport.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
    expect(clock.sleeps).toEqual([5000]);
  });

  test("billing-policies/create-provisioning → get", async () => {
    const { client } = harness([json(200, fixture("billing-policies/create-provisioning/get_billing_policy.json"))]);
    await expect(client.billingPolicies.get("00000000-0000-0000-0000-000000000001")).resolves.toMatchObject({ status: "Enabled" });
  });

  test("billing-policies/update → update (PUT)", async () => {
    const { client, transport } = harness([json(200, fixture("billing-policies/update/put_billing_policy_1.json"))]);
    const p = await client.billingPolicies.update("00000000-0000-0000-0000-000000000001", { name: "payAsYouGoBillingPolicyExample1", status: "Enabled" });
    expect(p.name).toBe("payAsYouGoBillingPolicyExample1");
    expect(transport.requests[0]!.method).toBe("PUT");
  });

  test("billing-policies/links → listEnvironments", async () => {
    const { client, transport } = harness([json(200, fixture("billing-policies/links/get_environments_for_policy.json"))]);
    const links = await client.billingPolicies.listEnvironments("00000000-0000-0000-0000-000000000000");
    expect(links.map((l) => l.environmentId)).toEqual([
      "00000000-0000-0000-0000-000000000001",
      "00000000-0000-0000-0000-000000000002",
      "00000000-0000-0000-0000-000000000003",
    ]);
    expect(transport.requests[0]!.url).toBe(
      "https://api.powerplatform.com/licensing/billingPolicies/00000000-0000-0000-0000-000000000000/environments?api-version=2022-03-01-preview",
    );
  });

  test("application-packages/tenant → listTenant (large catalog, errorDetails)", async () => {
    const { client } = harness([json(200, fixture("application-packages/tenant/get_tenant_applications.json"))]);
    const pkgs = await client.applicationPackages.listTenant();
    expect(pkgs).toHaveLength(245);
    expect(pkgs[0]!.uniqueName).toBe("msdyn_FlowApprovals");
    expect(pkgs[0]!.errorDetails).toMatchObject({ errorName: "ApplicationNotVisible", statusCode: 404 });
  });

  test("application-packages/environment → listForEnvironment / findInEnvironment", async () => {
    const body = fixture("application-packages/environment/get_applications.json");
    const { client } = harness([json(200, body), json(200, body)]);
    const pkgs = await client.applicationPackages.listForEnvironment("env1");
    expect(pkgs).toHaveLength(2);
    expect(pkgs[0]).toMatchObject({ uniqueName: "MicrosoftFormsPro", state: "None", crmMinversion: "9.1", errorDetails: null });
    const found = await client.applicationPackages.findInEnvironment("env1", "msdyn_iomorderreturnsportalanchor");
    expect(found?.version).toBe("1.0.0.78");
  });

  test("application-packages/install-operation → getOperation and waitForInstall", async () => {
    const op = fixture("application-packages/install-operation/get_operation.json");
    const opUrl = "https://api.powerplatform.com/appmanagement/environments/env1/operations/475af49d-9bca-437f-8be1-9e467f44be8a?api-version=2022-03-01-preview";
    const { client } = harness([json(200, op), json(202, undefined, { "Operation-Location": opUrl }), json(200, op)]);
    const got = await client.applicationPackages.getOperation("env1", "475af49d-9bca-437f-8be1-9e467f44be8a");
    expect(got).toMatchObject({ operationId: "475af49d-9bca-437f-8be1-9e467f44be8a", status: "Succeeded", statusMessage: "" });
    const done = await client.applicationPackages.installAndWait("env1", "MicrosoftFormsPro");
    expect(done.status).toBe("Succeeded");
  });

  test("environments/create → get and the create lifecycle operation", async () => {
    const env = fixture("environments/create/get_environment_00000000-0000-0000-0000-000000000001.json");
    const life = fixture("environments/create/get_lifecycle.json");
    const loc = "https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/b03e1e6d-73db-4367-90e1-2e378bf7e2fc?api-version=2023-06-01";
    const { client, transport } = harness([json(200, env), json(200, life), json(202, undefined, { location: loc, "retry-after": "3" }), json(200, life), json(200, env)]);

    const e = await client.environments.get("00000000-0000-0000-0000-000000000001");
    expect(e.properties).toMatchObject({ environmentSku: "Sandbox", azureRegion: "westeurope", provisioningState: "Succeeded" });
    expect(e.properties.linkedEnvironmentMetadata?.domainName).toBe("00000000-0000-0000-0000-000000000001");
    expect(e.properties.states?.management?.id).toBe("Ready");
    expect(e.properties.billingPolicy).toEqual({ id: "" });

    const op = await client.environments.getLifecycleOperation("b03e1e6d-73db-4367-90e1-2e378bf7e2fc");
    expect(op.state.id).toBe("Succeeded");
    expect(op.stages).toHaveLength(4);
    expect(environmentIdOf(op)).toBe("00000000-0000-0000-0000-000000000001");

    const created = await client.environments.createAndWait({ location: "europe", properties: { displayName: "displayname", environmentSku: "Sandbox" } });
    expect(created.name).toBe("00000000-0000-0000-0000-000000000001");
    expect(transport.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      "GET /providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/00000000-0000-0000-0000-000000000001",
      "GET /providers/Microsoft.BusinessAppPlatform/lifecycleOperations/b03e1e6d-73db-4367-90e1-2e378bf7e2fc",
      "POST /providers/Microsoft.BusinessAppPlatform/environments",
      "GET /providers/Microsoft.BusinessAppPlatform/lifecycleOperations/b03e1e6d-73db-4367-90e1-2e378bf7e2fc",
      "GET /providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/00000000-0000-0000-0000-000000000001",
    ]);
  });

  test("environments/delete → delete then the lifecycle operation", async () => {
    const life = fixture("environments/delete/get_lifecycle_delete.json");
    const loc = "https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/b03e1e6d-73db-4367-90e1-2e378bf7e2fc";
    const { client, transport } = harness([json(202, undefined, { location: loc }), json(200, life)]);
    const del = await client.environments.delete("123");
    expect(del).toMatchObject({ httpStatus: 202, alreadyGone: false, operationUrl: loc });
    expect(transport.requests[0]!.body).toMatchObject({ code: "7" });
    const op = await client.environments.waitForLifecycle({ operationUrl: del.operationUrl! });
    expect(op?.state.id).toBe("Succeeded");
    expect(environmentIdOf(op!)).toBe("123");
  });

  test("environments/create-409-capacity → final ConflictError, not retried", async () => {
    const body = fixture("environments/create-409-capacity/post_environment.json");
    const { client, transport } = harness([json(409, body), json(201, {})]);
    const err = await client.environments.create({ location: "europe", properties: { displayName: "d", environmentSku: "Production" } }).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.code).toBe("InsufficientCapacity_StorageDriven");
    expect(err.message).toContain("needs at least 1 GB of database capacity");
    expect(err.retryable).toBe(false);
    expect(transport.requests).toHaveLength(1);
  });

  afterAll(() => {
    // Every recording listed above exists in the repository and was decoded by a test above.
    expect([...used].sort()).toEqual([...COVERED_HERE].sort());
    expect(recordedFiles()).toEqual(expect.arrayContaining(COVERED_HERE));
  });
});
