/**
 * Environment groups: every group of the stack has rules (the point of a group is to govern its
 * environments in bulk), and, when a team wants it, every production environment is in a group.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configSchema, ruleConfig } from "../config";
import { quoteList, resourceLabel } from "../messages";
import { environmentGroupRuleNames, environmentSkus, isKind, type EnvironmentSku } from "../resourceTypes";
import { knownString, peek, unknown } from "../values";

/** True when `dependent`'s input `property` holds `target`'s `idProperty`, or (during preview) depends on `target`. */
function refersTo(dependent: PolicyResource, property: string, target: PolicyResource, targetId: string | undefined): boolean {
  const value = peek(() => dependent.props[property] as unknown);
  if (targetId !== undefined && typeof value === "string" && value.toLowerCase() === targetId.toLowerCase()) return true;
  return (dependent.propertyDependencies[property] ?? []).some((d) => d.urn === target.urn);
}

// --- environment-groups-have-rules (stack) -----------------------------------------

export interface GroupsHaveRulesConfig {
  /** Rules each group's rule set must declare. */
  requiredRules: string[];
}
const groupsHaveRulesDefaults: GroupsHaveRulesConfig = { requiredRules: [] };

export const environmentGroupsHaveRules: StackValidationPolicy = {
  name: "environment-groups-have-rules",
  description: "Every environment group of the stack has a rule set (an EnvironmentGroupRuleSet), declaring at least the required rules.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: configSchema(groupsHaveRulesDefaults, {
    requiredRules: {
      type: "array",
      items: { type: "string", enum: [...environmentGroupRuleNames] },
      uniqueItems: true,
      description: "Rules every group's rule set must declare (e.g. sharingControls, solutionCheckerEnforcement). Empty: any rule set will do.",
    },
  }),
  remediationSteps: "Declare an EnvironmentGroupRuleSet with environmentGroupId set to the group's environmentGroupId, and the required rules.",
  validateStack: (args, reportViolation) => {
    const { requiredRules } = ruleConfig(args, groupsHaveRulesDefaults);
    const ruleSets = args.resources.filter((r) => isKind(r, "EnvironmentGroupRuleSet"));
    for (const group of args.resources.filter((r) => isKind(r, "EnvironmentGroup"))) {
      const groupId = knownString(() => group.props.environmentGroupId) ?? knownString(() => group.props.adoptId);
      const set = ruleSets.find((r) => refersTo(r, "environmentGroupId", group, groupId));
      const label = `${resourceLabel(group.type, group.name)} violates ${environmentGroupsHaveRules.name}:`;
      if (!set) {
        reportViolation(`${label} the group has no rule set. Declare an EnvironmentGroupRuleSet with environmentGroupId set to this group's environmentGroupId.`, group.urn);
        continue;
      }
      const rules = peek(() => set.props.rules as unknown);
      if (rules === unknown || requiredRules.length === 0) continue;
      const declared = rules && typeof rules === "object" ? Object.keys(rules as object) : [];
      const missing = requiredRules.filter((r) => !declared.includes(r));
      if (missing.length > 0) {
        reportViolation(`${label} its rule set ${resourceLabel(set.type, set.name)} does not declare ${quoteList(missing)}. Add them to the rule set's rules.`, group.urn);
      }
    }
  },
};

// --- production-environments-in-a-group (stack) ------------------------------------

export interface EnvironmentsInGroupConfig {
  skus: EnvironmentSku[];
}
const environmentsInGroupDefaults: EnvironmentsInGroupConfig = { skus: [] };

export const productionEnvironmentsInAGroup: StackValidationPolicy = {
  name: "production-environments-in-a-group",
  description: "Every environment of the configured SKUs (e.g. Production) is a member of an environment group of the stack, so the group's rules govern it. Off until skus is configured.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: configSchema(environmentsInGroupDefaults, {
    skus: {
      type: "array",
      items: { type: "string", enum: [...environmentSkus] },
      uniqueItems: true,
      description: "Environment SKUs that must be in an environment group (e.g. [\"Production\"]). Empty: no environment must (rule not configured).",
    },
  }),
  remediationSteps: "List the environment's environmentId in the environments of an EnvironmentGroup (it must be a Managed Environment).",
  validateStack: (args, reportViolation) => {
    const { skus } = ruleConfig(args, environmentsInGroupDefaults);
    if (skus.length === 0) return;
    const groups = args.resources.filter((r) => isKind(r, "EnvironmentGroup"));
    for (const environment of args.resources.filter((r) => isKind(r, "Environment"))) {
      const sku = peek(() => environment.props.environmentSku as unknown);
      if (sku === unknown || !skus.includes(sku as EnvironmentSku)) continue;
      const environmentId = knownString(() => environment.props.environmentId) ?? knownString(() => environment.props.adoptId);
      const inGroup = groups.some((group) => {
        const members = peek(() => group.props.environments as unknown);
        if (Array.isArray(members) && environmentId !== undefined && members.some((m) => typeof m === "string" && m.toLowerCase() === environmentId.toLowerCase())) return true;
        return (group.propertyDependencies.environments ?? []).some((d) => d.urn === environment.urn);
      });
      if (inGroup) continue;
      reportViolation(
        `${resourceLabel(environment.type, environment.name)} violates ${productionEnvironmentsInAGroup.name}: the ${String(sku)} environment is in no environment group of this stack. ` +
          `List its environmentId in the environments of an EnvironmentGroup.`,
        environment.urn,
      );
    }
  },
};
