/**
 * powerplatform-export-tenant: writes tenants/<stack>.yaml from the live tenant, every
 * object adopted, so that a first `pulumi up` takes the tenant over without a write.
 *
 *   powerplatform-export-tenant --stack NAME [--out FILE] [--force] [--stack-config]
 *                               [--environment ID|NAME]... [--kinds billingPolicies,environments,flows,environmentGroups,dlpPolicies,tenantSettings]
 *                               [--tenant-settings governance|all|none]
 *
 * Credentials and endpoints come from the environment, as for the data functions, or
 * with --stack-config from the stack's `powerplatform:*` configuration (read with
 * `pulumi config`, as `pulumi up` would use it). Only reads are sent to the tenant.
 * Exit codes: 0 written, 1 not written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { parseCommandLine } from "../commandLine";
import { createClient } from "../client";
import { clientOptionsFromStackConfig, type StackConfigSource } from "../resources/stackConfig";
import { exportKinds, type ExportKind, readTenantForExport, tenantSettingsSelections, type TenantSettingsSelection } from "./readTenant";
import { renderTenantFile } from "./render";
import { flattenSettings } from "../resources/tenantSettings";

const usage = `usage: powerplatform-export-tenant --stack NAME [--out FILE] [--force] [--stack-config]
                                   [--environment ID|NAME]... [--kinds ${exportKinds.join(",")}]
                                   [--tenant-settings ${tenantSettingsSelections.join("|")}]
writes tenants/NAME.yaml (or FILE) from the live tenant. Credentials and endpoints: from the
environment (AZURE_*, POWERPLATFORM_*_URL), or with --stack-config from the stack's powerplatform:* config.
--tenant-settings: which tenant settings to declare (each declared setting is managed from then on):
governance (default: who may create environments), all (every setting), none
exit codes: 0 written, 1 not written`;

/**
 * The stack's `powerplatform:*` configuration, secrets decrypted, read with the Pulumi
 * CLI in `cwd` (the project). Nothing read is printed; a failure names the stack only.
 */
function stackConfig(stack: string, cwd: string): StackConfigSource {
  const result = spawnSync("pulumi", ["config", "--json", "--show-secrets", "--stack", stack, "--non-interactive"], { cwd, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    const reason = result.error ? result.error.message : (result.stderr ?? "").trim().split("\n").slice(-3).join(" ");
    throw new Error(`cannot read the configuration of stack "${stack}" with \`pulumi config\` in ${cwd}: ${reason}`);
  }
  const values = JSON.parse(result.stdout) as Record<string, { value?: unknown }>;
  return { get: (key) => (typeof values[key]?.value === "string" ? (values[key].value as string) : undefined) };
}

/** The kinds of `--kinds` (comma-separated, each once at most). */
export function parseKinds(text: string | undefined): ExportKind[] {
  if (text === undefined) return [...exportKinds];
  const kinds = text.split(",").map((k) => k.trim()).filter((k) => k !== "");
  const unknown = kinds.filter((k) => !(exportKinds as readonly string[]).includes(k));
  if (unknown.length > 0 || kinds.length === 0) {
    throw new Error(`--kinds must list some of ${exportKinds.join(", ")} (got ${JSON.stringify(text)})`);
  }
  return [...new Set(kinds)] as ExportKind[];
}

/** The value of `--tenant-settings` (default `governance`). */
export function parseTenantSettingsSelection(text: string | undefined): TenantSettingsSelection {
  if (text === undefined) return "governance";
  const selection = tenantSettingsSelections.find((s) => s === text.trim().toLowerCase());
  if (!selection) throw new Error(`--tenant-settings must be one of ${tenantSettingsSelections.join(", ")} (got ${JSON.stringify(text)})`);
  return selection;
}

/** Where editors find the schema, relative to the file: when the working directory is a checkout of this repository. */
function schemaPathFor(out: string, cwd: string): string | undefined {
  const schema = path.join(cwd, "schema", "tenant.schema.json");
  if (!fs.existsSync(schema) || path.relative(cwd, out).startsWith("..")) return undefined;
  return path.relative(path.dirname(out), schema).split(path.sep).join("/");
}

export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  const line = parseCommandLine(
    argv,
    {
      out: { type: "string", short: "o" },
      force: { type: "boolean", default: false },
      "stack-config": { type: "boolean", default: false },
      environment: { type: "string", short: "e", multiple: true },
      kinds: { type: "string" },
      "tenant-settings": { type: "string" },
    },
    usage,
    { help: 0, usageError: 1 },
  );
  if ("exit" in line) return line.exit;
  const { values, stack } = line;
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
    process.stderr.write(`--stack must be a stack name (letters, digits, _, . and -), got ${JSON.stringify(stack)}\n`);
    return 1;
  }
  let kinds: ExportKind[];
  let tenantSettings: TenantSettingsSelection;
  try {
    kinds = parseKinds(values.kinds);
    tenantSettings = parseTenantSettingsSelection(values["tenant-settings"]);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
  const out = path.resolve(cwd, values.out ?? path.join("tenants", `${stack}.yaml`));
  if (fs.existsSync(out) && !values.force) {
    process.stderr.write(`${out} exists: pass --force to overwrite it, or --out another file\n`);
    return 1;
  }
  let client;
  try {
    client = createClient(values["stack-config"] ? clientOptionsFromStackConfig(stackConfig(stack, cwd)) : {});
  } catch (error) {
    process.stderr.write(`could not export the tenant: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    const tenant = await readTenantForExport({ kinds, environments: values.environment, tenantSettings }, { client });
    const text = renderTenantFile(tenant, { stack, schemaPath: schemaPathFor(out, cwd) });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, text);
    for (const s of tenant.skipped) process.stderr.write(`not exported: ${s}\n`);
    process.stdout.write(
      `wrote ${path.relative(cwd, out) || out}: ${tenant.billingPolicies.length} billing policies, ${tenant.environments.length} environments, ` +
        `${tenant.flows.length} flows, ${tenant.environmentGroups.length} environment groups, ${tenant.dlpPolicies.length} DLP policies, ` +
        `${tenant.tenantSettings ? flattenSettings(tenant.tenantSettings.spec.settings).size : 0} tenant settings${tenant.skipped.length > 0 ? ` (${tenant.skipped.length} left out, listed at the top of the file)` : ""}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`could not export the tenant: ${(error as Error).message.trim().split("\n").slice(-20).join("\n")}\n`);
    return 1;
  } finally {
    client.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
