import * as fs from "node:fs";
import * as path from "node:path";
import { parseTenantFile, TenantFileError } from "../../../program/tenantFile";
import { declaredResources } from "../../../program/declareTenant";

const demo = fs.readFileSync(path.join(__dirname, "..", "..", "..", "tenants", "demo.yaml"), "utf8");

function problemsOf(text: string) {
  try {
    parseTenantFile(text, "tenants/test.yaml");
  } catch (error) {
    if (error instanceof TenantFileError) return error.problems.map((p) => `${p.path} ${p.rule}: ${p.message}`);
    throw error;
  }
  throw new Error("expected the file to be rejected");
}

describe("tenant file: dlpPolicies", () => {
  test("the demo declares two DLP policies, one resource each", () => {
    const tenant = parseTenantFile(demo, "tenants/demo.yaml");
    expect(Object.keys(tenant.dlpPolicies ?? {})).toEqual(["tenant-baseline", "sales-strict"]);
    expect(tenant.dlpPolicies!["sales-strict"]!.environments).toEqual(["sales"]);
    expect(declaredResources(tenant).filter((r) => r.startsWith("DataLossPreventionPolicy/"))).toEqual([
      "DataLossPreventionPolicy/sales-strict",
      "DataLossPreventionPolicy/tenant-baseline",
    ]);
  });

  test("a misspelt field names the nearest one, with its line", () => {
    const problems = problemsOf(demo.replace("    blockedConnectors: [shared_dropbox", "    blockConnectors: [shared_dropbox"));
    expect(problems).toEqual([expect.stringContaining('/dlpPolicies/tenant-baseline additionalProperties: unknown property "blockConnectors" (did you mean "blockedConnectors"?)')]);
  });

  test("schema: scope type, data group and rule behaviors are checked", () => {
    const problems = problemsOf(
      demo
        .replace("environmentType: AllEnvironments", "environmentType: Everywhere")
        .replace('dataGroup: Blocked }', 'dataGroup: Confidential }')
        .replace("behavior: Deny, endpoint", "behavior: Block, endpoint"),
    );
    expect(problems.map((p) => p.split(":")[0])).toEqual(
      expect.arrayContaining([
        "/dlpPolicies/tenant-baseline/environmentType enum",
        "/dlpPolicies/sales-strict/customConnectorUrlPatterns/1/dataGroup enum",
      ]),
    );
    expect(problems.some((p) => p.startsWith("/dlpPolicies/sales-strict/businessConnectors/2"))).toBe(true);
  });

  test("references: an unknown environment key, a list under AllEnvironments, an empty list under OnlyEnvironments", () => {
    expect(problemsOf(demo.replace("environments: [sales]\n    defaultConnectorsClassification: Blocked", "environments: [marketing]\n    defaultConnectorsClassification: Blocked"))).toEqual([
      expect.stringContaining('/dlpPolicies/sales-strict/environments/0 reference: "marketing" is neither an environment declared under /environments'),
    ]);
    expect(problemsOf(demo.replace("environmentType: AllEnvironments", "environmentType: AllEnvironments\n    environments: [sales]"))).toEqual([
      expect.stringContaining("/dlpPolicies/tenant-baseline/environments reference: a policy for AllEnvironments lists no environments"),
    ]);
    expect(problemsOf(demo.replace("    environments: [sales]\n    defaultConnectorsClassification: Blocked", "    defaultConnectorsClassification: Blocked"))).toEqual([
      expect.stringContaining("/dlpPolicies/sales-strict reference: a policy for OnlyEnvironments must list at least one environment"),
    ]);
  });

  test("one policy adopted twice is a duplicate", () => {
    const id = "d1000000-0000-4000-8000-0000000000d1";
    const text = demo
      .replace("    displayName: Tenant baseline\n", `    displayName: Tenant baseline\n    adoptId: ${id}\n`)
      .replace("    displayName: Sales strict\n", `    displayName: Sales strict\n    adoptId: ${id.toUpperCase()}\n`);
    expect(problemsOf(text)).toEqual([expect.stringContaining("/dlpPolicies/sales-strict/adoptId duplicate: DLP policy")]);
  });
});
