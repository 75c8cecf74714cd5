/**
 * `powerplatform-export-tenant` end to end: the emulator is seeded with a tenant holding
 * every kind of object the tenant file manages (billing policies and links, environments
 * with and without Dataverse, a non-default Dataverse language, currency and security
 * group, installed packages, flows with a state and co-owners, DLP policies with connector
 * rules and URL patterns, tenant settings; some made out of band through the control API,
 * as an admin would in the portal). The export is written by
 * the bin, validated like the root program validates it, and then:
 * - the first `pulumi up` of the root program on it adopts every object with ZERO writes
 *   (no POST, PUT, PATCH or DELETE in the emulator's request log, but for the POST that
 *   reads the tenant settings, listTenantSettings);
 * - `pulumi preview --refresh --expect-no-changes` passes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, parseDocument } from "yaml";
import { parseTenantFile } from "../../program/tenantFile";
import { SEED } from "../emulator/seed";
import type { RunningEmulator } from "../emulator/server";
import { EmulatorControl, PulumiProject, repoRoot, runCommand, startTestEmulator } from "./harness";

const bin = path.join(repoRoot, "provider", "bin", "powerplatform-export-tenant.js");
const writes = ["POST", "PUT", "PATCH", "DELETE"];
/** A request that changes something: the tenant settings are read with a POST (listTenantSettings), which changes nothing. */
const isWrite = (r: { method: string; path: string }) => writes.includes(r.method) && !/\/listTenantSettings$/.test(r.path);

const ids = {
  munich: "e2000000-0000-4000-8000-000000000001",
  secondTrial: "e2000000-0000-4000-8000-000000000002",
  euFlow: "f2000000-0000-4000-8000-000000000001",
  securityGroup: "c2000000-0000-4000-8000-0000000000c1",
  baseline: "d2000000-0000-4000-8000-000000000001",
  salesOnly: "d2000000-0000-4000-8000-000000000002",
};

