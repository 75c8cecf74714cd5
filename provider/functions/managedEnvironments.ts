import type { Environment } from "../client/api/types";
import { governanceOf } from "../client/api/managedEnvironments";
import { settingsFrom } from "../resources/managedEnvironment";
import { clientFor, type FunctionOptions, liftToOutput } from "./common";

/** The managed-environment configuration of an environment, as {@link getManagedEnvironments} returns it. */
export interface ManagedEnvironmentSummary {
  /** The environment id. */
  environmentId: string;
  /** The environment's display name. */
  displayName: string;
  /** `Production`, `Sandbox`, `Trial`, `Developer` or `Default`. */
  environmentSku: string;
  /** Whether the managed-environment features are on (protection level `Standard`). */
  managed: boolean;
  /** `Standard` (managed) or `Basic` (not managed). */
  protectionLevel: string;
  /** The environment group it belongs to, whose rules then set its configuration. */
  environmentGroupId?: string;
  /** The settings, in the names of the ManagedEnvironment resource (absent when not managed). */
  settings?: {
    /** `NoLimit` or `ExcludeSharingToSecurityGroups`. */
    limitSharingMode: string;
    /** Whether sharing with security groups is excluded. */
    groupSharingDisabled: boolean;
    /** The most users an app can be shared with (`-1`: no limit). */
    maxLimitUserSharing: number;
    /** Whether the environment is left out of the usage-insights digest. */
    usageInsightsDisabled: boolean;
    /** `None`, `Warn` or `Block`. */
    solutionCheckerMode: string;
    /** Whether validation emails are sent only for blocked solutions. */
    suppressValidationEmails: boolean;
    /** Solution checker rules excluded from enforcement, sorted. */
    solutionCheckerRuleOverrides: string[];
    /** The maker welcome content (Markdown). */
    makerOnboardingMarkdown: string;
    /** The welcome content's "Learn more" URL. */
    makerOnboardingUrl: string;
  };
}

function summarize(env: Environment): ManagedEnvironmentSummary {
  const governance = governanceOf(env);
  const managed = governance.protectionLevel === "Standard";
  const group = (env.properties as { parentEnvironmentGroup?: { id?: string } }).parentEnvironmentGroup?.id;
  const { protectionLevel, ...settings } = settingsFrom(governance, {});
  return {
    environmentId: env.name,
    displayName: env.properties.displayName ?? env.name,
    environmentSku: env.properties.environmentSku ?? "",
    managed,
    protectionLevel,
    ...(group ? { environmentGroupId: group } : {}),
    ...(managed ? { settings } : {}),
  };
}

/** The arguments of {@link getManagedEnvironments}. */
export interface GetManagedEnvironmentsArgs {
  /** Only managed environments (true) or only unmanaged ones (false); all when absent. */
  managed?: boolean;
  /** Only environments of this type (e.g. `Production`). */
  environmentSku?: string;
}

/** Every environment of the tenant with its managed-environment configuration (all pages). */
export async function getManagedEnvironments(args: GetManagedEnvironmentsArgs = {}, options?: FunctionOptions): Promise<ManagedEnvironmentSummary[]> {
  return (await clientFor(options).environments.list())
    .map(summarize)
    .filter((e) => (args.managed === undefined || e.managed === args.managed) && (!args.environmentSku || e.environmentSku === args.environmentSku));
}

/** {@link getManagedEnvironments} taking Pulumi inputs and returning an Output. */
export const getManagedEnvironmentsOutput = liftToOutput(getManagedEnvironments);

/** The arguments of {@link getManagedEnvironment}. */
export interface GetManagedEnvironmentArgs {
  /** The environment (a GUID, or `Default-<tenant id>`). */
  environmentId: string;
}

/** One environment's managed-environment configuration (from the environment GET). */
export async function getManagedEnvironment(args: GetManagedEnvironmentArgs, options?: FunctionOptions): Promise<ManagedEnvironmentSummary> {
  return summarize(await clientFor(options).environments.get(args.environmentId));
}

/** {@link getManagedEnvironment} taking Pulumi inputs and returning an Output. */
export const getManagedEnvironmentOutput = liftToOutput(getManagedEnvironment);
