import { noTrialOrDeveloperEnvironmentsInProduction, productionEnvironmentSecurityGroup } from "../../../policies/rules/environments";
import { environmentProps, ids, resourceArgs, unknownString, validate } from "./fakeArgs";

describe("no-trial-or-developer-environments-in-production", () => {
  const rule = noTrialOrDeveloperEnvironmentsInProduction;

  test("accepts Production and Sandbox environments in a production stack", async () => {
    expect(await validate(rule, resourceArgs("Environment", environmentProps(), { stack: "prod" }))).toEqual([]);
    expect(await validate(rule, resourceArgs("Environment", { ...environmentProps(), environmentSku: "Sandbox" }, { stack: "prod" }))).toEqual([]);
  });

  test.each(["Trial", "Developer"])("rejects a %s environment in a production stack", async (sku) => {
    const messages = await validate(rule, resourceArgs("Environment", { ...environmentProps(), environmentSku: sku }, { stack: "prod", name: "try-me" }));
    expect(messages).toEqual([
      `Environment "try-me" violates no-trial-or-developer-environments-in-production: environmentSku "${sku}" is not allowed in a production stack. ` +
        `Set environmentSku to one of "Production", "Sandbox", or declare this environment in a non-production stack.`,
    ]);
  });

  test("accepts a Trial environment in a non-production stack", async () => {
    expect(await validate(rule, resourceArgs("Environment", { ...environmentProps(), environmentSku: "Trial" }, { stack: "dev" }))).toEqual([]);
  });

  test("follows the configured forbidden SKUs and production stack pattern", async () => {
    const config = { forbiddenSkus: ["Trial", "Developer", "Sandbox"], productionStackPattern: "^live$" };
    const sandbox = { ...environmentProps(), environmentSku: "Sandbox" };
    expect(await validate(rule, resourceArgs("Environment", sandbox, { stack: "live", config }))).toEqual([
      expect.stringContaining('Set environmentSku to one of "Production"'),
    ]);
    expect(await validate(rule, resourceArgs("Environment", sandbox, { stack: "prod", config }))).toEqual([]);
  });
});

describe("production-environment-security-group", () => {
  const rule = productionEnvironmentSecurityGroup;
  const withoutGroup = () => {
    const { securityGroupId: _omitted, ...props } = environmentProps();
    return props;
  };

  test("accepts a Production environment with securityGroupId", async () => {
    expect(await validate(rule, resourceArgs("Environment", environmentProps()))).toEqual([]);
  });

  test("accepts dataverse.securityGroupId", async () => {
    const props = { ...withoutGroup(), dataverse: { languageCode: 1033, currencyCode: "EUR", securityGroupId: ids.group } };
    expect(await validate(rule, resourceArgs("Environment", props))).toEqual([]);
  });

  test("accepts a group id not known yet (preview)", async () => {
    expect(await validate(rule, resourceArgs("Environment", { ...withoutGroup(), securityGroupId: unknownString }))).toEqual([]);
  });

  test("reports a Production environment without a security group", async () => {
    const messages = await validate(rule, resourceArgs("Environment", withoutGroup(), { name: "finance" }));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('Environment "finance" violates production-environment-security-group');
    expect(messages[0]).toContain('"Contoso Finance" sets no security group');
    expect(messages[0]).toContain("Set dataverse.securityGroupId");
  });

  test("treats an empty group id as missing", async () => {
    expect(await validate(rule, resourceArgs("Environment", { ...withoutGroup(), securityGroupId: "" }))).toHaveLength(1);
  });

  test("leaves Sandbox environments alone unless configured", async () => {
    const sandbox = { ...withoutGroup(), environmentSku: "Sandbox" };
    expect(await validate(rule, resourceArgs("Environment", sandbox))).toEqual([]);
    expect(await validate(rule, resourceArgs("Environment", sandbox, { config: { skus: ["Production", "Sandbox"] } }))).toHaveLength(1);
  });
});