const apis = (name: string) => ({ id: `/providers/Microsoft.PowerApps/apis/${name}`, name, type: "Microsoft.PowerApps/apis" });
const scope = (id: string) => ({ id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${id}`, name: id, type: "Microsoft.BusinessAppPlatform/scopes/environments" });

describe("export-tenant: an existing tenant adopted by the exported file, with zero writes", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;

  const exportTenant = (...args: string[]) => runCommand("node", [bin, ...args], { cwd: project.dir, env: project.env });

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    // Out of band, on top of the default seed (test/emulator/README.md, "Default seed").
    await control.request("POST", "objects/environments", {
      name: ids.munich,
      displayName: "München Vertrieb",
      description: "Sales, Germany",
      environmentSku: "Sandbox",
      location: "europe",
      azureRegion: "germanywestcentral",
      dataverse: { domainName: "contoso-muenchen", languageCode: 1031, currencyCode: "EUR", securityGroupId: ids.securityGroup },
    });
    // A second environment with the same display name as the seeded "Contoso Trial": keys stay unique.
    await control.request("POST", "objects/environments", { name: ids.secondTrial, displayName: "Contoso Trial", environmentSku: "Trial", location: "europe" });
    await control.request("POST", "objects/billingPolicyLinks", { environmentId: ids.munich, billingPolicyId: SEED.billingPolicies.europe });
    await control.request("POST", "objects/applicationInstalls", { environmentId: ids.munich, uniqueName: SEED.packages.installable, state: "Installed" });
    await control.request("POST", "objects/applicationInstalls", { environmentId: ids.munich, uniqueName: SEED.packages.other, state: "None" });
    await control.request("POST", "objects/flows", { name: ids.euFlow, environmentId: ids.munich, displayName: "Daily report", state: "Started" });
    const [owner] = await control.request<Array<Record<string, unknown>>>("GET", `objects/flowPermissions/${ids.euFlow}`);
    const permission = (principal: { id: string; type: string }, roleName: string) => ({
      ...owner,
      name: principal.id,
      id: `/providers/Microsoft.ProcessSimple/environments/${ids.munich}/flows/${ids.euFlow}/permissions/${principal.id}`,
      properties: { roleName, permissionType: "Principal", principal },
    });
    await control.request("PUT", `objects/flowPermissions/${ids.euFlow}`, [
      owner,
      permission({ id: SEED.makerUser.objectId, type: "User" }, "CanEdit"),
      permission({ id: SEED.group.objectId, type: "Group" }, "CanView"),
      permission({ id: SEED.certificateApp.objectId, type: "ServicePrincipal" }, "CanEdit"),
    ]);
    // The Production environment is a managed environment (turned on in the admin center).
    await control.request("PATCH", `objects/environments/${SEED.environments.production}`, {
      properties: { governanceConfiguration: { protectionLevel: "Standard", settings: { extendedSettings: { solutionCheckerMode: "block", isGroupSharingDisabled: "true", maxLimitUserSharing: "25", limitSharingMode: "excludeSharingToSecurityGroups", excludeEnvironmentFromAnalysis: "false", suppressValidationEmails: "false", solutionCheckerRuleOverrides: "", makerOnboardingUrl: "", makerOnboardingMarkdown: "", includeOnHomepageInsights: "false", disableAiGeneratedDescriptions: "false" } } } },
    });
    // DLP policies made in the admin center: a tenant baseline with connector rules, and one for two environments.
    await control.request("POST", "objects/dlpPolicies", {
      id: ids.baseline,
      policyDefinition: {
        name: ids.baseline,
        displayName: "Tenant baseline",
        defaultConnectorsClassification: "Blocked",
        environmentType: "AllEnvironments",
        environments: [],
        connectorGroups: [
          { classification: "Confidential", connectors: [apis("shared_sql"), apis("shared_office365")] },
          { classification: "General", connectors: [apis("shared_office365users")] },
          { classification: "Blocked", connectors: [] },
        ],
        createdBy: { displayName: "Portal Admin" },
        createdTime: "2026-01-01T00:00:00Z",
      },
      connectorConfigurationsDefinition: {
        connectorActionConfigurations: [{ connectorId: "/providers/Microsoft.PowerApps/apis/shared_sql", defaultConnectorActionRuleBehavior: "Allow", actionRules: [{ actionId: "DeleteItem_V2", behavior: "Block" }] }],
        endpointConfigurations: [{ connectorId: "/providers/Microsoft.PowerApps/apis/shared_sql", endpointRules: [{ order: 1, behavior: "Allow", endpoint: "sql.contoso.com" }, { order: 2, behavior: "Deny", endpoint: "*" }] }],
      },
      customConnectorUrlPatternsDefinition: { rules: [{ order: 1, customConnectorRuleClassification: "Ignore", pattern: "*" }] },
    });
    await control.request("POST", "objects/dlpPolicies", {
      id: ids.salesOnly,
      policyDefinition: {
        name: ids.salesOnly,
        displayName: "Sales only",
        defaultConnectorsClassification: "General",
        environmentType: "OnlyEnvironments",
        environments: [scope(ids.munich), scope(SEED.environments.production)],
        connectorGroups: [
          { classification: "Confidential", connectors: [] },
          { classification: "General", connectors: [] },
          { classification: "Blocked", connectors: [apis("shared_dropbox"), apis("shared_twitter")] },
        ],
        createdTime: "2026-02-01T00:00:00Z",
      },
      customConnectorUrlPatternsDefinition: {
        rules: [
          { order: 1, customConnectorRuleClassification: "Confidential", pattern: "https://*.contoso.com" },
          { order: 2, customConnectorRuleClassification: "Ignore", pattern: "*" },
        ],
      },
    });
    // Trial environments restricted to admins, in the admin center.
    await control.request("PATCH", "objects/tenantSettings", { disableTrialEnvironmentCreationByNonAdminUsers: true });
    project = PulumiProject.createRootProgram(emulator.env);
    await project.initStack("adopted");
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  test("the export is a valid tenant file holding every object, adopted, with its immutable fields", async () => {
    await control.clearRequests();
    const result = await exportTenant("--stack", "adopted");
    expect(result.stderr).toContain("not exported: environment Default-");
    expect(result.code).toBe(0);
    expect((await control.apiRequests()).filter(isWrite)).toEqual([]);

    const file = path.join(project.dir, "tenants", "adopted.yaml");
    const text = fs.readFileSync(file, "utf8");
    const tenant = parseTenantFile(text, file); // throws, listing every problem, when invalid
    expect(Object.keys(tenant.environments).sort()).toEqual(["contoso-production", "contoso-sandbox-eu", "contoso-trial", "contoso-trial-2", "maker-developer", "munchen-vertrieb"]);
    expect(tenant.environments["munchen-vertrieb"]).toEqual({
      displayName: "München Vertrieb",
      description: "Sales, Germany",
      location: "europe",
      environmentSku: "Sandbox",
      azureRegion: "germanywestcentral",
      securityGroupId: ids.securityGroup,
      dataverse: { languageCode: 1031, currencyCode: "EUR", domainName: "contoso-muenchen" },
      applications: [SEED.packages.installable],
      adoptId: ids.munich,
      retainOnDelete: true,
    });
    expect(tenant.environments["contoso-production"]).toMatchObject({ adoptId: SEED.environments.production, protect: true, retainOnDelete: true, applications: [SEED.packages.other] });
    // Its managed-environment settings, where they differ from a ManagedEnvironment's defaults (adopted with zero writes below).
    expect(tenant.environments["contoso-production"].managed).toEqual({ limitSharingMode: "ExcludeSharingToSecurityGroups", groupSharingDisabled: true, maxLimitUserSharing: 25, solutionCheckerMode: "Block" });
    expect(tenant.environments["contoso-trial"].dataverse).toBeUndefined();
    expect(tenant.billingPolicies["payg-us"]).toMatchObject({ adoptId: SEED.billingPolicies.us, environments: ["contoso-production"], status: "Enabled", retainOnDelete: true });
    expect(tenant.billingPolicies["payg-europe"]).toMatchObject({ adoptId: SEED.billingPolicies.europe, environments: ["munchen-vertrieb"] });
    expect(tenant.flows["daily-report"]).toMatchObject({ environment: "contoso-production", flowId: SEED.flows.dailyReport, state: "Started" });
    expect(tenant.flows["daily-report-2"]).toEqual({
      environment: "munchen-vertrieb",
      flowId: ids.euFlow,
      state: "Started",
      owners: [
        { principalId: SEED.certificateApp.objectId, principalType: "ServicePrincipal", role: "CanEdit" },
        { principalId: SEED.makerUser.objectId, principalType: "User", role: "CanEdit" },
        { principalId: SEED.group.objectId, principalType: "Group", role: "CanView" },
      ].sort((a, b) => a.principalId.localeCompare(b.principalId)),
      retainOnDelete: true,
    });
    // The suspended flow: its co-owners only, and said so.
    expect(tenant.flows["nightly-sync"].state).toBeUndefined();
    expect(text).toMatch(/# - flow f1000000-0000-4000-8000-000000000003 "Nightly sync" .*state Suspended is not managed/);
    // A comment per object saying where it came from.
    expect(text).toContain(`# environment ${ids.munich} "München Vertrieb", created `);
    expect(text).toMatch(new RegExp(`# billing policy ${SEED.billingPolicies.us} "payg-us", created [^;]+; exported \\d{4}-\\d\\d-\\d\\dT`));
    expect(text).toContain(`# flow ${ids.euFlow} "Daily report" in environment "München Vertrieb"`);
    expect(text).toMatch(/^# Exported from the live tenant by powerplatform-export-tenant at \S+, for stack "adopted"\./);

    // DLP policies: adopted, scoped by environment keys, connectors as the tenant file takes them, defaults left out.
    expect(tenant.dlpPolicies).toEqual({
      "sales-only": {
        displayName: "Sales only",
        environmentType: "OnlyEnvironments",
        environments: ["contoso-production", "munchen-vertrieb"],
        blockedConnectors: ["shared_dropbox", "shared_twitter"],
        customConnectorUrlPatterns: [
          { order: 1, hostUrlPattern: "https://*.contoso.com", dataGroup: "Business" },
          { order: 2, hostUrlPattern: "*", dataGroup: "Ignore" },
        ],
        adoptId: ids.salesOnly,
        retainOnDelete: true,
      },
      "tenant-baseline": {
        displayName: "Tenant baseline",
        defaultConnectorsClassification: "Blocked",
        environmentType: "AllEnvironments",
        businessConnectors: [
          "shared_office365",
          {
            id: "shared_sql",
            defaultActionRuleBehavior: "Allow",
            actionRules: [{ actionId: "DeleteItem_V2", behavior: "Block" }],
            endpointRules: [
              { order: 1, behavior: "Allow", endpoint: "sql.contoso.com" },
              { order: 2, behavior: "Deny", endpoint: "*" },
            ],
          },
        ],
        nonBusinessConnectors: ["shared_office365users"],
        adoptId: ids.baseline,
        retainOnDelete: true,
      },
    });
    expect(text).toContain(`# DLP policy ${ids.baseline} "Tenant baseline", created 2026-01-01T00:00:00Z; exported `);
    // Tenant settings: the governance ones (--tenant-settings governance, the default), as the tenant has them.
    expect(tenant.tenantSettings).toEqual({
      disableEnvironmentCreationByNonAdminUsers: false,
      disableTrialEnvironmentCreationByNonAdminUsers: true,
      powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: false } },
      retainOnDelete: true,
    });
  });

  test("the first up adopts everything with zero writes; a refresh preview then shows no change", async () => {
    await project.pulumiOk(["config", "set", "tenantFile", path.join(project.dir, "tenants", "adopted.yaml")]);
    await control.clearRequests();
    const up = await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const { managed } = (await project.outputs()) as { managed: { environments: Record<string, { id: string }>; billingLinks: number; applicationInstalls: string[]; flowStates: Record<string, string>; flowOwners: Record<string, number>; managedEnvironments: Record<string, string>; dlpPolicies: Record<string, { id: string; environmentType: string }>; tenantSettings?: Record<string, unknown> } };
    expect(Object.values(managed.environments).map((e) => e.id)).toContain(ids.munich);
    expect(managed.managedEnvironments).toEqual({ "contoso-production": "Standard" });
    expect(Object.keys(managed.environments)).toHaveLength(6);
    expect(managed.billingLinks).toBe(2);
    expect(managed.applicationInstalls.sort()).toEqual([`${SEED.packages.installable}: Installed`, `${SEED.packages.other}: Installed`]);
    expect(managed.flowStates).toEqual({ "daily-report": "Started", "daily-report-2": "Started", "invoice-approval": "Stopped" });
    expect(managed.flowOwners).toEqual({ "daily-report": 1, "daily-report-2": 3, "invoice-approval": 1, "nightly-sync": 0 });
    expect(managed.dlpPolicies).toEqual({ "sales-only": { id: ids.salesOnly, environmentType: "OnlyEnvironments" }, "tenant-baseline": { id: ids.baseline, environmentType: "AllEnvironments" } });
    expect(managed.tenantSettings).toMatchObject({ disableTrialEnvironmentCreationByNonAdminUsers: true });
    const requests = await control.apiRequests();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter(isWrite).map((r) => `${r.method} ${r.path}`)).toEqual([]);

    const preview = await project.pulumi(["preview", "--refresh", "--expect-no-changes"]);
    expect(preview.output).not.toMatch(/~ update|\+ create|- delete|\+- replace/);
    expect(preview.code).toBe(0);
    expect((await control.apiRequests()).filter(isWrite)).toEqual([]);
  });

  test("the defaults for adopted objects hold: an entry removed from the file is forgotten, not deleted; destroy stops at a protected Production environment", async () => {
    const file = path.join(project.dir, "tenants", "adopted.yaml");
    const doc = parseDocument(fs.readFileSync(file, "utf8"));
    doc.deleteIn(["environments", "munchen-vertrieb"]);
    doc.deleteIn(["flows", "daily-report-2"]);
    doc.deleteIn(["billingPolicies", "payg-europe", "environments"]);
    doc.deleteIn(["dlpPolicies", "sales-only"]);
    fs.writeFileSync(file, doc.toString());
    // The mass-deletion guard counts forgotten objects too: allowed explicitly.
    await project.pulumiOk(["config", "set", "allowDeletions", "6"]);
    await control.clearRequests();
    const up = await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(up.output).toMatch(/6 deleted/);
    expect((await control.apiRequests()).filter(isWrite).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    // Still there, untouched: the environment, its link to the policy, the flow's co-owners.
    await control.request("GET", `objects/environments/${ids.munich}`);
    expect(await control.request("GET", `objects/billingPolicyLinks/${ids.munich}`)).toMatchObject({ billingPolicyId: SEED.billingPolicies.europe });
    expect(await control.request<unknown[]>("GET", `objects/flowPermissions/${ids.euFlow}`)).toHaveLength(4);
    expect(await control.request("GET", `objects/dlpPolicies/${ids.salesOnly}`)).toMatchObject({ policyDefinition: { displayName: "Sales only" } });

    const destroy = await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code).not.toBe(0);
    expect(destroy.output).toMatch(/contoso-production[\s\S]*protect|protect[\s\S]*contoso-production/);
    expect((await control.apiRequests()).filter(isWrite).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    await control.request("GET", `objects/environments/${SEED.environments.production}`);
  });

  test("--stack-config: credentials and endpoints from the stack's powerplatform:* configuration, the secret never printed", async () => {
    const secret = emulator.admin.clientSecret;
    for (const [key, value] of Object.entries({
      "powerplatform:tenantId": SEED.tenantId,
      "powerplatform:clientId": SEED.admin.clientId,
      "powerplatform:apiUrl": emulator.env.POWERPLATFORM_API_URL!,
      "powerplatform:bapUrl": emulator.env.POWERPLATFORM_BAP_URL!,
      "powerplatform:flowUrl": emulator.env.POWERPLATFORM_FLOW_URL!,
    })) {
      await project.pulumiOk(["config", "set", key, value]);
    }
    await project.pulumiOk(["config", "set", "--secret", "powerplatform:clientSecret", secret]);
    const bareEnv = { ...project.env, AZURE_TENANT_ID: "", AZURE_CLIENT_ID: "", AZURE_CLIENT_SECRET: "", POWERPLATFORM_API_URL: "", POWERPLATFORM_BAP_URL: "", POWERPLATFORM_FLOW_URL: "" };
    const out = path.join(project.dir, "from-config.yaml");
    const run = (...args: string[]) => runCommand("node", [bin, "--stack", "adopted", "--out", out, "--force", "--kinds", "billingPolicies", ...args], { cwd: project.dir, env: bareEnv });

    const withoutConfig = await run();
    expect(withoutConfig.code).toBe(1);
    expect(withoutConfig.stderr).toMatch(/could not export the tenant: .*token/i);
    const withConfig = await run("--stack-config");
    expect(withConfig.stderr).toBe("");
    expect(withConfig.code).toBe(0);
    expect(Object.keys(parseTenantFile(fs.readFileSync(out, "utf8"), out).billingPolicies).sort()).toEqual(["payg-europe", "payg-us"]);
    expect(withConfig.output + withoutConfig.output).not.toContain(secret);

    const noStack = await runCommand("node", [bin, "--stack", "nosuchstack", "--out", out, "--force", "--stack-config"], { cwd: project.dir, env: bareEnv });
    expect(noStack.code).toBe(1);
    expect(noStack.stderr).toMatch(/could not export the tenant: cannot read the configuration of stack "nosuchstack" with `pulumi config`/);
  });

  test("--environment and --kinds select what is exported; an existing file is kept without --force", async () => {
    const out = path.join(project.dir, "selected.yaml");
    const selected = await exportTenant("--stack", "adopted", "--out", out, "--environment", "münchen vertrieb", "--environment", SEED.environments.trial, "--kinds", "environments,flows");
    expect(selected.code).toBe(0);
    const tenant = parse(fs.readFileSync(out, "utf8")) as Record<string, Record<string, { adoptId?: string; environment?: string }>>;
    expect(Object.keys(tenant).sort()).toEqual(["environments", "flows"]);
    expect(Object.values(tenant.environments).map((e) => e.adoptId).sort()).toEqual([SEED.environments.trial, ids.munich].sort());
    expect(Object.values(tenant.flows).map((f) => f.environment)).toEqual(["munchen-vertrieb"]);

    // Billing policies alone: a link to an environment not exported names it by id.
    const policiesOnly = await exportTenant("--stack", "adopted", "--out", out, "--force", "--kinds", "billingPolicies");
    expect(policiesOnly.code).toBe(0);
    const policies = parseTenantFile(fs.readFileSync(out, "utf8"), out);
    expect(policies.billingPolicies["payg-us"].environments).toEqual([SEED.environments.production]);

    const kept = await exportTenant("--stack", "adopted", "--out", out);
    expect(kept.code).toBe(1);
    expect(kept.stderr).toContain("exists: pass --force");
    const unknown = await exportTenant("--stack", "adopted", "--out", out, "--force", "--environment", "Marketing");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/--environment "Marketing" names no environment of the tenant/);
    const badKind = await exportTenant("--stack", "adopted", "--kinds", "environments,apps");
    expect(badKind.code).toBe(1);
    expect(badKind.stderr).toContain("--kinds must list some of billingPolicies, environments, flows");
  });
});
