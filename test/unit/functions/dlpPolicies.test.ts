import type { PowerPlatformClient } from "../../../provider/client";
import { getDlpPolicies, getDlpPoliciesOutput } from "../../../provider/functions";
import { recordedBody } from "../../conformance/recordings";

// The recorded policies (test/conformance/recorded/dlp-policies) as the list answers them.
const client = { dlpPolicies: { list: async () => [recordedBody("dlp.get"), recordedBody("dlp.getWithRules")] } } as unknown as PowerPlatformClient;
const EXCEPTED = "be0eb809-e58a-ec1b-8fce-ea40b0e53442";

describe("getDlpPolicies", () => {
  test("maps the recorded policies to the admin center's group names, lists sorted", async () => {
    const [a1, a2] = await getDlpPolicies({}, { client });
    expect(a1).toMatchObject({ policyId: "00000000-0000-0000-0000-000000000001", displayName: "a1", environmentType: "AllEnvironments", defaultConnectorsClassification: "NonBusiness", createdBy: "admin" });
    expect(a2!.businessConnectors.map((c) => c.id)).toEqual(["/providers/Microsoft.PowerApps/apis/shared_azureblob", "/providers/Microsoft.PowerApps/apis/shared_office365users"]);
    expect(a2!.businessConnectors[0]).toMatchObject({ defaultActionRuleBehavior: "Block", endpointRules: [{ order: 1, behavior: "Deny", endpoint: "*" }] });
    expect(a2!.nonBusinessConnectors).toHaveLength(4);
    expect(a2!.customConnectorUrlPatterns).toEqual([
      { order: 1, hostUrlPattern: "http://aaa.com", dataGroup: "Business" },
      { order: 2, hostUrlPattern: "*", dataGroup: "Ignore" },
    ]);
  });

  test("filters by scope type and by the environment a policy applies to", async () => {
    expect((await getDlpPolicies({ environmentType: "ExceptEnvironments" }, { client })).map((p) => p.displayName)).toEqual(["a2"]);
    expect((await getDlpPolicies({ appliesToEnvironment: EXCEPTED.toUpperCase() }, { client })).map((p) => p.displayName)).toEqual(["a1"]);
    expect((await getDlpPolicies({ appliesToEnvironment: "11111111-0000-0000-0000-000000000000" }, { client })).map((p) => p.displayName)).toEqual(["a1", "a2"]);
  });

  test("the Output variant resolves Inputs", async () => {
    const names = await new Promise((resolve) => getDlpPoliciesOutput({ environmentType: Promise.resolve("AllEnvironments") }, { client }).apply((p) => resolve(p.map((x) => x.displayName))));
    expect(names).toEqual(["a1"]);
  });
});
