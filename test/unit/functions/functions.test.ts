import type { PowerPlatformClient } from "../../../provider/client";
import {
  getApplicationPackages,
  getBillingPolicies,
  getBillingPolicyEnvironments,
  getConnections,
  getEnvironments,
  getFlowOwners,
  getFlows,
} from "../../../provider/functions";

// A client whose list calls return canned wire objects (the client's own tests cover paging).
function fakeClient(overrides: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>): PowerPlatformClient {
  return overrides as unknown as PowerPlatformClient;
}

const environment = (name: string, sku: string, location: string, extra: Record<string, unknown> = {}) => ({
  id: `/providers/Microsoft.BusinessAppPlatform/environments/${name}`,
  name,
  location,
  properties: { displayName: `Env ${name}`, environmentSku: sku, states: { management: { id: "Ready" } }, ...extra },
});

describe("data functions", () => {
  test("getEnvironments maps the wire shape and filters by SKU, location and name", async () => {
    const client = fakeClient({
      environments: {
        list: async () => [
          environment("e1", "Production", "unitedstates", { linkedEnvironmentMetadata: { instanceUrl: "https://org1.crm.dynamics.com/", domainName: "org1" } }),
          environment("e2", "Sandbox", "europe"),
          environment("e3", "Trial", "unitedstates"),
        ],
      },
    });
    const all = await getEnvironments({}, { client });
    expect(all).toHaveLength(3);
    expect(all[0]).toEqual({
      environmentId: "e1",
      displayName: "Env e1",
      location: "unitedstates",
      environmentSku: "Production",
      isDefault: false,
      state: "Ready",
      dataverse: { domainName: "org1", instanceUrl: "https://org1.crm.dynamics.com/", version: undefined },
    });
    expect((await getEnvironments({ environmentSkus: ["Production", "Sandbox"] }, { client })).map((e) => e.environmentId)).toEqual(["e1", "e2"]);
    expect((await getEnvironments({ location: "unitedstates", displayNamePattern: "e3$" }, { client })).map((e) => e.environmentId)).toEqual(["e3"]);
  });

  test("getBillingPolicies and getBillingPolicyEnvironments", async () => {
    const client = fakeClient({
      billingPolicies: {
        list: async () => [
          { id: "p1", name: "a", location: "europe", status: "Enabled", billingInstrument: { id: "bi", subscriptionId: "s", resourceGroup: "rg" } },
          { id: "p2", name: "b", location: "asia", status: "Disabled", billingInstrument: { subscriptionId: "s", resourceGroup: "rg" } },
        ],
        listEnvironments: async (id: unknown) => (id === "p1" ? [{ billingPolicyId: "p1", environmentId: "z" }, { billingPolicyId: "p1", environmentId: "a" }] : []),
      },
    });
    expect(await getBillingPolicies({ status: "Enabled" }, { client })).toEqual([
      { billingPolicyId: "p1", name: "a", location: "europe", status: "Enabled", subscriptionId: "s", resourceGroup: "rg", billingInstrumentId: "bi" },
    ]);
    expect(await getBillingPolicyEnvironments({ billingPolicyId: "p1" }, { client })).toEqual(["a", "z"]);
  });

  test("getApplicationPackages reads the catalog or an environment's packages with their state", async () => {
    const calls: string[] = [];
    const client = fakeClient({
      applicationPackages: {
        listTenant: async () => (calls.push("tenant"), [{ uniqueName: "A", version: "1" }]),
        listForEnvironment: async (env: unknown) => (
          calls.push(`env:${env}`),
          [
            { uniqueName: "A", state: "Installed" },
            { uniqueName: "B", state: "InstallFailed", errorDetails: { message: "boom" } },
          ]
        ),
      },
    });
    expect(await getApplicationPackages({}, { client })).toEqual([{ uniqueName: "A", version: "1" }]);
    expect(await getApplicationPackages({ environmentId: "e1", state: "InstallFailed" }, { client })).toEqual([
      { uniqueName: "B", state: "InstallFailed", errorMessage: "boom" },
    ]);
    expect(calls).toEqual(["tenant", "env:e1"]);
  });

  test("getFlows, getFlowOwners (sorted) and getConnections", async () => {
    const client = fakeClient({
      flows: {
        list: async () => [
          { name: "f1", properties: { displayName: "One", state: "Started", creator: { objectId: "u1" } } },
          { name: "f2", properties: { displayName: "Two", state: "Stopped" } },
        ],
        listPermissions: async () => [
          { id: "x", properties: { roleName: "CanEdit", principal: { id: "g2", type: "Group" } } },
          { id: "y", properties: { roleName: "Owner", principal: { id: "a1", type: "User" } } },
        ],
      },
      connections: {
        list: async () => [{ name: "c1", properties: { displayName: "SharePoint", apiId: "/providers/Microsoft.PowerApps/apis/shared_sharepointonline" } }],
      },
    });
    expect(await getFlows({ environmentId: "e", state: "Started" }, { client })).toEqual([
      { flowId: "f1", displayName: "One", state: "Started", creatorId: "u1" },
    ]);
    expect((await getFlowOwners({ environmentId: "e", flowId: "f1" }, { client })).map((o) => `${o.principalId}:${o.role}`)).toEqual([
      "a1:Owner",
      "g2:CanEdit",
    ]);
    expect(await getConnections({ environmentId: "e" }, { client })).toEqual([
      { connectionId: "c1", displayName: "SharePoint", connectorId: "shared_sharepointonline" },
    ]);
  });
});
