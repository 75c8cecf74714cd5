/**
 * ManagedEnvironment through its whole life on the real Pulumi engine against the emulator:
 * up turns the features on (one POST, the lifecycle operation waited for) → no drift →
 * settings changed and features turned off by hand show per property → up restores →
 * an environment managed before is taken over and given back its settings on destroy →
 * bad input refused before any API call → a 503 and a lost answer survived without a second
 * configuration → an environment without Dataverse refused with a clear error → destroy
 * turns the features off.
 */
import type { RunningEmulator } from "../emulator/server";
import * as path from "node:path";
import { EmulatorControl, PulumiProject, repoRoot, runCommand, startTestEmulator } from "./harness";
import { SEED } from "../emulator/seed";

interface Governance {
  protectionLevel: string;
  settings?: { extendedSettings: Record<string, string> };
}

const SANDBOX = SEED.environments.sandbox; // Contoso Sandbox EU, with Dataverse
const TRIAL = SEED.environments.trial; // no Dataverse
const GOVERNANCE_PATH = "/governanceConfiguration";
const withoutPolls = <T extends { path: string }>(requests: T[]) => requests.filter((r) => !r.path.includes("/lifecycleOperations/"));

describe("ManagedEnvironment on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    await control.request("PUT", "settings", { environmentOperationMs: 300 });
    project = PulumiProject.create("examples/managed-environment", emulator.env);
    await project.initStack("e2e", { environmentId: SANDBOX, solutionCheckerRuleOverrides: "web-avoid-eval,meta-remove-dup-reg" });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  const governanceOf = async (id: string) =>
    (await control.request<{ properties: { governanceConfiguration: Governance } }>("GET", `objects/environments/${id}`)).properties.governanceConfiguration;

  test("up turns the features on with one POST, waits for the lifecycle operation and reads the result back", async () => {
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(await governanceOf(SANDBOX)).toEqual({
      protectionLevel: "Standard",
      settings: {
        extendedSettings: {
          disableAiGeneratedDescriptions: "false",
          includeOnHomepageInsights: "false",
          excludeEnvironmentFromAnalysis: "false",
          isGroupSharingDisabled: "true",
          maxLimitUserSharing: "20",
          limitSharingMode: "excludeSharingToSecurityGroups",
          solutionCheckerMode: "warn",
          suppressValidationEmails: "true",
          solutionCheckerRuleOverrides: "meta-remove-dup-reg,web-avoid-eval",
          makerOnboardingUrl: "https://contoso.sharepoint.com/sites/makers",
          makerOnboardingMarkdown: "Welcome! Read the maker guidelines before you build.",
        },
      },
    });
    expect((await project.outputs()).protectionLevel).toBe("Standard");
    const requests = await control.apiRequests();
    expect(requests.filter((r) => r.method === "POST")).toEqual([expect.objectContaining({ path: expect.stringContaining(GOVERNANCE_PATH), status: 202 })]);
    expect(requests.some((r) => r.path.includes("/lifecycleOperations/"))).toBe(true);
    // The README's figures: GET (check: the configuration to restore) + GET + POST + the operation's polls + GET.
    expect(withoutPolls(requests).map((r) => r.method)).toEqual(["GET", "GET", "POST", "GET"]);
  });

  test("refresh --expect-no-changes passes right after up, with one GET", async () => {
    await control.clearRequests();
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    expect((await control.apiRequests()).map((r) => r.method)).toEqual(["GET"]);
  });

  test("settings changed by hand show as drift per property, and up restores them", async () => {
    await control.request("PATCH", `objects/environments/${SANDBOX}`, {
      properties: { governanceConfiguration: { settings: { extendedSettings: { solutionCheckerMode: "block", maxLimitUserSharing: "500" } } } },
    });
    const drift = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    expect(drift.output).toMatch(/solutionCheckerMode[^\n]*"?Warn"?[^\n]*=>[^\n]*"?Block/);
    expect(drift.output).toMatch(/maxLimitUserSharing[^\n]*20[^\n]*=>[^\n]*500/);
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect((await governanceOf(SANDBOX)).settings?.extendedSettings).toMatchObject({ solutionCheckerMode: "warn", maxLimitUserSharing: "20" });
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("the drift command reports the hand-made changes per property", async () => {
    await control.request("PATCH", `objects/environments/${SANDBOX}`, {
      properties: { governanceConfiguration: { settings: { extendedSettings: { solutionCheckerMode: "none", makerOnboardingMarkdown: "edited in the admin center" } } } },
    });
    const drift = await runCommand("node", [path.join(repoRoot, "provider", "bin", "powerplatform-drift.js"), "--stack", "e2e", "--cwd", project.dir, "--format", "json"], {
      cwd: project.dir,
      env: project.env,
    });
    expect(drift.code).toBe(2);
    const report = JSON.parse(drift.stdout);
    expect(report.drifted).toEqual([
      expect.objectContaining({
        type: "pulumi-nodejs:dynamic/powerplatform:ManagedEnvironment",
        change: "modified",
        properties: [
          { path: "makerOnboardingMarkdown", before: "Welcome! Read the maker guidelines before you build.", after: "edited in the admin center" },
          { path: "solutionCheckerMode", before: "Warn", after: "None" },
        ],
      }),
    ]);
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
  });

  test("features turned off by hand show as protectionLevel drift, and up turns them on again", async () => {
    await control.request("PUT", `objects/environments/${SANDBOX}`, {
      ...(await control.request<Record<string, unknown>>("GET", `objects/environments/${SANDBOX}`)),
      properties: { ...(await control.request<{ properties: object }>("GET", `objects/environments/${SANDBOX}`)).properties, governanceConfiguration: { protectionLevel: "Basic" } },
    });
    const drift = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    expect(drift.output).toMatch(/protectionLevel[^\n]*Standard[^\n]*=>[^\n]*Basic/);
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect((await governanceOf(SANDBOX)).protectionLevel).toBe("Standard");
  });

  test("an in-place update costs one read, one POST and the operation's polls", async () => {
    await project.pulumiOk(["config", "set", "solutionCheckerMode", "Block"]);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const requests = await control.apiRequests();
    expect(withoutPolls(requests).map((r) => r.method)).toEqual(["GET", "POST", "GET"]);
    expect((await governanceOf(SANDBOX)).settings?.extendedSettings.solutionCheckerMode).toBe("block");
  });

  test("bad input fails at preview, naming the fields, with zero API calls", async () => {
    await project.pulumiOk(["config", "set", "solutionCheckerMode", "Strict"]);
    await project.pulumiOk(["config", "set", "solutionCheckerRuleOverrides", "web-avoid-evil"]);
    await control.clearRequests();
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain("solutionCheckerMode must be one of None, Warn, Block");
    expect(preview.output).toContain("did you mean web-avoid-eval?");
    expect(await control.apiRequests()).toHaveLength(0);
    await project.pulumiOk(["config", "set", "solutionCheckerMode", "Block"]);
    await project.pulumiOk(["config", "set", "solutionCheckerRuleOverrides", "web-avoid-eval,meta-remove-dup-reg"]);
  });

  test("a 503 and a lost answer to the POST are survived with one configuration applied", async () => {
    await control.request("POST", "faults", { method: "POST", path: GOVERNANCE_PATH, status: 503, times: 1, retryAfter: 1 });
    await control.request("POST", "faults", { method: "POST", path: GOVERNANCE_PATH, dropResponse: true, times: 1 });
    await project.pulumiOk(["config", "set", "maxLimitUserSharing", "35"]);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    await control.request("DELETE", "faults");
    expect((await governanceOf(SANDBOX)).settings?.extendedSettings.maxLimitUserSharing).toBe("35");
    const posts = (await control.apiRequests()).filter((r) => r.method === "POST");
    expect(posts.filter((r) => r.status === 503)).toHaveLength(1);
    // The POST sets, it does not add: repeating it after the lost answer leaves one configuration.
    expect(posts.filter((r) => r.status === 202).length).toBeGreaterThanOrEqual(1);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("destroy turns the features off (protection level Basic)", async () => {
    await control.clearRequests();
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect(await governanceOf(SANDBOX)).toEqual({ protectionLevel: "Basic" });
    const requests = await control.apiRequests();
    expect(requests.filter((r) => r.method === "POST")).toEqual([expect.objectContaining({ path: expect.stringContaining(GOVERNANCE_PATH), status: 202 })]);
    expect(withoutPolls(requests).map((r) => r.method)).toEqual(["GET", "POST", "GET"]);
  });

  test("an environment managed before is taken over, and destroy gives it back its own settings", async () => {
    const before: Governance = {
      protectionLevel: "Standard",
      settings: { extendedSettings: { excludeEnvironmentFromAnalysis: "true", isGroupSharingDisabled: "false", maxLimitUserSharing: "-1", limitSharingMode: "noLimit", solutionCheckerMode: "none", suppressValidationEmails: "false", solutionCheckerRuleOverrides: "", makerOnboardingUrl: "", makerOnboardingMarkdown: "set in the admin center", includeOnHomepageInsights: "true", disableAiGeneratedDescriptions: "false" } },
    };
    const env = await control.request<{ properties: object }>("GET", `objects/environments/${SANDBOX}`);
    await control.request("PUT", `objects/environments/${SANDBOX}`, { ...env, properties: { ...env.properties, governanceConfiguration: before } });
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const taken = await governanceOf(SANDBOX);
    expect(taken.settings?.extendedSettings).toMatchObject({ solutionCheckerMode: "block", includeOnHomepageInsights: "true" }); // a setting not managed here is kept
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect(await governanceOf(SANDBOX)).toEqual(before);
  });

  test("an environment without Dataverse is refused with a clear error and no write", async () => {
    await project.pulumiOk(["config", "set", "environmentId", TRIAL]);
    await control.clearRequests();
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code).not.toBe(0);
    expect(up.output).toContain(`environment ${TRIAL} (Contoso Trial) has no Dataverse: managed environments require Dataverse`);
    expect((await control.apiRequests()).filter((r) => r.method !== "GET")).toHaveLength(0);
    expect(await governanceOf(TRIAL)).toEqual({ protectionLevel: "Basic" });
  });
});

describe("ManagedEnvironment create with a lost answer", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    await control.request("PUT", "settings", { environmentOperationMs: 300 });
    project = PulumiProject.create("examples/managed-environment", emulator.env);
    await project.initStack("lost", { environmentId: SEED.environments.production });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  test("the create's POST applied but its answer lost: the POST (a set, not an add) is sent again, and one resource manages the one configuration", async () => {
    await control.request("POST", "faults", { method: "POST", path: GOVERNANCE_PATH, dropResponse: true, times: 1 });
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const posts = (await control.apiRequests()).filter((r) => r.method === "POST").map((r) => r.status);
    // The first answer never arrived (status 0 in the log); the repeat sets the same configuration.
    expect(posts).toEqual([0, 202]);
    const env = await control.request<{ properties: { governanceConfiguration: Governance } }>("GET", `objects/environments/${SEED.environments.production}`);
    expect(env.properties.governanceConfiguration.protectionLevel).toBe("Standard");
    const resources = JSON.parse(await project.stackExport()).deployment.resources.filter((r: { type: string }) => r.type.endsWith(":ManagedEnvironment"));
    expect(resources).toHaveLength(1);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect((await control.request<{ properties: { governanceConfiguration: Governance } }>("GET", `objects/environments/${SEED.environments.production}`)).properties.governanceConfiguration).toEqual({ protectionLevel: "Basic" });
  });
});
