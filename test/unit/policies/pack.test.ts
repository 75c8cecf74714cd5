/**
 * The pack as a whole: unique kebab-case names, a description, a default enforcement
 * level, and a configuration schema whose defaults are valid against itself (the
 * engine validates `--policy-pack-config` against these schemas).
 */
import Ajv from "ajv";
import { policies } from "../../../policies/policies";
import { kindOf, resourceKinds, typeToken, types } from "../../../policies/resourceTypes";
import { isProductionStack, stackNameFromUrn } from "../../../policies/stack";

describe("the policy pack", () => {
  test("has at least ten rules with unique kebab-case names", () => {
    const names = policies.map((p) => p.name);
    expect(names.length).toBeGreaterThanOrEqual(10);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  test.each(policies.map((p) => [p.name, p] as const))("%s has a description, a level, remediation steps and a self-consistent schema", (_name, policy) => {
    expect(policy.description.length).toBeGreaterThan(20);
    expect(["advisory", "mandatory"]).toContain(policy.enforcementLevel);
    expect(policy.remediationSteps).toBeTruthy();
    const schema = policy.configSchema!;
    expect(Object.keys(schema.properties).length).toBeGreaterThan(0);
    expect(schema.properties).not.toHaveProperty("enforcementLevel");
    const ajv = new Ajv({ strict: true });
    const validate = ajv.compile({ type: "object", properties: schema.properties, additionalProperties: false });
    const defaults = Object.fromEntries(Object.entries(schema.properties).map(([key, s]) => [key, (s as { default?: unknown }).default]));
    for (const [key, value] of Object.entries(defaults)) expect([key, value]).not.toEqual([key, undefined]);
    expect(validate(defaults)).toBe(true);
  });

  test("dangerous violations block by default, conventions only warn", () => {
    const level = (name: string) => policies.find((p) => p.name === name)?.enforcementLevel;
    expect(level("no-trial-or-developer-environments-in-production")).toBe("mandatory");
    expect(level("production-environments-protected")).toBe("mandatory");
    expect(level("flow-minimum-co-owners")).toBe("mandatory");
    expect(level("environment-display-name-convention")).toBe("advisory");
    expect(level("billing-policy-name-convention")).toBe("advisory");
  });
});

describe("resource types", () => {
  test("match the provider's tokens", () => {
    expect(types.FlowOwners).toBe("pulumi-nodejs:dynamic/powerplatform:FlowOwners");
    for (const kind of resourceKinds) expect(kindOf(typeToken(kind))).toBe(kind);
    expect(kindOf("pulumi-nodejs:dynamic/other:FlowOwners")).toBeUndefined();
    expect(kindOf("pulumi-nodejs:dynamic/powerplatform:Unknown")).toBeUndefined();
  });
});

describe("production stacks", () => {
  const urn = (stack: string) => `urn:pulumi:${stack}::tenant::pulumi-nodejs:dynamic/powerplatform:Environment::finance`;

  test("the stack name is read from the URN", () => {
    expect(stackNameFromUrn(urn("prod-eu"))).toBe("prod-eu");
    expect(() => stackNameFromUrn("not-a-urn")).toThrow(/not a Pulumi resource URN/);
  });

  test("the default pattern matches stacks whose name starts with prod", () => {
    expect(isProductionStack(urn("prod"), "^prod", "r")).toBe(true);
    expect(isProductionStack(urn("production"), "^prod", "r")).toBe(true);
    expect(isProductionStack(urn("preprod"), "^prod", "r")).toBe(false);
    expect(isProductionStack(urn("dev"), "^prod", "r")).toBe(false);
  });
});
