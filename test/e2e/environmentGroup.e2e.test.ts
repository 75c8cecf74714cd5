/**
 * EnvironmentGroup and EnvironmentGroupRuleSet through their whole life on the real Pulumi
 * engine against the emulator: up → no drift → out-of-band edits (a member added by hand, a
 * rule changed, the group renamed) → drift reported per property → up heals → bad input refused
 * with zero API calls → an environment of another group or an unmanaged one refused before any
 * change → faults survived → a lost create answer makes no duplicate → adopt → destroy.
 */
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { SEED } from "../emulator/seed";
import { EmulatorControl, PulumiProject, repoRoot, runCommand, startTestEmulator } from "./harness";

const PROD = SEED.environments.production;
const SANDBOX = SEED.environments.sandbox;
const TRIAL = SEED.environments.trial;

interface EnvObject {
  properties: { parentEnvironmentGroup?: { id: string } };
}
interface RuleSetObject {
  id: string;
  parameters: Array<{ type: string; value: Array<{ id: string; value: string }> }>;
}

describe("EnvironmentGroup and EnvironmentGroupRuleSet on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;
  let groupId: string;

  const managed = (id: string) => control.request("PATCH", `objects/environments/${id}`, { properties: { governanceConfiguration: { protectionLevel: "Standard" } } });
  const parentOf = async (id: string) => (await control.request<EnvObject>("GET", `objects/environments/${id}`)).properties.parentEnvironmentGroup?.id ?? "";
  const groups = async () => (await control.request<{ value: Array<{ key: string; value: { id: string; displayName: string } }> }>("GET", "objects/environmentGroups")).value.map((e) => e.value);
  const ruleSets = async () => (await control.request<{ value: Array<{ value: RuleSetObject }> }>("GET", "objects/environmentGroupRuleSets")).value.map((e) => e.value);
  const ruleValue = (set: RuleSetObject, type: string, id: string) => set.parameters.find((p) => p.type === type)?.value.find((v) => v.id === id)?.value;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    // Environment groups hold Managed Environments only: these two were made managed elsewhere.
    await managed(PROD);
    await managed(SANDBOX);
    project = PulumiProject.create("examples/environment-group", emulator.env);
    await project.initStack("e2e", { groupName: "e2e-group", environments: JSON.stringify([PROD]) });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  test("up creates the group, adds its member and creates its rule set", async () => {
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const outputs = await project.outputs();
    groupId = outputs.environmentGroupId as string;
    expect(groupId).toMatch(/^[0-9a-f-]{36}$/);
    expect(outputs.members).toEqual([PROD]);
    expect(await parentOf(PROD)).toBe(groupId);
    const [set] = await ruleSets();
    expect(ruleValue(set, "Lifecycle", "RetentionPeriod")).toBe("7.00:00:00");
    expect(ruleValue(set, "Sharing", "MaximumShareLimit")).toBe("1");
    // Declared as ManagedEnvironment spells them (ExcludeSharingToSecurityGroups, Warn); stored in the service's spelling.
    expect(ruleValue(set, "Sharing", "CanShareWithSecurityGroups")).toBe("excludeSharingToSecurityGroups");
    expect(ruleValue(set, "SolutionChecker", "solutionCheckerMode")).toBe("warn");
    const calls = (await control.apiRequests()).map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, "{id}")}`);
    // The figures of README.md "API calls per operation".
    expect(calls).toEqual([
      "GET /environmentmanagement/environmentGroups",
      "POST /environmentmanagement/environmentGroups",
      "GET /providers/Microsoft.BusinessAppPlatform/scopes/admin/environments",
      "POST /environmentmanagement/environmentGroups/{id}/addEnvironment/{id}",
      "GET /providers/Microsoft.BusinessAppPlatform/scopes/admin/environments",
      "GET /governance/environmentGroups/{id}/ruleSets",
      "POST /governance/environmentGroups/{id}/ruleSets",
      "GET /governance/environmentGroups/{id}/ruleSets",
    ]);
  });

  test("refresh --expect-no-changes passes right after up: 2 GETs for the group, 1 for its rules", async () => {
    await control.clearRequests();
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    const calls = (await control.apiRequests()).map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, "{id}")}`).sort();
    expect(calls).toEqual([
      "GET /environmentmanagement/environmentGroups/{id}",
      "GET /governance/environmentGroups/{id}/ruleSets",
      "GET /providers/Microsoft.BusinessAppPlatform/scopes/admin/environments",
    ]);
  });

  test("edits made by hand show as drift per property, and up restores the declared state", async () => {
    const [set] = await ruleSets();
    await control.request("PATCH", `objects/environments/${SANDBOX}`, { properties: { parentEnvironmentGroup: { id: groupId } } });
    await control.request("PATCH", `objects/environmentGroups/${groupId}`, { displayName: "renamed-by-hand" });
    const byHand: Record<string, Array<{ id: string; value: string }>> = {
      Lifecycle: [{ id: "RetentionPeriod", value: "28.00:00:00" }],
      SolutionChecker: [{ id: "solutionCheckerMode", value: "block" }, { id: "suppressValidationEmails", value: "false" }, { id: "solutionCheckerRuleOverrides", value: "" }],
    };
    const parameters = set.parameters.map((p) => (byHand[p.type] ? { ...p, value: byHand[p.type] } : p));
    await control.request("PATCH", `objects/environmentGroupRuleSets/${set.id}`, { parameters });

    const drift = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    expect(drift.output).toContain("renamed-by-hand");
    expect(drift.output).toContain(SANDBOX);
    expect(drift.output).toMatch(/periodInDays[^\n]*28|28[^\n]*periodInDays/);
    // The service's "block" shows in the declared spelling.
    expect(drift.output).toMatch(/solutionCheckerMode[^\n]*"Warn"[^\n]*"Block"/);

    // The drift command names each changed property.
    const report = await runCommand("node", [path.join(repoRoot, "provider", "bin", "powerplatform-drift.js"), "--stack", "e2e", "--cwd", project.dir, "--format", "json"], {
      cwd: project.dir,
      env: project.env,
    });
    expect(report.code).toBe(2);
    const drifted = JSON.parse(report.stdout).drifted as Array<{ name: string; properties: Array<{ path: string }> }>;
    const paths = Object.fromEntries(drifted.map((d) => [d.name, d.properties.map((p) => p.path)]));
    expect(paths["personal-productivity"]).toEqual(expect.arrayContaining(["displayName", expect.stringMatching(/^environments/)]));
    expect([...paths["personal-productivity-rules"]].sort()).toEqual([
      expect.stringMatching(/^rules\.backupRetention\.periodInDays/),
      expect.stringMatching(/^rules\.solutionCheckerEnforcement\.solutionCheckerMode/),
    ]);

    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect(await parentOf(SANDBOX)).toBe("");
    expect(await parentOf(PROD)).toBe(groupId);
    expect((await groups()).find((g) => g.id === groupId)?.displayName).toBe("e2e-group");
    expect(ruleValue((await ruleSets())[0], "Lifecycle", "RetentionPeriod")).toBe("7.00:00:00");
    expect(ruleValue((await ruleSets())[0], "SolutionChecker", "solutionCheckerMode")).toBe("warn");
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("bad input fails at preview, naming the fields, with zero API calls", async () => {
    // The group's own arguments.
    await project.pulumiOk(["config", "set", "environments", JSON.stringify([PROD, "not-an-id", PROD])]);
    await control.clearRequests();
    const preview = await project.pulumi(["preview"]);
    await project.pulumiOk(["config", "set", "environments", JSON.stringify([PROD])]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain("environments[1] must be an environment name");
    expect(preview.output).toContain("environments[2] repeats environments[0]");
    expect(await control.apiRequests()).toHaveLength(0);

    // The rules.
    await project.pulumiOk(["config", "set", "backupRetentionDays", "10"]);
    await project.pulumiOk(["config", "set", "solutionCheckerMode", "block"]);
    await control.clearRequests();
    const rules = await project.pulumi(["preview", "--refresh=false"]);
    await project.pulumiOk(["config", "rm", "backupRetentionDays"]);
    await project.pulumiOk(["config", "rm", "solutionCheckerMode"]);
    expect(rules.code).not.toBe(0);
    expect(rules.output).toContain("rules.backupRetention.periodInDays must be one of 7, 14, 21, 28 (got 10)");
    expect(rules.output).toContain("rules.solutionCheckerEnforcement.solutionCheckerMode must be one of None, Warn, Block");
    expect(rules.output).toContain("did you mean Block?");
    expect(await control.apiRequests()).toHaveLength(0);
  });

  test("an environment of a group not managed here, or not managed, is a clear error and nothing moves", async () => {
    const other = "0e000000-0000-4000-8000-000000000001";
    await control.request("POST", "objects/environmentGroups", { id: other, displayName: "Finance (admin center)", description: "" });
    await control.request("PATCH", `objects/environments/${SANDBOX}`, { properties: { parentEnvironmentGroup: { id: other } } });
    await project.pulumiOk(["config", "set", "environments", JSON.stringify([PROD, SANDBOX, TRIAL])]);
    await control.clearRequests();
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code).not.toBe(0);
    expect(up.output).toContain(`belongs to environment group "Finance (admin center)" (${other})`);
    expect(up.output).toContain(`environment ${TRIAL} ("Contoso Trial") is not a Managed Environment`);
    expect(await parentOf(SANDBOX)).toBe(other);
    expect(await parentOf(TRIAL)).toBe("");
    expect((await control.apiRequests()).filter((r) => /addEnvironment|removeEnvironment/.test(r.path))).toHaveLength(0);
    await control.request("PATCH", `objects/environments/${SANDBOX}`, { properties: { parentEnvironmentGroup: { id: "" } } });
    await control.request("DELETE", `objects/environmentGroups/${other}`);
    await project.pulumiOk(["config", "set", "environments", JSON.stringify([PROD])]);
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
  });

  test("membership and rule changes survive injected 503s and 429s", async () => {
    await control.request("POST", "faults", { method: "POST", path: "/addEnvironment/", status: 503, times: 2, retryAfter: 1 });
    await control.request("POST", "faults", { method: "PUT", path: "^/governance/ruleSets/", status: 429, times: 2, retryAfter: 1 });
    await project.pulumiOk(["config", "set", "environments", JSON.stringify([PROD, SANDBOX])]);
    await project.pulumiOk(["config", "set", "backupRetentionDays", "14"]);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(await parentOf(SANDBOX)).toBe(groupId);
    expect(ruleValue((await ruleSets())[0], "Lifecycle", "RetentionPeriod")).toBe("14.00:00:00");
    const requests = await control.apiRequests();
    expect(requests.filter((r) => r.status === 503)).toHaveLength(2);
    expect(requests.filter((r) => r.status === 429)).toHaveLength(2);
    expect(requests.filter((r) => /addEnvironment/.test(r.path) && r.status === 200)).toHaveLength(1);
    await control.request("DELETE", "faults");
  });

  test("destroy removes the members first, then the rule set and the group", async () => {
    await control.clearRequests();
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    const writes = (await control.apiRequests()).filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, "{id}")}`);
    expect(writes).toEqual([
      "DELETE /governance/ruleSets/{id}",
      "POST /environmentmanagement/environmentGroups/{id}/removeEnvironment/{id}",
      "POST /environmentmanagement/environmentGroups/{id}/removeEnvironment/{id}",
      "DELETE /environmentmanagement/environmentGroups/{id}",
    ]);
    expect(await groups()).toEqual([]);
    expect(await ruleSets()).toEqual([]);
    expect(await parentOf(PROD)).toBe("");
  });

  test("lost answers to the creates of the group and of its rule set make no second one", async () => {
    await project.pulumiOk(["config", "set", "environments", "[]"]);
    await control.request("POST", "faults", { method: "POST", path: "^/environmentmanagement/environmentGroups$", dropResponse: true });
    await control.request("POST", "faults", { method: "POST", path: "^/governance/environmentGroups/[^/]+/ruleSets$", dropResponse: true });
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const named = (await groups()).filter((g) => g.displayName === "e2e-group");
    expect(named).toHaveLength(1);
    expect((await project.outputs()).environmentGroupId).toBe(named[0].id);
    expect(await ruleSets()).toHaveLength(1);
    expect((await project.outputs()).ruleSetId).toBe((await ruleSets())[0].id);
    const posts = (await control.apiRequests()).filter((r) => r.method === "POST");
    expect(posts.filter((r) => /environmentGroups$/.test(r.path))).toHaveLength(1);
    expect(posts.filter((r) => /ruleSets$/.test(r.path))).toHaveLength(1);
    await control.request("DELETE", "faults");
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
  });

  test("adoptId takes over a group made in the admin center; destroy deletes it", async () => {
    const made = "0e000000-0000-4000-8000-000000000002";
    await control.request("POST", "objects/environmentGroups", { id: made, displayName: "Made by hand", description: "old" });
    await project.pulumiOk(["config", "set", "adoptId", made]);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect((await project.outputs()).environmentGroupId).toBe(made);
    expect((await groups()).find((g) => g.id === made)?.displayName).toBe("e2e-group");
    expect((await control.apiRequests()).filter((r) => r.method === "POST" && /environmentGroups$/.test(r.path))).toHaveLength(0);
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect(await groups()).toEqual([]);
  });
});
