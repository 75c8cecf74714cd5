/**
 * Data loss prevention: no DLP policy leaves a high-risk connector outside the blocked
 * group, a policy covers all environments, and every production environment is covered.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { configSchema, ruleConfig, stringList } from "../config";
import { quoteList, resourceLabel, violation } from "../messages";
import {
  defaultDlpConnectorsClassification,
  environmentSkus,
  isKind,
  type DataLossPreventionPolicyProps,
  type DlpConnectorRef,
  type EnvironmentSku,
} from "../resourceTypes";
import { knownString, peek, unknown } from "../values";

const connectorIdPrefix = "/providers/Microsoft.PowerApps/apis/";

/** The comparable form of a connector reference: its short name, lower case (`shared_sql`). */
export function connectorKey(ref: DlpConnectorRef | undefined): string | undefined {
  const id = typeof ref === "string" ? ref : ref && typeof ref === "object" && typeof ref.id === "string" ? ref.id : undefined;
  if (id === undefined) return undefined;
  const lower = id.toLowerCase();
  return lower.startsWith(connectorIdPrefix.toLowerCase()) ? lower.slice(connectorIdPrefix.length) : lower;
}

/**
 * The only rule configuration the stack rules share: DLP policies are often kept in one
 * governance stack, so by default the stack rules judge only stacks that declare at least one.
 */
export interface DlpStackScopeConfig {
  requireInEveryStack: boolean;
}
const requireInEveryStackSchema = {
  type: "boolean" as const,
  description:
    "false (default): the rule judges only stacks that declare at least one DataLossPreventionPolicy (DLP policies are often kept in a governance stack of their own); true: every stack.",
};

function dlpPoliciesOf(resources: PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => isKind(r, "DataLossPreventionPolicy"));
}

// --- dlp-high-risk-connectors-blocked --------------------------------------------

export interface HighRiskConnectorsConfig {
  highRiskConnectors: string[];
}
const highRiskDefaults: HighRiskConnectorsConfig = { highRiskConnectors: [] };

export const dlpHighRiskConnectorsBlocked: ResourceValidationPolicy = {
  name: "dlp-high-risk-connectors-blocked",
  description:
    "No DLP policy leaves a connector the organisation lists as high-risk outside the blocked group: listed as business or non-business, or left unlisted while the policy's default group is not Blocked.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: configSchema(highRiskDefaults, {
    highRiskConnectors: stringList(
      "The organisation's high-risk connectors: short names (shared_dropbox) or ids (/providers/Microsoft.PowerApps/apis/shared_dropbox). Empty: rule not configured.",
    ),
  }),
  remediationSteps: "Add the connector to blockedConnectors (and remove it from businessConnectors and nonBusinessConnectors).",
  validateResource: (args, reportViolation) => {
    if (!isKind(args, "DataLossPreventionPolicy")) return;
    const { highRiskConnectors } = ruleConfig(args, highRiskDefaults);
    if (highRiskConnectors.length === 0) return;
    const props = args.props as DataLossPreventionPolicyProps;
    const keysOf = (list: DlpConnectorRef[] | undefined) => new Set((list ?? []).map(connectorKey).filter((k): k is string => k !== undefined));
    const business = keysOf(props.businessConnectors);
    const nonBusiness = keysOf(props.nonBusinessConnectors);
    const blocked = keysOf(props.blockedConnectors);
    const defaultGroup = props.defaultConnectorsClassification ?? defaultDlpConnectorsClassification;
    for (const connector of highRiskConnectors) {
      const key = connectorKey(connector)!;
      if (blocked.has(key)) continue;
      const where = business.has(key)
        ? "is in businessConnectors"
        : nonBusiness.has(key)
          ? "is in nonBusinessConnectors"
          : defaultGroup !== "Blocked"
            ? `is not listed, so it falls in the default group ${defaultGroup}`
            : undefined;
      if (!where) continue;
      reportViolation(
        violation(dlpHighRiskConnectorsBlocked.name, args.type, args.name, `the high-risk connector ${key} ${where}`, `Add "${key}" to blockedConnectors${where.startsWith("is in") ? ` and remove it from ${where.slice(6)}` : ""}.`),
      );
    }
  },
};

// --- dlp-all-environments-policy-exists (stack) ------------------------------------

const allEnvironmentsDefaults: DlpStackScopeConfig = { requireInEveryStack: false };

