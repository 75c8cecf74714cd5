/**
 * Billing policies: where they may be created, which Azure subscriptions they may bill,
 * that production stacks use only enabled ones, and that every Production or Sandbox
 * environment is billed through one.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { configSchema, ruleConfig, stringList } from "../config";
import { quoteList, resourceLabel, violation } from "../messages";
import {
  defaultBillingPolicyStatus,
  environmentSkus,
  isKind,
  type BillingPolicyProps,
  type EnvironmentSku,
} from "../resourceTypes";
import { defaultProductionStackPattern, isProductionStack, productionStackPatternSchema } from "../stack";
import { knownString, peek, unknown } from "../values";

/**
 * The commercial-cloud geographies. The sovereign ones (usgov, usgovhigh, usdod, china)
 * belong to separate clouds that a commercial tenant cannot bill in: a tenant in one of
 * them configures its own list.
 */
export const commercialBillingLocations = [
  "unitedstates", "europe", "asia", "australia", "india", "japan", "canada",
  "southamerica", "unitedkingdom", "france", "germany", "switzerland", "norway",
  "korea", "singapore", "southafrica", "unitedarabemirates", "sweden", "italy", "poland",
];

// --- billing-policy-allowed-locations ---------------------------------------------

export interface AllowedLocationsConfig {
  allowedLocations: string[];
}
const allowedLocationsDefaults: AllowedLocationsConfig = { allowedLocations: commercialBillingLocations };

export const billingPolicyAllowedLocations: ResourceValidationPolicy = {
  name: "billing-policy-allowed-locations",
  description: "Billing policies may be created only in the allowed Power Platform geographies (data residency).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: configSchema(allowedLocationsDefaults, {
    allowedLocations: {
      ...stringList("Power Platform geographies (the `location` of a billing policy, e.g. europe) billing policies may be created in."),
      minItems: 1,
    },
  }),
  remediationSteps: "Set the billing policy's location to an allowed geography, or add the geography to allowedLocations.",
  validateResource: (args, reportViolation) => {
    if (!isKind(args, "BillingPolicy")) return;
    const { allowedLocations } = ruleConfig(args, allowedLocationsDefaults);
    const props = args.props as BillingPolicyProps;
    const location = props.location;
    if (!allowedLocations.map((l) => l.toLowerCase()).includes(String(location).toLowerCase())) {
      reportViolation(violation(billingPolicyAllowedLocations.name, args.type, args.name,
        `location "${location}" is not an allowed geography`,
        `Set location to one of ${quoteList(allowedLocations)}.`));
    }
  },
};

// --- billing-policy-allowed-subscriptions -----------------------------------------

export interface AllowedSubscriptionsConfig {
  allowedSubscriptionIds: string[];
}
const allowedSubscriptionsDefaults: AllowedSubscriptionsConfig = { allowedSubscriptionIds: [] };

export const billingPolicyAllowedSubscriptions: ResourceValidationPolicy = {
  name: "billing-policy-allowed-subscriptions",
  description: "Billing policies may bill only the approved Azure subscriptions.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: configSchema(allowedSubscriptionsDefaults, {
    allowedSubscriptionIds: stringList("Azure subscription ids (GUIDs) billing policies may bill. Empty: any subscription (rule not configured)."),
  }),
  remediationSteps: "Point billingInstrument.subscriptionId at an approved subscription, or add the subscription to allowedSubscriptionIds.",
  validateResource: (args, reportViolation) => {
    if (!isKind(args, "BillingPolicy")) return;
    const { allowedSubscriptionIds } = ruleConfig(args, allowedSubscriptionsDefaults);
    if (allowedSubscriptionIds.length === 0) return;
    const props = args.props as BillingPolicyProps;
    const subscriptionId = props.billingInstrument.subscriptionId;
    const allowed = allowedSubscriptionIds.map((s) => s.toLowerCase());
    if (!allowed.includes(String(subscriptionId).toLowerCase())) {
      reportViolation(violation(billingPolicyAllowedSubscriptions.name, args.type, args.name,
        `billingInstrument.subscriptionId "${subscriptionId}" is not an approved subscription`,
        `Set billingInstrument.subscriptionId to one of ${quoteList(allowedSubscriptionIds)}.`));
    }
  },
};

// --- production-billing-policies-enabled ------------------------------------------

