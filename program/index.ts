/**
 * The tenant, declared in git: what `pulumi up` at the repository root applies.
 *
 * Each stack names its tenant file in its config (`tenantFile`, default
 * `tenants/<stack>.yaml`). The file is validated against schema/tenant.schema.json,
 * and the run is checked against mass deletion (deletionGuard.ts), before any resource
 * is registered. A stack of a split tenant may link its environments to billing policies
 * of another stack (sharedBilling.ts). Credentials and endpoints come from the `powerplatform:*` stack
 * configuration or the environment (README: "Pointing it at a real tenant"); nothing
 * secret is written here or into the state.
 */
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { declaredResources, declareTenant, summarize } from "./declareTenant";
import { guardAgainstMassDeletion, guardSettings } from "./deletionGuard";
import { declareSharedBilling, sharedBillingResources, sharedBillingSettings } from "./sharedBilling";
import { loadTenantFile, type TenantFile, TenantFileError } from "./tenantFile";

export = async () => {
  const config = new pulumi.Config();
  const tenantFile = config.get("tenantFile") ?? `tenants/${pulumi.getStack()}.yaml`;
  const tenant = loadOrExplain(tenantFile);
  const sharedBilling = sharedBillingSettings(config, tenant, tenantFile);
  await guardAgainstMassDeletion([...declaredResources(tenant), ...sharedBillingResources(sharedBilling)], guardSettings(config), tenantFile);
  const declared = declareTenant(tenant);
  const sharedLinks = declareSharedBilling(sharedBilling, tenant, declared.environments);
  return { tenantFileUsed: tenantFile, managed: summarize(declared), ...(sharedBilling ? { sharedBillingLinks: sharedLinks.length } : {}) };
};

/**
 * A tenant file with problems stops the run with a RunError: Pulumi prints its message
 * (every problem, one line each) without a stack trace or an object dump.
 */
function loadOrExplain(tenantFile: string): TenantFile {
  try {
    return loadTenantFile(tenantFile, path.resolve(__dirname, ".."));
  } catch (error) {
    if (error instanceof TenantFileError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
