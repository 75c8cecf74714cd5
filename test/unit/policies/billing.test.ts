import {
  billingPolicyAllowedLocations,
  billingPolicyAllowedSubscriptions,
  environmentsLinkedToBillingPolicy,
  productionBillingPoliciesEnabled,
} from "../../../policies/rules/billing";
import {
  billingLinkProps,
  billingPolicyProps,
  environmentProps,
  ids,
  policyResource,
  remediate,
  resourceArgs,
  serializedProvider,
  stackArgs,
  unknownString,
  validate,
  validateStack,
} from "./fakeArgs";

describe("billing-policy-allowed-locations", () => {
  const rule = billingPolicyAllowedLocations;

  test("accepts a commercial geography by default", async () => {
    expect(await validate(rule, resourceArgs("BillingPolicy", billingPolicyProps()))).toEqual([]);
  });

  test("rejects a sovereign-cloud geography by default, naming resource, rule and the fix", async () => {
    const [message, ...rest] = await validate(rule, resourceArgs("BillingPolicy", { ...billingPolicyProps(), location: "usgov" }, { name: "gov-payg" }));
    expect(rest).toEqual([]);
    expect(message).toContain('BillingPolicy "gov-payg"');
    expect(message).toContain("billing-policy-allowed-locations");
    expect(message).toContain('location "usgov" is not an allowed geography');
    expect(message).toContain('Set location to one of "unitedstates", "europe"');
  });

  test("follows the configured list", async () => {
    const config = { allowedLocations: ["unitedstates"] };
    expect(await validate(rule, resourceArgs("BillingPolicy", billingPolicyProps(), { config }))).toEqual([
      expect.stringContaining('Set location to one of "unitedstates".'),
    ]);
    expect(await validate(rule, resourceArgs("BillingPolicy", { ...billingPolicyProps(), location: "unitedstates" }, { config }))).toEqual([]);
  });

  test("compares geographies case-insensitively", async () => {
    expect(await validate(rule, resourceArgs("BillingPolicy", { ...billingPolicyProps(), location: "Europe" }))).toEqual([]);
  });

  test("ignores other kinds", async () => {
    expect(await validate(rule, resourceArgs("Environment", { ...environmentProps(), location: "usgov" }))).toEqual([]);
  });
});

describe("billing-policy-allowed-subscriptions", () => {
  const rule = billingPolicyAllowedSubscriptions;
  const config = { allowedSubscriptionIds: [ids.subscription.toUpperCase()] };

  test("is not configured by default: any subscription passes", async () => {
    const props = { ...billingPolicyProps(), billingInstrument: { subscriptionId: "bbbbbbbb-0000-0000-0000-000000000000", resourceGroup: "rg" } };
    expect(await validate(rule, resourceArgs("BillingPolicy", props))).toEqual([]);
  });

  test("accepts an approved subscription (case-insensitive)", async () => {
    expect(await validate(rule, resourceArgs("BillingPolicy", billingPolicyProps(), { config }))).toEqual([]);
  });

  test("rejects another subscription", async () => {
    const props = { ...billingPolicyProps(), billingInstrument: { subscriptionId: "bbbbbbbb-0000-0000-0000-000000000000", resourceGroup: "rg" } };
    const messages = await validate(rule, resourceArgs("BillingPolicy", props, { name: "rogue", config }));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('BillingPolicy "rogue" violates billing-policy-allowed-subscriptions');
    expect(messages[0]).toContain('billingInstrument.subscriptionId "bbbbbbbb-0000-0000-0000-000000000000" is not an approved subscription');
    expect(messages[0]).toContain(`Set billingInstrument.subscriptionId to one of "${ids.subscription.toUpperCase()}"`);
  });
});

describe("production-billing-policies-enabled", () => {
  const rule = productionBillingPoliciesEnabled;
  const disabled = () => ({ ...billingPolicyProps(), status: "Disabled" });

  test("accepts an Enabled policy in a production stack", async () => {
    expect(await validate(rule, resourceArgs("BillingPolicy", billingPolicyProps(), { stack: "prod" }))).toEqual([]);
  });

  test("accepts an omitted status (the provider's default is Enabled)", async () => {
    const { status: _omitted, ...props } = billingPolicyProps();
    expect(await validate(rule, resourceArgs("BillingPolicy", props, { stack: "prod" }))).toEqual([]);
  });

  test("rejects a Disabled policy in a production stack", async () => {
    const messages = await validate(rule, resourceArgs("BillingPolicy", disabled(), { stack: "prod-eu", name: "payg" }));
    expect(messages).toEqual([
      'BillingPolicy "payg" violates production-billing-policies-enabled: status is "Disabled" in a production stack. Set status to "Enabled".',
    ]);
  });

  test("leaves non-production stacks alone", async () => {
    expect(await validate(rule, resourceArgs("BillingPolicy", disabled(), { stack: "dev" }))).toEqual([]);
  });

  test("uses the configured production stack pattern", async () => {
    const config = { productionStackPattern: "^(live|main)$" };
    expect(await validate(rule, resourceArgs("BillingPolicy", disabled(), { stack: "prod", config }))).toEqual([]);
    expect(await validate(rule, resourceArgs("BillingPolicy", disabled(), { stack: "live", config }))).toHaveLength(1);
  });

  test("treats every stack whose name starts with prod as production by default", async () => {
    expect(await validate(rule, resourceArgs("BillingPolicy", disabled(), { stack: "production" }))).toHaveLength(1);
  });

  test("names the rule when the configured pattern is not a regular expression", async () => {
    await expect(validate(rule, resourceArgs("BillingPolicy", disabled(), { stack: "prod", config: { productionStackPattern: "(" } }))).rejects.toThrow(
      /production-billing-policies-enabled: configuration productionStackPattern is not a valid regular expression/,
    );
  });

  test("remediation sets status Enabled and keeps every other property, __provider and unknowns included", async () => {
    const props = { ...disabled(), adoptId: unknownString };
    const fixed = await remediate(rule, resourceArgs("BillingPolicy", props, { stack: "prod" }));
    expect(fixed).toEqual({ ...props, status: "Enabled" });
    expect(fixed?.__provider).toBe(serializedProvider);
    expect(fixed?.adoptId).toBe(unknownString);
  });

  test("remediation changes nothing when the policy is compliant or the stack is not production", async () => {
    expect(await remediate(rule, resourceArgs("BillingPolicy", billingPolicyProps(), { stack: "prod" }))).toBeUndefined();
    expect(await remediate(rule, resourceArgs("BillingPolicy", disabled(), { stack: "dev" }))).toBeUndefined();
    expect(await remediate(rule, resourceArgs("Environment", { ...environmentProps(), status: "Disabled" }, { stack: "prod" }))).toBeUndefined();
  });
});

