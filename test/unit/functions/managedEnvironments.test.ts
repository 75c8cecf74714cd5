import type { PowerPlatformClient } from "../../../provider/client";
import { getManagedEnvironment, getManagedEnvironments } from "../../../provider/functions";

const managed = {
  protectionLevel: "Standard",
  settings: {
    extendedSettings: {
      excludeEnvironmentFromAnalysis: "true",
      isGroupSharingDisabled: "true",
      maxLimitUserSharing: "10",
      limitSharingMode: "excludeSharingToSecurityGroups",
      solutionCheckerMode: "warn",
      suppressValidationEmails: "false",
      solutionCheckerRuleOverrides: "web-avoid-eval,meta-remove-dup-reg",
      makerOnboardingUrl: "https://contoso.com/makers",
      makerOnboardingMarkdown: "Welcome",
    },
  },
};
const environment = (name: string, sku: string, governanceConfiguration: object, extra: object = {}) => ({
  name,
  location: "europe",
  properties: { displayName: `Env ${name}`, environmentSku: sku, governanceConfiguration, ...extra },
});
const client = {
  environments: {
    list: async () => [
      environment("e1", "Production", managed),
      environment("e2", "Production", { protectionLevel: "Basic" }),
      environment("e3", "Sandbox", { protectionLevel: "Standard" }, { parentEnvironmentGroup: { id: "g1" } }),
    ],
    get: async (id: string) => environment(id, "Production", managed),
  },
} as unknown as PowerPlatformClient;

describe("managed-environment data functions", () => {
  test("getManagedEnvironments maps the service's strings to the resource's names and filters", async () => {
    const all = await getManagedEnvironments({}, { client });
    expect(all.map((e) => [e.environmentId, e.managed, e.protectionLevel])).toEqual([
      ["e1", true, "Standard"],
      ["e2", false, "Basic"],
      ["e3", true, "Standard"],
    ]);
    expect(all[0].settings).toEqual({
      limitSharingMode: "ExcludeSharingToSecurityGroups",
      groupSharingDisabled: true,
      maxLimitUserSharing: 10,
      usageInsightsDisabled: true,
      solutionCheckerMode: "Warn",
      suppressValidationEmails: false,
      solutionCheckerRuleOverrides: ["meta-remove-dup-reg", "web-avoid-eval"],
      makerOnboardingMarkdown: "Welcome",
      makerOnboardingUrl: "https://contoso.com/makers",
    });
    expect(all[1].settings).toBeUndefined();
    expect(all[2].environmentGroupId).toBe("g1");
    expect((await getManagedEnvironments({ managed: false, environmentSku: "Production" }, { client })).map((e) => e.environmentId)).toEqual(["e2"]);
  });

  test("getManagedEnvironment reads one environment", async () => {
    expect(await getManagedEnvironment({ environmentId: "e9" }, { client })).toMatchObject({ environmentId: "e9", managed: true, settings: { solutionCheckerMode: "Warn" } });
  });
});
