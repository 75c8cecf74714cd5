/**
 * Production-stack detection. Rules that apply only to production read the stack name
 * from a resource URN (`urn:pulumi:<stack>::<project>::<type>::<name>`) and match it
 * against their `productionStackPattern` configuration (default `^prod`).
 */
import { configRegExp, type PolicyConfigJSONSchema } from "./config";

export const defaultProductionStackPattern = "^prod";

export const productionStackPatternSchema: PolicyConfigJSONSchema = {
  type: "string",
  minLength: 1,
  description: "A regular expression matched against the stack name: stacks it matches are production stacks.",
};

/** The stack name of a resource URN. */
export function stackNameFromUrn(urn: string): string {
  const match = /^urn:pulumi:(.+?)::/.exec(urn);
  if (!match) throw new Error(`not a Pulumi resource URN: ${urn}`);
  return match[1]!;
}

export function isProductionStack(urn: string, pattern: string, rule: string): boolean {
  return configRegExp(pattern, rule, "productionStackPattern").test(stackNameFromUrn(urn));
}
