/**
 * The tenant file refuses what would damage a tenant (issue 8): two entries that manage
 * one object (item 9), names that render as something else; it suggests the property
 * meant; protect and retainOnDelete are accepted and become resource options; and the
 * guard against mass deletion refuses an emptied file or a large share of deletions
 * unless the stack config allows them (item 4).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { declaredResources } from "../../../program/declareTenant";
import { deletionVerdict, managedIn, resourceOfUrn } from "../../../program/deletionGuard";
import { parseTenantFile, TenantFileError } from "../../../program/tenantFile";

const demo = fs.readFileSync(path.join(__dirname, "..", "..", "..", "tenants", "demo.yaml"), "utf8");

function problemsOf(text: string) {
  try {
    parseTenantFile(text, "tenants/test.yaml");
  } catch (error) {
    if (error instanceof TenantFileError) return error.problems;
    throw error;
  }
  throw new Error("expected the file to be rejected");
}

describe("one entry per object", () => {
  test("the same flow in two flows entries (any case) is refused, naming the first", () => {
    const text = `${demo}  invoice-approval-again:\n    environment: e1000000-0000-4000-8000-000000000001\n    flowId: F1000000-0000-4000-8000-000000000002\n    owners: []\n`;
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({
        path: "/flows/invoice-approval-again/flowId",
        rule: "duplicate",
        line: expect.any(Number),
        message: "flow F1000000-0000-4000-8000-000000000002 is already managed by /flows/invoice-approval: declare each object once (two entries would undo each other on every run)",
      }),
    ]);
  });

  test("one environment adopted twice, one Dataverse domain twice, one billing policy adopted twice", () => {
    const id = "e2000000-0000-4000-8000-000000000009";
    const text = demo
      .replace("  support-sandbox:\n    displayName: Support sandbox\n", `  support-sandbox:\n    displayName: Support sandbox\n    adoptId: ${id}\n`)
      .replace("environments:\n  sales:", `environments:\n  old-sales:\n    displayName: Old\n    location: unitedstates\n    environmentSku: Sandbox\n    adoptId: ${id}\n    dataverse: { domainName: contoso-sales }\n  sales:`)
      .replace("    name: payg-europe\n", "    name: payg-europe\n    adoptId: 11111111-0000-4000-8000-000000000001\n")
      .replace("    name: payg-unitedstates\n", "    name: payg-unitedstates\n    adoptId: 11111111-0000-4000-8000-000000000001\n");
    expect(problemsOf(text).map((p) => `${p.path} ${p.rule}`).sort()).toEqual([
      "/billingPolicies/payg-europe/adoptId duplicate",
      "/environments/sales/dataverse/domainName duplicate",
      "/environments/support-sandbox/adoptId duplicate",
    ]);
  });
});

describe("names and properties", () => {
  test("a display name with a bidi override or a control character is refused", () => {
    const problems = problemsOf(demo.replace("displayName: Support sandbox", 'displayName: "Support \\u202Ekcabdnas"').replace("displayName: Sales", 'displayName: "Sales\\tEMEA"'));
    expect(problems.map((p) => p.path).sort()).toEqual(["/environments/sales/displayName", "/environments/support-sandbox/displayName"]);
    expect(problems[0].message).toContain("no control characters and no bidirectional formatting characters");
  });

  test("an unknown property names the one meant", () => {
    const problems = problemsOf(demo.replace("principalType: Group\n", "principalType: Group\n        roleName: CanView\n").replace("    protect: true\n", "    protected: true\n"));
    expect(problems.map((p) => p.message).sort()).toEqual(['unknown property "protected" (did you mean "protect"?)', 'unknown property "roleName" (did you mean "role"?)']);
  });

  test("protect and retainOnDelete are accepted on billing policies, environments and flows", () => {
    const text = demo
      .replace("    name: payg-europe\n", "    name: payg-europe\n    retainOnDelete: true\n    protect: false\n")
      .replace("    displayName: Support sandbox\n", "    displayName: Support sandbox\n    retainOnDelete: true\n")
      .replace("    state: Stopped", "    state: Stopped\n    protect: true\n    retainOnDelete: true");
    const tenant = parseTenantFile(text, "tenants/test.yaml");
    expect(tenant.billingPolicies["payg-europe"].retainOnDelete).toBe(true);
    expect(tenant.environments["support-sandbox"].retainOnDelete).toBe(true);
    expect(tenant.flows["invoice-approval"]).toMatchObject({ protect: true, retainOnDelete: true });
  });
});

describe("the guard against mass deletion", () => {
  const before = declaredResources(parseTenantFile(demo, "tenants/demo.yaml"));
  const settings = { allowMassDeletion: false, maxDeletionShare: 0.25 };

  test("the sample declares its objects, named as the program names them", () => {
    expect(before).toEqual([
      "ApplicationInstall/sales--MicrosoftFormsPro",
      "BillingPolicy/payg-europe",
      "BillingPolicy/payg-us",
      "BillingPolicyEnvironment/payg-europe--support-sandbox",
      "BillingPolicyEnvironment/payg-us--sales",
      "DataLossPreventionPolicy/sales-strict",
      "DataLossPreventionPolicy/tenant-baseline",
      "Environment/sales",
      "Environment/support-sandbox",
      "EnvironmentGroup/personal-productivity",
      "EnvironmentGroupRuleSet/personal-productivity--rules",
      "FlowOwners/daily-report",
      "FlowState/daily-report",
      "FlowState/invoice-approval",
      "ManagedEnvironment/sales",
      "TenantSettings/tenant-settings",
    ]);
  });

  test("an empty tenant file is refused, listing what would go and how to allow it", () => {
    const verdict = deletionVerdict(before, [], settings, "tenants/prod.yaml");
    const n = before.length;
    expect(verdict.deleted).toHaveLength(n);
    expect(verdict.refusal).toContain(`refusing to delete ${n} of the ${n} objects this stack manages (tenants/prod.yaml declares nothing)`);
    expect(verdict.refusal).toContain("Environment/sales");
    expect(verdict.refusal).toContain(`pulumi config set powerplatform-tenant:allowDeletions ${n}`);
    expect(verdict.refusal).toContain("pulumi config set powerplatform-tenant:allowMassDeletion true");
  });

  test("more than the share is refused; up to the share passes", () => {
    const withoutOneFlow = before.filter((n) => !n.endsWith("/daily-report"));
    expect(deletionVerdict(before, withoutOneFlow, settings).refusal).toBeUndefined();
    const withoutSales = before.filter((n) => !/sales/.test(n));
    const strict = { ...settings, maxDeletionShare: 0.2 };
    const gone = before.length - withoutSales.length;
    const share = Math.round((gone / before.length) * 100);
    expect(deletionVerdict(before, withoutSales, strict).refusal).toContain(`refusing to delete ${gone} of the ${before.length} objects this stack manages (that is ${share}% of them, more than maxDeletionShare (0.2))`);
    expect(deletionVerdict(before, withoutSales, { ...settings, maxDeletionShare: 0.5 }).refusal).toBeUndefined();
  });

  test("allowDeletions lets that many go, no more; allowMassDeletion lets everything go", () => {
    expect(deletionVerdict(before, [], { ...settings, allowDeletions: before.length }).refusal).toBeUndefined();
    expect(deletionVerdict(before, [], { ...settings, allowDeletions: before.length - 1 }).refusal).toBeDefined();
    expect(deletionVerdict(before, [], { ...settings, allowMassDeletion: true }).refusal).toBeUndefined();
  });

  test("a new stack, additions and renames within the share are no deletion problem", () => {
    expect(deletionVerdict([], before, settings)).toEqual({ deleted: [] });
    expect(deletionVerdict(before, [...before, "Environment/new"], settings)).toEqual({ deleted: [] });
  });

  test("what a stack managed is read from its state: dynamic resources by kind and name, children included", () => {
    expect(
      managedIn({
        "urn:pulumi:prod::powerplatform-tenant::pulumi:pulumi:Stack::powerplatform-tenant-prod": { type: "pulumi:pulumi:Stack" },
        "urn:pulumi:prod::powerplatform-tenant::pulumi:providers:pulumi-nodejs::default": { type: "pulumi:providers:pulumi-nodejs" },
        "urn:pulumi:prod::powerplatform-tenant::pulumi-nodejs:dynamic/powerplatform:Environment::sales": { type: "pulumi-nodejs:dynamic/powerplatform:Environment" },
        "urn:pulumi:prod::powerplatform-tenant::pulumi-nodejs:dynamic/powerplatform:Environment$pulumi-nodejs:dynamic/powerplatform:ApplicationInstall::sales--MicrosoftFormsPro":
          { type: "pulumi-nodejs:dynamic/powerplatform:ApplicationInstall" },
      }),
    ).toEqual(["ApplicationInstall/sales--MicrosoftFormsPro", "Environment/sales"]);
    expect(resourceOfUrn("urn:pulumi:s::p::a$pulumi-nodejs:dynamic/powerplatform:FlowState::x", "pulumi-nodejs:dynamic/powerplatform:FlowState")).toBe("FlowState/x");
  });
});
