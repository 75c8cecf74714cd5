/**
 * The tenant, declared in git: what `pulumi up` at the repository root applies.
 *
 * Each stack names its tenant file in its config (`tenantFile`, default
 * `tenants/<stack>.yaml`). The file is validated against schema/tenant.schema.json
 * before any resource is registered. Credentials and endpoints come from the
 * environment (README: "Pointing it at a real tenant"); nothing secret is written
 * here or into the state.
 */
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { declareTenant, summarize } from "./declareTenant";
import { loadTenantFile } from "./tenantFile";

const config = new pulumi.Config();
const tenantFile = config.get("tenantFile") ?? `tenants/${pulumi.getStack()}.yaml`;
const tenant = loadTenantFile(tenantFile, path.resolve(__dirname, ".."));
const declared = declareTenant(tenant);

export const tenantFileUsed = tenantFile;
export const managed = summarize(declared);
