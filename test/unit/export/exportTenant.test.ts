/**
 * The tenant export without a service: keys derived from names (valid for the tenant
 * file schema, unique, stable), what is read from the data functions and what is left
 * out, and the YAML written (valid, parsed back to the same data, a comment per object).
 */
import { parse, parseDocument } from "yaml";
import type { PowerPlatformClient } from "../../../provider/client";
import { KeyAllocator, maxKeyLength, slugOf } from "../../../provider/export/keys";
import { readTenantForExport, type TenantExport } from "../../../provider/export/readTenant";
import { renderTenantFile } from "../../../provider/export/render";
import { parseKinds, parseTenantSettingsSelection } from "../../../provider/export/cli";
import { changedDlpProperties, dataLossPreventionPolicyHandler, dlpPolicyOutputsFrom } from "../../../provider/resources/dataLossPreventionPolicy";
import type { DlpPolicyDto } from "../../../provider/client/api/dlpPolicies";
import { parseTenantFile } from "../../../program/tenantFile";

const schemaKey = /^[a-z][a-z0-9-]{0,62}$/;

describe("keys derived from names", () => {
  test.each([
    ["Contoso Production", "contoso-production"],
    ["München Vertrieb", "munchen-vertrieb"],
    ["  Sales -- EU (test) ", "sales-eu-test"],
    ["2024 Budget", "env-2024-budget"],
    ["営業", "env"],
    ["", "env"],
    ["---", "env"],
  ])("%j → %s", (name, key) => {
    expect(slugOf(name, "env")).toBe(key);
  });

  test("every key fits the schema, however long or strange the name", () => {
    const names = ["x".repeat(200), `a${"-".repeat(70)}b`, `${"word ".repeat(30)}end`, "9".repeat(80), "Ünïcödé ñame", "tab\there", "line\nbreak"];
    const keys = new KeyAllocator("env");
    for (const name of names) {
      const key = keys.allocate(name);
      expect(key).toMatch(schemaKey);
      expect(key.length).toBeLessThanOrEqual(maxKeyLength);
      expect(key).not.toMatch(/-$/);
    }
  });

  test("names with the same slug get -2, -3…, still within the length limit", () => {
    const keys = new KeyAllocator("env");
    expect(["Sales", "sales", "SALES!"].map((n) => keys.allocate(n))).toEqual(["sales", "sales-2", "sales-3"]);
    const long = new KeyAllocator("env");
    const a = long.allocate("y".repeat(100));
    const b = long.allocate("y".repeat(100));
    expect(a).toBe("y".repeat(63));
    expect(b).toBe(`${"y".repeat(61)}-2`);
    // A name whose own slug is a suffixed key does not take an allocated one.
    const mixed = new KeyAllocator("env");
    expect(["Sales", "Sales 2", "Sales"].map((n) => mixed.allocate(n))).toEqual(["sales", "sales-2", "sales-3"]);
  });

  test("--kinds: known kinds, each once; anything else refused", () => {
    expect(parseKinds(undefined)).toEqual(["billingPolicies", "environments", "flows", "environmentGroups", "dlpPolicies", "tenantSettings"]);
    expect(parseKinds("flows, environments,flows")).toEqual(["flows", "environments"]);
    expect(() => parseKinds("environments,apps")).toThrow(/--kinds must list some of billingPolicies, environments, flows, environmentGroups, dlpPolicies, tenantSettings/);
    expect(() => parseKinds(",")).toThrow(/--kinds/);
  });
});

// ---------- reading the tenant through the data functions (a client with canned answers) ----------

const env = (name: string, displayName: string, sku: string, location: string, extra: Record<string, unknown> = {}) => ({
  id: `/providers/Microsoft.BusinessAppPlatform/environments/${name}`,
  name,
  location,
  properties: { displayName, environmentSku: sku, azureRegion: "WestEurope", provisioningState: "Succeeded", createdTime: "2024-05-01T10:00:00Z", ...extra },
});
const dataverse = (domainName: string, extra: Record<string, unknown> = {}) => ({
  linkedEnvironmentMetadata: { domainName, instanceUrl: `https://${domainName}.crm4.dynamics.com/`, baseLanguage: 1036, ...extra },
});
const permission = (id: string, type: string, roleName: string, displayName?: string) => ({
  name: id,
  properties: { roleName, principal: { id, type, ...(displayName ? { displayName } : {}) } },
});

