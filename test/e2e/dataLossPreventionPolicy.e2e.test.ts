/**
 * DataLossPreventionPolicy through its whole life on the real Pulumi engine against the
 * emulator (examples/dlp-policy: a baseline for all environments and a strict production
 * policy with action and endpoint rules): up → no drift → edits made by hand shown per
 * property → up heals → in-place update → faults survived → bad input and unknown
 * connectors refused before any write → a lost create answer makes no duplicate → adopt →
 * no secret in state → destroy.
 */
import * as os from "node:os";
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { EmulatorControl, PulumiProject, repoRoot, runCommand, startTestEmulator } from "./harness";

interface StoredPolicy {
  policyDefinition: {
    name: string;
    displayName: string;
    environmentType: string;
    connectorGroups: Array<{ classification: string; connectors: Array<{ id: string }> }>;
  };
}

const GOV = "/providers/PowerPlatform.Governance";
const apis = (name: string) => `/providers/Microsoft.PowerApps/apis/${name}`;

describe("DataLossPreventionPolicy on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    project = PulumiProject.create("examples/dlp-policy", emulator.env);
    await project.initStack("e2e");
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  const policies = async (): Promise<StoredPolicy[]> =>
    (await control.request<{ value: Array<{ value: StoredPolicy }> }>("GET", "objects/dlpPolicies")).value.map((e) => e.value);
  const named = async (displayName: string) => (await policies()).filter((p) => p.policyDefinition.displayName === displayName);
  const group = (p: StoredPolicy, classification: string) =>
    p.policyDefinition.connectorGroups.find((g) => g.classification === classification)!.connectors.map((c) => c.id).sort();
  const stateIds = async (): Promise<string[]> =>
    (JSON.parse(await project.stackExport()).deployment.resources as Array<{ type: string; id?: string }>)
      .filter((r) => r.type.endsWith(":DataLossPreventionPolicy") && r.id)
      .map((r) => r.id!)
      .sort();

  test("up creates both policies: one POST each, no other write", async () => {
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const outputs = await project.outputs();
    const [baseline] = await named("Tenant baseline");
    expect(outputs.baselinePolicyId).toBe(baseline!.policyDefinition.name);
    expect(group(baseline!, "Blocked")).toEqual([apis("shared_dropbox"), apis("shared_ftp"), apis("shared_twitter")]);
    expect(outputs.productionScope).toEqual(["e1000000-0000-4000-8000-000000000001"]);
    const requests = await control.apiRequests();
    const writes = requests.filter((r) => r.method !== "GET");
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${GOV}/v2/policies`, `POST ${GOV}/v2/policies`]);
    // Per policy one GET of the list (no unmanaged namesake); once per run the tenant's connectors (environments, then apis).
    const reads = requests.filter((r) => r.method === "GET").map((r) => r.path.replace(/environments\/[^/]+\/apis$/, "environments/{default}/apis"));
    expect(reads.sort()).toEqual(
      [`${GOV}/v2/policies`, `${GOV}/v2/policies`, "/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments", "/providers/Microsoft.ProcessSimple/environments/{default}/apis"].sort(),
    );
  });

  test("refresh --expect-no-changes passes right after up, with one GET per policy", async () => {
    await control.clearRequests();
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    expect((await control.apiRequests()).map((r) => r.method)).toEqual(["GET", "GET"]);
  });

  test("edits made in the admin center show as drift per property, and up restores the declared policy", async () => {
    const [baseline] = await named("Tenant baseline");
    const id = baseline!.policyDefinition.name;
    // By hand: renamed, and Dropbox moved from blocked to business.
    await control.request("PATCH", `objects/dlpPolicies/${id}`, {
      policyDefinition: {
        displayName: "renamed-by-hand",
        connectorGroups: [
          { classification: "Confidential", connectors: [...group(baseline!, "Confidential"), apis("shared_dropbox")].map((c) => ({ id: c, name: c, type: "Microsoft.PowerApps/apis" })) },
          { classification: "General", connectors: [] },
          { classification: "Blocked", connectors: [apis("shared_ftp"), apis("shared_twitter")].map((c) => ({ id: c, name: c, type: "Microsoft.PowerApps/apis" })) },
        ],
      },
    });
    const drift = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    expect(drift.output).toMatch(/displayName/);
    expect(drift.output).toMatch(/renamed-by-hand/);
    expect(drift.output).toMatch(/blockedConnectors/);
    expect(drift.output).toMatch(/shared_dropbox/);
    // The drift command names the policy and each property that changed.
    const report = await runCommand("node", [path.join(repoRoot, "provider", "bin", "powerplatform-drift.js"), "--stack", "e2e", "--cwd", project.dir, "--format", "json"], {
      cwd: project.dir,
      env: project.env,
    });
    expect(report.code).toBe(2);
    const drifted = JSON.parse(report.stdout).drifted as Array<{ name: string; properties: Array<{ path: string }> }>;
    expect(drifted.map((d) => d.name)).toEqual(["tenant-baseline"]);
    const paths = drifted[0]!.properties.map((p) => p.path);
    expect(paths).toContain("displayName");
    expect(paths.some((p) => p.startsWith("blockedConnectors"))).toBe(true);
    expect(paths.some((p) => p.startsWith("businessConnectors"))).toBe(true);

    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    const [healed] = await named("Tenant baseline");
    expect(healed!.policyDefinition.name).toBe(id);
    expect(group(healed!, "Blocked")).toContain(apis("shared_dropbox"));
    expect(group(healed!, "Confidential")).not.toContain(apis("shared_dropbox"));
    expect((await control.apiRequests()).filter((r) => r.method === "PATCH")).toHaveLength(1);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("an in-place update costs one GET and one PATCH; reordering the list changes nothing", async () => {
    await project.pulumiOk(["config", "set", "baselineName", "Tenant baseline v2"]);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect((await control.apiRequests()).map((r) => r.method)).toEqual(["GET", "PATCH"]);
    expect(await named("Tenant baseline v2")).toHaveLength(1);
    await project.pulumiOk(["config", "set", "baselineName", "Tenant baseline"]);
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);

    await project.pulumiOk(["config", "set", "blockedConnectors", '["shared_twitter","shared_ftp","shared_dropbox"]']);
    const preview = await project.pulumiOk(["preview", "--expect-no-changes"]);
    expect(preview.code).toBe(0);
    await project.pulumiOk(["config", "rm", "blockedConnectors"]);
  });

  test("an update survives injected 429s, 503s and a reset, with one successful PATCH", async () => {
    await control.request("POST", "faults", { method: "PATCH", path: `${GOV}/v2/policies/`, status: 503, times: 2, retryAfter: 1 });
    await control.request("POST", "faults", { method: "GET", path: `${GOV}/v2/policies/`, status: 429, times: 1, retryAfter: 1 });
    // A connection reset before the answer (the request never reached the service).
    await control.request("POST", "faults", { method: "GET", path: `${GOV}/v2/policies/`, drop: true, times: 1 });
    await project.pulumiOk(["config", "set", "baselineName", "Tenant baseline (faults)"]);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(await named("Tenant baseline (faults)")).toHaveLength(1);
    const requests = await control.apiRequests();
    expect(requests.filter((r) => r.status === 503)).toHaveLength(2);
    expect(requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(requests.filter((r) => r.method === "PATCH" && r.status === 200)).toHaveLength(1);
    await control.request("DELETE", "faults");
    await project.pulumiOk(["config", "set", "baselineName", "Tenant baseline"]);
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
  });

  test("bad input fails at preview, naming the fields, with zero API calls", async () => {
    await project.pulumiOk(["config", "set", "blockedConnectors", '["shared dropbox","shared_ftp","shared_ftp"]']);
    await project.pulumiOk(["config", "set", "baselineName", ""]);
    await control.clearRequests();
    try {
      const preview = await project.pulumi(["preview"]);
      expect(preview.code).not.toBe(0);
      expect(preview.output).toContain("blockedConnectors[0] must be a connector name like shared_sql");
      expect(preview.output).toContain("blockedConnectors[2] /providers/Microsoft.PowerApps/apis/shared_ftp is already listed at blockedConnectors[1]");
      expect(preview.output).toContain("displayName is required");
      expect(await control.apiRequests()).toHaveLength(0);
    } finally {
      await project.pulumiOk(["config", "rm", "baselineName"]);
      await project.pulumiOk(["config", "rm", "blockedConnectors"]);
    }
  });

  test("a connector the tenant does not have is a field error at preview: the connectors are read, nothing is written", async () => {
    await project.pulumiOk(["config", "set", "blockedConnectors", '["shared_dropbx","shared_ftp"]']);
    await control.clearRequests();
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain("blockedConnectors[0] names connector /providers/Microsoft.PowerApps/apis/shared_dropbx, which this tenant does not have (did you mean shared_dropbox?)");
    const requests = await control.apiRequests();
    expect(requests.every((r) => r.method === "GET")).toBe(true);
    // The environment list (to find the default environment), then its connectors.
    expect(requests.map((r) => r.path)).toEqual(expect.arrayContaining([expect.stringMatching(/\/scopes\/admin\/environments$/), expect.stringMatching(/\/apis$/)]));
    await project.pulumiOk(["config", "rm", "blockedConnectors"]);
    // An unchanged policy reads no connectors at preview.
    await control.clearRequests();
    await project.pulumiOk(["preview", "--expect-no-changes"]);
    expect(await control.apiRequests()).toHaveLength(0);
  });

  test("a create whose answer is lost after the service acted makes no duplicate", async () => {
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect(await policies()).toEqual([]);
    await control.request("POST", "faults", { method: "POST", path: `^${GOV}/v2/policies$`, dropResponse: true, times: 1 });
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(await named("Tenant baseline")).toHaveLength(1);
    expect(await named("Production strict")).toHaveLength(1);
    expect(await stateIds()).toEqual((await policies()).map((p) => p.policyDefinition.name).sort());
    // Two POSTs (one per policy): the one whose answer was lost was looked up, not sent again.
    expect((await control.apiRequests()).filter((r) => r.method === "POST")).toHaveLength(2);
  });

  test("a namesake nobody manages stops the create, and adoptId takes it over", async () => {
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    const id = "d1000000-0000-4000-8000-0000000000d1";
    await control.request("POST", "objects/dlpPolicies", {
      id,
      policyDefinition: {
        name: id,
        displayName: "Tenant baseline",
        defaultConnectorsClassification: "General",
        connectorGroups: [],
        environmentType: "AllEnvironments",
        environments: [],
        createdBy: { displayName: "Portal Admin" },
        createdTime: "2026-01-01T00:00:00Z",
      },
      customConnectorUrlPatternsDefinition: { rules: [{ order: 1, customConnectorRuleClassification: "Ignore", pattern: "*" }] },
    });
    const refused = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(`not creating a second DLP policy named "Tenant baseline"`);
    expect(refused.output).toContain(id);
    expect(refused.output).toContain("adoptId");
    expect(await named("Tenant baseline")).toHaveLength(1);

    await project.pulumiOk(["config", "set", "baselineAdoptId", id]);
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const [adopted] = await named("Tenant baseline");
    expect(adopted!.policyDefinition.name).toBe(id);
    expect(group(adopted!, "Blocked")).toEqual([apis("shared_dropbox"), apis("shared_ftp"), apis("shared_twitter")]);
    expect(await stateIds()).toContain(id);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("the policy pack: the example passes; a high-risk connector outside the blocked group is refused", async () => {
    const fs = await import("node:fs");
    const configFile = path.join(project.dir, "dlp.policy-config.json");
    const pack = ["--policy-pack", path.join(repoRoot, "policies"), "--policy-pack-config", configFile];
    fs.writeFileSync(configFile, JSON.stringify({ "dlp-high-risk-connectors-blocked": { highRiskConnectors: ["shared_dropbox", "shared_ftp"] } }));
    const compliant = await project.pulumi(["preview", ...pack]);
    expect(compliant.code).toBe(0);
    expect(compliant.output).not.toMatch(/dlp-high-risk-connectors-blocked|dlp-all-environments-policy-exists/);

    fs.writeFileSync(configFile, JSON.stringify({ "dlp-high-risk-connectors-blocked": { highRiskConnectors: ["shared_sql"] } }));
    await control.clearRequests();
    const refused = await project.pulumi(["preview", ...pack]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('DataLossPreventionPolicy "production-strict" violates dlp-high-risk-connectors-blocked: the high-risk connector shared_sql is in businessConnectors');
  });

  test("neither the state nor the output holds a secret or a token", async () => {
    const exported = await project.stackExport();
    const secret = emulator.admin.clientSecret;
    expect(exported).not.toContain(secret);
    expect(exported).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(exported).not.toContain(os.homedir());
  });

  test("destroy deletes both policies with one DELETE each (the v1 path)", async () => {
    await control.clearRequests();
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    const requests = await control.apiRequests();
    expect(requests.map((r) => r.method)).toEqual(["DELETE", "DELETE"]);
    expect(requests.every((r) => r.path.startsWith(`${GOV}/v1/policies/`))).toBe(true);
    expect(await policies()).toEqual([]);
  });
});
