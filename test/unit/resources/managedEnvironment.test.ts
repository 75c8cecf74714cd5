import { changedSettings, governanceBody, managedEnvironmentHandler, settingsFrom, type ManagedEnvironmentOutputs } from "../../../provider/resources/managedEnvironment";

const fakeManaged = { get: jest.fn(), setAndWait: jest.fn() };
const fakeEnvironments = { get: jest.fn(), list: jest.fn() };
jest.mock("../../../provider/resources/runtimeSupport", () => {
  const actual = jest.requireActual("../../../provider/resources/runtimeSupport");
  const http = { clock: { now: () => Date.now(), sleep: async () => undefined } };
  const config = { safety: { notFoundConfirmMs: 0 } };
  return { ...actual, clientFromEnvironment: async () => ({ managedEnvironments: fakeManaged, environments: fakeEnvironments, http, config }) };
});

const ENV = "e1000000-0000-4000-8000-000000000001";
const valid = () => ({ environmentId: ENV });
// The recorded managed environment's settings (terraform-provider-power-platform
// managed_environment/tests/resource/Validate_Create_And_Update/get_environment_create_response.json).
const recorded = {
  protectionLevel: "Standard",
  settings: {
    extendedSettings: {
      excludeEnvironmentFromAnalysis: "true",
      isGroupSharingDisabled: "true",
      maxLimitUserSharing: "10",
      includeOnHomepageInsights: "false",
      limitSharingMode: "excludeSharingToSecurityGroups",
      solutionCheckerMode: "none",
      suppressValidationEmails: "true",
      solutionCheckerRuleOverrides: "meta-remove-dup-reg,meta-avoid-reg-no-attribute",
      makerOnboardingUrl: "http://www.example.com",
      makerOnboardingMarkdown: "this is test markdown",
      disableAiGeneratedDescriptions: "false",
    },
  },
};
const declared = {
  environmentId: ENV,
  protectionLevel: "Standard",
  limitSharingMode: "ExcludeSharingToSecurityGroups" as const,
  groupSharingDisabled: true,
  maxLimitUserSharing: 10,
  usageInsightsDisabled: true,
  solutionCheckerMode: "None" as const,
  suppressValidationEmails: true,
  solutionCheckerRuleOverrides: ["meta-avoid-reg-no-attribute", "meta-remove-dup-reg"],
  makerOnboardingMarkdown: "this is test markdown",
  makerOnboardingUrl: "http://www.example.com",
};

beforeEach(() => {
  jest.resetAllMocks();
  fakeManaged.get.mockRejectedValue(new Error("no tenant in unit tests"));
});