const ids = {
  paris: "e3000000-0000-4000-8000-000000000001",
  lyon: "e3000000-0000-4000-8000-000000000002",
  teams: "e3000000-0000-4000-8000-000000000003",
  locked: "e3000000-0000-4000-8000-000000000004",
  policy: "b3000000-0000-4000-8000-000000000001",
  flowA: "f3000000-0000-4000-8000-000000000001",
  flowB: "f3000000-0000-4000-8000-000000000002",
  flowC: "f3000000-0000-4000-8000-000000000003",
  user: "c3000000-0000-4000-8000-0000000000a1",
  group: "C3000000-0000-4000-8000-0000000000B1",
  environmentGroup: "0e300000-0000-4000-8000-000000000001",
  baseline: "d3000000-0000-4000-8000-000000000001",
  ventesOnly: "d3000000-0000-4000-8000-000000000002",
  oddDlp: "d3000000-0000-4000-8000-000000000003",
};

const apis = (name: string) => ({ id: `/providers/Microsoft.PowerApps/apis/${name}`, name, type: "Microsoft.PowerApps/apis" });
const scope = (id: string) => ({ id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${id}`, name: id, type: "Microsoft.BusinessAppPlatform/scopes/environments" });
const defaultPattern = { rules: [{ order: 1, customConnectorRuleClassification: "Ignore", pattern: "*" }] };
/** DLP policies as GET …/v2/policies returns them: one per scope type the file declares, one it cannot. */
const dlpPolicies = [
  {
    policyDefinition: {
      name: ids.ventesOnly.toUpperCase(),
      displayName: "Ventes only",
      defaultConnectorsClassification: "General",
      environmentType: "OnlyEnvironments",
      environments: [scope(ids.teams), scope(ids.paris)],
      connectorGroups: [
        { classification: "Confidential", connectors: [] },
        { classification: "General", connectors: [] },
        { classification: "Blocked", connectors: [apis("shared_twitter"), apis("shared_dropbox")] },
      ],
      createdTime: "2025-02-01T00:00:00Z",
    },
    customConnectorUrlPatternsDefinition: {
      rules: [
        { order: 2, customConnectorRuleClassification: "Ignore", pattern: "*" },
        { order: 1, customConnectorRuleClassification: "Confidential", pattern: "https://*.contoso.com" },
      ],
    },
  },
  {
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
    },
    connectorConfigurationsDefinition: {
      connectorActionConfigurations: [{ connectorId: "/providers/Microsoft.PowerApps/apis/shared_sql", defaultConnectorActionRuleBehavior: "Allow", actionRules: [{ actionId: "DeleteItem_V2", behavior: "Block" }] }],
      endpointConfigurations: [{ connectorId: "/providers/Microsoft.PowerApps/apis/shared_sql", endpointRules: [{ order: 2, behavior: "Deny", endpoint: "*" }, { order: 1, behavior: "Allow", endpoint: "sql.contoso.com" }] }],
    },
    customConnectorUrlPatternsDefinition: defaultPattern,
  },
  {
    policyDefinition: {
      name: ids.oddDlp,
      displayName: "Custom connector policy",
      defaultConnectorsClassification: "General",
      environmentType: "ExceptEnvironments",
      environments: [scope(ids.lyon)],
      connectorGroups: [{ classification: "Confidential", connectors: [{ id: `/providers/Microsoft.PowerApps/scopes/admin/environments/${ids.lyon}/apis/shared_contoso-5f`, name: "shared_contoso-5f", type: "Microsoft.PowerApps/apis" }] }],
    },
    customConnectorUrlPatternsDefinition: defaultPattern,
  },
];

/** The tenant settings object (a part of it: the service sends every setting). */
const tenantSettingsObject = {
  walkMeOptOut: false,
  disableTrialEnvironmentCreationByNonAdminUsers: true,
  disableEnvironmentCreationByNonAdminUsers: false,
  notATenantFileSetting: true,
  powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: true, disableAdminDigest: false, additionalAdminDigestEmailRecipients: "a@contoso.com" } },
};

function fakeTenant(environmentOrder: "forward" | "reverse" = "forward") {
  const environments = [
    env("Default-8d1f7a2e-5c3b-4e1a-9f0d-2b6c4e8a1d00", "Contoso (default)", "Default", "europe", { isDefault: true }),
    env(ids.paris, "Ventes", "Production", "france", {
      ...dataverse("ventes-paris", { securityGroupId: "D3000000-0000-4000-8000-0000000000C1" }),
      description: "Ventes, Paris",
      parentEnvironmentGroup: { id: ids.environmentGroup },
    }),
    env(ids.lyon, "Ventes", "Sandbox", "france", dataverse("ventes-lyon")),
    env(ids.teams, "Team space", "Teams", "france"),
    env(ids.locked, "Locked", "Sandbox", "france", dataverse("locked")),
  ];
  const reads: string[] = [];
  const client = {
    environments: { list: async () => (environmentOrder === "forward" ? environments : [...environments].reverse()) },
    environmentGroups: {
      list: async () => [{ id: ids.environmentGroup.toUpperCase(), displayName: "Ventes France", description: "", createdTime: "2024-06-01T00:00:00Z" }],
      getRuleSet: async () => ({
        id: "r",
        parameters: [
          { type: "Lifecycle", resourceType: "NotSpecified", value: [{ id: "RetentionPeriod", value: "21.00:00:00" }] },
          // The service's spelling, as recorded (environmentGroups.ruleSetGet).
          { type: "Sharing", resourceType: "App", value: [{ id: "CanShareWithSecurityGroups", value: "excludeSharingToSecurityGroups" }, { id: "IsGroupSharingDisabled", value: "true" }, { id: "MaximumShareLimit", value: "42" }] },
          { type: "SolutionChecker", resourceType: "NotSpecified", value: [{ id: "solutionCheckerMode", value: "warn" }, { id: "suppressValidationEmails", value: "false" }] },
        ],
      }),
    },
    dataverse: {
      baseCurrencyCode: async (instanceUrl: string) => {
        reads.push(instanceUrl);
        if (instanceUrl.includes("locked")) throw new Error("403 Forbidden: the principal is not a user of this organization\nmore");
        return "EUR";
      },
    },
    applicationPackages: {
      listForEnvironment: async (id: string) =>
        id === ids.paris
          ? [
              { uniqueName: "msdyn_FlowApprovals", state: "Installed" },
              { uniqueName: "MicrosoftFormsPro", state: "None" },
              { uniqueName: "AnotherApp", state: "InstallFailed" },
            ]
          : [],
    },
    dlpPolicies: { list: async () => structuredClone(environmentOrder === "forward" ? dlpPolicies : [...dlpPolicies].reverse()) },
    tenantSettings: { get: async () => structuredClone(tenantSettingsObject) },
    billingPolicies: {
      list: async () => [
        { id: ids.policy, name: "payg-france", location: "france", status: "Enabled", billingInstrument: { subscriptionId: "5B0C0000-0000-4000-8000-000000000001", resourceGroup: "rg-billing" }, createdOn: "2024-04-01T00:00:00Z" },
        { id: "b3000000-0000-4000-8000-000000000002", name: "has spaces", location: "france", status: "Enabled", billingInstrument: { subscriptionId: "5b0c0000-0000-4000-8000-000000000001", resourceGroup: "rg" } },
      ],
      listEnvironments: async (policyId: string) => (policyId === ids.policy ? [{ environmentId: ids.paris }, { environmentId: ids.teams }] : []),
    },
    flows: {
      list: async (environmentId: string) => {
        if (environmentId === ids.lyon) throw new Error("403 Forbidden: no admin access\nmore detail");
        return environmentId === ids.paris
          ? [
              { name: ids.flowA, properties: { displayName: "Relance", state: "Started" } },
              { name: ids.flowB, properties: { displayName: "Relance", state: "Suspended" } },
              { name: ids.flowC, properties: { displayName: "Odd owners", state: "Suspended" } },
            ]
          : [];
      },
      listPermissions: async (_env: string, flowId: string) =>
        flowId === ids.flowC
          ? [permission(ids.user, "User", "Owner"), permission("c3000000-0000-4000-8000-0000000000d1", "Tenant", "CanView")]
          : [permission(ids.user, "User", "Owner", "Admin"), permission(ids.group, "Group", "CanView", "Flow\nOwners")],
    },
  };
  return { client: client as unknown as PowerPlatformClient, reads };
}

const exportedAt = new Date("2026-11-30T12:00:00.000Z");

describe("reading the tenant for an export", () => {
  test("every object adopted with its immutable fields; what cannot be declared is skipped with the reason", async () => {
    const { client, reads } = fakeTenant();
    const tenant = await readTenantForExport({ exportedAt }, { client });
    expect(tenant.exportedAt).toBe("2026-11-30T12:00:00Z");
    expect(tenant.environments.map((e) => e.key)).toEqual(["ventes", "ventes-2"]);
    const paris = tenant.environments.find((e) => e.spec.adoptId === ids.paris)!;
    expect(paris.spec).toEqual({
      displayName: "Ventes",
      description: "Ventes, Paris",
      location: "france",
      environmentSku: "Production",
      azureRegion: "westeurope",
      securityGroupId: "d3000000-0000-4000-8000-0000000000c1",
      dataverse: { languageCode: 1036, currencyCode: "EUR", domainName: "ventes-paris" },
      applications: ["msdyn_FlowApprovals"],
      adoptId: ids.paris,
      protect: true,
      retainOnDelete: true,
    });
    expect(paris.source).toBe(`environment ${ids.paris} "Ventes", created 2024-05-01T10:00:00Z; exported 2026-11-30T12:00:00Z`);
    const lyon = tenant.environments.find((e) => e.spec.adoptId === ids.lyon)!;
    expect(lyon.spec.protect).toBeUndefined();
    expect(lyon.spec.applications).toBeUndefined();
    // The currency is read from Dataverse, where it lives.
    expect(reads.sort()).toEqual(["https://locked.crm4.dynamics.com/", "https://ventes-lyon.crm4.dynamics.com/", "https://ventes-paris.crm4.dynamics.com/"]);

    expect(tenant.billingPolicies).toEqual([
      {
        key: "payg-france",
        spec: {
          name: "payg-france",
          location: "france",
          status: "Enabled",
          billingInstrument: { subscriptionId: "5b0c0000-0000-4000-8000-000000000001", resourceGroup: "rg-billing" },
          // By key when exported, by id otherwise.
          environments: ["ventes", ids.teams],
          adoptId: ids.policy,
          retainOnDelete: true,
        },
        source: `billing policy ${ids.policy} "payg-france", created 2024-04-01T00:00:00Z; exported 2026-11-30T12:00:00Z`,
      },
    ]);

    expect(tenant.flows.map((f) => [f.key, f.spec])).toEqual([
      ["relance", { environment: "ventes", flowId: ids.flowA, state: "Started", owners: [{ principalId: ids.group.toLowerCase(), principalType: "Group", role: "CanView", displayName: "Flow\nOwners" }], retainOnDelete: true }],
      ["relance-2", { environment: "ventes", flowId: ids.flowB, owners: [{ principalId: ids.group.toLowerCase(), principalType: "Group", role: "CanView", displayName: "Flow\nOwners" }], retainOnDelete: true }],
    ]);

    // Groups whole, members by key when exported, their rules as the rule set declares them.
    expect(tenant.environmentGroups.map((g) => [g.key, g.spec, g.source])).toEqual([
      [
        "ventes-france",
        { displayName: "Ventes France", environments: ["ventes"], rules: { backupRetention: { periodInDays: 21 }, sharingControls: { shareMode: "ExcludeSharingToSecurityGroups", shareMaxLimit: 42 }, solutionCheckerEnforcement: { solutionCheckerMode: "Warn", suppressValidationEmails: false } }, adoptId: ids.environmentGroup, retainOnDelete: true },
        `environment group ${ids.environmentGroup.toUpperCase()} "Ventes France", created 2024-06-01T00:00:00Z; exported 2026-11-30T12:00:00Z`,
      ],
    ]);

    expect(tenant.skipped).toEqual([
      expect.stringMatching(/^environment Default-8d1f7a2e-5c3b-4e1a-9f0d-2b6c4e8a1d00 "Contoso \(default\)": it is the tenant's default environment/),
      `environment ${ids.locked} "Locked": its Dataverse base currency cannot be read (403 Forbidden: the principal is not a user of this organization); make the exporting principal a user of that Dataverse and export again`,
      expect.stringMatching(new RegExp(`^environment ${ids.teams} "Team space": its type Teams is not one the tenant file manages`)),
      expect.stringMatching(/^billing policy b3000000-0000-4000-8000-000000000002 "has spaces": its name is not one the tenant file accepts/),
      `the flows of environment ${ids.lyon} "Ventes": they cannot be listed (403 Forbidden: no admin access)`,
      expect.stringMatching(new RegExp(`^flow ${ids.flowC} "Odd owners" .*: its co-owners are not managed: principal c3000000-0000-4000-8000-0000000000d1 is a Tenant with role CanView`)),
      expect.stringMatching(new RegExp(`^flow ${ids.flowC} "Odd owners" .*: its state Suspended is not managed \\(only Started and Stopped can be declared\\)$`)),
      expect.stringMatching(new RegExp(`^flow ${ids.flowB} "Relance" .*: its state Suspended is not managed \\(only Started and Stopped can be declared\\); its co-owners are exported$`)),
      `DLP policy ${ids.oddDlp} "Custom connector policy": it lists connector /providers/Microsoft.PowerApps/scopes/admin/environments/${ids.lyon}/apis/shared_contoso-5f, which is not a connector id the tenant file accepts (/providers/Microsoft.PowerApps/apis/<name>)`,
    ]);
  });

  test("keys do not depend on the order the service lists objects in", async () => {
    const forward = await readTenantForExport({ exportedAt }, { client: fakeTenant("forward").client });
    const reverse = await readTenantForExport({ exportedAt }, { client: fakeTenant("reverse").client });
    expect(reverse).toEqual(forward);
  });

  test("environments by id or display name (case-insensitive), flows only from them; kinds left out are not read", async () => {
    const { client, reads } = fakeTenant();
    const tenant = await readTenantForExport({ exportedAt, environments: [ids.lyon.toUpperCase()], kinds: ["environments", "flows"] }, { client });
    expect(tenant.environments.map((e) => e.spec.adoptId)).toEqual([ids.lyon]);
    expect(tenant.flows).toEqual([]);
    expect(tenant.billingPolicies).toEqual([]);
    expect(reads).toEqual(["https://ventes-lyon.crm4.dynamics.com/"]);

    const flowsOnly = await readTenantForExport({ exportedAt, environments: ["ventes"], kinds: ["flows"] }, { client });
    expect(flowsOnly.environments).toEqual([]);
    // The environment is not in the file: the flow names it by id.
    expect(flowsOnly.flows.map((f) => f.spec.environment)).toEqual([ids.paris, ids.paris]);

    await expect(readTenantForExport({ environments: ["Marketing", "ventes"] }, { client })).rejects.toThrow(/--environment "Marketing" names no environment of the tenant \(known: /);
  });
});

describe("the YAML written", () => {
  let tenant: TenantExport;
  beforeAll(async () => {
    tenant = await readTenantForExport({ exportedAt }, { client: fakeTenant().client });
  });

  test("is a valid tenant file holding exactly the exported entries", () => {
    const text = renderTenantFile(tenant, { stack: "prod" });
    const parsed = parseTenantFile(text, "prod.yaml");
    expect(Object.keys(parsed.environments)).toEqual(["ventes", "ventes-2"]);
    expect(parsed.environments.ventes).toEqual({ ...tenant.environments[0].spec });
    expect(parsed.billingPolicies["payg-france"]).toEqual(tenant.billingPolicies[0].spec);
    // Group rules in the declared spelling (ManagedEnvironment's), which the schema takes.
    expect(parsed.environmentGroups["ventes-france"].rules).toEqual(tenant.environmentGroups[0].spec.rules);
    // Display names are comments only, never fields.
    expect(parsed.flows.relance.owners).toEqual([{ principalId: ids.group.toLowerCase(), principalType: "Group", role: "CanView" }]);
    expect(Object.keys(parse(text))).toEqual(["billingPolicies", "environments", "flows", "environmentGroups", "dlpPolicies", "tenantSettings"]);
  });

  test("a comment per object saying where it came from, principals named, a header with what was left out", () => {
    const text = renderTenantFile(tenant, { stack: "prod", schemaPath: "../schema/tenant.schema.json" });
    const lines = text.split("\n");
    expect(lines[0]).toBe("# yaml-language-server: $schema=../schema/tenant.schema.json");
    expect(text).toContain('# Exported from the live tenant by powerplatform-export-tenant at 2026-11-30T12:00:00Z, for stack "prod".');
    expect(text).toContain(`# - environment ${ids.locked} "Locked": its Dataverse base currency cannot be read`);
    const at = (key: string) => lines.findIndex((l) => l === `  ${key}:`);
    expect(lines[at("ventes") - 1]).toBe(`  # environment ${ids.paris} "Ventes", created 2024-05-01T10:00:00Z; exported 2026-11-30T12:00:00Z`);
    expect(lines[at("payg-france") - 1]).toBe(`  # billing policy ${ids.policy} "payg-france", created 2024-04-01T00:00:00Z; exported 2026-11-30T12:00:00Z`);
    expect(lines[at("relance-2") - 1]).toBe(`  # flow ${ids.flowB} "Relance" in environment "Ventes"; exported 2026-11-30T12:00:00Z`);
    // A line break in a name cannot end a comment and inject YAML.
    expect(text).toContain(`- principalId: ${ids.group.toLowerCase()} # Flow Owners`);
    expect(parseDocument(text).errors).toEqual([]);
  });

  test("a name holding YAML or a line break stays inside its comment and its value", () => {
    const hostile: TenantExport = {
      exportedAt: "2026-11-30T12:00:00Z",
      billingPolicies: [],
      environments: [
        {
          key: "evil",
          spec: { displayName: 'Evil: "x"\n# not a comment', location: "europe", environmentSku: "Sandbox", adoptId: ids.lyon, retainOnDelete: true },
          source: `environment ${ids.lyon} "Evil\nenvironments:\n  injected: {}"`,
        },
      ],
      flows: [],
      environmentGroups: [],
      dlpPolicies: [],
      skipped: ["something\nflows: {}"],
    };
    const text = renderTenantFile(hostile, { stack: "prod" });
    const data = parse(text) as { environments: Record<string, { displayName: string }> };
    expect(Object.keys(data)).toEqual(["environments"]);
    expect(Object.keys(data.environments)).toEqual(["evil"]);
    expect(data.environments.evil.displayName).toBe('Evil: "x"\n# not a comment');
  });
});

