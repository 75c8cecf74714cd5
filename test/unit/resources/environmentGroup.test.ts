import { environmentGroupHandler, syncMembers, type EnvironmentGroupOutputs } from "../../../provider/resources/environmentGroup";
import {
  createOrTake,
  environmentGroupRuleSetHandler,
  parametersOf,
  rulesOf,
  ruleSetSharingModes,
  ruleSetSolutionCheckerModes,
  type EnvironmentGroupRules,
  type EnvironmentGroupRuleSetOutputs,
} from "../../../provider/resources/environmentGroupRuleSet";
import { limitSharingModes, solutionCheckerModes } from "../../../provider/resources/managedEnvironment";
import type { PowerPlatformClient } from "../../../provider/client";
import type { RuleSet } from "../../../provider/client/api/environmentGroups";

const ENV_A = "e1000000-0000-4000-8000-000000000001";
const ENV_B = "e1000000-0000-4000-8000-000000000002";
const GROUP = "0e000000-0000-4000-8000-0000000000aa";

describe("EnvironmentGroup check", () => {
  test("accepts valid input: ids lower-cased and sorted, description defaulted", async () => {
    const result = await environmentGroupHandler.check({}, { displayName: "Makers", environments: [ENV_B.toUpperCase(), ENV_A] });
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toEqual({ displayName: "Makers", description: "", environments: [ENV_A, ENV_B] });
  });

  test("membership left out is not managed", async () => {
    expect((await environmentGroupHandler.check({}, { displayName: "Makers" })).inputs).toEqual({ displayName: "Makers", description: "" });
  });

  test.each([
    ["displayName", { displayName: "" }, "displayName is required"],
    ["displayName", { displayName: "x".repeat(101) }, "at most 100 characters"],
    ["displayName", { displayName: "evil\u202Ename" }, "bidirectional formatting"],
    ["environments", { environments: "e1" }, "must be a list of environment ids"],
    ["environments[0]", { environments: ["not-an-id"] }, "must be an environment name"],
    ["environments[1]", { environments: [ENV_A, ENV_A.toUpperCase()] }, "repeats environments[0]"],
    ["adoptId", { adoptId: "123" }, "adoptId must be a GUID"],
    ["environment", { environment: [ENV_A] }, "did you mean environments?"],
    ["protect", { protect: true }, "is a resource option"],
  ])("names the bad field %s", async (property, change, reason) => {
    const result = await environmentGroupHandler.check({}, { displayName: "Makers", ...change });
    expect(result.inputs).toBeUndefined();
    expect(result.failures).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringContaining(reason) })]));
  });
});