export interface ProductionStackConfig {
  productionStackPattern: string;
}
const productionEnabledDefaults: ProductionStackConfig = { productionStackPattern: defaultProductionStackPattern };

export const productionBillingPoliciesEnabled: ResourceValidationPolicy = {
  name: "production-billing-policies-enabled",
  description: "In production stacks, billing policies are Enabled: a disabled policy stops billing, and the environments linked to it lose their pay-as-you-go capacity.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: configSchema(productionEnabledDefaults, { productionStackPattern: productionStackPatternSchema }),
  remediationSteps: "Set the billing policy's status to Enabled (enforcement level `remediate` does it automatically).",
  validateResource: (args, reportViolation) => {
    if (!isKind(args, "BillingPolicy")) return;
    const { productionStackPattern } = ruleConfig(args, productionEnabledDefaults);
    if (!isProductionStack(args.urn, productionStackPattern, productionBillingPoliciesEnabled.name)) return;
    const status = (args.props as BillingPolicyProps).status ?? defaultBillingPolicyStatus;
    if (status !== "Enabled") {
      reportViolation(violation(productionBillingPoliciesEnabled.name, args.type, args.name,
        `status is "${status}" in a production stack`,
        `Set status to "Enabled".`));
    }
  },
  remediateResource: (args) => {
    if (!isKind(args, "BillingPolicy")) return undefined;
    const { productionStackPattern } = ruleConfig(args, productionEnabledDefaults);
    if (!isProductionStack(args.urn, productionStackPattern, productionBillingPoliciesEnabled.name)) return undefined;
    const props = args.props as BillingPolicyProps;
    if ((props.status ?? defaultBillingPolicyStatus) === "Enabled") return undefined;
    // Change the one field in place: every other property (`__provider`, values not
    // known during preview) is returned untouched.
    props.status = "Enabled";
    return props;
  },
};

// --- environments-linked-to-billing-policy (stack) --------------------------------

export interface LinkedEnvironmentsConfig {
  skus: EnvironmentSku[];
}
const linkedEnvironmentsDefaults: LinkedEnvironmentsConfig = { skus: ["Production", "Sandbox"] };

/** True when `link` (a BillingPolicyEnvironment) links `environment` (an Environment). */
function links(link: PolicyResource, environment: PolicyResource, environmentId: string | undefined): boolean {
  const linkedId = peek(() => link.props.environmentId as unknown);
  if (environmentId !== undefined && typeof linkedId === "string" && linkedId.toLowerCase() === environmentId.toLowerCase()) {
    return true;
  }
  // During preview the environment's id is not known yet: the link's environmentId input
  // then depends on the environment resource itself.
  return (link.propertyDependencies.environmentId ?? []).some((dependency) => dependency.urn === environment.urn);
}

export const environmentsLinkedToBillingPolicy: StackValidationPolicy = {
  name: "environments-linked-to-billing-policy",
  description: "Every Production or Sandbox environment is linked to a pay-as-you-go billing policy (a BillingPolicyEnvironment in the same stack).",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: configSchema(linkedEnvironmentsDefaults, {
    skus: {
      type: "array",
      items: { type: "string", enum: [...environmentSkus] },
      uniqueItems: true,
      description: "Environment SKUs that must be linked to a billing policy.",
    },
  }),
  remediationSteps: "Declare a BillingPolicyEnvironment with the environment's environmentId and a billing policy in the same geography.",
  validateStack: (args, reportViolation) => {
    const { skus } = ruleConfig(args, linkedEnvironmentsDefaults);
    const environments = args.resources.filter((r) => isKind(r, "Environment"));
    const billingLinks = args.resources.filter((r) => isKind(r, "BillingPolicyEnvironment"));
    for (const environment of environments) {
      const sku = peek(() => environment.props.environmentSku as unknown);
      if (sku === unknown || !skus.includes(sku as EnvironmentSku)) continue;
      // Known after create (outputs), or when adopting an existing environment.
      const environmentId = knownString(() => environment.props.environmentId) ?? knownString(() => environment.props.adoptId);
      if (billingLinks.some((link) => links(link, environment, environmentId))) continue;
      reportViolation(
        `${resourceLabel(environment.type, environment.name)} violates ${environmentsLinkedToBillingPolicy.name}: ` +
          `the ${String(sku)} environment is not linked to any billing policy. ` +
          `Declare a BillingPolicyEnvironment with environmentId set to this environment's environmentId.`,
        environment.urn,
      );
    }
  },
};