describe("exporting managed environments", () => {
  const governance = {
    protectionLevel: "Standard",
    settings: { extendedSettings: { isGroupSharingDisabled: "true", maxLimitUserSharing: "15", limitSharingMode: "excludeSharingToSecurityGroups", solutionCheckerMode: "block", excludeEnvironmentFromAnalysis: "false", suppressValidationEmails: "true", solutionCheckerRuleOverrides: "", makerOnboardingUrl: "", makerOnboardingMarkdown: "Bienvenue" } },
  };
  const grouped = "e3000000-0000-4000-8000-000000000009";
  function tenantWithManaged() {
    const { client } = fakeTenant();
    const list = (client.environments as unknown as { list: () => Promise<Array<{ name: string; properties: Record<string, unknown> }>> }).list;
    (client.environments as unknown as { list: () => Promise<unknown[]> }).list = async () =>
      (await list()).map((e) => (e.name === ids.lyon ? { ...e, properties: { ...e.properties, governanceConfiguration: governance } } : e)).concat([
        env(grouped, "Grouped", "Sandbox", "france", { ...dataverse("grouped"), governanceConfiguration: governance, parentEnvironmentGroup: { id: "11111111-1111-1111-1111-111111111111" } }),
      ]);
    return client;
  }

  test("a managed environment's settings are exported under managed:, and the file is valid; one in a group is noted, not declared", async () => {
    const tenant = await readTenantForExport({ exportedAt }, { client: tenantWithManaged() });
    const lyon = tenant.environments.find((e) => e.spec.adoptId === ids.lyon)!;
    // The settings that differ from a ManagedEnvironment's defaults.
    expect(lyon.spec.managed).toEqual({
      limitSharingMode: "ExcludeSharingToSecurityGroups",
      groupSharingDisabled: true,
      maxLimitUserSharing: 15,
      solutionCheckerMode: "Block",
      suppressValidationEmails: true,
      makerOnboardingMarkdown: "Bienvenue",
    });
    expect(tenant.environments.find((e) => e.spec.adoptId === grouped)?.spec.managed).toBeUndefined();
    expect(tenant.skipped).toEqual(expect.arrayContaining([expect.stringContaining(`environment ${grouped} "Grouped": its managed-environment settings come from environment group`)]));
    const parsed = parseTenantFile(renderTenantFile(tenant, { stack: "prod" }), "tenants/exported.yaml");
    expect(Object.values(parsed.environments).find((e) => e.adoptId === ids.lyon)?.managed?.solutionCheckerMode).toBe("Block");
  });
});

