/**
 * Every operation of the two seed specs (31) plus the field-observed ones:
 * the typed function sends the right method, path, api-version and body.
 */
import type { TransportRequest, TransportResponse } from "../../../provider/client/transport";
import { harness } from "./helpers";

const BP = { id: "p", name: "n", status: "Enabled", location: "europe", billingInstrument: { subscriptionId: "s", resourceGroup: "r" } };
const ENV = { id: "/x/e", name: "e", location: "europe", properties: {} };
const FLOW = { name: "f", properties: { state: "Started" } };

function answer(req: TransportRequest): TransportResponse {
  const p = new URL(req.url).pathname;
  const ok = (data?: unknown, status = 200): TransportResponse => ({ status, headers: {}, data });
  if (p.endsWith("/install")) return { status: 202, headers: { "operation-location": "https://api.powerplatform.com/appmanagement/environments/e/operations/o1" }, data: undefined };
  if (p.includes("/operations/")) return ok({ operationId: "o1", status: "Succeeded" });
  if (p.includes("lifecycleOperations")) return ok({ id: "l", state: { id: "Succeeded" } });
  if (p.startsWith("/licensing")) {
    if (p.endsWith("/environments") && req.method === "GET") return ok({ value: [{ billingPolicyId: "p", environmentId: "e" }] });
    if (/\/environments\/(add|remove)$/.test(p)) return ok();
    if (req.method === "DELETE") return ok(undefined, 204);
    if (p === "/licensing/billingPolicies" && req.method === "GET") return ok({ value: [BP] });
    return ok(BP, req.method === "POST" ? 201 : 200);
  }
  if (p.startsWith("/appmanagement")) return ok({ value: [{ uniqueName: "u" }] });
  if (p.startsWith("/powerautomate")) return ok(undefined, 204);
  if (p.startsWith("/providers/Microsoft.BusinessAppPlatform")) {
    if (req.method === "DELETE") return { status: 202, headers: { location: "https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/l" }, data: undefined };
    if (req.method === "POST") return { status: 202, headers: { location: "https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/l" }, data: undefined };
    if (req.method === "PATCH") return ok(undefined, 202);
    return p.endsWith("/environments") ? ok({ value: [ENV] }) : ok(ENV);
  }
  if (p.startsWith("/providers/Microsoft.ProcessSimple")) {
    if (p.endsWith("/permissions")) return ok({ value: [{ name: "x", id: "x", properties: { roleName: "Owner", principal: { id: "u", type: "User" } } }] });
    if (/\/(v2\/flows|runs|apis|connections|environments)$/.test(p)) return ok({ value: [{ name: "n", properties: {} }] });
    if (p.endsWith("/listCallbackUrl")) return ok({ response: { value: "https://cb" } });
    if (/\/(start|stop|cancel|resubmit|modifyPermissions)$/.test(p)) return ok(undefined, p.endsWith("resubmit") ? 202 : 200);
    if (req.method === "DELETE") return ok(undefined, 200);
    if (/\/runs\/[^/]+$/.test(p)) return ok({ name: "r", properties: {} });
    if (/\/apis\/[^/]+$/.test(p)) return ok({ name: "a", properties: {} });
    return ok(FLOW, req.method === "POST" ? 201 : 200);
  }
  return { status: 404, headers: {}, data: { error: { code: "NoRoute", message: p } } };
}

const PP = "https://api.powerplatform.com";
const BAPH = "https://api.bap.microsoft.com";
const FL = "https://api.flow.microsoft.com";
const ADMIN = `${FL}/providers/Microsoft.ProcessSimple/scopes/admin/environments/env`;
const MAKER = `${FL}/providers/Microsoft.ProcessSimple/environments/env`;
const V_PP = "api-version=2022-03-01-preview";
const V_FLOW = "api-version=2016-11-01";

