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

const withGroups = (groups: string) => demo.replace(/environmentGroups:\n[\s\S]*?\n\n/, `environmentGroups:\n${groups}\n\n`);

describe("tenant file: environmentGroups", () => {
  test("the demo declares a group with rules: two resources", () => {
    const tenant = parseTenantFile(demo, "tenants/demo.yaml");
    expect(tenant.environmentGroups["personal-productivity"]).toMatchObject({ displayName: "Personal Productivity", environments: [] });
    expect(declaredResources(tenant).filter((n) => n.startsWith("EnvironmentGroup"))).toEqual([
      "EnvironmentGroup/personal-productivity",
      "EnvironmentGroupRuleSet/personal-productivity--rules",
    ]);
  });

  test("members are keys of this file or environment ids; an environment is listed by one group only", () => {
    const problems = problemsOf(
      withGroups(
        [
          "  a:",
          "    displayName: A",
          "    environments: [sales, nowhere, e1000000-0000-4000-8000-000000000002]",
          "  b:",
          "    displayName: B",
          "    environments: [SALES, E1000000-0000-4000-8000-000000000002]",
        ].join("\n"),
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/environmentGroups\/a\/environments\/1 reference: "nowhere" is neither an environment declared/),
        expect.stringMatching(/^\/environmentGroups\/b\/environments\/1 duplicate: environment "E1000000-0000-4000-8000-000000000002" is already listed by group "a"/),
      ]),
    );
  });

  test("bad rules are schema problems naming the field, with did-you-mean", () => {
    const problems = problemsOf(
      withGroups(
        [
          "  a:",
          "    displayName: A",
          "    rules:",
          "      backupRetention: { periodInDays: 10 }",
          "      sharingControl: { shareMode: noLimit }",
          "      solutionCheckerEnforcement: { solutionCheckerMode: strict }",
          "  b:",
          "    displayName: B",
          "    rules:",
          "      sharingControls: { shareMode: noLimit }",
          "      solutionCheckerEnforcement: { solutionCheckerMode: warn }",
        ].join("\n"),
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/environmentGroups\/a\/rules\/backupRetention\/periodInDays enum/),
        expect.stringMatching(/^\/environmentGroups\/a\/rules additionalProperties: unknown property "sharingControl" \(did you mean "sharingControls"\?\)/),
        expect.stringMatching(/^\/environmentGroups\/a\/rules\/solutionCheckerEnforcement\/solutionCheckerMode enum: must be one of None, Warn, Block/),
        expect.stringMatching(/^\/environmentGroups\/b\/rules\/sharingControls\/shareMode enum: must be one of NoLimit, ExcludeSharingToSecurityGroups.*did you mean "NoLimit"/),
        expect.stringMatching(/^\/environmentGroups\/b\/rules\/solutionCheckerEnforcement\/solutionCheckerMode enum: must be one of None, Warn, Block.*did you mean "Warn"/),
      ]),
    );
  });

  test("two groups adopting the same group are refused", () => {
    const id = "0e000000-0000-4000-8000-000000000001";
    const problems = problemsOf(withGroups([`  a:\n    displayName: A\n    adoptId: ${id}`, `  b:\n    displayName: B\n    adoptId: ${id}`].join("\n")));
    expect(problems).toEqual([expect.stringMatching(/^\/environmentGroups\/b\/adoptId duplicate: environment group .* is already managed by \/environmentGroups\/a/)]);
  });
});
