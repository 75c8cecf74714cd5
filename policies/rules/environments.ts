/**
 * Environments: which SKUs a production stack may declare, and that production
 * environments restrict who can access them.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, ruleConfig } from "../config";
import { quoteList, violation } from "../messages";
import { environmentSkus, isKind, type EnvironmentProps, type EnvironmentSku } from "../resourceTypes";
import { defaultProductionStackPattern, isProductionStack, productionStackPatternSchema } from "../stack";
import { knownString, peek, unknown } from "../values";

// --- no-trial-or-developer-environments-in-production -----------------------------

export interface ProductionSkusConfig {
  productionStackPattern: string;
  forbiddenSkus: EnvironmentSku[];
}
const productionSkusDefaults: ProductionSkusConfig = {
  productionStackPattern: defaultProductionStackPattern,
  forbiddenSkus: ["Trial", "Developer"],
};

export const noTrialOrDeveloperEnvironmentsInProduction: ResourceValidationPolicy = {
  name: "no-trial-or-developer-environments-in-production",
  description: "Production stacks declare no Trial or Developer environments: trials expire and are deleted with their data, developer environments belong to one user.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: configSchema(productionSkusDefaults, {
    productionStackPattern: productionStackPatternSchema,
    forbiddenSkus: {
      type: "array",
      items: { type: "string", enum: [...environmentSkus] },
      uniqueItems: true,
      description: "Environment SKUs not allowed in production stacks.",
    },
  }),
  remediationSteps: "Use environmentSku Production or Sandbox, or move the environment to a non-production stack.",
  validateResource: (args, reportViolation) => {
    if (!isKind(args, "Environment")) return;
    const { productionStackPattern, forbiddenSkus } = ruleConfig(args, productionSkusDefaults);
    if (!isProductionStack(args.urn, productionStackPattern, noTrialOrDeveloperEnvironmentsInProduction.name)) return;
    const sku = (args.props as EnvironmentProps).environmentSku;
    if (forbiddenSkus.includes(sku)) {
      const allowed = environmentSkus.filter((s) => !forbiddenSkus.includes(s));
      reportViolation(violation(noTrialOrDeveloperEnvironmentsInProduction.name, args.type, args.name,
        `environmentSku "${sku}" is not allowed in a production stack`,
        `Set environmentSku to ${allowed.length > 0 ? `one of ${quoteList(allowed)}` : "an allowed SKU"}, or declare this environment in a non-production stack.`));
    }
  },
};

// --- production-environment-security-group ---------------------------------------

export interface SecurityGroupConfig {
  skus: EnvironmentSku[];
}
const securityGroupDefaults: SecurityGroupConfig = { skus: ["Production"] };

export const productionEnvironmentSecurityGroup: ResourceValidationPolicy = {
  name: "production-environment-security-group",
  description: "Production environments restrict access to an Entra security group, so that not every licensed user of the tenant can open them.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: configSchema(securityGroupDefaults, {
    skus: {
      type: "array",
      items: { type: "string", enum: [...environmentSkus] },
      uniqueItems: true,
      description: "Environment SKUs that must set a security group.",
    },
  }),
  remediationSteps: "Set dataverse.securityGroupId (or securityGroupId, with a dataverse block) to the object id of the Entra group allowed in the environment.",
  validateResource: (args, reportViolation) => {
    if (!isKind(args, "Environment")) return;
    const { skus } = ruleConfig(args, securityGroupDefaults);
    const props = args.props as EnvironmentProps;
    if (!skus.includes(props.environmentSku)) return;
    // A group id computed from another resource is unknown during preview: it is set.
    const set = (read: () => unknown) => {
      const value = peek(read);
      return value === unknown || (typeof value === "string" && value !== "");
    };
    if (set(() => props.securityGroupId) || set(() => props.dataverse?.securityGroupId)) return;
    reportViolation(violation(productionEnvironmentSecurityGroup.name, args.type, args.name,
      `the ${props.environmentSku} environment "${knownString(() => props.displayName) ?? args.name}" sets no security group, so every licensed user can access it`,
      `Set dataverse.securityGroupId (or securityGroupId, with a dataverse block: a security group restricts the Dataverse database) to the object id of the Entra group allowed in it.`));
  },
};
