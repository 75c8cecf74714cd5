/**
 * Naming conventions for what administrators see in the admin center: environment
 * display names and billing policy names.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configRegExp, configSchema, ruleConfig } from "../config";
import { violation } from "../messages";
import { isKind, type BillingPolicyProps, type EnvironmentProps } from "../resourceTypes";

export interface NamingConfig {
  pattern: string;
}

const patternSchema = (what: string) => ({
  type: "string" as const,
  minLength: 1,
  description: `A regular expression the ${what} must match (anchor it with ^ and $ to match the whole name).`,
});

const environmentNamingDefaults: NamingConfig = { pattern: "^[A-Za-z0-9][A-Za-z0-9 _-]*$" };

export const environmentDisplayNameConvention: ResourceValidationPolicy = {
  name: "environment-display-name-convention",
  description: "Environment display names follow the tenant's naming convention.",
  enforcementLevel: "advisory",
  severity: "low",
  configSchema: configSchema(environmentNamingDefaults, { pattern: patternSchema("environment displayName") }),
  remediationSteps: "Rename the environment (displayName is updated in place).",
  validateResource: (args, reportViolation) => {
    if (!isKind(args, "Environment")) return;
    const { pattern } = ruleConfig(args, environmentNamingDefaults);
    const displayName = (args.props as EnvironmentProps).displayName;
    if (!configRegExp(pattern, environmentDisplayNameConvention.name, "pattern").test(String(displayName))) {
      reportViolation(violation(environmentDisplayNameConvention.name, args.type, args.name,
        `displayName "${displayName}" does not match the naming convention /${pattern}/`,
        `Rename it so that it matches /${pattern}/.`));
    }
  },
};

const billingPolicyNamingDefaults: NamingConfig = { pattern: "^[A-Za-z0-9][A-Za-z0-9_-]*$" };

export const billingPolicyNameConvention: ResourceValidationPolicy = {
  name: "billing-policy-name-convention",
  description: "Billing policy names follow the tenant's naming convention.",
  enforcementLevel: "advisory",
  severity: "low",
  configSchema: configSchema(billingPolicyNamingDefaults, { pattern: patternSchema("billing policy name") }),
  remediationSteps: "Rename the billing policy (name is updated in place).",
  validateResource: (args, reportViolation) => {
    if (!isKind(args, "BillingPolicy")) return;
    const { pattern } = ruleConfig(args, billingPolicyNamingDefaults);
    const name = (args.props as BillingPolicyProps).name;
    if (!configRegExp(pattern, billingPolicyNameConvention.name, "pattern").test(String(name))) {
      reportViolation(violation(billingPolicyNameConvention.name, args.type, args.name,
        `name "${name}" does not match the naming convention /${pattern}/`,
        `Rename it so that it matches /${pattern}/.`));
    }
  },
};
