// The DLP policy surface (surfaces/dlpPolicies.ts): what it refuses, and the control API's dlpPolicies kind.
// Recorded answers (test/conformance/recorded/sources.json "dlp.*", Microsoft's Terraform provider
// dlp_policy tests) are compared in test/conformance/emulator.test.ts; the refusals tested here (404 of
// an unknown policy, 400s of invalid bodies) are guesses, listed in test/emulator/README.md.
import { bootEmulator, Kit } from "./testkit";
import { SEED } from "./seed";

let kit: Kit;
beforeAll(async () => { kit = await bootEmulator(); });
afterAll(async () => { await kit.stop(); });
beforeEach(async () => { await kit.control("POST", "/reset", {}); });

const GOV = "/providers/PowerPlatform.Governance";
const env = (name: string) => ({ id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${name}`, name, type: "Microsoft.BusinessAppPlatform/scopes/environments" });
const connector = (name: string) => ({ id: `/providers/Microsoft.PowerApps/apis/${name}`, name, type: "Microsoft.PowerApps/apis" });
const body = (definition: Record<string, unknown> = {}) => ({
  policyDefinition: { displayName: "p", defaultConnectorsClassification: "General", environmentType: "AllEnvironments", environments: [], connectorGroups: [], ...definition },
});

describe("DLP policies", () => {
  test.each([
    ["no display name", body({ displayName: "" }), "displayName"],
    ["an unknown scope type", body({ environmentType: "Everywhere" }), "environmentType"],
    ["an unknown classification", body({ connectorGroups: [{ classification: "Business", connectors: [] }] }), "classification"],
    ["a connector in two groups", body({ connectorGroups: [{ classification: "General", connectors: [connector("shared_sql")] }, { classification: "Blocked", connectors: [connector("shared_sql")] }] }), "more than one group"],
    ["environments under AllEnvironments", body({ environments: [env(SEED.environments.production)] }), "cannot list environments"],
    ["no environment under OnlyEnvironments", body({ environmentType: "OnlyEnvironments" }), "at least one environment"],
    ["an environment the tenant does not have", body({ environmentType: "OnlyEnvironments", environments: [env("00000000-0000-0000-0000-00000000dead")] }), "was not found"],
  ])("refuses %s: 400 InvalidPolicy", async (_what, b, says) => {
    const r = await kit.api("POST", `${GOV}/v2/policies`, b);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("InvalidPolicy");
    expect(r.json.error.message).toContain(says);
  });

  test("needs an admin; no api-version needed", async () => {
    expect((await kit.api("GET", `${GOV}/v2/policies`, undefined, "maker")).status).toBe(403);
    expect((await kit.api("GET", `${GOV}/v2/policies`)).status).toBe(200);
  });

  test("the control API adds a policy in the API's shape, keyed by its name, served by the API", async () => {
    const made = await kit.control("POST", "/objects/dlpPolicies", { ...body({ name: "d1000000-0000-4000-8000-0000000000d1", displayName: "portal" }), customConnectorUrlPatternsDefinition: { rules: [] } });
    expect(made.status).toBe(201);
    expect(made.json.id).toBe("d1000000-0000-4000-8000-0000000000d1");
    const r = await kit.api("GET", `${GOV}/v2/policies/D1000000-0000-4000-8000-0000000000D1`);
    expect(r.status).toBe(200);
    expect(r.json.policyDefinition).toMatchObject({ name: "d1000000-0000-4000-8000-0000000000d1", displayName: "portal" });
    await kit.control("PATCH", "/objects/dlpPolicies/d1000000-0000-4000-8000-0000000000d1", { policyDefinition: { displayName: "renamed" } });
    expect((await kit.api("GET", `${GOV}/v2/policies/d1000000-0000-4000-8000-0000000000d1`)).json.policyDefinition.displayName).toBe("renamed");
    expect((await kit.api("DELETE", `${GOV}/v1/policies/d1000000-0000-4000-8000-0000000000d1`)).status).toBe(200);
    expect((await kit.api("DELETE", `${GOV}/v1/policies/d1000000-0000-4000-8000-0000000000d1`)).status).toBe(404);
  });
});