type Case = [string, (c: ReturnType<typeof harness>["client"]) => Promise<unknown>, string[]];
const cases: Case[] = [
  // --- Power Platform API spec (13 operations)
  ["listEnvironments", (c) => c.environments.list({ expand: "properties.capacity" }), [`GET ${BAPH}/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2023-06-01&%24expand=properties.capacity`]],
  ["getEnvironment", (c) => c.environments.get("e"), [`GET ${BAPH}/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/e?api-version=2023-06-01`]],
  ["deleteEnvironment", (c) => c.environments.delete("e"), [`DELETE ${BAPH}/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/e?api-version=2023-06-01`]],
  ["getEnvironmentApplicationPackages", (c) => c.applicationPackages.listForEnvironment("e"), [`GET ${PP}/appmanagement/environments/e/applicationPackages?${V_PP}`]],
  ["installApplicationPackage", (c) => c.applicationPackages.install("e", "u"), [`POST ${PP}/appmanagement/environments/e/applicationPackages/u/install?${V_PP}`]],
  ["getApplicationPackageInstallStatus", (c) => c.applicationPackages.getOperation("e", "o1"), [`GET ${PP}/appmanagement/environments/e/operations/o1?${V_PP}`]],
  ["getTenantApplicationPackages", (c) => c.applicationPackages.listTenant(), [`GET ${PP}/appmanagement/applicationPackages?${V_PP}`]],
  ["listFlowRuns (PP API)", (c) => c.flowRuns.listForWorkflow("e", "wf-1"), [`GET ${PP}/powerautomate/environments/e/flowRuns?${V_PP}&workflowId=wf-1`]],
  ["listBillingPolicies", (c) => c.billingPolicies.list({ top: 10 }), [`GET ${PP}/licensing/billingPolicies?${V_PP}&%24top=10`]],
  ["createBillingPolicy", (c) => c.billingPolicies.create({ name: "n", location: "europe", billingInstrument: { subscriptionId: "s", resourceGroup: "r" } }), [`POST ${PP}/licensing/billingPolicies?${V_PP}`]],
  ["getBillingPolicy", (c) => c.billingPolicies.get("p"), [`GET ${PP}/licensing/billingPolicies/p?${V_PP}`]],
  ["updateBillingPolicy (field form PUT)", (c) => c.billingPolicies.update("p", { status: "Disabled" }), [`PUT ${PP}/licensing/billingPolicies/p?${V_PP}`]],
  ["deleteBillingPolicy", (c) => c.billingPolicies.delete("p"), [`DELETE ${PP}/licensing/billingPolicies/p?${V_PP}`]],
  // --- Power Automate spec (18 operations)
  ["listEnvironments (flow)", (c) => c.flows.listEnvironments(), [`GET ${FL}/providers/Microsoft.ProcessSimple/environments?${V_FLOW}`]],
  ["listFlows (admin v2)", (c) => c.flows.list("env"), [`GET ${ADMIN}/v2/flows?${V_FLOW}`]],
  ["createFlow", (c) => c.flows.create("env", { properties: { displayName: "x" } }), [`POST ${MAKER}/flows?${V_FLOW}`]],
  ["getFlow", (c) => c.flows.get("env", "f"), [`GET ${ADMIN}/flows/f?${V_FLOW}`]],
  ["getFlowWithDefinition", (c) => c.flows.getWithDefinition("env", "f"), [`GET ${MAKER}/flows/f?${V_FLOW}`]],
  ["updateFlow", (c) => c.flows.update("env", "f", { properties: { displayName: "y" } }), [`PATCH ${ADMIN}/flows/f?${V_FLOW}`]],
  ["deleteFlow", (c) => c.flows.delete("env", "f"), [`DELETE ${ADMIN}/flows/f?${V_FLOW}`]],
  ["turnOnFlow", (c) => c.flows.start("env", "f"), [`POST ${ADMIN}/flows/f/start?${V_FLOW}`]],
  ["turnOffFlow", (c) => c.flows.stop("env", "f"), [`POST ${ADMIN}/flows/f/stop?${V_FLOW}`]],
  ["listFlowRuns", (c) => c.flowRuns.list("env", "f"), [`GET ${MAKER}/flows/f/runs?${V_FLOW}`]],
  ["getFlowRun", (c) => c.flowRuns.get("env", "f", "r1"), [`GET ${MAKER}/flows/f/runs/r1?${V_FLOW}`]],
  ["cancelFlowRun", (c) => c.flowRuns.cancel("env", "f", "r1"), [`POST ${MAKER}/flows/f/runs/r1/cancel?${V_FLOW}`]],
  // The path public clients use (pnp/cli-microsoft365 src/m365/flow/commands/run/run-resubmit.ts).
  ["resubmitFlowRun", (c) => c.flowRuns.resubmit("env", "f", "r1", "manual"), [`POST ${MAKER}/flows/f/triggers/manual/histories/r1/resubmit?${V_FLOW}`]],
  ["listFlowOwners (field: permissions)", (c) => c.flows.listOwners("env", "f"), [`GET ${ADMIN}/flows/f/permissions?${V_FLOW}`]],
  ["modifyFlowOwners (field: modifyPermissions)", (c) => c.flows.addCoOwners("env", "f", [{ id: "u2", type: "User" }]), [`POST ${ADMIN}/flows/f/modifyPermissions?${V_FLOW}`]],
  ["listCallbackUrl", (c) => c.flows.listCallbackUrl("env", "f"), [`POST ${MAKER}/flows/f/listCallbackUrl?${V_FLOW}`]],
  ["listConnectors", (c) => c.connectors.list("env"), [`GET ${MAKER}/apis?${V_FLOW}`]],
  ["getConnector", (c) => c.connectors.get("env", "shared_x"), [`GET ${MAKER}/apis/shared_x?${V_FLOW}`]],
  ["listConnections", (c) => c.connections.list("env"), [`GET ${MAKER}/connections?${V_FLOW}`]],
  // --- field-observed
  ["billing policy links list", (c) => c.billingPolicies.listEnvironments("p"), [`GET ${PP}/licensing/billingPolicies/p/environments?${V_PP}`]],
  ["billing policy links add", (c) => c.billingPolicies.addEnvironments("p", ["e1"]), [`POST ${PP}/licensing/billingPolicies/p/environments/add?${V_PP}`]],
  ["billing policy links remove", (c) => c.billingPolicies.removeEnvironments("p", ["e1"]), [`POST ${PP}/licensing/billingPolicies/p/environments/remove?${V_PP}`]],
  ["billing policy of an environment", (c) => c.billingPolicies.getForEnvironment("e1"), [`GET ${PP}/licensing/environments/e1/billingPolicy?${V_PP}`]],
  ["environment create", (c) => c.environments.create({ location: "europe", properties: { displayName: "d", environmentSku: "Sandbox" } }), [`POST ${BAPH}/providers/Microsoft.BusinessAppPlatform/environments?api-version=2023-06-01`]],
  ["environment patch", (c) => c.environments.patch("e", { properties: { displayName: "d2" } }), [`PATCH ${BAPH}/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/e?api-version=2021-04-01`]],
  ["lifecycle operation", (c) => c.environments.getLifecycleOperation("l"), [`GET ${BAPH}/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/l?api-version=2023-06-01`]],
  ["remove flow permission", (c) => c.flows.removePermissions("env", "f", ["perm1"]), [`POST ${ADMIN}/flows/f/modifyPermissions?${V_FLOW}`]],
  [
    "app install + operation",
    (c) => c.applicationPackages.installAndWait("e", "u"),
    [`POST ${PP}/appmanagement/environments/e/applicationPackages/u/install?${V_PP}`, `GET ${PP}/appmanagement/environments/e/operations/o1?${V_PP}`],
  ],
];

describe("every operation", () => {
  test.each(cases)("%s", async (_name, run, expected) => {
    const h = harness();
    h.transport.router = answer;
    await run(h.client);
    expect(h.transport.requests.map((r) => `${r.method} ${r.url}`)).toEqual(expected);
  });

  test("modifyPermissions bodies use the field form", async () => {
    const h = harness();
    h.transport.router = answer;
    await h.client.flows.addCoOwners("env", "f", [{ id: "u2", type: "Group" }]);
    await h.client.flows.removePermissions("env", "f", ["perm1"]);
    expect(h.transport.requests[0]!.body).toEqual({ put: [{ properties: { principal: { id: "u2", type: "Group" }, roleName: "CanEdit" } }] });
    expect(h.transport.requests[1]!.body).toEqual({ delete: [{ id: "perm1" }] });
  });
});