describe("ManagedEnvironment check", () => {
  test("applies the defaults: Standard, no sharing limit, no enforcement, empty welcome content", async () => {
    expect(await managedEnvironmentHandler.check({}, { environmentId: ENV.toUpperCase() })).toEqual({
      inputs: {
        environmentId: ENV,
        protectionLevel: "Standard",
        limitSharingMode: "NoLimit",
        groupSharingDisabled: false,
        maxLimitUserSharing: -1,
        usageInsightsDisabled: false,
        solutionCheckerMode: "None",
        suppressValidationEmails: false,
        solutionCheckerRuleOverrides: [],
        makerOnboardingMarkdown: "",
        makerOnboardingUrl: "",
      },
    });
  });

  test("sorts the rule overrides: their order is not a change", async () => {
    const result = await managedEnvironmentHandler.check({}, { ...valid(), solutionCheckerRuleOverrides: ["web-avoid-eval", "meta-remove-dup-reg"] });
    expect(result.inputs?.solutionCheckerRuleOverrides).toEqual(["meta-remove-dup-reg", "web-avoid-eval"]);
  });

  test.each([
    ["environmentId", { environmentId: "" }, "environmentId is required"],
    ["environmentId", { environmentId: "prod env" }, "must be an environment name"],
    ["protectionLevel", { protectionLevel: "Basic" }, "protectionLevel must be one of Standard"],
    ["limitSharingMode", { limitSharingMode: "excludeSharingToSecurityGroups" }, "did you mean ExcludeSharingToSecurityGroups?"],
    ["solutionCheckerMode", { solutionCheckerMode: "block" }, "did you mean Block?"],
    ["maxLimitUserSharing", { maxLimitUserSharing: 0 }, "must be -1 (no limit) or a whole number"],
    ["maxLimitUserSharing", { maxLimitUserSharing: 2.5 }, "must be -1 (no limit) or a whole number"],
    ["maxLimitUserSharing", { maxLimitUserSharing: 10, groupSharingDisabled: false }, "set groupSharingDisabled: true"],
    ["maxLimitUserSharing", { maxLimitUserSharing: 10 }, "set groupSharingDisabled: true"],
    ["groupSharingDisabled", { groupSharingDisabled: "yes" }, "must be true or false"],
    ["solutionCheckerRuleOverrides", { solutionCheckerRuleOverrides: "meta-remove-dup-reg" }, "must be a list of rule names"],
    ["solutionCheckerRuleOverrides[0]", { solutionCheckerRuleOverrides: ["meta-remove-dup-regs"] }, "did you mean meta-remove-dup-reg?"],
    ["solutionCheckerRuleOverrides[1]", { solutionCheckerRuleOverrides: ["web-avoid-eval", "web-avoid-eval"] }, "names web-avoid-eval twice"],
    ["makerOnboardingUrl", { makerOnboardingUrl: "contoso.com/makers" }, "must be an http(s) URL"],
    ["weeklyDigest", { weeklyDigest: true }, "unknown argument weeklyDigest"],
    ["usageInsightDisabled", { usageInsightDisabled: true }, "did you mean usageInsightsDisabled?"],
  ])("names the bad field %s", async (property, change, reason) => {
    const result = await managedEnvironmentHandler.check({}, { ...valid(), ...change });
    expect(result.inputs).toBeUndefined();
    expect(result.failures).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringContaining(reason) })]));
  });

  test("reports every bad field at once, with no API call", async () => {
    const result = await managedEnvironmentHandler.check({}, { environmentId: "x", solutionCheckerMode: "Strict", maxLimitUserSharing: -5, groupSharingDisabled: true });
    expect(result.failures?.map((f) => f.property).sort()).toEqual(["environmentId", "maxLimitUserSharing", "solutionCheckerMode"]);
    expect(fakeManaged.get).not.toHaveBeenCalled();
  });

  test("records the configuration the environment had before (restored on delete), and keeps it from then on", async () => {
    fakeManaged.get.mockResolvedValue({ governance: { protectionLevel: "Basic" } });
    expect((await managedEnvironmentHandler.check({}, valid())).inputs?.initialGovernance).toEqual({ protectionLevel: "Basic" });
    fakeManaged.get.mockResolvedValue({ governance: recorded });
    const carried = await managedEnvironmentHandler.check({ environmentId: ENV, initialGovernance: { protectionLevel: "Basic" } }, valid());
    expect(carried.inputs?.initialGovernance).toEqual({ protectionLevel: "Basic" });
  });
});

describe("ManagedEnvironment and the service's strings", () => {
  test("the recorded managed environment reads as its Terraform declaration, and proposes nothing", () => {
    const read = settingsFrom(recorded, {});
    const { environmentId: _environmentId, ...settings } = declared;
    expect(read).toEqual(settings);
    expect(changedSettings(read, declared)).toEqual([]);
  });

  test("the body is what the service stores: Standard, every setting a string, unmanaged settings kept", () => {
    const current = { protectionLevel: "Standard", settings: { extendedSettings: { ...recorded.settings.extendedSettings, disableAiGeneratedDescriptions: "true" } } };
    const body = governanceBody({ ...declared, solutionCheckerMode: "Block", maxLimitUserSharing: -1, groupSharingDisabled: false, limitSharingMode: "NoLimit" }, current);
    expect(body).toEqual({
      protectionLevel: "Standard",
      settings: {
        extendedSettings: {
          ...recorded.settings.extendedSettings,
          disableAiGeneratedDescriptions: "true",
          solutionCheckerMode: "block",
          maxLimitUserSharing: "-1",
          isGroupSharingDisabled: "false",
          limitSharingMode: "noLimit",
          solutionCheckerRuleOverrides: "meta-avoid-reg-no-attribute,meta-remove-dup-reg",
        },
      },
    });
  });

  test("an environment turned back to Basic by hand keeps the last known settings: only protectionLevel changes", () => {
    const read = settingsFrom({ protectionLevel: "Basic" }, declared);
    expect(changedSettings(read, declared)).toEqual(["protectionLevel"]);
  });
});

