/**
 * The tenant config in git, end to end on the real engine: the sample tenant file
 * applies through the root program; a change by hand makes the drift command exit
 * "drift found" naming the property, and "no drift" after `pulumi up`; a broken tenant
 * file fails with the path of the error before any API call; a policy violation in
 * the tenant file blocks the preview.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SEED } from "../emulator/seed";
import type { RunningEmulator } from "../emulator/server";
import { EmulatorControl, PulumiProject, repoRoot, runCommand, startTestEmulator } from "./harness";

const sampleTenantFile = fs.readFileSync(path.join(repoRoot, "tenants", "demo.yaml"), "utf8");

describe("tenant file applied by the root program", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;
  const files = fs.mkdtempSync(path.join(os.tmpdir(), "pp-tenant-files-"));

  /** Writes a tenant file variant and points the stack at it. */
  async function useTenantFile(name: string, text: string): Promise<void> {
    const file = path.join(files, name);
    fs.writeFileSync(file, text);
    await project.pulumiOk(["config", "set", "tenantFile", file]);
  }

  const drift = (...args: string[]) =>
    runCommand("node", [path.join(repoRoot, "provider", "bin", "powerplatform-drift.js"), "--stack", "e2e", "--cwd", project.dir, ...args], {
      cwd: project.dir,
      env: project.env,
    });

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    project = PulumiProject.createRootProgram(emulator.env);
    await project.initStack("e2e");
    await useTenantFile("tenant.yaml", sampleTenantFile);
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  test("the sample tenant file applies, wiring references by key", async () => {
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const { managed } = (await project.outputs()) as {
      managed: {
        billingPolicies: Record<string, { id: string; status: string }>;
        environments: Record<string, { id: string; sku: string }>;
        billingLinks: number;
        applicationInstalls: string[];
        flowStates: Record<string, string>;
        flowOwners: Record<string, number>;
        managedEnvironments: Record<string, string>;
      };
    };
    expect(managed.billingLinks).toBe(2);
    expect(managed.environments.sales.sku).toBe("Production");
    expect(managed.applicationInstalls).toEqual(["MicrosoftFormsPro: Installed"]);
    expect(managed.flowStates).toEqual({ "daily-report": "Started", "invoice-approval": "Stopped" });
    expect(managed.flowOwners).toEqual({ "daily-report": 2 });
    expect(managed.managedEnvironments).toEqual({ sales: "Standard" });

    // The link made by key points at the environment created from the same file.
    const links = await control.request<{ value: Array<{ value: { billingPolicyId: string; environmentId: string } }> }>("GET", "objects/billingPolicyLinks");
    expect(links.value.map((l) => l.value)).toEqual(
      expect.arrayContaining([{ billingPolicyId: managed.billingPolicies["payg-us"].id, environmentId: managed.environments.sales.id }]),
    );
    const invoice = await control.request<{ properties: { state: string } }>("GET", `objects/flows/${SEED.flows.invoiceApproval}`);
    expect(invoice.properties.state).toBe("Stopped");
  });

  test("no secret or token in the state, the outputs or the engine's verbose log", async () => {
    const secret = emulator.admin.clientSecret;
    const jwt = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;
    const exported = await project.stackExport();
    expect(exported).not.toContain(secret);
    expect(exported).not.toMatch(jwt);
    const verbose = await project.pulumiOk(["refresh", "--preview-only", "--logtostderr", "-v=9", "--logflow"]);
    expect(verbose.output.length).toBeGreaterThan(10_000); // the log really is verbose
    expect(verbose.output).not.toContain(secret);
    expect(verbose.output).not.toMatch(jwt);
  });

  test("drift: a flow turned on by hand is found and named; up puts it back", async () => {
    expect((await drift()).code).toBe(0);
    await control.request("PATCH", `objects/flows/${SEED.flows.invoiceApproval}`, { properties: { state: "Started" } });
    const found = await drift("--format", "json");
    expect(found.code).toBe(2);
    expect(JSON.parse(found.stdout).drifted).toEqual([
      expect.objectContaining({ name: "invoice-approval", properties: [expect.objectContaining({ path: "state", before: "Stopped", after: "Started" })] }),
    ]);
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect((await drift()).code).toBe(0);
  });

  test("a broken tenant file fails with the file, line and path of each error, before any API call", async () => {
    await useTenantFile("broken.yaml", sampleTenantFile.replace("environmentSku: Sandbox", "environmentSku: Premium").replace("environments: [sales]", "environments: [marketing]"));
    await control.clearRequests();
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(/broken\.yaml:\d+:\d+ at \/environments\/support-sandbox\/environmentSku: must be one of Production, Sandbox, Trial, Developer \(enum\)/);
    expect(await control.apiRequests()).toHaveLength(0);

    await useTenantFile("dangling.yaml", sampleTenantFile.replace("environments: [sales]", "environments: [marketing]"));
    const dangling = await project.pulumi(["preview"]);
    expect(dangling.code).not.toBe(0);
    expect(dangling.output).toMatch(/at \/billingPolicies\/payg-us\/environments\/0: "marketing" is neither an environment declared/);
    expect(await control.apiRequests()).toHaveLength(0);
  });

  test("a policy violation in the tenant file blocks the preview", async () => {
    const withTrial = sampleTenantFile.replace("environments:\n  sales:", "environments:\n  try-out:\n    displayName: Try out\n    location: europe\n    environmentSku: Trial\n  sales:");
    await useTenantFile("trial.yaml", withTrial);
    // The e2e stack is not a production stack: the Trial rule applies to production stacks only.
    const preview = await project.pulumi(["preview", "--policy-pack", path.join(repoRoot, "policies")]);
    expect(preview.code).toBe(0);

    const prodConfig = path.join(files, "policy-config.json");
    fs.writeFileSync(prodConfig, JSON.stringify({ "no-trial-or-developer-environments-in-production": { productionStackPattern: "^e2e$" } }));
    const blocked = await project.pulumi(["preview", "--policy-pack", path.join(repoRoot, "policies"), "--policy-pack-config", prodConfig]);
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toContain("no-trial-or-developer-environments-in-production");
    expect(blocked.output).toContain("try-out");
    await useTenantFile("tenant.yaml", sampleTenantFile);
  });
});
