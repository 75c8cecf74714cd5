import type { ResourceHandler } from "../../../provider/resources/handler";
import { handlerFor, withStubChanges } from "../../../provider/runtime";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fake = (changes: boolean): ResourceHandler<any, any> => ({
  check: async () => ({}),
  diff: async () => ({ changes, replaces: [] }),
  create: async () => ({ id: "x", outs: {} }),
  read: async () => ({ id: "x", props: {} }),
  update: async () => ({ outs: {} }),
  delete: async () => undefined,
});

describe("runtime", () => {
  test("a new serialized stub is a change for any resource; the same stub leaves the diff as is", async () => {
    expect(await withStubChanges(fake(false)).diff("x", { __provider: "a" }, { __provider: "b" })).toEqual({ changes: true, replaces: [] });
    expect(await withStubChanges(fake(false)).diff("x", { __provider: "a" }, { __provider: "a" })).toEqual({ changes: false, replaces: [] });
    expect(await withStubChanges(fake(true)).diff("x", { __provider: "a" }, { __provider: "a" })).toEqual({ changes: true, replaces: [] });
  });

  test.each(["BillingPolicy", "Environment", "BillingPolicyEnvironment", "ApplicationInstall", "Flow", "FlowState", "FlowOwners"])(
    "finds the handler of %s by convention",
    (kind) => {
      expect(typeof handlerFor(kind).diff).toBe("function");
    },
  );

  test("names an unknown kind", () => {
    expect(() => handlerFor("Nope")).toThrow(/no resource Nope/);
    expect(() => handlerFor("../x")).toThrow(/invalid resource kind/);
  });
});
