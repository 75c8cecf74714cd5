/**
 * @powerplatform-iac/tenant: the tenant program as a function another repository's
 * Pulumi program calls with the path of its tenant file.
 *
 *     import { declareTenantFromFile } from "@powerplatform-iac/tenant";
 *     export = async () => declareTenantFromFile("tenants/prod.yaml");
 *
 * It does what the repository's own program (program/index.ts) does: validates the
 * file against the tenant schema (shipped in the package as schema/tenant.schema.json),
 * refuses a run that would delete too much (the deletion guard, configured by the
 * stack's `maxDeletionShare`, `allowDeletions` and `allowMassDeletion` config of the
 * calling project), then registers one resource per object of the file, and the links of
 * its environments to billing policies of another stack when the stack config names one
 * (`sharedBillingStack`, `billedBy`: sharedBilling.ts). A program that
 * wires more resources to the declared ones calls loadTenantFile and declareTenant
 * (also exported) itself.
 */
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { declaredResources, declareLongOperations, declareTheRest, summarize } from "./declareTenant";
import { guardAgainstMassDeletion, guardSettings, type DeletionGuardSettings } from "./deletionGuard";
import { declareSharedBilling, sharedBillingResources, sharedBillingSettings } from "./sharedBilling";
import { loadTenantFile, type TenantFile, TenantFileError } from "./tenantFile";

export { declaredResources, declareLongOperations, declareTenant, declareTheRest, summarize, type DeclaredTenant, type LongOperations } from "./declareTenant";
export { defaultMaxDeletionShare, type DeletionGuardSettings } from "./deletionGuard";
export {
  loadTenantFile,
  parseTenantFile,
  schemaPath,
  TenantFileError,
  type BillingPolicySpec,
  type EnvironmentSpec,
  type FlowOwnerSpec,
  type FlowSpec,
  type LifecycleSpec,
  type TenantFile,
  type TenantFileProblem,
} from "./tenantFile";

/** Options of {@link declareTenantFromFile}; every one has a default that suits a Pulumi program. */
export interface DeclareTenantFromFileOptions {
  /** The directory a relative `file` is resolved against (default: the working directory, which Pulumi sets to the project's). */
  baseDir?: string;
  /** The deletion guard's settings (default: read from the stack config of the calling project). */
  deletionGuard?: DeletionGuardSettings;
}

/** What {@link declareTenantFromFile} returns: suitable as the program's stack outputs. */
export interface DeclaredTenantFile {
  /** The tenant file, as given. */
  tenantFileUsed: string;
  /** The ids and states of the declared objects (Outputs). */
  managed: ReturnType<typeof summarize>;
  /** How many environments are billed by a policy of another stack (only when the stack config asks for it). */
  sharedBillingLinks?: number;
}

/**
 * Loads, validates and declares the tenant file `file`. A file with problems stops the
 * run with a RunError listing every problem (file, line, path, rule); so does a run the
 * deletion guard refuses. Nothing is registered in either case.
 */
export async function declareTenantFromFile(file: string, options: DeclareTenantFromFileOptions = {}): Promise<DeclaredTenantFile> {
  const tenant = loadOrExplain(file, options.baseDir ?? process.cwd());
  const config = new pulumi.Config();
  // A stack of a split tenant may bill its environments with policies of another stack (sharedBilling.ts).
  const sharedBilling = sharedBillingSettings(config, tenant, file);
  const settings = options.deletionGuard ?? guardSettings(config);
  await guardAgainstMassDeletion([...declaredResources(tenant), ...sharedBillingResources(sharedBilling)], settings, file);
  // The environments and billing policies first, then a turn of the event loop so their
  // registrations reach the engine before the rest is built (declareLongOperations). Both
  // steps are called from here, not from a helper: the engine records the frames of the call
  // stack of every resource, and one more frame is ~70 bytes of state per resource.
  const first = declareLongOperations(tenant);
  await new Promise<void>((resolve) => setImmediate(resolve));
  const declared = declareTheRest(tenant, first);
  const sharedLinks = declareSharedBilling(sharedBilling, tenant, declared.environments);
  return { tenantFileUsed: file, managed: summarize(declared), ...(sharedBilling ? { sharedBillingLinks: sharedLinks.length } : {}) };
}

function loadOrExplain(file: string, baseDir: string): TenantFile {
  try {
    return loadTenantFile(file, path.resolve(baseDir));
  } catch (error) {
    if (error instanceof TenantFileError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