describe("EnvironmentGroup diff", () => {
  const olds: EnvironmentGroupOutputs = { displayName: "Makers", description: "", environments: [ENV_A, ENV_B], environmentGroupId: GROUP };

  test("membership is compared as a set, without case: no change", async () => {
    expect(await environmentGroupHandler.diff(GROUP, olds, { displayName: "Makers", description: "", environments: [ENV_A, ENV_B] })).toMatchObject({ changes: false, replaces: [] });
  });

  test("name, description and members update in place; nothing replaces the group", async () => {
    expect(await environmentGroupHandler.diff(GROUP, olds, { displayName: "Makers 2", description: "x", environments: [ENV_A] })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test("membership no longer declared is left as it is", async () => {
    expect(await environmentGroupHandler.diff(GROUP, olds, { displayName: "Makers", description: "" })).toMatchObject({ changes: false });
  });
});

describe("EnvironmentGroup membership", () => {
  const env = (name: string, displayName: string, extra: Record<string, unknown> = {}) => ({
    id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${name}`,
    name,
    location: "unitedstates",
    properties: { displayName, governanceConfiguration: { protectionLevel: "Standard" }, ...extra },
  });
  const fakeClient = (environments: unknown[]) => {
    const calls: string[] = [];
    const client = {
      environments: { list: async () => environments },
      environmentGroups: {
        get: async (id: string) => ({ id, displayName: "Finance" }),
        addEnvironment: async (g: string, e: string) => void calls.push(`add ${e}`),
        removeEnvironment: async (g: string, e: string) => void calls.push(`remove ${e}`),
      },
    } as unknown as PowerPlatformClient;
    return { client, calls };
  };

  test("adds the missing members and removes the extra ones", async () => {
    const { client, calls } = fakeClient([env(ENV_A, "A"), env(ENV_B, "B", { parentEnvironmentGroup: { id: GROUP } })]);
    await syncMembers(client, GROUP, [ENV_A]);
    expect(calls).toEqual([`add ${ENV_A}`, `remove ${ENV_B}`]);
  });

  test("the default environment is compared as check spells it (Default-<tenant id>): nothing to do", async () => {
    const def = "Default-8D1F7A2E-5C3B-4E1A-9F0D-2B6C4E8A1D00";
    const { client, calls } = fakeClient([env(def, "Default", { parentEnvironmentGroup: { id: GROUP.toUpperCase() } })]);
    const checked = await environmentGroupHandler.check({}, { displayName: "Makers", environments: [def] });
    await syncMembers(client, GROUP, checked.inputs!.environments!);
    expect(calls).toEqual([]);
  });

  test("an environment of another group, an unmanaged one and an unknown id are reported together, before any change", async () => {
    const other = "0e000000-0000-4000-8000-0000000000bb";
    const unknownId = "e1000000-0000-4000-8000-00000000ffff";
    const { client, calls } = fakeClient([
      env(ENV_A, "A", { parentEnvironmentGroup: { id: other } }),
      env(ENV_B, "B", { governanceConfiguration: { protectionLevel: "Basic" } }),
    ]);
    const error = (await syncMembers(client, GROUP, [ENV_A, ENV_B, unknownId]).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`environment ${ENV_A} ("A") belongs to environment group "Finance" (${other}), which this resource does not manage`);
    expect(error.message).toContain(`environment ${ENV_B} ("B") is not a Managed Environment`);
    expect(error.message).toContain(`${unknownId} names no environment in this tenant`);
    expect(calls).toEqual([]);
  });
});

describe("EnvironmentGroupRuleSet rules", () => {
  const all: EnvironmentGroupRules = {
    sharingControls: { shareMode: "ExcludeSharingToSecurityGroups", shareMaxLimit: 5 },
    usageInsights: { insightsEnabled: true },
    makerWelcomeContent: { makerOnboardingUrl: "https://contoso.com/makers", makerOnboardingMarkdown: "# Hi" },
    solutionCheckerEnforcement: { solutionCheckerMode: "Block", suppressValidationEmails: false },
    backupRetention: { periodInDays: 14 },
    aiGeneratedDescriptions: { enabled: true },
    aiGenerativeSettings: { moveDataAcrossRegionsEnabled: false, bingSearchEnabled: true },
  };

  test("rules → parameters → rules is the identity", () => {
    expect(rulesOf({ parameters: parametersOf(all, undefined, Date.UTC(2026, 0, 1)) })).toEqual(all);
    expect(rulesOf({ parameters: parametersOf({ sharingControls: { shareMode: "NoLimit" } }, undefined, 0) })).toEqual({ sharingControls: { shareMode: "NoLimit" } });
    for (const solutionCheckerMode of ruleSetSolutionCheckerModes) {
      const rules: EnvironmentGroupRules = { solutionCheckerEnforcement: { solutionCheckerMode, suppressValidationEmails: true } };
      expect(rulesOf({ parameters: parametersOf(rules, undefined, 0) })).toEqual(rules);
    }
  });

  test("the rules take the values of ManagedEnvironment, spelled the same", () => {
    expect(ruleSetSharingModes).toEqual(limitSharingModes);
    expect(ruleSetSolutionCheckerModes).toEqual(solutionCheckerModes);
  });

  test("the service's spelling reads back as the declared one; a value it has that is not known reads as itself", () => {
    const set = (sharing: string, checker: string): Pick<RuleSet, "parameters"> => ({
      parameters: [
        { type: "Sharing", resourceType: "App", value: [{ id: "CanShareWithSecurityGroups", value: sharing }, { id: "MaximumShareLimit", value: "3" }] },
        { type: "SolutionChecker", resourceType: "NotSpecified", value: [{ id: "solutionCheckerMode", value: checker }] },
      ],
    });
    expect(rulesOf(set("noLimit", "warn"))).toEqual({ sharingControls: { shareMode: "NoLimit" }, solutionCheckerEnforcement: { solutionCheckerMode: "Warn", suppressValidationEmails: false } });
    expect(rulesOf(set("excludeSharingToSecurityGroups", "none")).sharingControls).toEqual({ shareMode: "ExcludeSharingToSecurityGroups", shareMaxLimit: 3 });
    expect(rulesOf(set("noLimit", "strict")).solutionCheckerEnforcement?.solutionCheckerMode).toBe("Strict");
  });

  test("the wire values are those the service records", () => {
    const params = parametersOf(all, undefined, Date.UTC(2024, 9, 24, 7, 29, 50));
    const value = (type: string, id: string) => params.find((p) => p.type === type)?.value.find((v) => v.id === id)?.value;
    expect(value("Lifecycle", "RetentionPeriod")).toBe("14.00:00:00");
    expect(value("Sharing", "CanShareWithSecurityGroups")).toBe("excludeSharingToSecurityGroups");
    expect(value("SolutionChecker", "solutionCheckerMode")).toBe("block");
    expect(value("Sharing", "IsGroupSharingDisabled")).toBe("true");
    expect(value("Sharing", "MaximumShareLimit")).toBe("5");
    const open = parametersOf({ sharingControls: { shareMode: "NoLimit" } }, undefined, 0);
    expect(open[0].value).toEqual([{ id: "CanShareWithSecurityGroups", value: "noLimit" }, { id: "IsGroupSharingDisabled", value: "false" }, { id: "MaximumShareLimit", value: "-1" }]);
    expect(value("AdminDigest", "ExcludeEnvironmentFromAnalysis")).toBe("false");
    expect(value("Copilot", "DisableAiGeneratedDescriptions")).toBe("false");
    expect(value("MakerOnboarding", "makerOnboardingTimestamp")).toBe("Thu, 24 Oct 2024 07:29:50 GMT");
  });

  test("the welcome timestamp moves only when the content does; unknown rule types are kept", () => {
    const current: RuleSet = {
      id: "r",
      parameters: [
        ...parametersOf(all, undefined, Date.UTC(2024, 0, 1)),
        { type: "FutureRule", resourceType: "NotSpecified", value: [{ id: "x", value: "1" }] },
      ],
    };
    const again = parametersOf(all, current, Date.UTC(2026, 0, 1));
    const stamp = (ps: typeof again) => ps.find((p) => p.type === "MakerOnboarding")?.value.find((v) => v.id === "makerOnboardingTimestamp")?.value;
    expect(stamp(again)).toBe(new Date(Date.UTC(2024, 0, 1)).toUTCString());
    expect(again.map((p) => p.type)).toContain("FutureRule");
    const changed = parametersOf({ ...all, makerWelcomeContent: { makerOnboardingUrl: "https://contoso.com/new", makerOnboardingMarkdown: "" } }, current, Date.UTC(2026, 0, 1));
    expect(stamp(changed)).toBe(new Date(Date.UTC(2026, 0, 1)).toUTCString());
  });
});

describe("EnvironmentGroupRuleSet check and diff", () => {
  const valid = () => ({ environmentGroupId: GROUP.toUpperCase(), rules: { backupRetention: { periodInDays: 7 } } });

  test("accepts valid input, lower-casing the group id and defaulting booleans", async () => {
    const result = await environmentGroupRuleSetHandler.check({}, { ...valid(), rules: { solutionCheckerEnforcement: { solutionCheckerMode: "Warn" } } });
    expect(result.inputs).toEqual({ environmentGroupId: GROUP, rules: { solutionCheckerEnforcement: { solutionCheckerMode: "Warn", suppressValidationEmails: false } } });
  });

  test.each([
    ["environmentGroupId", { environmentGroupId: "x" }, "must be a GUID"],
    ["rules", { rules: undefined }, "rules is required"],
    ["rules.backupRetention.periodInDays", { rules: { backupRetention: { periodInDays: 10 } } }, "must be one of 7, 14, 21, 28"],
    ["rules.sharingControls.shareMode", { rules: { sharingControls: { shareMode: "noLimit" } } }, 'must be one of NoLimit, ExcludeSharingToSecurityGroups (got "noLimit"; did you mean NoLimit?)'],
    ["rules.sharingControls.shareMode", { rules: { sharingControls: { shareMode: "excludeSharingToSecurityGroups", shareMaxLimit: 3 } } }, "did you mean ExcludeSharingToSecurityGroups?"],
    ["rules.solutionCheckerEnforcement.solutionCheckerMode", { rules: { solutionCheckerEnforcement: { solutionCheckerMode: "warn" } } }, 'must be one of None, Warn, Block (got "warn"; did you mean Warn?)'],
    ["rules.solutionCheckerEnforcement.solutionCheckerMode", { rules: { solutionCheckerEnforcement: { solutionCheckerMode: "strict" } } }, "must be one of None, Warn, Block"],
    ["rules.sharingControls.shareMaxLimit", { rules: { sharingControls: { shareMode: "NoLimit", shareMaxLimit: 3 } } }, "applies only with shareMode ExcludeSharingToSecurityGroups"],
    ["rules.sharingControls.shareMaxLimit", { rules: { sharingControls: { shareMode: "ExcludeSharingToSecurityGroups" } } }, "must be a whole number from 0 to 10000"],
    ["rules.makerWelcomeContent.makerOnboardingUrl", { rules: { makerWelcomeContent: { makerOnboardingUrl: "http://x" } } }, "must be an https URL"],
    ["rules.makerWelcomeContent", { rules: { makerWelcomeContent: {} } }, "needs makerOnboardingUrl or makerOnboardingMarkdown"],
    ["rules.usageInsights.insightsEnabled", { rules: { usageInsights: {} } }, "is required (true or false)"],
    ["rules.backupRetetion", { rules: { backupRetetion: { periodInDays: 7 } } }, "did you mean rules.backupRetention?"],
    ["rules.solutionCheckerEnforcement.mode", { rules: { solutionCheckerEnforcement: { solutionCheckerMode: "Warn", mode: "x" } } }, "unknown argument"],
  ])("names the bad field %s", async (property, change, reason) => {
    const result = await environmentGroupRuleSetHandler.check({}, { ...valid(), ...change });
    expect(result.inputs).toBeUndefined();
    expect(result.failures).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringContaining(reason) })]));
  });

  const olds: EnvironmentGroupRuleSetOutputs = { environmentGroupId: GROUP, rules: { backupRetention: { periodInDays: 7 } }, ruleSetId: "r", unmanagedRuleTypes: [] };

  test("a rule change updates in place; another group replaces", async () => {
    expect(await environmentGroupRuleSetHandler.diff("r", olds, { environmentGroupId: GROUP, rules: { backupRetention: { periodInDays: 7 } } })).toMatchObject({ changes: false, replaces: [] });
    expect(await environmentGroupRuleSetHandler.diff("r", olds, { environmentGroupId: GROUP, rules: { backupRetention: { periodInDays: 14 } } })).toMatchObject({ changes: true, replaces: [] });
    expect(await environmentGroupRuleSetHandler.diff("r", olds, { environmentGroupId: ENV_A, rules: olds.rules })).toMatchObject({ changes: true, replaces: ["environmentGroupId"] });
  });
});

describe("EnvironmentGroupRuleSet take-over", () => {
  const declared: EnvironmentGroupRules = { backupRetention: { periodInDays: 7 }, solutionCheckerEnforcement: { solutionCheckerMode: "Warn", suppressValidationEmails: true } };
  const clientWith = (existing: RuleSet) => {
    const updates: unknown[] = [];
    const client = {
      http: { clock: { now: () => Date.parse("2026-11-30T12:00:00Z") } },
      environmentGroups: {
        getRuleSet: async () => existing,
        updateRuleSet: async (id: string, group: string, parameters: RuleSet["parameters"]) => {
          updates.push(parameters);
          return { ...existing, id, parameters };
        },
        createRuleSet: async () => {
          throw new Error("no create expected: the group has a rule set");
        },
      },
    } as unknown as PowerPlatformClient;
    return { client, updates };
  };
  const setOf = (rules: EnvironmentGroupRules): RuleSet => ({ id: "rs-1", parameters: parametersOf(rules, undefined, Date.parse("2026-01-01T00:00:00Z")) }) as RuleSet;

  test("a rule set that already holds the declared rules is taken over without a write", async () => {
    const { client, updates } = clientWith(setOf(declared));
    const set = await createOrTake(client, { environmentGroupId: GROUP, rules: declared });
    expect(set.id).toBe("rs-1");
    expect(updates).toHaveLength(0);
  });

  test("a rule set with other rules is updated once", async () => {
    const { client, updates } = clientWith(setOf({ backupRetention: { periodInDays: 21 } }));
    const set = await createOrTake(client, { environmentGroupId: GROUP, rules: declared });
    expect(updates).toHaveLength(1);
    expect(rulesOf(set)).toMatchObject(declared);
  });
});
