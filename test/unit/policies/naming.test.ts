import { billingPolicyNameConvention, environmentDisplayNameConvention } from "../../../policies/rules/naming";
import { billingPolicyProps, environmentProps, resourceArgs, validate } from "./fakeArgs";

describe("environment-display-name-convention", () => {
  const rule = environmentDisplayNameConvention;

  test("accepts a plain display name with spaces, hyphens and underscores", async () => {
    expect(await validate(rule, resourceArgs("Environment", { ...environmentProps(), displayName: "Contoso Finance - EU_1" }))).toEqual([]);
  });

  test.each([" leading space", "-dash-first", "Finance (EU)", ""])("rejects %j by default", async (displayName) => {
    const messages = await validate(rule, resourceArgs("Environment", { ...environmentProps(), displayName }, { name: "finance" }));
    expect(messages).toEqual([
      `Environment "finance" violates environment-display-name-convention: displayName "${displayName}" does not match the naming convention /^[A-Za-z0-9][A-Za-z0-9 _-]*$/. ` +
        "Rename it so that it matches /^[A-Za-z0-9][A-Za-z0-9 _-]*$/.",
    ]);
  });

  test("follows the configured pattern", async () => {
    const config = { pattern: "^(PRD|DEV|TST)-[A-Z][A-Za-z]+$" };
    expect(await validate(rule, resourceArgs("Environment", environmentProps(), { config }))).toHaveLength(1);
    expect(await validate(rule, resourceArgs("Environment", { ...environmentProps(), displayName: "PRD-Finance" }, { config }))).toEqual([]);
  });
});

describe("billing-policy-name-convention", () => {
  const rule = billingPolicyNameConvention;

  test("accepts a name of letters, digits, hyphens and underscores", async () => {
    expect(await validate(rule, resourceArgs("BillingPolicy", billingPolicyProps()))).toEqual([]);
  });

  test("rejects a name starting with an underscore by default", async () => {
    const messages = await validate(rule, resourceArgs("BillingPolicy", { ...billingPolicyProps(), name: "_payg" }, { name: "payg" }));
    expect(messages).toEqual([expect.stringContaining('BillingPolicy "payg" violates billing-policy-name-convention: name "_payg" does not match')]);
  });

  test("follows the configured pattern", async () => {
    const config = { pattern: "^payg-[a-z]+$" };
    expect(await validate(rule, resourceArgs("BillingPolicy", billingPolicyProps(), { config }))).toHaveLength(1);
    expect(await validate(rule, resourceArgs("BillingPolicy", { ...billingPolicyProps(), name: "payg-europe" }, { config }))).toEqual([]);
  });

  test("names the rule when the configured pattern is invalid", async () => {
    await expect(validate(rule, resourceArgs("BillingPolicy", billingPolicyProps(), { config: { pattern: "[" } }))).rejects.toThrow(
      /billing-policy-name-convention: configuration pattern is not a valid regular expression/,
    );
  });
});