describe("ManagedEnvironment diff", () => {
  const olds: ManagedEnvironmentOutputs = { ...declared, environmentDisplayName: "Sales" };
  test("no change, whatever the order of the rule overrides", async () => {
    const news = { ...declared, solutionCheckerRuleOverrides: [...declared.solutionCheckerRuleOverrides].reverse() };
    expect(await managedEnvironmentHandler.diff(ENV, olds, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });
  test.each([
    ["solutionCheckerMode", "Block"],
    ["maxLimitUserSharing", 25],
    ["makerOnboardingMarkdown", "Welcome"],
    ["usageInsightsDisabled", false],
  ])("%s updates in place", async (name, value) => {
    expect(await managedEnvironmentHandler.diff(ENV, olds, { ...declared, [name]: value })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });
  test("another environment replaces", async () => {
    const other = "e1000000-0000-4000-8000-000000000002";
    expect((await managedEnvironmentHandler.diff(ENV, olds, { ...declared, environmentId: other })).replaces).toEqual(["environmentId"]);
  });
});

describe("ManagedEnvironment create and delete", () => {
  const envWith = (governance: object, extra: object = {}) => ({
    name: ENV,
    properties: { displayName: "Sales", linkedEnvironmentMetadata: { domainName: "sales" }, governanceConfiguration: governance, ...extra },
  });

  test("an environment without Dataverse is refused before any change", async () => {
    fakeEnvironments.get.mockResolvedValue({ name: ENV, properties: { displayName: "Flows only", governanceConfiguration: { protectionLevel: "Basic" } } });
    fakeManaged.get.mockResolvedValue({ governance: { protectionLevel: "Basic" } });
    await expect(managedEnvironmentHandler.create({ ...declared })).rejects.toThrow(/has no Dataverse: managed environments require Dataverse/);
    expect(fakeManaged.setAndWait).not.toHaveBeenCalled();
  });

  test("an environment in an environment group is refused before any change, naming the group", async () => {
    fakeEnvironments.get.mockResolvedValue(envWith({ protectionLevel: "Standard" }, { parentEnvironmentGroup: { id: "11111111-1111-1111-1111-111111111111" } }));
    await expect(managedEnvironmentHandler.create({ ...declared, initialGovernance: { protectionLevel: "Basic" } })).rejects.toThrow(/environment group \(11111111-1111-1111-1111-111111111111\)/);
    expect(fakeManaged.setAndWait).not.toHaveBeenCalled();
  });

  test("an environment already configured as declared is taken over without a write", async () => {
    fakeEnvironments.get.mockResolvedValue(envWith(recorded));
    const { id, outs } = await managedEnvironmentHandler.create({ ...declared, initialGovernance: recorded });
    expect(id).toBe(ENV);
    expect(outs).toMatchObject({ ...declared, environmentDisplayName: "Sales", initialGovernance: recorded });
    expect(fakeManaged.setAndWait).not.toHaveBeenCalled();
  });

  test("delete turns the features off when the environment was not managed before", async () => {
    fakeEnvironments.get.mockResolvedValue(envWith(recorded));
    fakeManaged.setAndWait.mockResolvedValue({});
    await managedEnvironmentHandler.delete(ENV, { ...declared, environmentDisplayName: "Sales", initialGovernance: { protectionLevel: "Basic" } });
    expect(fakeManaged.setAndWait).toHaveBeenCalledWith(ENV, { protectionLevel: "Basic" }, expect.anything());
  });

  test("delete puts back the settings of an environment that was managed before", async () => {
    const before = { protectionLevel: "Standard", settings: { extendedSettings: { ...recorded.settings.extendedSettings, solutionCheckerMode: "warn" } } };
    fakeEnvironments.get.mockResolvedValue(envWith(recorded));
    fakeManaged.setAndWait.mockResolvedValue({});
    await managedEnvironmentHandler.delete(ENV, { ...declared, environmentDisplayName: "Sales", initialGovernance: before });
    expect(fakeManaged.setAndWait).toHaveBeenCalledWith(ENV, { protectionLevel: "Standard", settings: before.settings }, expect.anything());
  });

  test("delete makes no write when the environment already has the settings to put back, whatever their key order", async () => {
    fakeManaged.setAndWait.mockClear();
    // The state keeps the settings with their keys sorted (the engine sorts them); the service answers in its own order.
    const sorted = Object.fromEntries(Object.entries(recorded.settings.extendedSettings).sort(([a], [b]) => a.localeCompare(b)));
    const before = { protectionLevel: "Standard", settings: { extendedSettings: sorted } };
    fakeEnvironments.get.mockResolvedValue(envWith(recorded));
    await managedEnvironmentHandler.delete(ENV, { ...declared, environmentDisplayName: "Sales", initialGovernance: before });
    expect(fakeManaged.setAndWait).not.toHaveBeenCalled();
  });

  test("delete of an environment gone already does nothing", async () => {
    const { NotFoundError } = jest.requireActual("../../../provider/client/errors");
    fakeEnvironments.get.mockRejectedValue(new NotFoundError("gone", { status: 404 }));
    await managedEnvironmentHandler.delete(ENV, { ...declared, environmentDisplayName: "Sales" });
    expect(fakeManaged.setAndWait).not.toHaveBeenCalled();
  });
});
