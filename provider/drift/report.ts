/**
 * The drift report and its three renderings: for a person (text), for a CI job
 * summary or pull-request comment (Markdown), and for machines (JSON).
 */
import type { PropertyChange } from "./propertyDiff";

export interface DriftedResource {
  urn: string;
  type: string;
  name: string;
  id?: string;
  /** `modified`: properties differ; `deleted`: gone from the tenant. */
  change: "modified" | "deleted";
  properties: PropertyChange[];
}

export interface PolicyViolation {
  policyPack: string;
  policy: string;
  enforcementLevel: string;
  message: string;
  urn?: string;
}

export interface DriftReport {
  stack: string;
  project: string;
  checkedAt: string;
  /** Resources in the state that were compared with the tenant. */
  resourcesChecked: number;
  drifted: DriftedResource[];
  /** Policy violations of the refreshed state, when a policy pack was given. */
  policyViolations: PolicyViolation[];
}

export const exitCodes = { noDrift: 0, couldNotCheck: 1, driftFound: 2 } as const;

export function hasDrift(report: DriftReport): boolean {
  return report.drifted.length > 0;
}

function show(value: unknown): string {
  if (value === undefined) return "(absent)";
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function shortType(type: string): string {
  return type.split(":").pop() ?? type;
}

export function renderText(report: DriftReport): string {
  const lines: string[] = [];
  if (!hasDrift(report)) {
    lines.push(`No drift: stack ${report.stack} matches the tenant (${report.resourcesChecked} resources checked at ${report.checkedAt}).`);
  } else {
    lines.push(`Drift found in stack ${report.stack}: ${report.drifted.length} of ${report.resourcesChecked} resources differ from the last applied state.`);
    for (const r of report.drifted) {
      lines.push("");
      lines.push(`  ${shortType(r.type)} ${r.name}${r.id ? ` (${r.id})` : ""}: ${r.change === "deleted" ? "deleted outside Pulumi" : "changed outside Pulumi"}`);
      for (const p of r.properties) lines.push(`    ${p.path}: ${show(p.before)} -> ${show(p.after)}`);
    }
    lines.push("");
    lines.push("Run `pulumi up --refresh` to put the tenant back as declared, or change the declaration to accept the change.");
  }
  if (report.policyViolations.length > 0) {
    lines.push("");
    lines.push(`Policy violations in the tenant as it is now (${report.policyViolations.length}):`);
    for (const v of report.policyViolations) {
      lines.push(`  [${v.enforcementLevel}] ${v.policy}: ${v.message.trim().split("\n")[0]}${v.urn ? ` (${v.urn.split("::").pop()})` : ""}`);
    }
  }
  return lines.join("\n") + "\n";
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function renderMarkdown(report: DriftReport): string {
  const lines: string[] = [];
  if (!hasDrift(report)) {
    lines.push(`### ✅ No drift in \`${report.stack}\``);
    lines.push("");
    lines.push(`${report.resourcesChecked} resources checked at ${report.checkedAt}.`);
  } else {
    lines.push(`### ⚠️ Drift in \`${report.stack}\`: ${report.drifted.length} of ${report.resourcesChecked} resources changed outside Pulumi`);
    lines.push("");
    lines.push("| resource | change | property | last applied | tenant now |");
    lines.push("| --- | --- | --- | --- | --- |");
    for (const r of report.drifted) {
      const name = `${shortType(r.type)} \`${r.name}\``;
      if (r.properties.length === 0) lines.push(`| ${name} | ${r.change} | | | |`);
      for (const p of r.properties) {
        lines.push(`| ${name} | ${r.change} | \`${cell(p.path)}\` | ${cell(show(p.before))} | ${cell(show(p.after))} |`);
      }
    }
    lines.push("");
    lines.push("Run `pulumi up --refresh` to restore the declared state, or update the declaration to accept the change.");
  }
  if (report.policyViolations.length > 0) {
    lines.push("");
    lines.push("#### Policy violations in the tenant as it is now");
    lines.push("");
    lines.push("| level | policy | message |");
    lines.push("| --- | --- | --- |");
    for (const v of report.policyViolations) lines.push(`| ${v.enforcementLevel} | ${v.policy} | ${cell(v.message.trim())} |`);
  }
  return lines.join("\n") + "\n";
}

export function renderJson(report: DriftReport): string {
  return JSON.stringify({ ...report, status: hasDrift(report) ? "drift" : "no-drift" }, null, 2) + "\n";
}
