/**
 * The tenant, declared in git: what `pulumi up` at the repository root applies.
 *
 * Each stack names its tenant file in its config (`tenantFile`, default
 * `tenants/<stack>.yaml`, relative to the repository root). declareTenantFromFile (the
 * function the package @powerplatform-iac/tenant exports, so another repository runs
 * exactly this) validates the file against schema/tenant.schema.json and checks the run
 * against mass deletion (deletionGuard.ts) before any resource is registered.
 * Credentials and endpoints come from the `powerplatform:*` stack configuration or the
 * environment (README: "Pointing it at a real tenant"); nothing secret is written here
 * or into the state.
 */
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { declareTenantFromFile } from "./declareTenantFromFile";

export = async () => {
  const tenantFile = new pulumi.Config().get("tenantFile") ?? `tenants/${pulumi.getStack()}.yaml`;
  return declareTenantFromFile(tenantFile, { baseDir: path.resolve(__dirname, "..") });
};
