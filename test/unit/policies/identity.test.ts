/**
 * The pack cannot be sidestepped (issue 8, item 7 and 10): resources are recognised by
 * the kind their implementation states (`powerplatformKind`, added by the provider's
 * runtime; the engine hides `__provider` from policy packs) or their serialized provider
 * loads, not only by type token; a rule that needs a value unknown at preview fails the
 * preview by default.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../../../policies/policies";
import { kindOfImplementation, kindOfProvider, kindOfResource } from "../../../policies/resourceTypes";
import { resourcesUnderTheirOwnType } from "../../../policies/rules/identity";
import { noTrialOrDeveloperEnvironmentsInProduction } from "../../../policies/rules/environments";
import { providerStub } from "../../../provider/resources/dynamicProvider";
import { environmentProps, ids, policyResource, resourceArgs, stackArgs, unknownString, validate, validateStack } from "./fakeArgs";

/**
 * What earlier versions of the provider had Pulumi's closure serializer write into
 * `__provider` (abridged to the functions that matter); such stubs stay in existing
 * states until the next `up` records the provider's current one.
 */
const serializedStub = (kind: string) => `exports.handler = __f0;

var __p = {check: __f1, diff: __f3, create: __f4, read: __f5, update: __f6, delete: __f7};

function __f2() {
  return (function() {
    with({ kind: "${kind}", this: undefined, arguments: undefined }) {

return () => require("@powerplatform-iac/provider/runtime").handlerFor(kind);

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f1(__0, __1) {
  return (function() {
    with({ handler: __f2, this: undefined, arguments: undefined }) {

return (olds, news) => handler().check(olds, news);

    }
  }).apply(undefined, undefined).apply(this, arguments);
}
`;

/**
 * The same implementation registered under another type token, as a policy pack sees it:
 * the checked inputs with the kind the runtime states, without `__provider` (the engine
 * gives analyzers no `__` property).
 */
function disguised(kind: "Environment" | "Flow", props: Record<string, unknown>, options: Parameters<typeof resourceArgs>[2] = {}) {
  const { __provider: _hidden, ...visible } = props;
  const args = resourceArgs(kind, { ...visible, powerplatformKind: kind }, options);
  return { ...args, type: "pulumi-nodejs:dynamic/other:Thing", urn: args.urn.replace(/::pulumi-nodejs:dynamic\/powerplatform:\w+::/, "::pulumi-nodejs:dynamic/other:Thing::") };
}

const packRule = (name: string) => policies.find((p) => p.name === name) as ResourceValidationPolicy;

describe("what a resource is", () => {
  test("the kind a serialized provider loads: captured kind, literal kind, handler by name", () => {
    expect(kindOfProvider(serializedStub("Environment"))).toBe("Environment");
    for (const kind of ["BillingPolicy", "FlowState", "FlowOwners"] as const) expect(kindOfProvider(providerStub(kind))).toBe(kind);
    expect(kindOfProvider('x = () => require("@powerplatform-iac/provider/runtime").handlerFor("FlowState").create(i)')).toBe("FlowState");
    expect(kindOfProvider('require("@powerplatform-iac/provider/dist/resources/flow").flowHandler')).toBe("Flow");
    expect(kindOfProvider('require("@powerplatform-iac/provider/dist/resources/applicationInstall").applicationInstallHandlerWith(f)')).toBe("ApplicationInstall");
  });

  test("a stub of another implementation is not ours; one of ours that does not say which kind is null", () => {
    expect(kindOfProvider("exports.handler = __f0; /* someone else's */")).toBeUndefined();
    expect(kindOfProvider('require("@powerplatform-iac/provider/runtime").handlerFor(process.env.KIND)')).toBeNull();
    expect(kindOfProvider(`${serializedStub("Environment")}${serializedStub("Flow")}`)).toBeNull();
  });

  test("the kind the implementation states; contradictions and unknown kinds are null", () => {
    expect(kindOfImplementation({ type: "x", props: { powerplatformKind: "Environment" } })).toBe("Environment");
    expect(kindOfImplementation({ type: "x", props: { powerplatformKind: "Bogus" } })).toBeNull();
    expect(kindOfImplementation({ type: "x", props: { powerplatformKind: "Flow", __provider: serializedStub("Environment") } })).toBeNull();
    expect(kindOfImplementation({ type: "x", props: { displayName: "y" } })).toBeUndefined();
  });

  test("the implementation's kind wins over the type token; the token is the fallback", () => {
    expect(kindOfResource({ type: "pulumi-nodejs:dynamic/other:Thing", props: { powerplatformKind: "Environment" } })).toBe("Environment");
    expect(kindOfResource({ type: "pulumi-nodejs:dynamic:Resource", props: { __provider: serializedStub("Environment") } })).toBe("Environment");
    expect(kindOfResource({ type: "pulumi-nodejs:dynamic/powerplatform:Flow", props: { __provider: "exports.handler = __f0;" } })).toBe("Flow");
    expect(kindOfResource({ type: "aws:s3/bucket:Bucket", props: {} })).toBeUndefined();
  });
});

