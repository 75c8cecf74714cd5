/**
 * Violation messages: each names the resource (kind and Pulumi name), the rule, what is
 * wrong and what to change, so that the line in `pulumi preview` output is actionable
 * on its own.
 */
import { kindOf } from "./resourceTypes";

export function resourceLabel(type: string, name: string): string {
  return `${kindOf(type) ?? type} "${name}"`;
}

export function violation(rule: string, type: string, name: string, problem: string, fix: string): string {
  return `${resourceLabel(type, name)} violates ${rule}: ${problem}. ${fix}`;
}

/** `"a", "b", "c"` */
export function quoteList(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(", ");
}
