/**
 * The drift report and its three renderings: for a person (text), for a CI job
 * summary or pull-request comment (Markdown), and for machines (JSON).
 *
 * @module @powerplatform-iac/provider/drift
 */
import type { PropertyChange } from "./propertyDiff";

/** A resource whose state no longer matches the tenant, with the properties that differ. */
export interface DriftedResource {
  /** The resource's Pulumi URN. */
  urn: string;
  /** The resource kind, e.g. `Environment`. */
  type: string;
  /** The resource's Pulumi name. */
  name: string;
  /** The object's id in the tenant. */
  id?: string;
  /** `modified`: properties differ; `deleted`: gone from the tenant. */
  change: "modified" | "deleted";
  /** The properties that differ: state value and tenant value. */
  properties: PropertyChange[];
}

/** A policy pack's finding on the refreshed state. */
export interface PolicyViolation {
  /** The policy pack's name. */
  policyPack: string;
  /** The policy's name. */
  policy: string;
  /** `advisory`, `mandatory` or `remediate`. */
  enforcementLevel: string;
  /** What the policy says. */
  message: string;
  /** The resource concerned, when the policy names one. */
  urn?: string;
}

/** What the drift command found for one stack: the input of every rendering. */
export interface DriftReport {
  /** The stack checked. */
  stack: string;
  /** The Pulumi project of the stack. */
  project: string;
  /** When the check ran (ISO 8601). */
  checkedAt: string;
  /** Resources in the state that were compared with the tenant. */
  resourcesChecked: number;
  /** The resources that drifted (empty: no drift). */
  drifted: DriftedResource[];
  /** Policy violations of the refreshed state, when a policy pack was given. */
  policyViolations: PolicyViolation[];
}

/** The drift command's exit codes: 0 no drift, 1 the check could not run, 2 drift found. */
export const exitCodes = { noDrift: 0, couldNotCheck: 1, driftFound: 2 } as const;

/** True when at least one resource drifted (policy violations alone are no drift). */
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

/** The report for a person at a terminal. */
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

/**
 * Tenant data as Markdown text that renders as the same characters and nothing else: no
 * HTML (`<img …>`), no link (`[x](…)`, `https://…`, `www.…`), no @mention, no emphasis,
 * no line break and no table pipe. Backslash escapes for Markdown's punctuation, then
 * character references for what has a meaning in HTML or in GitHub's autolinks.
 */
export function markdownText(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/[\\`*_{}[\]()#+!~|]/g, "\\$&")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@/g, "&#64;")
    .replace(/:/g, "&#58;")
    .replace(/(w)(ww)\./gi, "$1$2&#46;");
}

/**
 * Tenant data as a Markdown code span: literal by nature (no HTML, link or mention
 * inside), fenced with more backticks than it contains, pipes escaped for the table.
 */
export function markdownCode(text: string): string {
  const t = text.replace(/[\r\n]+/g, " ").replace(/\|/g, "\\|");
  const longestRun = Math.max(0, ...(t.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = t.startsWith("`") || t.endsWith("`") ? " " : "";
  return `${fence}${pad}${t}${pad}${fence}`;
}

const cell = markdownText;

/**
 * The report as Markdown for a CI job summary or a pull-request comment; tenant data is escaped so
 * it renders as plain text.
 */
export function renderMarkdown(report: DriftReport): string {
  const lines: string[] = [];
  if (!hasDrift(report)) {
    lines.push(`### ✅ No drift in ${markdownCode(report.stack)}`);
    lines.push("");
    lines.push(`${report.resourcesChecked} resources checked at ${report.checkedAt}.`);
  } else {
    lines.push(`### ⚠️ Drift in ${markdownCode(report.stack)}: ${report.drifted.length} of ${report.resourcesChecked} resources changed outside Pulumi`);
    lines.push("");
    lines.push("| resource | change | property | last applied | tenant now |");
    lines.push("| --- | --- | --- | --- | --- |");
    for (const r of report.drifted) {
      const name = `${markdownText(shortType(r.type))} ${markdownCode(r.name)}`;
      if (r.properties.length === 0) lines.push(`| ${name} | ${r.change} | | | |`);
      for (const p of r.properties) {
        lines.push(`| ${name} | ${r.change} | ${markdownCode(p.path)} | ${cell(show(p.before))} | ${cell(show(p.after))} |`);
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
    for (const v of report.policyViolations) lines.push(`| ${cell(v.enforcementLevel)} | ${cell(v.policy)} | ${cell(v.message.trim())} |`);
  }
  return lines.join("\n") + "\n";
}

/** The report as JSON for machines, with a `status` of `drift` or `no-drift`. */
export function renderJson(report: DriftReport): string {
  return JSON.stringify({ ...report, status: hasDrift(report) ? "drift" : "no-drift" }, null, 2) + "\n";
}
