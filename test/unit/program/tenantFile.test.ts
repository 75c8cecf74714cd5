import * as fs from "node:fs";
import * as path from "node:path";
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

describe("tenant file", () => {
  test("the sample tenant file is valid", () => {
    const tenant = parseTenantFile(demo, "tenants/demo.yaml");
    expect(Object.keys(tenant.environments)).toEqual(["sales", "support-sandbox"]);
    expect(tenant.billingPolicies["payg-us"].environments).toEqual(["sales"]);
    expect(tenant.flows["daily-report"].owners).toHaveLength(2);
  });

  test("a schema error names the path, the line and the rule", () => {
    const problems = problemsOf(demo.replace("environmentSku: Sandbox", "environmentSku: Premium"));
    expect(problems).toEqual([
      expect.objectContaining({ path: "/environments/support-sandbox/environmentSku", rule: "enum", line: 45, column: 21, message: expect.stringContaining("must be one of Production, Sandbox, Trial, Developer") }),
    ]);
  });

  test("every problem is reported at once, and the message lists file:line", () => {
    try {
      parseTenantFile(demo.replace("location: europe\n    billingInstrument", "location: atlantis\n    billingInstrument").replace("flowId: f1000000-0000-4000-8000-000000000002", "flowId: nope").replace("    state: Started\n", "    state: Started\n    colour: blue\n"), "tenants/test.yaml");
      throw new Error("expected failure");
    } catch (error) {
      const e = error as TenantFileError;
      expect(e.problems.map((p) => `${p.path} ${p.rule}`).sort()).toEqual([
        "/billingPolicies/payg-europe/location enum",
        "/flows/daily-report additionalProperties",
        "/flows/invoice-approval/flowId pattern",
      ]);
      expect(e.message).toMatch(/tenants\/test\.yaml:\d+:\d+ at \/billingPolicies\/payg-europe\/location: must be one of/);
    }
  });

  test("references are checked: unknown environment keys, region, SKU, one policy per environment, Dataverse for apps", () => {
    const broken = demo
      .replace("environments: [sales]", "environments: [sales, nowhere]")
      .replace("environments: [support-sandbox]", "environments: [support-sandbox, sales]")
      .replace("environment: e1000000-0000-4000-8000-000000000001\n    flowId: f1000000-0000-4000-8000-000000000002", "environment: marketing\n    flowId: f1000000-0000-4000-8000-000000000002")
      .replace("    dataverse:\n      languageCode: 1033\n      currencyCode: USD\n      domainName: contoso-sales\n", "");
    const messages = problemsOf(broken).map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/billingPolicies\/payg-us\/environments\/1: "nowhere" is neither an environment declared/),
        expect.stringMatching(/^\/billingPolicies\/payg-europe\/environments\/1: environment "sales" is in unitedstates but the policy is in europe/),
        expect.stringMatching(/^\/billingPolicies\/payg-europe\/environments\/1: environment "sales" is already billed by policy "payg-us"/),
        expect.stringMatching(/^\/flows\/invoice-approval\/environment: "marketing" is neither/),
        expect.stringMatching(/^\/environments\/sales\/applications: applications need an environment with Dataverse/),
      ]),
    );
  });

  test("YAML syntax errors carry a line", () => {
    const problems = problemsOf("environments:\n  sales: [unclosed\n");
    expect(problems[0]).toMatchObject({ rule: "yaml", line: expect.any(Number) });
  });

  test("invalid keys are named", () => {
    const problems = problemsOf(demo.replace("  support-sandbox:\n    displayName", "  Support_Sandbox:\n    displayName").replace("environments: [support-sandbox]", "environments: []"));
    expect(problems).toEqual([expect.objectContaining({ path: "/environments/Support_Sandbox", rule: "propertyNames" })]);
  });
});

describe("schema and reference problems in one run (issue 10)", () => {
  test("a file with both kinds reports both, each once", () => {
    const problems = problemsOf(demo.replace("environmentSku: Sandbox", "environmentSku: Premium").replace("environments: [sales]", "environments: [marketing]"));
    expect(problems.map((p) => `${p.path} ${p.rule}`)).toEqual([
      "/environments/support-sandbox/environmentSku enum",
      "/billingPolicies/payg-us/environments/0 reference",
    ]);
    expect(problems.every((p) => p.line !== undefined)).toBe(true);
  });

  test("a value the schema rejects draws no reference problem of its own", () => {
    // atlantis is not a location: the policy's environments are not also reported as in another location.
    const problems = problemsOf(demo.replace("location: europe\n    billingInstrument", "location: atlantis\n    billingInstrument"));
    expect(problems.map((p) => `${p.path} ${p.rule}`)).toEqual(["/billingPolicies/payg-europe/location enum"]);
  });

  test("a malformed entry does not stop the reference checks of the others", () => {
    const problems = problemsOf(demo.replace("environments: [sales]", "environments: [marketing]").replace(/flows:\n/, "flows:\n  broken: 42\n"));
    expect(problems.map((p) => `${p.path} ${p.rule}`)).toEqual(["/flows/broken type", "/billingPolicies/payg-us/environments/0 reference"]);
  });
});

describe("managed environments in the tenant file", () => {
  test("the sample's Production environment is managed", () => {
    const tenant = parseTenantFile(demo, "tenants/demo.yaml");
    expect(tenant.environments.sales.managed).toMatchObject({ solutionCheckerMode: "Block", maxLimitUserSharing: 20, groupSharingDisabled: true });
  });

  test("a misspelt setting or value is named, with the nearest known one", () => {
    const problems = problemsOf(demo.replace("solutionCheckerMode: Block", "solutionCheckerMode: Strict").replace("suppressValidationEmails: true", "suppressValidationMails: true"));
    expect(problems.map((p) => `${p.path} ${p.rule} ${p.message}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/environments\/sales\/managed\/solutionCheckerMode enum must be one of None, Warn, Block/),
        expect.stringMatching(/^\/environments\/sales\/managed additionalProperties unknown property "suppressValidationMails" \(did you mean "suppressValidationEmails"\?\)/),
      ]),
    );
  });

  test("managed without Dataverse, and a sharing limit without excluding security groups, are refused before anything runs", () => {
    const broken = demo
      .replace("    dataverse:\n      languageCode: 1033\n      currencyCode: USD\n      domainName: contoso-sales\n", "")
      .replace("    applications: [MicrosoftFormsPro]\n", "")
      .replace("      groupSharingDisabled: true\n", "");
    expect(problemsOf(broken).map((p) => `${p.path}: ${p.message}`)).toEqual([
      `/environments/sales/managed: managed environments require Dataverse: add a dataverse section to environment "sales"`,
      "/environments/sales/managed/maxLimitUserSharing: a sharing limit applies only when sharing with security groups is excluded: set groupSharingDisabled: true, or maxLimitUserSharing: -1",
    ]);
  });
});
