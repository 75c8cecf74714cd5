/**
 * The serialized provider in the state of every resource (`__provider`) is one short text
 * per kind, and it works the way Pulumi's dynamic-provider process uses it: loaded with
 * require-from-string, `handler()` gives the kind's provider.
 */
import { dynamicResourceProps, dynamicResourceType, providerStub } from "../../../provider/resources/dynamicProvider";
import { providerFor } from "../../../provider/runtime";

// What Pulumi's dynamic-provider process loads the stub with (a dependency of @pulumi/pulumi, untyped).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string) => unknown;

const kinds = ["BillingPolicy", "Environment", "BillingPolicyEnvironment", "ApplicationInstall", "Flow", "FlowState", "FlowOwners"];

describe("provider stub", () => {
  test.each(kinds)("%s: at most 300 bytes, no path, no secret, same text every time", (kind) => {
    const stub = providerStub(kind);
    expect(stub.length).toBeLessThanOrEqual(300);
    expect(stub).toBe(providerStub(kind));
    expect(stub).not.toMatch(/\/(work|home|root|Users|tmp)\//);
    expect(stub).toContain(`"${kind}"`);
  });

  test.each(kinds)("%s: loaded like the dynamic-provider process loads it, gives the kind's provider", async (kind) => {
    // The stub resolves the package by name (the built runtime, in Node's own module cache).
    const load = () => (requireFromString(providerStub(kind)) as { handler: () => Record<string, unknown> }).handler();
    const provider = load();
    expect(load()).toBe(provider);
    for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"]) expect(typeof provider[method]).toBe("function");
    // The kind's own check: it names the arguments the kind requires.
    const check = provider.check as (olds: object, news: object) => Promise<{ failures?: Array<{ property: string }> }>;
    expect((await check({}, {})).failures?.length).toBeGreaterThan(0);
  });

  test("one provider object per kind and process, forwarding to the kind's handler", async () => {
    expect(providerFor("FlowState")).toBe(providerFor("FlowState"));
    expect(providerFor("FlowState")).not.toBe(providerFor("Flow"));
    const checked = await providerFor("FlowState").check!({}, { environmentId: "nope" });
    expect(checked.failures?.map((f) => f.property)).toContain("environmentId");
  });

  test("props carry the inputs, every output name and the stub; a __provider argument is refused", () => {
    expect(dynamicResourceProps("FlowState", { flowId: "f" }, ["flowId", "state"])).toEqual({ flowId: "f", state: undefined, __provider: providerStub("FlowState") });
    expect(() => dynamicResourceProps("FlowState", { __provider: "x" }, [])).toThrow(/__provider/);
    expect(dynamicResourceType("FlowState")).toBe("pulumi-nodejs:dynamic/powerplatform:FlowState");
  });

  test("an invalid kind is refused", () => {
    expect(() => providerStub('X");process.exit(1);("')).toThrow(/invalid resource kind/);
  });
});
