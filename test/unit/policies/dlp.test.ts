import { dlpAllEnvironmentsPolicyExists, dlpHighRiskConnectorsBlocked, productionEnvironmentsCoveredByDlp } from "../../../policies/rules/dlp";
import { failSafeOnUnknown } from "../../../policies/unknownValues";
import type { StackValidationPolicy } from "@pulumi/policy";
import { environmentProps, ids, policyResource, resourceArgs, serializedProvider, stackArgs, unknownArray, unknownString, validate, validateStack } from "./fakeArgs";

const dlpProps = (): Record<string, unknown> => ({
  __provider: serializedProvider,
  displayName: "Tenant baseline",
  defaultConnectorsClassification: "Blocked",
  environmentType: "AllEnvironments",
  businessConnectors: ["shared_sharepointonline", { id: "/providers/Microsoft.PowerApps/apis/shared_sql", actionRules: [] }],
  nonBusinessConnectors: ["shared_approvals"],
  blockedConnectors: ["/providers/Microsoft.PowerApps/apis/shared_dropbox"],
});

describe("dlp-high-risk-connectors-blocked", () => {
  const rule = dlpHighRiskConnectorsBlocked;
  const config = { highRiskConnectors: ["shared_dropbox", "/providers/Microsoft.PowerApps/apis/shared_ftp"] };

  test("is not configured by default", async () => {
    expect(await validate(rule, resourceArgs("DataLossPreventionPolicy", { ...dlpProps(), blockedConnectors: [] }))).toEqual([]);
  });

  test("passes when every high-risk connector is blocked, or unlisted under a Blocked default", async () => {
    expect(await validate(rule, resourceArgs("DataLossPreventionPolicy", dlpProps(), { config }))).toEqual([]);
  });

  test("reports a high-risk connector in the business group, by short name or id, naming the fix", async () => {
    const props = { ...dlpProps(), businessConnectors: [{ id: "/providers/Microsoft.PowerApps/apis/SHARED_FTP" }] };
    expect(await validate(rule, resourceArgs("DataLossPreventionPolicy", props, { config, name: "baseline" }))).toEqual([
      'DataLossPreventionPolicy "baseline" violates dlp-high-risk-connectors-blocked: the high-risk connector shared_ftp is in businessConnectors. Add "shared_ftp" to blockedConnectors and remove it from businessConnectors.',
    ]);
  });

  test("reports a high-risk connector left to a default group that is not Blocked (NonBusiness when unset)", async () => {
    const props: Record<string, unknown> = { ...dlpProps(), blockedConnectors: ["shared_ftp"] };
    delete props.defaultConnectorsClassification;
    expect(await validate(rule, resourceArgs("DataLossPreventionPolicy", props, { config }))).toEqual([
      expect.stringContaining("the high-risk connector shared_dropbox is not listed, so it falls in the default group NonBusiness"),
    ]);
  });

  test("reports one in the non-business group", async () => {
    const props = { ...dlpProps(), nonBusinessConnectors: ["shared_dropbox"], blockedConnectors: ["shared_ftp"] };
    expect(await validate(rule, resourceArgs("DataLossPreventionPolicy", props, { config }))).toEqual([expect.stringContaining("shared_dropbox is in nonBusinessConnectors")]);
  });

  test("ignores other kinds", async () => {
    expect(await validate(rule, resourceArgs("Environment", environmentProps(), { config }))).toEqual([]);
  });
});

