import { billingPolicyHandler, type BillingPolicyOutputs } from "../../../provider/resources/billingPolicy";
import { handlerFor } from "../../../provider/runtime";

const valid = () => ({
  name: "payg-europe",
  location: "europe",
  billingInstrument: { subscriptionId: "AAAAAAAA-1111-2222-3333-444444444444", resourceGroup: "rg-billing" },
});

describe("BillingPolicy check", () => {
  test("accepts valid input, defaults status to Enabled and lower-cases the subscription id", async () => {
    const result = await billingPolicyHandler.check({}, valid());
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toEqual({
      name: "payg-europe",
      location: "europe",
      status: "Enabled",
      billingInstrument: { subscriptionId: "aaaaaaaa-1111-2222-3333-444444444444", resourceGroup: "rg-billing" },
    });
  });

  test.each([
    ["name", { name: "" }, "name is required"],
    ["name", { name: "has spaces in it" }, "may contain only letters"],
    ["name", { name: "x".repeat(101) }, "at most 100 characters"],
    ["location", { location: "atlantis" }, "location must be one of"],
    ["status", { status: "Paused" }, "status must be one of Enabled, Disabled"],
    ["billingInstrument", { billingInstrument: undefined }, "billingInstrument is required"],
    ["billingInstrument.subscriptionId", { billingInstrument: { subscriptionId: "nope", resourceGroup: "rg" } }, "must be a GUID"],
    ["billingInstrument.resourceGroup", { billingInstrument: { subscriptionId: "aaaaaaaa-1111-2222-3333-444444444444", resourceGroup: "" } }, "resourceGroup is required"],
    ["billingInstrument.resourceGroup", { billingInstrument: { subscriptionId: "aaaaaaaa-1111-2222-3333-444444444444", resourceGroup: "ends." } }, "resource group name"],
    ["adoptId", { adoptId: "123" }, "adoptId must be a GUID"],
  ])("names the bad field %s", async (property, change, reason) => {
    const result = await billingPolicyHandler.check({}, { ...valid(), ...change });
    expect(result.inputs).toBeUndefined();
    expect(result.failures).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringContaining(reason) })]));
  });

  test("reports every bad field at once", async () => {
    const result = await billingPolicyHandler.check({}, { name: "", location: "x", billingInstrument: { subscriptionId: "y", resourceGroup: "" } });
    expect(result.failures?.map((f) => f.property).sort()).toEqual(
      ["billingInstrument.resourceGroup", "billingInstrument.subscriptionId", "location", "name"].sort(),
    );
  });
});

describe("BillingPolicy diff", () => {
  const olds: BillingPolicyOutputs = {
    name: "payg-europe",
    location: "europe",
    status: "Enabled",
    billingInstrument: { subscriptionId: "aaaaaaaa-1111-2222-3333-444444444444", resourceGroup: "rg-billing" },
    billingPolicyId: "p1",
    billingInstrumentId: "bi1",
    type: "TenantOwned",
  };
  const news = () => ({ name: olds.name, location: olds.location, status: olds.status, billingInstrument: { ...olds.billingInstrument } });

  test("no change", async () => {
    expect(await billingPolicyHandler.diff("p1", olds, news())).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test("a new serialized provider stub is a change (through the runtime), with no replacement", async () => {
    const result = await handlerFor("BillingPolicy").diff("p1", { ...olds, __provider: "old" }, { ...news(), __provider: "new" });
    expect(result).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await handlerFor("BillingPolicy").diff("p1", { ...olds, __provider: "same" }, { ...news(), __provider: "same" })).toMatchObject({ changes: false });
  });

  test("name and status update in place", async () => {
    const result = await billingPolicyHandler.diff("p1", olds, { ...news(), name: "other", status: "Disabled" });
    expect(result).toMatchObject({ changes: true, replaces: [] });
  });

  test.each([
    ["location", { location: "asia" }],
    ["billingInstrument.subscriptionId", { billingInstrument: { subscriptionId: "bbbbbbbb-1111-2222-3333-444444444444", resourceGroup: "rg-billing" } }],
    ["billingInstrument.resourceGroup", { billingInstrument: { subscriptionId: olds.billingInstrument.subscriptionId, resourceGroup: "rg-other" } }],
  ])("%s replaces", async (field, change) => {
    const result = await billingPolicyHandler.diff("p1", olds, { ...news(), ...change });
    expect(result).toMatchObject({ changes: true, replaces: [field] });
  });
});
