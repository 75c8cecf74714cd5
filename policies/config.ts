/**
 * Per-rule configuration: each rule declares its defaults once, and both its
 * `configSchema` (what `--policy-pack-config` is validated against) and the values it
 * reads come from them, so the two cannot disagree.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

/** The JSON schema of one configuration property. */
export type PolicyConfigJSONSchema = PolicyConfigSchema["properties"][string];

type ConfigSource = { getConfig<T extends object>(): T };

/** The rule's configuration: what the user set, over the rule's defaults. */
export function ruleConfig<T extends object>(args: ConfigSource, defaults: T): T {
  const given = (args.getConfig<Partial<T>>() ?? {}) as Partial<T>;
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(given)) {
    if (value !== undefined && value !== null) merged[key] = value;
  }
  return merged as T;
}

/** A configuration schema whose `default` of each property is taken from `defaults`. */
export function configSchema<T extends object>(
  defaults: T,
  properties: { [K in keyof T]-?: PolicyConfigJSONSchema },
): PolicyConfigSchema {
  const withDefaults: Record<string, PolicyConfigJSONSchema> = {};
  for (const [key, schema] of Object.entries(properties) as Array<[string, PolicyConfigJSONSchema]>) {
    const value = (defaults as Record<string, unknown>)[key];
    withDefaults[key] = value === undefined ? schema : { ...schema, default: value as PolicyConfigJSONSchema["default"] };
  }
  return { properties: withDefaults };
}

export const stringList = (description: string): PolicyConfigJSONSchema => ({
  type: "array",
  items: { type: "string" },
  uniqueItems: true,
  description,
});

/** Compiles a configured regular expression, naming the rule and key when it is invalid. */
export function configRegExp(pattern: string, rule: string, key: string, flags = ""): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new Error(`policy ${rule}: configuration ${key} is not a valid regular expression (${pattern}): ${(error as Error).message}`);
  }
}
