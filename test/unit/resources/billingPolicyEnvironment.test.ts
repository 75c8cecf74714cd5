import { billingPolicyEnvironmentHandler, linkId } from "../../../provider/resources/billingPolicyEnvironment";

const POLICY = "b1000000-0000-4000-8000-000000000001";
const ENV = "e1000000-0000-4000-8000-000000000002";
const valid = (): Record<string, unknown> => ({ billingPolicyId: POLICY.toUpperCase(), environmentId: ENV });

describe("BillingPolicyEnvironment check", () => {
  test("accepts two GUIDs and lower-cases them", async () => {
    const result = await billingPolicyEnvironmentHandler.check({}, valid());
    expect(result).toEqual({ inputs: { billingPolicyId: POLICY, environmentId: ENV } });
    expect(linkId(result.inputs!)).toBe(`${POLICY}/${ENV}`);
  });

  test.each([
    ["billingPolicyId", { billingPolicyId: undefined }, "billingPolicyId is required"],
    ["billingPolicyId", { billingPolicyId: "payg-us" }, "billingPolicyId must be a GUID"],
    ["environmentId", { environmentId: "" }, "environmentId is required"],
    ["environmentId", { environmentId: 42 }, "environmentId must be a string"],
  ])("names the bad field %s", async (property, change, reason) => {
    const result = await billingPolicyEnvironmentHandler.check({}, { ...valid(), ...change });
    expect(result.inputs).toBeUndefined();
    expect(result.failures).toEqual([expect.objectContaining({ property, reason: expect.stringContaining(reason) })]);
  });

  test("reports both bad fields at once", async () => {
    const result = await billingPolicyEnvironmentHandler.check({}, { billingPolicyId: "x", environmentId: "y" });
    expect(result.failures?.map((f) => f.property)).toEqual(["billingPolicyId", "environmentId"]);
  });
});

describe("BillingPolicyEnvironment diff", () => {
  const olds = { billingPolicyId: POLICY, environmentId: ENV };

  test("no change", async () => {
    expect(await billingPolicyEnvironmentHandler.diff(linkId(olds), olds, { ...olds })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test("the same environment moving to another policy is removed from the old one first", async () => {
    const result = await billingPolicyEnvironmentHandler.diff(linkId(olds), olds, { ...olds, billingPolicyId: "b1000000-0000-4000-8000-000000000009" });
    expect(result).toEqual({ changes: true, replaces: ["billingPolicyId"], deleteBeforeReplace: true });
  });

  test("another environment for the same policy is created before the old link goes", async () => {
    const result = await billingPolicyEnvironmentHandler.diff(linkId(olds), olds, { ...olds, environmentId: "e1000000-0000-4000-8000-000000000009" });
    expect(result).toEqual({ changes: true, replaces: ["environmentId"], deleteBeforeReplace: false });
  });
});
