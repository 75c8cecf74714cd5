/**
 * The runtime states each resource's kind in its checked inputs and outputs
 * (`powerplatformKind`), where a policy pack can read it whatever type token the program
 * used (issue 8, item 7). Loaded through handlerFor, as the dynamic-provider process does.
 */
import { handlerFor } from "../../../provider/runtime";

const ENV = "e1000000-0000-4000-8000-000000000001";

describe("the kind mark", () => {
  test("check adds powerplatformKind to the checked inputs; failures stay failures", async () => {
    const handler = handlerFor("FlowState");
    const ok = await handler.check({}, { environmentId: ENV, flowId: ENV, state: "Started" });
    expect(ok.inputs).toEqual({ environmentId: ENV, flowId: ENV, state: "Started", powerplatformKind: "FlowState" });
    const bad = await handler.check({}, { environmentId: ENV, flowId: ENV, state: "On" });
    expect(bad.inputs).toBeUndefined();
    expect(bad.failures).toHaveLength(1);
  });

  test("every kind is marked with its own name", async () => {
    const handler = handlerFor("BillingPolicyEnvironment");
    expect((await handler.check({}, { billingPolicyId: ENV, environmentId: ENV })).inputs).toMatchObject({ powerplatformKind: "BillingPolicyEnvironment" });
  });
});

describe("the kind mark on read", () => {
  const inner = {
    check: jest.fn(),
    diff: jest.fn(),
    create: jest.fn(async () => ({ id: "x", outs: { a: 1 } })),
    read: jest.fn(async (id: string) => ({ id, props: { a: 1 }, inputs: { a: 1 } })),
    update: jest.fn(async () => ({ outs: { a: 2 } })),
    delete: jest.fn(),
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { withKindMark } = require("../../../provider/resources/kindMark") as typeof import("../../../provider/resources/kindMark");
  const marked = withKindMark("Flow", inner);

  test("create and update mark their outputs", async () => {
    expect(await marked.create({})).toEqual({ id: "x", outs: { a: 1, powerplatformKind: "Flow" } });
    expect(await marked.update("x", {}, {})).toEqual({ outs: { a: 2, powerplatformKind: "Flow" } });
  });

  test("read keeps the mark a state has, and adds none to a state written before it (no drift from an upgrade)", async () => {
    expect(await marked.read("x", { a: 1, powerplatformKind: "Flow" })).toEqual({ id: "x", props: { a: 1, powerplatformKind: "Flow" }, inputs: { a: 1, powerplatformKind: "Flow" } });
    expect(await marked.read("x", { a: 1 })).toEqual({ id: "x", props: { a: 1 }, inputs: { a: 1 } });
  });
});
