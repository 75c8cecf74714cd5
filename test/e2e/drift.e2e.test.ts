/**
 * The drift command on the real engine: no drift after up (exit 0), a hand-made change
 * found and named per property (exit 2, in text, Markdown and JSON), a change that
 * breaks a policy reported as such, no drift again after up, and "could not check"
 * (exit 1) for a stack that does not exist.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { EmulatorControl, PulumiProject, repoRoot, runCommand, startTestEmulator } from "./harness";

describe("powerplatform-drift", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;
  let policyId: string;
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-drift-"));

  const drift = (...args: string[]) =>
    runCommand("node", [path.join(repoRoot, "provider", "bin", "powerplatform-drift.js"), "--stack", "drift", "--cwd", project.dir, ...args], {
      cwd: project.dir,
      env: project.env,
    });

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    project = PulumiProject.create("examples/billing-policy", emulator.env);
    await project.initStack("drift", { policyName: "drift-payg", location: "europe" });
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    policyId = (await project.outputs()).billingPolicyId as string;
  }, 180_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  test("exit 0 and 'No drift' right after up", async () => {
    const result = await drift();
    expect(result.output).toContain("No drift: stack drift matches the tenant");
    expect(result.code).toBe(0);
  });

  test("a change by hand: exit 2, the resource and the property named in every format", async () => {
    await control.request("PATCH", `objects/billingPolicies/${policyId}`, { status: "Disabled" });
    const md = path.join(reportDir, "drift.md");
    const json = path.join(reportDir, "drift.json");
    const result = await drift("--markdown-file", md, "--json-file", json);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("BillingPolicy contoso-payg");
    expect(result.stdout).toContain('status: "Enabled" -> "Disabled"');
    expect(fs.readFileSync(md, "utf8")).toContain("| `status` | \"Enabled\" | \"Disabled\" |");
    const report = JSON.parse(fs.readFileSync(json, "utf8"));
    expect(report).toMatchObject({
      status: "drift",
      drifted: [{ name: "contoso-payg", change: "modified", properties: [expect.objectContaining({ path: "status", before: "Enabled", after: "Disabled" })] }],
    });
    // A refresh preview writes nothing: the state still says Enabled.
    expect(JSON.parse(await project.stackExport()).deployment.resources.find((r: { type: string }) => r.type.endsWith("BillingPolicy")).outputs.status).toBe("Enabled");
  });

  test("with the policy pack, a hand-made change that breaks a rule is reported as a violation", async () => {
    await control.request("PATCH", `objects/billingPolicies/${policyId}`, { location: "usgov" });
    try {
      const result = await drift("--format", "json", "--policy-pack", path.join(repoRoot, "policies"));
      expect(result.code).toBe(2);
      const report = JSON.parse(result.stdout);
      expect(report.drifted[0].properties.map((p: { path: string }) => p.path)).toEqual(["location", "status"]);
      expect(report.policyViolations).toEqual(
        expect.arrayContaining([expect.objectContaining({ policy: "billing-policy-allowed-locations", enforcementLevel: "mandatory" })]),
      );
    } finally {
      await control.request("PATCH", `objects/billingPolicies/${policyId}`, { location: "europe" });
    }
  });

  test("after up --refresh: exit 0 again", async () => {
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect((await project.outputs()).billingPolicyId).toBe(policyId);
    const result = await drift("--format", "markdown");
    expect(result.stdout).toContain("No drift in `drift`");
    expect(result.code).toBe(0);
  });

  test("a policy deleted by hand is reported as deleted", async () => {
    await control.request("DELETE", `objects/billingPolicies/${policyId}`);
    const result = await drift("--format", "json");
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).drifted).toEqual([expect.objectContaining({ name: "contoso-payg", change: "deleted" })]);
  });

  test("exit 1 when the check cannot run", async () => {
    const result = await runCommand(
      "node",
      [path.join(repoRoot, "provider", "bin", "powerplatform-drift.js"), "--stack", "no-such-stack", "--cwd", project.dir],
      { cwd: project.dir, env: project.env },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("could not check for drift");
  });
});