describe("a disguised resource meets the same rules", () => {
  test("a Trial environment under another type token in production is refused (it passed every rule)", async () => {
    const args = disguised("Environment", { ...environmentProps(), environmentSku: "Trial" }, { stack: "prod", name: "sneaky" });
    expect(await validate(noTrialOrDeveloperEnvironmentsInProduction, args)).toEqual([
      expect.stringContaining('violates no-trial-or-developer-environments-in-production: environmentSku "Trial" is not allowed in a production stack'),
    ]);
  });

  test("and the identity rule names the disguise", async () => {
    const args = disguised("Environment", environmentProps(), { name: "sneaky" });
    expect(await validate(resourcesUnderTheirOwnType, args)).toEqual([
      'pulumi-nodejs:dynamic/other:Thing "sneaky" violates powerplatform-resources-under-their-own-type: it runs the implementation of Environment under another type token ' +
        "(the rules for Environment apply to it all the same). Register it as pulumi-nodejs:dynamic/powerplatform:Environment: use new powerplatform.Environment(...).",
    ]);
    expect(await validate(resourcesUnderTheirOwnType, resourceArgs("Environment", { ...environmentProps(), powerplatformKind: "Environment" }))).toEqual([]);
    expect(await validate(resourcesUnderTheirOwnType, resourceArgs("Environment", environmentProps()))).toEqual([]);
  });

  test("a stack rule finds a disguised environment too", async () => {
    const rule = policies.find((p) => p.name === "environments-linked-to-billing-policy") as StackValidationPolicy;
    const env = { ...policyResource("Environment", "sneaky", { ...environmentProps(), powerplatformKind: "Environment", environmentId: ids.environment }), type: "pulumi-nodejs:dynamic:Resource" };
    expect(await validateStack(rule, stackArgs([env]))).toEqual([expect.objectContaining({ message: expect.stringContaining('"sneaky" violates environments-linked-to-billing-policy') })]);
  });
});

describe("values unknown at preview (unknownAtPreview)", () => {
  const rule = packRule("no-trial-or-developer-environments-in-production");
  const unknownSku = () => resourceArgs("Environment", { ...environmentProps(), environmentSku: unknownString }, { stack: "prod", name: "prod-env" });

  test("every rule of the pack has the setting, default fail", () => {
    for (const policy of policies) {
      expect(policy.configSchema?.properties.unknownAtPreview).toMatchObject({ enum: ["fail", "enforceAtApply"], default: "fail" });
    }
  });

  test("fail (default): a rule that needs an unknown value reports a violation naming it", async () => {
    expect(await validate(rule, unknownSku())).toEqual([
      expect.stringMatching(/^Environment "prod-env" cannot be checked by no-trial-or-developer-environments-in-production during preview: environmentSku is not known until another resource is created/),
    ]);
  });

  test("enforceAtApply: left to the engine, which runs the rule during the update", async () => {
    const args = { ...unknownSku(), getConfig: <T extends object>() => ({ unknownAtPreview: "enforceAtApply" }) as T };
    await expect(validate(rule, args)).rejects.toThrow(/can't be known during preview/);
  });

  test("a rule that can decide without the unknown value still passes", async () => {
    const args = resourceArgs("Environment", { ...environmentProps(), environmentSku: "Production", securityGroupId: unknownString }, { stack: "prod" });
    expect(await validate(rule, args)).toEqual([]);
  });
});