describe("exporting DLP policies and tenant settings", () => {
  test("DLP policies: adopted, scope by environment key (else id), connectors by short name (objects when they have rules), defaults left out", async () => {
    const tenant = await readTenantForExport({ exportedAt }, { client: fakeTenant().client });
    expect(tenant.dlpPolicies.map((p) => [p.key, p.spec])).toEqual([
      [
        "tenant-baseline",
        {
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
      ],
      [
        "ventes-only",
        {
          displayName: "Ventes only",
          environmentType: "OnlyEnvironments",
          // The Paris environment is exported (by key); the Teams one is not (by id).
          environments: ["ventes", ids.teams],
          blockedConnectors: ["shared_dropbox", "shared_twitter"],
          customConnectorUrlPatterns: [
            { order: 1, hostUrlPattern: "https://*.contoso.com", dataGroup: "Business" },
            { order: 2, hostUrlPattern: "*", dataGroup: "Ignore" },
          ],
          adoptId: ids.ventesOnly,
          retainOnDelete: true,
        },
      ],
    ]);
    expect(tenant.dlpPolicies[1].source).toBe(`DLP policy ${ids.ventesOnly.toUpperCase()} "Ventes only", created 2025-02-01T00:00:00Z; exported 2026-11-30T12:00:00Z`);
  });

  test("each exported DLP policy, checked as DataLossPreventionPolicy checks it, equals the policy read back: the first up changes nothing", async () => {
    const tenant = await readTenantForExport({ exportedAt, kinds: ["dlpPolicies"] }, { client: fakeTenant().client });
    const keyToId: Record<string, string> = { ventes: ids.paris };
    for (const entry of tenant.dlpPolicies) {
      const dto = dlpPolicies.find((p) => p.policyDefinition.name.toLowerCase() === entry.spec.adoptId)!;
      const read = dlpPolicyOutputsFrom(dto as unknown as DlpPolicyDto);
      const { retainOnDelete: _r, ...args } = entry.spec;
      // With olds naming every connector, check looks no connector up.
      const checked = await dataLossPreventionPolicyHandler.check(read as unknown as Record<string, unknown>, { ...args, environments: (args.environments ?? []).map((e) => keyToId[e] ?? e) });
      expect(checked.failures ?? []).toEqual([]);
      expect(changedDlpProperties(read, checked.inputs!)).toEqual([]);
    }
  });

  test("DLP policies name environments by id when environments are not exported; a policy without URL patterns is noted", async () => {
    const { client } = fakeTenant();
    (client.dlpPolicies as unknown as { list: () => Promise<unknown[]> }).list = async () => [
      { ...structuredClone(dlpPolicies[0]), customConnectorUrlPatternsDefinition: { rules: [] } },
    ];
    const tenant = await readTenantForExport({ exportedAt, kinds: ["dlpPolicies"] }, { client });
    expect(tenant.dlpPolicies.map((p) => p.spec.environments)).toEqual([[ids.paris, ids.teams]]);
    expect(tenant.skipped).toEqual([expect.stringMatching(/"Ventes only": it has no custom connector URL pattern, .* the first up gives it the default one/)]);
  });

  test("a policy for every environment but the default one names it by its Default-<tenant> id, which the file accepts", async () => {
    const { client } = fakeTenant();
    const defaultId = "Default-8d1f7a2e-5c3b-4e1a-9f0d-2b6c4e8a1d00";
    const except = structuredClone(dlpPolicies[1]);
    Object.assign(except.policyDefinition, { environmentType: "ExceptEnvironments", environments: [scope(defaultId)] });
    (client.dlpPolicies as unknown as { list: () => Promise<unknown[]> }).list = async () => [except];
    const tenant = await readTenantForExport({ exportedAt, kinds: ["environments", "dlpPolicies"] }, { client });
    expect(tenant.dlpPolicies[0].spec).toMatchObject({ environmentType: "ExceptEnvironments", environments: [defaultId] });
    expect(parseTenantFile(renderTenantFile(tenant, { stack: "prod" }), "prod.yaml").dlpPolicies?.["tenant-baseline"]?.environments).toEqual([defaultId]);
  });

  test("tenant settings: governance (default) declares who may create environments, all every setting the file knows, none nothing", async () => {
    const { client } = fakeTenant();
    const governance = await readTenantForExport({ exportedAt, kinds: ["tenantSettings"] }, { client });
    expect(governance.tenantSettings?.spec).toEqual({
      settings: {
        disableEnvironmentCreationByNonAdminUsers: false,
        disableTrialEnvironmentCreationByNonAdminUsers: true,
        powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: true } },
      },
      retainOnDelete: true,
    });
    expect(governance.skipped).toEqual([]);

    const all = await readTenantForExport({ exportedAt, kinds: ["tenantSettings"], tenantSettings: "all" }, { client });
    expect(all.tenantSettings?.spec.settings).toEqual({
      walkMeOptOut: false,
      disableEnvironmentCreationByNonAdminUsers: false,
      disableTrialEnvironmentCreationByNonAdminUsers: true,
      powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: true, disableAdminDigest: false, additionalAdminDigestEmailRecipients: "a@contoso.com" } },
    });

    const none = await readTenantForExport({ exportedAt, kinds: ["tenantSettings"], tenantSettings: "none" }, { client });
    expect(none.tenantSettings).toBeUndefined();

    (client.tenantSettings as unknown as { get: () => Promise<unknown> }).get = async () => ({ disableTrialEnvironmentCreationByNonAdminUsers: true });
    const partial = await readTenantForExport({ exportedAt, kinds: ["tenantSettings"] }, { client });
    expect(partial.tenantSettings?.spec.settings).toEqual({ disableTrialEnvironmentCreationByNonAdminUsers: true });
    expect(partial.skipped).toEqual([
      "tenant setting disableEnvironmentCreationByNonAdminUsers: the service reports no value for it",
      "tenant setting powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers: the service reports no value for it",
    ]);
  });

  test("--tenant-settings: governance by default, all or none; anything else refused", () => {
    expect(parseTenantSettingsSelection(undefined)).toBe("governance");
    expect(parseTenantSettingsSelection("ALL")).toBe("all");
    expect(parseTenantSettingsSelection("none")).toBe("none");
    expect(() => parseTenantSettingsSelection("some")).toThrow('--tenant-settings must be one of governance, all, none (got "some")');
  });

  test("the file holds both sections, valid, parsed back to the exported data, each with its comment", async () => {
    const tenant = await readTenantForExport({ exportedAt }, { client: fakeTenant().client });
    const text = renderTenantFile(tenant, { stack: "prod" });
    const parsed = parseTenantFile(text, "prod.yaml");
    expect(Object.keys(parse(text))).toEqual(["billingPolicies", "environments", "flows", "environmentGroups", "dlpPolicies", "tenantSettings"]);
    expect(parsed.dlpPolicies?.["tenant-baseline"]).toEqual(tenant.dlpPolicies[0].spec);
    expect(parsed.dlpPolicies?.["ventes-only"]).toEqual(tenant.dlpPolicies[1].spec);
    expect(parsed.tenantSettings).toEqual({ ...tenant.tenantSettings!.spec.settings, retainOnDelete: true });
    const lines = text.split("\n");
    expect(lines[lines.indexOf("  ventes-only:") - 1]).toBe(`  # DLP policy ${ids.ventesOnly.toUpperCase()} "Ventes only", created 2025-02-01T00:00:00Z; exported 2026-11-30T12:00:00Z`);
    expect(lines[lines.indexOf("tenantSettings:") - 1]).toBe("# tenant settings (who may create environments); exported 2026-11-30T12:00:00Z");
  });
});
