import * as fs from "node:fs";
import * as path from "node:path";
import { parseTenantFile, TenantFileError } from "../../../program/tenantFile";
import { declaredResources } from "../../../program/declareTenant";

const demo = fs.readFileSync(path.join(__dirname, "..", "..", "..", "tenants", "demo.yaml"), "utf8");
const minimal = (section: string) => `tenantSettings:\n${section}`;

function problemsOf(text: string) {
  try {
    parseTenantFile(text, "tenants/test.yaml");
  } catch (error) {
    if (error instanceof TenantFileError) return error.problems;
    throw error;
  }
  throw new Error("expected the file to be rejected");
}

describe("the tenantSettings section of a tenant file", () => {
  test("the demo's section is read as declared and declares one TenantSettings", () => {
    const tenant = parseTenantFile(demo, "tenants/demo.yaml");
    expect(tenant.tenantSettings).toEqual({
      disableTrialEnvironmentCreationByNonAdminUsers: true,
      powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: true } },
    });
    expect(declaredResources(tenant)).toContain("TenantSettings/tenant-settings");
    expect(declaredResources(parseTenantFile("environments: {}\n", "t.yaml"))).not.toContain("TenantSettings/tenant-settings");
  });

  test("an unknown setting is named with its line and the nearest known one; a wrong type too; all at once", () => {
    const problems = problemsOf(minimal("  disableTrialEnvironmentCreationByNonAdminUser: true\n  powerPlatform:\n    governance:\n      disableAdminDigest: \"no\"\n"));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "/tenantSettings", line: 2, rule: "additionalProperties", message: 'unknown property "disableTrialEnvironmentCreationByNonAdminUser" (did you mean "disableTrialEnvironmentCreationByNonAdminUsers"?)' }),
        expect.objectContaining({ path: "/tenantSettings/powerPlatform/governance/disableAdminDigest", line: 5, rule: "type" }),
      ]),
    );
  });

  test("a section that names no setting is refused; protect and retainOnDelete are lifecycle options, not settings", () => {
    expect(problemsOf(minimal("  protect: true\n  powerPlatform: {}\n"))).toEqual([
      expect.objectContaining({ path: "/tenantSettings", rule: "reference", message: expect.stringContaining("names no setting") }),
    ]);
    expect(parseTenantFile(minimal("  retainOnDelete: true\n  walkMeOptOut: true\n"), "t.yaml").tenantSettings).toEqual({ retainOnDelete: true, walkMeOptOut: true });
  });
});