export const dlpAllEnvironmentsPolicyExists: StackValidationPolicy = {
  name: "dlp-all-environments-policy-exists",
  description: "Some DLP policy applies to all environments (environmentType AllEnvironments), so that an environment made tomorrow is covered from its first minute.",
  enforcementLevel: "advisory",
  severity: "high",
  configSchema: configSchema(allEnvironmentsDefaults, { requireInEveryStack: requireInEveryStackSchema }),
  remediationSteps: "Declare a DataLossPreventionPolicy with environmentType AllEnvironments (a tenant-wide baseline).",
  validateStack: (args, reportViolation) => {
    const { requireInEveryStack } = ruleConfig(args, allEnvironmentsDefaults);
    const policies = dlpPoliciesOf(args.resources);
    if (policies.length === 0 && !requireInEveryStack) return;
    const types = policies.map((p) => peek(() => p.props.environmentType as unknown));
    if (types.includes("AllEnvironments")) return;
    // A scope computed by another resource: read it again, unguarded (unknownAtPreview decides).
    const undecided = policies.find((_p, i) => types[i] === unknown);
    if (undecided) void undecided.props.environmentType;
    reportViolation(
      `the stack violates ${dlpAllEnvironmentsPolicyExists.name}: ${policies.length === 0 ? "it declares no DLP policy" : `none of its ${policies.length} DLP polic${policies.length === 1 ? "y" : "ies"} (${policies.map((p) => `"${p.name}"`).join(", ")}) applies to AllEnvironments`}. ` +
        `Declare a DataLossPreventionPolicy with environmentType "AllEnvironments".`,
    );
  },
};

// --- production-environments-covered-by-dlp (stack) --------------------------------

export interface CoveredEnvironmentsConfig extends DlpStackScopeConfig {
  skus: EnvironmentSku[];
}
const coveredDefaults: CoveredEnvironmentsConfig = { skus: ["Production"], requireInEveryStack: false };

/** Whether `policy` lists `environment`: by id, or (at preview) by depending on it. */
function lists(policy: PolicyResource, environment: PolicyResource, environmentId: string | undefined): boolean | typeof unknown {
  const dependsOnIt = (policy.propertyDependencies.environments ?? []).some((d) => d.urn === environment.urn);
  if (dependsOnIt) return true;
  const listed = peek(() => policy.props.environments as unknown);
  if (listed === unknown) return unknown;
  if (!Array.isArray(listed)) return false;
  let undecided = false;
  for (let i = 0; i < listed.length; i++) {
    const entry = peek(() => listed[i] as unknown);
    if (entry === unknown) undecided = true;
    else if (environmentId !== undefined && typeof entry === "string" && entry.toLowerCase() === environmentId.toLowerCase()) return true;
  }
  // An environment whose id is not known yet can be listed only through a dependency.
  return undecided && environmentId !== undefined ? unknown : false;
}

/** Whether `policy` covers `environment`: true, false, or unknown at preview. */
export function covers(policy: PolicyResource, environment: PolicyResource, environmentId: string | undefined): boolean | typeof unknown {
  const type = peek(() => policy.props.environmentType as unknown);
  if (type === unknown) return unknown;
  if (type === "AllEnvironments") return true;
  const listed = lists(policy, environment, environmentId);
  if (listed === unknown) return unknown;
  return type === "OnlyEnvironments" ? listed : type === "ExceptEnvironments" ? !listed : false;
}

export const productionEnvironmentsCoveredByDlp: StackValidationPolicy = {
  name: "production-environments-covered-by-dlp",
  description:
    "Every Production environment of the stack is covered by a DLP policy: one for AllEnvironments, one for ExceptEnvironments that does not list it, or one for OnlyEnvironments that lists it.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: configSchema(coveredDefaults, {
    skus: {
      type: "array",
      items: { type: "string", enum: [...environmentSkus] },
      uniqueItems: true,
      description: "Environment SKUs that must be covered by a DLP policy.",
    },
    requireInEveryStack: requireInEveryStackSchema,
  }),
  remediationSteps: "Declare a DataLossPreventionPolicy for AllEnvironments, or list the environment in an OnlyEnvironments policy (and in no ExceptEnvironments policy that is the only cover).",
  validateStack: (args, reportViolation) => {
    const { skus, requireInEveryStack } = ruleConfig(args, coveredDefaults);
    const policies = dlpPoliciesOf(args.resources);
    if (policies.length === 0 && !requireInEveryStack) return;
    for (const environment of args.resources.filter((r) => isKind(r, "Environment"))) {
      const sku = peek(() => environment.props.environmentSku as unknown);
      if (sku === unknown || !skus.includes(sku as EnvironmentSku)) continue;
      const environmentId = knownString(() => environment.props.environmentId) ?? knownString(() => environment.props.adoptId);
      const verdicts = policies.map((p) => covers(p, environment, environmentId));
      if (verdicts.includes(true)) continue;
      const undecided = policies.find((_p, i) => verdicts[i] === unknown);
      if (undecided) {
        // Not decidable at preview: touch the unknown value so that unknownAtPreview decides.
        void undecided.props.environmentType;
        void (undecided.props.environments as unknown[] | undefined)?.map((x) => x);
      }
      reportViolation(
        `${resourceLabel(environment.type, environment.name)} violates ${productionEnvironmentsCoveredByDlp.name}: ` +
          `the ${String(sku)} environment is covered by no DLP policy${policies.length > 0 ? ` (the stack's: ${quoteList(policies.map((p) => p.name))})` : ""}. ` +
          `Declare a DataLossPreventionPolicy for AllEnvironments, or list this environment in one for OnlyEnvironments.`,
        environment.urn,
      );
    }
  },
};
