import { dlpPolicyOutputsFrom, type DlpConnectorInputs, type DlpUrlPatternInputs } from "../resources/dataLossPreventionPolicy";
import { clientFor, type FunctionOptions, liftToOutput } from "./common";

/** A DLP policy as {@link getDlpPolicies} returns it: groups by their admin-center names, lists sorted. */
export interface DlpPolicySummary {
  /** The policy id (`policyDefinition.name`). */
  policyId: string;
  /** The policy's display name. */
  displayName: string;
  /** The group of connectors the policy does not list: `Business`, `NonBusiness` or `Blocked`. */
  defaultConnectorsClassification: string;
  /** `AllEnvironments`, `ExceptEnvironments` or `OnlyEnvironments`. */
  environmentType: string;
  /** The environment ids of the scope. */
  environments: string[];
  /** Business connectors (full ids, with their action and endpoint rules). */
  businessConnectors: DlpConnectorInputs[];
  /** Non-business connectors. */
  nonBusinessConnectors: DlpConnectorInputs[];
  /** Blocked connectors. */
  blockedConnectors: DlpConnectorInputs[];
  /** Custom connector URL patterns, by order. */
  customConnectorUrlPatterns: DlpUrlPatternInputs[];
  /** Who created the policy (a display name). */
  createdBy?: string;
  /** When the policy was created (ISO 8601). */
  createdTime?: string;
  /** When the policy last changed (ISO 8601). */
  lastModifiedTime?: string;
}

/** Filters of {@link getDlpPolicies}; both optional, combined with AND. */
export interface GetDlpPoliciesArgs {
  /** Only policies with this scope type (e.g. `AllEnvironments`). */
  environmentType?: string;
  /** Only policies that apply to this environment id (AllEnvironments, ExceptEnvironments not listing it, OnlyEnvironments listing it). */
  appliesToEnvironment?: string;
}

/** Whether a policy applies to an environment (ids compared without case). */
export function dlpPolicyAppliesTo(policy: Pick<DlpPolicySummary, "environmentType" | "environments">, environmentId: string): boolean {
  const listed = policy.environments.some((e) => e.toLowerCase() === environmentId.toLowerCase());
  if (policy.environmentType === "AllEnvironments") return true;
  return policy.environmentType === "OnlyEnvironments" ? listed : policy.environmentType === "ExceptEnvironments" ? !listed : false;
}

/** Every DLP policy of the tenant (GET …/PowerPlatform.Governance/v2/policies, all pages), optionally filtered. */
export async function getDlpPolicies(args: GetDlpPoliciesArgs = {}, options?: FunctionOptions): Promise<DlpPolicySummary[]> {
  return (await clientFor(options).dlpPolicies.list())
    .map((dto) => {
      const { lastModifiedBy: _by, adoptId: _adopt, ...summary } = dlpPolicyOutputsFrom(dto);
      return summary;
    })
    .filter((p) => !args.environmentType || p.environmentType === args.environmentType)
    .filter((p) => !args.appliesToEnvironment || dlpPolicyAppliesTo(p, args.appliesToEnvironment));
}

/** {@link getDlpPolicies} taking Pulumi Inputs and returning an Output. */
export const getDlpPoliciesOutput = liftToOutput(getDlpPolicies);
