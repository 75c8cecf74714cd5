/**
 * The governance policy pack (policies/) on the real engine: `pulumi preview|up
 * --policy-pack policies` against the emulator. A mandatory violation blocks (and
 * nothing reaches the API), an advisory one only warns, `--policy-pack-config` changes
 * the outcome, a remediation is applied, and the stack rule matches a billing link to
 * its environment during preview, when the environment's id is not known yet. DLP: a
 * Production environment no DLP policy covers is blocked, and a configured high-risk
 * connector outside the blocked group fails.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { EmulatorControl, PulumiProject, repoRoot, type CommandResult, startTestEmulator } from "./harness";

const policyPack = path.join(repoRoot, "policies");

describe("the governance policy pack on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
  }, 120_000);

  afterAll(async () => {
    await emulator?.stop();
  });

  /** Writes a --policy-pack-config file into the project and returns the arguments that use it. */
  function packConfig(project: PulumiProject, name: string, config: Record<string, unknown>): string[] {
    const file = path.join(project.dir, `${name}.policy-config.json`);
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    return ["--policy-pack-config", file];
  }

  const withPack = (args: string[], extra: string[] = []) => [...args, "--policy-pack", policyPack, ...extra];

  const violationLines = (result: CommandResult) => result.output.split("\n").filter((l) => /\[(mandatory|advisory)\]/.test(l));

  describe("rules on one billing policy (programs/policy-check)", () => {
    let project: PulumiProject;

    beforeAll(async () => {
      project = PulumiProject.create("test/e2e/programs/policy-check", emulator.env);
      await project.initStack("dev", { location: "europe", policyName: "contoso-payg" });
    }, 120_000);

    afterAll(() => project?.cleanup());

    test("a compliant program passes with the pack loaded", async () => {
      const preview = await project.pulumi(withPack(["preview"]));
      expect(preview.code).toBe(0);
      expect(preview.output).toContain("powerplatform-governance");
      expect(violationLines(preview)).toEqual([]);
    }, 120_000);

    test("a mandatory violation blocks preview and up, naming the resource and the rule, and nothing reaches the API", async () => {
      await project.pulumiOk(["config", "set", "location", "usgov"]);

      const preview = await project.pulumi(withPack(["preview"]));
      expect(preview.code).not.toBe(0);
      expect(violationLines(preview)).toEqual([expect.stringMatching(/\[mandatory\].*billing-policy-allowed-locations.*BillingPolicy: payg/)]);
      expect(preview.output).toContain('BillingPolicy "payg" violates billing-policy-allowed-locations: location "usgov" is not an allowed geography. Set location to one of');

      await control.clearRequests();
      const up = await project.pulumi(withPack(["up", "--yes", "--skip-preview"]));
      expect(up.code).not.toBe(0);
      expect(up.output).toContain("billing-policy-allowed-locations");
      expect((await control.apiRequests()).filter((r) => r.method !== "GET")).toEqual([]);
      expect(await project.stackExport()).not.toContain("powerplatform:BillingPolicy");
    }, 180_000);

    test("--policy-pack-config can make the location rule advisory: the same violation only warns", async () => {
      const config = packConfig(project, "advisory", { "billing-policy-allowed-locations": { enforcementLevel: "advisory" } });
      const preview = await project.pulumi(withPack(["preview"], config));
      expect(preview.code).toBe(0);
      expect(violationLines(preview)).toEqual([expect.stringMatching(/\[advisory\].*billing-policy-allowed-locations.*BillingPolicy: payg/)]);
      expect(preview.output).toContain('BillingPolicy "payg" violates billing-policy-allowed-locations: location "usgov"');
    }, 120_000);

    test("--policy-pack-config can change the allowed list, both ways", async () => {
      const allowUsGov = packConfig(project, "usgov", { "billing-policy-allowed-locations": { allowedLocations: ["usgov"] } });
      const allowed = await project.pulumi(withPack(["preview"], allowUsGov));
      expect(allowed.code).toBe(0);
      expect(violationLines(allowed)).toEqual([]);

      await project.pulumiOk(["config", "set", "location", "europe"]);
      const onlyUs = packConfig(project, "us", { "billing-policy-allowed-locations": { allowedLocations: ["unitedstates"] } });
      const refused = await project.pulumi(withPack(["preview"], onlyUs));
      expect(refused.code).not.toBe(0);
      expect(refused.output).toContain('location "europe" is not an allowed geography. Set location to one of "unitedstates".');
    }, 180_000);

    test("an advisory rule only warns by default", async () => {
      await project.pulumiOk(["config", "set", "policyName", "_payg"]);
      const preview = await project.pulumi(withPack(["preview"]));
      expect(preview.code).toBe(0);
      expect(violationLines(preview)).toEqual([expect.stringMatching(/\[advisory\].*billing-policy-name-convention.*BillingPolicy: payg/)]);
      expect(preview.output).toContain('BillingPolicy "payg" violates billing-policy-name-convention: name "_payg" does not match the naming convention');
      await project.pulumiOk(["config", "set", "policyName", "contoso-payg"]);
    }, 120_000);

    test("a configuration that does not match a rule's schema is refused", async () => {
      const bad = packConfig(project, "bad", { "flow-minimum-co-owners": { minimumCoOwners: 0 } });
      const preview = await project.pulumi(withPack(["preview"], bad));
      expect(preview.code).not.toBe(0);
      expect(preview.output).toMatch(/validating policy config:.*flow-minimum-co-owners: minimumCoOwners: Must be greater than or equal to 1/);
    }, 120_000);

    test("in a production stack a Disabled billing policy is blocked, and `remediate` enables it on up", async () => {
      await project.initStack("prod", { location: "europe", policyName: "contoso-payg", status: "Disabled" });

      const preview = await project.pulumi(withPack(["preview"]));
      expect(preview.code).not.toBe(0);
      expect(preview.output).toContain('BillingPolicy "payg" violates production-billing-policies-enabled: status is "Disabled" in a production stack. Set status to "Enabled".');

      const remediate = packConfig(project, "remediate", { "production-billing-policies-enabled": { enforcementLevel: "remediate" } });
      const up = await project.pulumiOk(withPack(["up", "--yes", "--skip-preview"], remediate));
      expect(up.output).toContain("production-billing-policies-enabled");
      const outputs = await project.outputs();
      expect(outputs.status).toBe("Enabled");
      const policy = await control.request<{ status: string }>("GET", `objects/billingPolicies/${outputs.billingPolicyId as string}`);
      expect(policy.status).toBe("Enabled");
      await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    }, 300_000);
  });

  describe("rules across resources (programs/policy-stack)", () => {
    let project: PulumiProject;

    beforeAll(async () => {
      project = PulumiProject.create("test/e2e/programs/policy-stack", emulator.env);
      await project.initStack("prod");
    }, 120_000);

    afterAll(() => project?.cleanup());

    test("during preview, a billing link is matched to its environment through the dependency", async () => {
      const preview = await project.pulumi(withPack(["preview"]));
      expect(preview.code).toBe(0);
      expect(violationLines(preview)).toEqual([]);
      expect(preview.output).not.toContain("can't run policy");
    }, 120_000);

    test("an environment without a link is reported (advisory), an unprotected one blocks (mandatory)", async () => {
      await project.pulumiOk(["config", "set", "link", "false"]);
      const unlinked = await project.pulumi(withPack(["preview"]));
      expect(unlinked.code).toBe(0);
      expect(violationLines(unlinked)).toEqual([expect.stringMatching(/\[advisory\].*environments-linked-to-billing-policy.*Environment: finance/)]);
      expect(unlinked.output).toContain('Environment "finance" violates environments-linked-to-billing-policy: the Production environment is not linked to any billing policy.');

      await project.pulumiOk(["config", "set", "protect", "false"]);
      const unprotected = await project.pulumi(withPack(["preview"]));
      expect(unprotected.code).not.toBe(0);
      expect(unprotected.output).toContain('Environment "finance" violates production-environments-protected');
    }, 180_000);

    test("a Production environment that is not a managed environment blocks (mandatory)", async () => {
      await project.pulumiOk(["config", "set", "protect", "true"]);
      await project.pulumiOk(["config", "set", "managed", "false"]);
      const unmanaged = await project.pulumi(withPack(["preview"]));
      expect(unmanaged.code).not.toBe(0);
      expect(unmanaged.output).toContain('Environment "finance" violates production-environments-managed: the Production environment is not a managed environment.');
      await project.pulumiOk(["config", "set", "managed", "true"]);
    }, 120_000);

    // Stack rules judge the whole stack: they block a preview (the gate before up), not an up that skips it.
    test("a Production environment covered by no DLP policy blocks the preview (mandatory)", async () => {
      await project.pulumiOk(["config", "set", "link", "true"]);
      await project.pulumiOk(["config", "set", "dlp", "elsewhere"]);
      const preview = await project.pulumi(withPack(["preview"]));
      expect(preview.code).not.toBe(0);
      expect(violationLines(preview)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/\[mandatory\].*production-environments-covered-by-dlp.*Environment: finance/),
          expect.stringMatching(/\[advisory\].*dlp-all-environments-policy-exists/),
        ]),
      );
      expect(preview.output).toContain(
        'Environment "finance" violates production-environments-covered-by-dlp: the Production environment is covered by no DLP policy (the stack\'s: "elsewhere").',
      );
    }, 180_000);

    test("a DLP policy for all environments covers it; a high-risk connector outside the blocked group fails when configured", async () => {
      await project.pulumiOk(["config", "set", "dlp", "all"]);
      const covered = await project.pulumi(withPack(["preview"]));
      expect(covered.code).toBe(0);
      // No high-risk connector configured: the rule does not judge.
      expect(violationLines(covered)).toEqual([]);

      const highRisk = packConfig(project, "high-risk", { "dlp-high-risk-connectors-blocked": { highRiskConnectors: ["shared_dropbox", "shared_ftp"] } });
      const refused = await project.pulumi(withPack(["preview"], highRisk));
      expect(refused.code).not.toBe(0);
      // One violation per connector.
      expect(violationLines(refused)).toEqual([
        expect.stringMatching(/\[mandatory\].*dlp-high-risk-connectors-blocked.*DataLossPreventionPolicy: baseline/),
        expect.stringMatching(/\[mandatory\].*dlp-high-risk-connectors-blocked.*DataLossPreventionPolicy: baseline/),
      ]);
      expect(refused.output).toContain('DataLossPreventionPolicy "baseline" violates dlp-high-risk-connectors-blocked: the high-risk connector shared_dropbox is in businessConnectors. Add "shared_dropbox" to blockedConnectors and remove it from businessConnectors.');
      expect(refused.output).toContain("the high-risk connector shared_ftp is not listed, so it falls in the default group NonBusiness");
      await project.pulumiOk(["config", "rm", "dlp"]);
    }, 180_000);

    test("a Trial environment blocks a production stack", async () => {
      await project.pulumiOk(["config", "set", "environmentSku", "Trial"]);
      const preview = await project.pulumi(withPack(["preview"]));
      expect(preview.code).not.toBe(0);
      expect(preview.output).toContain('Environment "finance" violates no-trial-or-developer-environments-in-production: environmentSku "Trial" is not allowed in a production stack.');
    }, 120_000);
  });
});
