import type { Environment } from "../client/api/types";
import { clientFor, type FunctionOptions, liftToOutput } from "./common";

/** An environment as {@link getEnvironments} returns it: the admin (BAP) view, flattened. */
export interface EnvironmentSummary {
  /** The environment id (a GUID, or `Default-<tenant id>`). */
  environmentId: string;
  /** The display name. */
  displayName: string;
  /** The description, when there is one. */
  description?: string;
  /** The Power Platform geography. */
  location: string;
  /** The Azure region. */
  azureRegion?: string;
  /** The type: `Production`, `Sandbox`, `Trial`, `Developer`, `Default`, `Teams`… */
  environmentSku: string;
  /** True for the tenant's default environment. */
  isDefault: boolean;
  /** The BAP provisioning state. */
  provisioningState?: string;
  /** The management state (`Ready`, …). */
  state?: string;
  /** The billing policy that bills it, if any. */
  billingPolicyId?: string;
  /** Its Dataverse database, if it has one. */
  dataverse?: { domainName?: string; instanceUrl?: string; version?: string; languageCode?: number; securityGroupId?: string };
  /** When it was created (ISO 8601). */
  createdTime?: string;
}

/**
 * Flattens the service's environment record into an {@link EnvironmentSummary} (the drift command
 * and the data functions share it).
 */
export function summarizeEnvironment(environment: Environment): EnvironmentSummary {
  const p = environment.properties;
  const dataverse = p.linkedEnvironmentMetadata;
  return {
    environmentId: environment.name,
    displayName: p.displayName ?? environment.name,
    ...(p.description ? { description: p.description } : {}),
    location: environment.location,
    ...(p.azureRegion ? { azureRegion: p.azureRegion } : {}),
    environmentSku: String(p.environmentSku ?? ""),
    isDefault: p.isDefault === true,
    ...(p.provisioningState ? { provisioningState: p.provisioningState } : {}),
    ...(p.states?.management?.id ? { state: p.states.management.id } : {}),
    ...(p.billingPolicy?.id ? { billingPolicyId: p.billingPolicy.id } : {}),
    ...(dataverse
      ? {
          dataverse: {
            domainName: dataverse.domainName,
            instanceUrl: dataverse.instanceUrl,
            version: dataverse.version,
            ...(dataverse.baseLanguage !== undefined ? { languageCode: dataverse.baseLanguage } : {}),
            ...(dataverse.securityGroupId ? { securityGroupId: dataverse.securityGroupId } : {}),
          },
        }
      : {}),
    ...(p.createdTime ? { createdTime: p.createdTime } : {}),
  };
}

/** Filters of {@link getEnvironments}; all are optional and combine with AND. */
export interface GetEnvironmentsArgs {
  /** Only environments of these SKUs (e.g. ["Production", "Sandbox"]). */
  environmentSkus?: string[];
  /** Only environments in this geography. */
  location?: string;
  /** Only environments whose display name matches this regular expression. */
  displayNamePattern?: string;
}

/** Every environment of the tenant (all pages), optionally filtered. */
export async function getEnvironments(args: GetEnvironmentsArgs = {}, options?: FunctionOptions): Promise<EnvironmentSummary[]> {
  const pattern = args.displayNamePattern ? new RegExp(args.displayNamePattern) : undefined;
  return (await clientFor(options).environments.list())
    .map(summarizeEnvironment)
    .filter((e) => !args.environmentSkus || args.environmentSkus.includes(e.environmentSku))
    .filter((e) => !args.location || e.location === args.location)
    .filter((e) => !pattern || pattern.test(e.displayName));
}

/** {@link getEnvironments} taking Pulumi Inputs and returning an Output. */
export const getEnvironmentsOutput = liftToOutput(getEnvironments);
