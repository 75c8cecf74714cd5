/**
 * Writes an export as the text of a tenant file: the sections in the schema's
 * order, a comment above each entry saying where it came from, the principals' display
 * names next to their ids, and a header listing what was left out.
 */
import { Document, isMap, isScalar, isSeq, type Pair, type YAMLMap } from "yaml";
import type { ExportedEntry, TenantExport } from "./readTenant";

export interface RenderSettings {
  /** The stack the file is for (named in the header). */
  stack: string;
  /** A `$schema` path for editors (yaml-language-server), relative to the file; none when undefined. */
  schemaPath?: string;
}

/** Names come from the tenant: a line break in one must not end the comment. */
const oneLine = (text: string) => text.replace(/[\r\n\u2028\u2029]+/g, " ");
const commentLines = (lines: string[]) => lines.map((l) => (l === "" ? "" : ` ${oneLine(l)}`)).join("\n");

function header(tenant: TenantExport, settings: RenderSettings): string {
  const lines = [
    ...(settings.schemaPath ? [`yaml-language-server: $schema=${settings.schemaPath}`, ""] : []),
    `Exported from the live tenant by powerplatform-export-tenant at ${tenant.exportedAt}, for stack "${settings.stack}".`,
    "Every object is adopted (adoptId): the first `pulumi up` takes it over without changing it.",
    "Defaults for adopted objects: retainOnDelete: true on every entry (removing it, or destroy,",
    "only forgets the object); protect: true on Production environments (destroy or replacement",
    "fails until it is set to false). Change them here as you see fit.",
  ];
  if (tenant.skipped.length > 0) {
    lines.push("", "Not exported:");
    for (const s of tenant.skipped) lines.push(`- ${s}`);
  }
  return commentLines(lines);
}

/** Drops the fields only meant for comments (a principal's display name). */
function plain<T>(entries: Array<ExportedEntry<T>>): Record<string, unknown> {
  return Object.fromEntries(
    entries.map(({ key, spec }) => {
      const copy = structuredClone(spec) as Record<string, unknown>;
      if (Array.isArray(copy.owners)) copy.owners = (copy.owners as Array<Record<string, unknown>>).map(({ displayName: _shown, ...owner }) => owner);
      return [key, copy];
    }),
  );
}

/** The tenant file's text. Empty sections are left out. */
export function renderTenantFile(tenant: TenantExport, settings: RenderSettings): string {
  const sections: Array<[keyof Pick<TenantExport, "billingPolicies" | "environments" | "flows" | "environmentGroups" | "dlpPolicies">, Array<ExportedEntry<unknown>>]> = [
    ["billingPolicies", tenant.billingPolicies],
    ["environments", tenant.environments],
    ["flows", tenant.flows],
    ["environmentGroups", tenant.environmentGroups ?? []],
    ["dlpPolicies", tenant.dlpPolicies ?? []],
  ];
  const data: Record<string, unknown> = Object.fromEntries(sections.filter(([, entries]) => entries.length > 0).map(([name, entries]) => [name, plain(entries)]));
  // The tenant settings section is one object: the settings, then the lifecycle defaults.
  if (tenant.tenantSettings) data.tenantSettings = { ...structuredClone(tenant.tenantSettings.spec.settings), retainOnDelete: tenant.tenantSettings.spec.retainOnDelete };
  const doc = new Document(data);
  doc.commentBefore = header(tenant, settings);
  for (const [name, entries] of sections) {
    const section = doc.get(name, true);
    if (!isMap(section)) continue;
    for (const entry of entries) {
      const pair = (section as YAMLMap).items.find((p: Pair) => isScalar(p.key) && p.key.value === entry.key);
      if (pair && isScalar(pair.key)) pair.key.commentBefore = ` ${oneLine(entry.source)}`;
    }
    if (name === "flows") namePrincipals(section as YAMLMap, tenant);
  }
  const settingsPair = (doc.contents as YAMLMap).items.find((p: Pair) => isScalar(p.key) && p.key.value === "tenantSettings");
  if (tenant.tenantSettings && settingsPair && isScalar(settingsPair.key)) settingsPair.key.commentBefore = ` ${oneLine(tenant.tenantSettings.source)}`;
  // A blank line between sections, for the eye.
  for (const pair of (doc.contents as YAMLMap).items.slice(1)) if (isScalar(pair.key)) pair.key.spaceBefore = true;
  return doc.toString({ lineWidth: 0 });
}

/** `principalId: … # Display Name`, as a reader of the file would want. */
function namePrincipals(flows: YAMLMap, tenant: TenantExport): void {
  for (const entry of tenant.flows) {
    const owners = flows.getIn([entry.key, "owners"], true);
    if (!isSeq(owners)) continue;
    (entry.spec.owners ?? []).forEach((owner, i) => {
      const id = owners.getIn([i, "principalId"], true);
      if (owner.displayName && isScalar(id)) id.comment = ` ${oneLine(owner.displayName)}`;
    });
  }
}
