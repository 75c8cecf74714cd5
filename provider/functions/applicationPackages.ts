import type { ApplicationPackage } from "../client/api/types";
import { clientFor, type FunctionOptions, liftToOutput } from "./common";

/**
 * An application package as {@link getApplicationPackages} returns it (from the tenant catalog, or
 * installed in an environment).
 */
export interface ApplicationPackageSummary {
  /** The package's unique name, what `ApplicationInstall` takes. */
  uniqueName: string;
  /** The application's id. */
  applicationId?: string;
  /** The application's name. */
  applicationName?: string;
  /** The package's display name. */
  localizedName?: string;
  /** The publisher. */
  publisherName?: string;
  /** The package version. */
  version?: string;
  /** In an environment: None, Installed, Installing, InstallFailed, … */
  state?: string;
  /** Why the last install failed, if it did. */
  errorMessage?: string;
}

function summarize(pkg: ApplicationPackage): ApplicationPackageSummary {
  const error = pkg.errorDetails?.message ?? pkg.lastError?.message;
  return {
    uniqueName: pkg.uniqueName,
    ...(pkg.applicationId ? { applicationId: pkg.applicationId } : {}),
    ...(pkg.applicationName ? { applicationName: pkg.applicationName } : {}),
    ...(pkg.localizedName ? { localizedName: pkg.localizedName } : {}),
    ...(pkg.publisherName ? { publisherName: pkg.publisherName } : {}),
    ...(pkg.version ? { version: pkg.version } : {}),
    ...(pkg.state ? { state: String(pkg.state) } : {}),
    ...(error ? { errorMessage: error } : {}),
  };
}

/** The arguments of {@link getApplicationPackages}: without `environmentId`, the tenant catalog. */
export interface GetApplicationPackagesArgs {
  /** The packages of this environment, with their install state; without it, the tenant catalog. */
  environmentId?: string;
  /** Only packages in this state (environment packages only), e.g. "Installed". */
  state?: string;
}

/**
 * The application packages of the tenant catalog, or of one environment with their install state,
 * optionally only those in one state.
 */
export async function getApplicationPackages(
  args: GetApplicationPackagesArgs = {},
  options?: FunctionOptions,
): Promise<ApplicationPackageSummary[]> {
  const packages = clientFor(options).applicationPackages;
  const found = args.environmentId ? await packages.listForEnvironment(args.environmentId) : await packages.listTenant();
  return found.map(summarize).filter((p) => !args.state || p.state === args.state);
}

/** {@link getApplicationPackages} taking Pulumi Inputs and returning an Output. */
export const getApplicationPackagesOutput = liftToOutput(getApplicationPackages);
