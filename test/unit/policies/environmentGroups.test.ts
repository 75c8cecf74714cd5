import { environmentGroupsHaveRules, productionEnvironmentsInAGroup } from "../../../policies/rules/environmentGroups";
import { environmentProps, ids, policyResource, serializedProvider, stackArgs, unknownString, validateStack } from "./fakeArgs";

const groupId = "77777777-aaaa-bbbb-cccc-000000000008";
const groupProps = (extra: Record<string, unknown> = {}) => ({
  __provider: serializedProvider,
  displayName: "Personal Productivity",
  description: "",
  environments: [ids.environment],
  environmentGroupId: groupId,
  ...extra,
});
const ruleSetProps = (extra: Record<string, unknown> = {}) => ({
  __provider: serializedProvider,
  environmentGroupId: groupId,
  rules: { sharingControls: { shareMode: "NoLimit" }, backupRetention: { periodInDays: 7 } },
  ...extra,
});

describe("environment-groups-have-rules", () => {
  const rule = environmentGroupsHaveRules;
  const group = () => policyResource("EnvironmentGroup", "makers", groupProps());

  test("accepts a group with a rule set naming its id", async () => {
    expect(await validateStack(rule, stackArgs([group(), policyResource("EnvironmentGroupRuleSet", "makers-rules", ruleSetProps())]))).toEqual([]);
  });

  test("during preview, accepts a rule set whose environmentGroupId depends on the group", async () => {
    const g = policyResource("EnvironmentGroup", "makers", groupProps({ environmentGroupId: unknownString }));
    const set = policyResource("EnvironmentGroupRuleSet", "makers-rules", ruleSetProps({ environmentGroupId: unknownString }), { propertyDependencies: { environmentGroupId: [g] } });
    expect(await validateStack(rule, stackArgs([g, set]))).toEqual([]);
  });

  test("reports a group without rules, naming the group, the rule and the fix", async () => {
    const [reported, ...rest] = await validateStack(rule, stackArgs([group()]));
    expect(rest).toEqual([]);
    expect(reported.message).toContain('EnvironmentGroup "makers"');
    expect(reported.message).toContain("environment-groups-have-rules");
    expect(reported.message).toContain("has no rule set");
    expect(reported.urn).toContain("makers");
  });

  test("a rule set of another group does not count", async () => {
    const other = policyResource("EnvironmentGroupRuleSet", "other-rules", ruleSetProps({ environmentGroupId: ids.group }));
    expect(await validateStack(rule, stackArgs([group(), other]))).toHaveLength(1);
  });

  test("reports the required rules a rule set lacks (configurable)", async () => {
    const args = stackArgs([group(), policyResource("EnvironmentGroupRuleSet", "makers-rules", ruleSetProps())], { requiredRules: ["sharingControls", "solutionCheckerEnforcement"] });
    const [reported, ...rest] = await validateStack(rule, args);
    expect(rest).toEqual([]);
    expect(reported.message).toContain('does not declare "solutionCheckerEnforcement"');
    expect(reported.message).not.toContain('"sharingControls"');
  });
});

describe("production-environments-in-a-group", () => {
  const rule = productionEnvironmentsInAGroup;
  const env = (extra: Record<string, unknown> = {}) => policyResource("Environment", "finance", { ...environmentProps(), environmentId: ids.environment, ...extra });

  const production = { skus: ["Production"] };

  test("is off until skus is configured", async () => {
    expect(await validateStack(rule, stackArgs([env()]))).toEqual([]);
  });

  test("accepts a production environment listed by a group (ids compared without case)", async () => {
    const group = policyResource("EnvironmentGroup", "makers", groupProps({ environments: [ids.environment.toUpperCase()] }));
    expect(await validateStack(rule, stackArgs([env(), group], production))).toEqual([]);
  });

  test("during preview, accepts a group whose environments depend on the environment", async () => {
    const e = env({ environmentId: unknownString });
    const group = policyResource("EnvironmentGroup", "makers", groupProps({ environments: [unknownString] }), { propertyDependencies: { environments: [e] } });
    expect(await validateStack(rule, stackArgs([e, group], production))).toEqual([]);
  });

  test("reports a production environment in no group", async () => {
    const [reported, ...rest] = await validateStack(rule, stackArgs([env(), policyResource("EnvironmentGroup", "makers", groupProps({ environments: [] }))], production));
    expect(rest).toEqual([]);
    expect(reported.message).toContain('Environment "finance"');
    expect(reported.message).toContain("the Production environment is in no environment group");
  });

  test("leaves other SKUs alone unless configured", async () => {
    expect(await validateStack(rule, stackArgs([env({ environmentSku: "Sandbox" })], production))).toEqual([]);
    expect(await validateStack(rule, stackArgs([env({ environmentSku: "Sandbox" })], { skus: ["Sandbox"] }))).toHaveLength(1);
  });
});
