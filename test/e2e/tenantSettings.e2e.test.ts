/**
 * TenantSettings on the real Pulumi engine against the emulator (whose tenant starts with
 * the settings object recorded from the real service): up sets only the declared settings
 * (recording the values before) → no drift → a setting changed by hand shows as drift, per
 * property, in `pulumi refresh` and in the drift command → `up --refresh` heals it → a
 * setting added and removed → faults (429, 503, a lost answer) lose nothing → destroy
 * restores the values before; settings already as declared are taken over with no update
 * (there is no adoptId: the object always exists); the policy rule blocks an up; bad input
 * fails with zero API calls, and a second TenantSettings fails the program with no change.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { recordedBody } from "../conformance/recordings";
import { EmulatorControl, PulumiProject, repoRoot, runCommand, startTestEmulator } from "./harness";

type Settings = Record<string, any>;

const declared = {
  disableTrialEnvironmentCreationByNonAdminUsers: true,
  powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: true } },
};
const before = {
  disableTrialEnvironmentCreationByNonAdminUsers: false,
  powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: false } },
};
const settingsApi = (r: { surface: string; path: string }) => r.surface === "bap" && /TenantSettings$/i.test(r.path);
const calls = (rs: Array<{ method: string; path: string; surface: string }>) =>
  rs.filter(settingsApi).map((r) => `${r.method} ${r.path.split("/").pop()}`);

describe("TenantSettings on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;
  const settingsNow = () => control.request<Settings>("GET", "objects/tenantSettings");
  const setDeclared = (settings: unknown) => project.pulumiOk(["config", "set", "settingsJson", JSON.stringify(settings)]);

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    project = PulumiProject.create("test/e2e/programs/tenant-settings", emulator.env);
    await project.initStack("e2e", { settingsJson: JSON.stringify(declared) });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  test("up sets only the declared settings with one partial update, recording the values before", async () => {
    expect(await settingsNow()).toEqual(recordedBody("tenantSettings.list"));
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const now = await settingsNow();
    expect(now.disableTrialEnvironmentCreationByNonAdminUsers).toBe(true);
    expect(now.powerPlatform.governance).toEqual({ ...recordedBody("tenantSettings.list").powerPlatform.governance, disableDeveloperEnvironmentCreationByNonAdminUsers: true });
    expect(now.walkMeOptOut).toBe(false);
    expect(await project.outputs()).toEqual({ managed: declared, initialSettings: before });
    // check reads the values before (kept across a killed run), create reads again, one update.
    expect(calls(await control.apiRequests())).toEqual(["POST listTenantSettings", "POST listTenantSettings", "POST updateTenantSettings"]);
  });

  test("refresh right after up shows no change, with one read", async () => {
    await control.clearRequests();
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    expect(calls(await control.apiRequests())).toEqual(["POST listTenantSettings"]);
  });

  test("a setting changed by hand shows as drift, per property (refresh and the drift command), and up --refresh sets it back", async () => {
    await control.request("PATCH", "objects/tenantSettings", { powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: false } }, walkMeOptOut: true });
    const refresh = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes", "--diff"]);
    expect(refresh.code).not.toBe(0);
    expect(refresh.output).toMatch(/disableDeveloperEnvironmentCreationByNonAdminUsers\s*:\s*true => false/);
    expect(refresh.output).not.toContain("walkMeOptOut"); // not managed: never drift

    const drift = await runCommand("node", [path.join(repoRoot, "provider", "bin", "powerplatform-drift.js"), "--stack", "e2e", "--cwd", project.dir, "--format", "json"], {
      cwd: project.dir,
      env: project.env,
    });
    expect(drift.code).toBe(2);
    expect(JSON.parse(drift.stdout)).toMatchObject({
      status: "drift",
      drifted: [
        {
          name: "tenant-settings",
          change: "modified",
          properties: [{ path: "settings.powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers", before: true, after: false }],
        },
      ],
    });

    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect((await settingsNow()).powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers).toBe(true);
    expect((await settingsNow()).walkMeOptOut).toBe(true); // left as the admin set it
    // refresh, check (nothing new to record: no read), update's read, one update.
    expect(calls(await control.apiRequests())).toEqual(["POST listTenantSettings", "POST listTenantSettings", "POST updateTenantSettings"]);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    expect((await project.outputs()).initialSettings).toEqual(before);
  });

  test("a setting added is recorded and set; removed, it gets back its value before", async () => {
    await setDeclared({ ...declared, disableEnvironmentCreationByNonAdminUsers: true });
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect((await settingsNow()).disableEnvironmentCreationByNonAdminUsers).toBe(true);
    expect((await project.outputs()).initialSettings).toEqual({ ...before, disableEnvironmentCreationByNonAdminUsers: false });

    await setDeclared(declared);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect((await settingsNow()).disableEnvironmentCreationByNonAdminUsers).toBe(false);
    expect((await project.outputs()).initialSettings).toEqual(before);
    expect(calls(await control.apiRequests())).toEqual(["POST listTenantSettings", "POST updateTenantSettings"]);
  });

  test("faults: 429 and 503 on reads and a lost answer on the update lose nothing", async () => {
    await setDeclared({ ...declared, walkMeOptOut: false });
    await control.request("POST", "faults", { method: "POST", path: "listTenantSettings$", status: 429, times: 1, retryAfter: 1 });
    await control.request("POST", "faults", { method: "POST", path: "listTenantSettings$", status: 503, times: 1, retryAfter: 1 });
    await control.request("POST", "faults", { method: "POST", path: "updateTenantSettings$", dropResponse: true, times: 1 });
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    await control.request("DELETE", "faults");
    expect((await settingsNow()).walkMeOptOut).toBe(false);
    // The update was applied, its answer lost, and sent again (it sets values: harmless).
    expect(calls(await control.apiRequests()).filter((c) => c.endsWith("updateTenantSettings"))).toEqual(["POST updateTenantSettings", "POST updateTenantSettings"]);
    // walkMeOptOut was true (set by hand above) when it became managed: that is its value before.
    expect((await project.outputs()).initialSettings).toEqual({ ...before, walkMeOptOut: true });
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("destroy gives every managed setting back its value before, with one update", async () => {
    await control.clearRequests();
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    const now = await settingsNow();
    expect(now.disableTrialEnvironmentCreationByNonAdminUsers).toBe(false);
    expect(now.powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers).toBe(false);
    expect(now.walkMeOptOut).toBe(true);
    expect(calls(await control.apiRequests())).toEqual(["POST listTenantSettings", "POST updateTenantSettings"]);
  });

  test("settings already as declared are taken over with no update (nothing to adopt: the object always exists)", async () => {
    await setDeclared(declared);
    await control.request("PATCH", "objects/tenantSettings", declared);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(calls(await control.apiRequests())).toEqual(["POST listTenantSettings", "POST listTenantSettings"]);
    expect((await project.outputs()).initialSettings).toEqual(declared);
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
  });

  test("the policy pack: trial and developer creation left open fails tenant-settings-restrict-environment-creation before any change", async () => {
    const pack = ["--policy-pack", path.join(repoRoot, "policies")];
    await setDeclared(declared);
    expect((await project.pulumi(["preview", ...pack])).code).toBe(0);
    await setDeclared({ ...declared, disableTrialEnvironmentCreationByNonAdminUsers: false });
    await control.clearRequests();
    const up = await project.pulumi(["up", "--yes", ...pack]);
    expect(up.code).not.toBe(0);
    expect(up.output).toMatch(/\[mandatory\].*tenant-settings-restrict-environment-creation/);
    expect(up.output).toContain("disableTrialEnvironmentCreationByNonAdminUsers is false");
    expect(calls(await control.apiRequests()).filter((c) => c.endsWith("updateTenantSettings"))).toEqual([]);
  });

  test("bad input fails at preview, naming every field, with zero API calls", async () => {
    await setDeclared({ disableTrialEnvironmentCreationByNonAdminUser: true, walkMeOptOut: "yes", powerPlatform: { governance: { disableAdminDigests: true } } });
    await control.clearRequests();
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain("unknown setting settings.disableTrialEnvironmentCreationByNonAdminUser (did you mean settings.disableTrialEnvironmentCreationByNonAdminUsers?)");
    expect(preview.output).toContain("settings.walkMeOptOut must be a boolean");
    expect(preview.output).toContain("unknown setting settings.powerPlatform.governance.disableAdminDigests (did you mean settings.powerPlatform.governance.disableAdminDigest?)");
    expect(await control.apiRequests()).toHaveLength(0);
  });

  test("a second TenantSettings in the program is refused, naming both, and nothing is changed", async () => {
    await setDeclared(declared);
    await project.pulumiOk(["config", "set", "second", "true"]);
    await control.clearRequests();
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain('TenantSettings "more-settings" and TenantSettings "tenant-settings" both manage the tenant settings');
    // The first one may already be checked (its check reads the values before) when the second fails the program: no update.
    expect(calls(await control.apiRequests()).filter((c) => !c.endsWith("listTenantSettings"))).toEqual([]);
  });

  test("killed right after the update: after cancel and powerplatform-recover, destroy still restores the values before", async () => {
    await project.pulumiOk(["config", "set", "second", "false"]);
    await setDeclared(declared);
    await control.request("PATCH", "objects/tenantSettings", before);
    // The update is held 6 s and then applied; the run is killed while it waits.
    await control.request("POST", "faults", { method: "POST", path: "updateTenantSettings$", delayMs: 6000 });
    await control.clearRequests();
    const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], { cwd: project.dir, env: project.env, detached: true, stdio: "ignore" });
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // check's and create's reads are answered: the update is on its way.
    for (let i = 0; i < 600 && calls(await control.apiRequests()).length < 2; i++) await sleep(200);
    await sleep(1000);
    process.kill(-child.pid!, "SIGKILL");
    await exited;
    for (let i = 0; i < 100 && (await settingsNow()).disableTrialEnvironmentCreationByNonAdminUsers !== true; i++) await sleep(200);
    expect((await settingsNow()).disableTrialEnvironmentCreationByNonAdminUsers).toBe(true); // the killed run's update went through

    await project.pulumiOk(["cancel", "--yes"]);
    const recovered = await runCommand("node", [path.join(repoRoot, "provider", "bin", "powerplatform-recover.js"), "--stack", "e2e", "--cwd", project.dir], {
      cwd: project.dir,
      env: project.env,
    });
    expect({ code: recovered.code, output: recovered.output }).toMatchObject({ code: 0 });
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(await project.outputs()).toEqual({ managed: declared, initialSettings: before });
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    const now = await settingsNow();
    expect(now.disableTrialEnvironmentCreationByNonAdminUsers).toBe(false);
    expect(now.powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers).toBe(false);
  }, 240_000);
});