describe("environments-linked-to-billing-policy", () => {
  const rule = environmentsLinkedToBillingPolicy;

  /** After up: the environment's id is an output, the link holds it. */
  const deployed = (environment = { ...environmentProps(), environmentId: ids.environment }, link = billingLinkProps()) => {
    const env = policyResource("Environment", "finance", environment);
    return { env, resources: [env, policyResource("BillingPolicyEnvironment", "finance-billing", link)] };
  };

  test("accepts an environment linked by its environmentId output", async () => {
    expect(await validateStack(rule, stackArgs(deployed().resources))).toEqual([]);
  });

  test("matches ids case-insensitively", async () => {
    const { resources } = deployed(undefined, { ...billingLinkProps(), environmentId: ids.environment.toUpperCase() });
    expect(await validateStack(rule, stackArgs(resources))).toEqual([]);
  });

  test("during preview, accepts a link whose environmentId depends on the environment resource", async () => {
    const env = policyResource("Environment", "finance", environmentProps());
    const link = policyResource("BillingPolicyEnvironment", "finance-billing", { ...billingLinkProps(), environmentId: unknownString }, {
      propertyDependencies: { environmentId: [env] },
    });
    expect(await validateStack(rule, stackArgs([env, link]))).toEqual([]);
  });

  test("accepts an adopted environment linked by its adoptId", async () => {
    const env = policyResource("Environment", "finance", { ...environmentProps(), adoptId: ids.environment });
    const link = policyResource("BillingPolicyEnvironment", "finance-billing", billingLinkProps());
    expect(await validateStack(rule, stackArgs([env, link]))).toEqual([]);
  });

  test("reports an unlinked Production environment against its URN", async () => {
    const env = policyResource("Environment", "finance", { ...environmentProps(), environmentId: ids.environment });
    const reported = await validateStack(rule, stackArgs([env]));
    expect(reported).toEqual([
      {
        urn: env.urn,
        message: expect.stringContaining('Environment "finance" violates environments-linked-to-billing-policy: the Production environment is not linked to any billing policy'),
      },
    ]);
    expect(reported[0]!.message).toContain("Declare a BillingPolicyEnvironment");
  });

  test("reports an environment whose link points elsewhere", async () => {
    const { resources } = deployed(undefined, { ...billingLinkProps(), environmentId: "99999999-0000-0000-0000-000000000000" });
    expect(await validateStack(rule, stackArgs(resources))).toHaveLength(1);
  });

  test("during preview, reports an environment no link depends on", async () => {
    const env = policyResource("Environment", "finance", environmentProps());
    const other = policyResource("Environment", "hr", { ...environmentProps(), displayName: "HR" });
    const link = policyResource("BillingPolicyEnvironment", "hr-billing", { ...billingLinkProps(), environmentId: unknownString }, {
      propertyDependencies: { environmentId: [other] },
    });
    const reported = await validateStack(rule, stackArgs([env, other, link]));
    expect(reported.map((r) => r.urn)).toEqual([env.urn]);
  });

  test("checks Sandbox environments but not Trial or Developer ones by default", async () => {
    const sandbox = policyResource("Environment", "sandbox", { ...environmentProps(), environmentSku: "Sandbox" });
    const trial = policyResource("Environment", "trial", { ...environmentProps(), environmentSku: "Trial" });
    const developer = policyResource("Environment", "dev", { ...environmentProps(), environmentSku: "Developer" });
    const reported = await validateStack(rule, stackArgs([sandbox, trial, developer]));
    expect(reported.map((r) => r.urn)).toEqual([sandbox.urn]);
  });

  test("checks only the configured SKUs", async () => {
    const sandbox = policyResource("Environment", "sandbox", { ...environmentProps(), environmentSku: "Sandbox" });
    expect(await validateStack(rule, stackArgs([sandbox], { skus: ["Production"] }))).toEqual([]);
  });
});
