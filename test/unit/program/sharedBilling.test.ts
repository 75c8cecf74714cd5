/**
 * Shared billing policies of a split tenant (program/sharedBilling.ts): the stack config
 * `sharedBillingStack` + `billedBy` is checked before anything is registered, every
 * problem named, and the links it declares are counted by the guard against mass
 * deletion. (The links themselves, through a real StackReference, are tested end to end
 * in test/e2e/teamState.e2e.test.ts.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { sharedBillingResources, sharedBillingSettings } from "../../../program/sharedBilling";
import { parseTenantFile } from "../../../program/tenantFile";

const tenants = path.join(__dirname, "..", "..", "..", "examples", "team-state", "tenants");
const sales = parseTenantFile(fs.readFileSync(path.join(tenants, "sales.yaml"), "utf8"), "tenants/sales.yaml");
const demo = parseTenantFile(fs.readFileSync(path.join(__dirname, "..", "..", "..", "tenants", "demo.yaml"), "utf8"), "tenants/demo.yaml");

function configOf(values: Record<string, unknown>): pulumi.Config {
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`powerplatform-tenant:${k}`, typeof v === "string" ? v : JSON.stringify(v)])));
  return new pulumi.Config("powerplatform-tenant");
}

function refusal(values: Record<string, unknown>, tenant = sales): string {
  try {
    sharedBillingSettings(configOf(values), tenant, "tenants/x.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(pulumi.RunError);
    return (error as Error).message;
  }
  throw new Error("expected the config to be refused");
}

afterEach(() => pulumi.runtime.setAllConfig({}));

test("without sharedBillingStack and billedBy nothing is shared", () => {
  expect(sharedBillingSettings(configOf({}), sales, "tenants/sales.yaml")).toBeUndefined();
  expect(sharedBillingResources(undefined)).toEqual([]);
});

test("a valid config yields one link per environment, named as the guard counts it", () => {
  const shared = sharedBillingSettings(
    configOf({ sharedBillingStack: "organization/powerplatform-tenant/billing", billedBy: { sales: "payg-us", "e1000000-0000-4000-8000-000000000001": "payg-europe" } }),
    sales,
    "tenants/sales.yaml",
  );
  expect(shared).toEqual({
    stack: "organization/powerplatform-tenant/billing",
    links: [
      { policyKey: "payg-us", environmentRef: "sales" },
      { policyKey: "payg-europe", environmentRef: "e1000000-0000-4000-8000-000000000001" },
    ],
  });
  expect(sharedBillingResources(shared)).toEqual([
    "BillingPolicyEnvironment/payg-us--sales",
    "BillingPolicyEnvironment/payg-europe--e1000000-0000-4000-8000-000000000001",
  ]);
});

test("billedBy without sharedBillingStack is refused", () => {
  expect(refusal({ billedBy: { sales: "payg-us" } })).toMatch(/billedBy is set but sharedBillingStack is not/);
});

test("a stack name that is not <org>/<project>/<stack> is refused", () => {
  expect(refusal({ sharedBillingStack: "billing", billedBy: { sales: "payg-us" } })).toMatch(/sharedBillingStack "billing" is not <org>\/<project>\/<stack>/);
});

test("every bad entry of billedBy is named: unknown environment, bad policy key, environment already billed here", () => {
  const message = refusal(
    { sharedBillingStack: "organization/powerplatform-tenant/billing", billedBy: { marketing: "payg-us", sales: "Payg US", "support-sandbox": "payg-europe" } },
    demo,
  );
  expect(message).toMatch(/3 problems/);
  expect(message).toMatch(/billedBy\.marketing: "marketing" is neither an environment of tenants\/x\.yaml \(sales, support-sandbox\) nor an environment id/);
  expect(message).toMatch(/billedBy\.sales: "Payg US" is not a policy key/);
  expect(message).toMatch(/billedBy\.support-sandbox: the environment is already billed by policy "payg-europe" of tenants\/x\.yaml/);
});

test("billedBy must be a map", () => {
  expect(refusal({ sharedBillingStack: "organization/powerplatform-tenant/billing", billedBy: ["sales"] })).toMatch(/billedBy must be a map/);
});