describe("dlp-all-environments-policy-exists", () => {
  const rule = dlpAllEnvironmentsPolicyExists;
  const policy = (name: string, props: Record<string, unknown>) => policyResource("DataLossPreventionPolicy", name, props);

  test("passes when one policy applies to AllEnvironments", async () => {
    const only = policy("sales", { ...dlpProps(), environmentType: "OnlyEnvironments", environments: [ids.environment] });
    expect(await validateStack(rule, stackArgs([only, policy("baseline", dlpProps())]))).toEqual([]);
  });

  test("reports a stack whose policies are all scoped to lists", async () => {
    const only = policy("sales", { ...dlpProps(), environmentType: "OnlyEnvironments", environments: [ids.environment] });
    expect(await validateStack(rule, stackArgs([only]))).toEqual([
      { message: expect.stringContaining('none of its 1 DLP policy ("sales") applies to AllEnvironments'), urn: undefined },
    ]);
  });

  test("judges a stack without DLP policies only when configured to", async () => {
    const env = policyResource("Environment", "finance", environmentProps());
    expect(await validateStack(rule, stackArgs([env]))).toEqual([]);
    expect(await validateStack(rule, stackArgs([env], { requireInEveryStack: true }))).toEqual([{ message: expect.stringContaining("it declares no DLP policy"), urn: undefined }]);
  });

  test("a scope not known at preview fails by default (unknownAtPreview)", async () => {
    const reported = await validateStack(failSafeOnUnknown(rule) as StackValidationPolicy, stackArgs([policy("x", { ...dlpProps(), environmentType: unknownString })]));
    expect(reported).toEqual([{ message: expect.stringContaining("cannot be checked by dlp-all-environments-policy-exists during preview"), urn: undefined }]);
  });
});

describe("production-environments-covered-by-dlp", () => {
  const rule = productionEnvironmentsCoveredByDlp;
  const finance = () => policyResource("Environment", "finance", { ...environmentProps(), environmentId: ids.environment });
  const policy = (props: Record<string, unknown>, deps: Record<string, ReturnType<typeof finance>[]> = {}) =>
    policyResource("DataLossPreventionPolicy", "p", { ...dlpProps(), ...props }, { propertyDependencies: deps });

  test.each([
    ["AllEnvironments", {}],
    ["OnlyEnvironments listing it", { environmentType: "OnlyEnvironments", environments: [ids.environment.toUpperCase()] }],
    ["ExceptEnvironments not listing it", { environmentType: "ExceptEnvironments", environments: ["Default-" + ids.user] }],
  ])("covered by %s", async (_what, props) => {
    expect(await validateStack(rule, stackArgs([finance(), policy(props)]))).toEqual([]);
  });

  test.each([
    ["ExceptEnvironments listing it", { environmentType: "ExceptEnvironments", environments: [ids.environment] }],
    ["OnlyEnvironments not listing it", { environmentType: "OnlyEnvironments", environments: ["Default-" + ids.user] }],
  ])("not covered by %s: reported on the environment", async (_what, props) => {
    const env = finance();
    expect(await validateStack(rule, stackArgs([env, policy(props)]))).toEqual([
      { message: expect.stringContaining('Environment "finance" violates production-environments-covered-by-dlp: the Production environment is covered by no DLP policy'), urn: env.urn },
    ]);
  });

  test("at preview, an environment id not known yet is listed through the dependency", async () => {
    const env = policyResource("Environment", "finance", environmentProps());
    expect(await validateStack(rule, stackArgs([env, policy({ environmentType: "OnlyEnvironments", environments: [unknownString] }, { environments: [env] })]))).toEqual([]);
    const except = await validateStack(rule, stackArgs([env, policy({ environmentType: "ExceptEnvironments", environments: [unknownString] }, { environments: [env] })]));
    expect(except).toHaveLength(1);
  });

  test("a list not known at preview follows unknownAtPreview", async () => {
    const stack = () => stackArgs([finance(), policy({ environmentType: "OnlyEnvironments", environments: unknownArray })]);
    const failing = await validateStack(failSafeOnUnknown(rule) as StackValidationPolicy, stack());
    expect(failing).toEqual([{ message: expect.stringContaining("cannot be checked by production-environments-covered-by-dlp during preview"), urn: undefined }]);
    const lenient = stackArgs([finance(), policy({ environmentType: "OnlyEnvironments", environments: unknownArray })], { unknownAtPreview: "enforceAtApply" });
    await expect(validateStack(failSafeOnUnknown(rule) as StackValidationPolicy, lenient)).rejects.toThrow();
  });

  test("Sandbox environments and stacks without DLP policies are left alone by default", async () => {
    const sandbox = policyResource("Environment", "sb", { ...environmentProps(), environmentSku: "Sandbox" });
    expect(await validateStack(rule, stackArgs([sandbox, policy({ environmentType: "OnlyEnvironments", environments: ["Default-" + ids.user] })]))).toEqual([]);
    expect(await validateStack(rule, stackArgs([finance()]))).toEqual([]);
    expect(await validateStack(rule, stackArgs([finance()], { requireInEveryStack: true }))).toHaveLength(1);
  });
});
