// The tenant model: a plain JSON document (so it can be persisted, dumped and
// edited out of band), the default seed, time-driven transitions and persistence.
// Fields whose name starts with "_" are internal and never served by the APIs.
import type { RateLimitRule } from "./rateLimit";
import * as fs from "node:fs";
import * as path from "node:path";
import { createHash, randomUUID } from "node:crypto";
import { SEED } from "./seed";
import { applyGovernance } from "./governance";
import { capacityOf, clusterOf, lifecycleOperationsEnforcementOf, runtimeEndpointsOf, scaleGroupOf } from "./environmentDetails";

export type Obj = Record<string, any>;

export interface TenantState {
  version: 1;
  tenant: Obj; // {id, domain, databaseCapacityMb}
  environments: Record<string, Obj>; // BAP admin shape, keyed by name
  lifecycleOperations: Record<string, Obj>;
  billingPolicies: Record<string, Obj>;
  billingPolicyLinks: Record<string, Obj>; // keyed by environmentId: {billingPolicyId, environmentId}
  catalog: Record<string, Obj>; // tenant application packages, keyed by uniqueName
  applicationInstalls: Record<string, Obj>; // keyed by `${envId}:${uniqueName}`
  appOperations: Record<string, Obj>;
  flows: Record<string, Obj>;
  flowPermissions: Record<string, Obj[]>; // keyed by flow name
  flowRuns: Record<string, Obj>;
  connectors: Record<string, Obj>;
  connections: Record<string, Obj>;
  /** The tenant-wide settings object (surfaces/tenantSettings.ts); absent in states saved before it existed. */
  tenantSettings?: Obj;
  dlpPolicies: Record<string, Obj>; // BAP governance shape {policyDefinition, …}, keyed by policyDefinition.name
  /** Environment groups (Power Platform API environmentmanagement), keyed by id; members carry properties.parentEnvironmentGroup. */
  environmentGroups: Record<string, Obj>;
  /** Environment group rule sets (governance API), keyed by rule-set id. */
  environmentGroupRuleSets: Record<string, Obj>;
}

export interface Settings {
  billingPolicyProvisioningMs: number;
  billingPolicyOutcome: "Enabled" | "ProvisioningFailed";
  installDurationMs: number;
  installOutcome: "Succeeded" | "Failed";
  installFailureMessage: string;
  /** number of 409 answers given to polls of a Running install operation */
  installPollConflicts: number;
  environmentOperationMs: number;
  environmentOperationOutcome: "Succeeded" | "Failed";
  /** BAP lifecycle replies (202s and polls) carry no Retry-After on the real service; true adds `retryAfterSeconds`. */
  lifecycleRetryAfter: boolean;
  /** A finished lifecycle operation answers 404 this long after it ended (the service forgets them). */
  lifecycleOperationRetentionMs: number;
  /** After a create with Dataverse succeeded, this many GETs of the environment still lack `linkedEnvironmentMetadata`. */
  dataverseMetadataMissingReads: number;
  retryAfterSeconds: number;
  pageSize: number;
  tokenLifetimeSeconds: number;
  /**
   * What the maker-path GET of a flow answers to a principal without a permission on the
   * flow (admins included): 404 (default) or 403. A guess: no recorded answer found.
   */
  makerFlowWithoutPermissionStatus: number;
  /** Send Retry-After on install replies and polls (the real service sends none: off). */
  appOperationRetryAfter: boolean;
  /**
   * Refuse a billing policy create by a service principal (Microsoft documents it as not
   * supported; the exact answer is not recorded: off by default, the reply is a guess).
   */
  refuseServicePrincipalBillingPolicyCreate: boolean;
  /** lifetime of the ID tokens the CI runners' OIDC endpoints hand out (surfaces/pipelineOidc.ts) */
  runnerIdTokenLifetimeSeconds: number;
  /**
   * Refuse to add an environment that is not a Managed Environment to a group (Microsoft documents
   * that groups contain only Managed Environments; the exact refusal is a guess).
   */
  environmentGroupMembersMustBeManaged: boolean;
  /** Calls per window (sliding or fixed) per surface or host; over them, 429 with Retry-After (rateLimit.ts). None by default. */
  rateLimits: RateLimitRule[];
}

export const DEFAULT_SETTINGS: Settings = {
  billingPolicyProvisioningMs: 1500,
  billingPolicyOutcome: "Enabled",
  installDurationMs: 1500,
  installOutcome: "Succeeded",
  installFailureMessage: "The installation of the package failed: solution import error (emulated).",
  installPollConflicts: 0,
  environmentOperationMs: 1500,
  environmentOperationOutcome: "Succeeded",
  lifecycleRetryAfter: false,
  lifecycleOperationRetentionMs: 60_000,
  dataverseMetadataMissingReads: 1,
  retryAfterSeconds: 1,
  pageSize: 50,
  tokenLifetimeSeconds: 3600,
  makerFlowWithoutPermissionStatus: 404,
  appOperationRetryAfter: false,
  refuseServicePrincipalBillingPolicyCreate: false,
  runnerIdTokenLifetimeSeconds: 300,
  environmentGroupMembersMustBeManaged: true,
  rateLimits: [],
};

export const nowIso = () => new Date().toISOString();
export const stableUuid = (s: string) => {
  const h = createHash("sha256").update(s).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
export const newId = () => randomUUID();

/** Deep copy without "_" fields. */
export function publicView<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => publicView(x)) as any;
  if (v && typeof v === "object") {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v as Obj)) if (!k.startsWith("_")) out[k] = publicView(x);
    return out as T;
  }
  return v;
}

export function deepMerge(target: Obj, patch: Obj): Obj {
  for (const [k, v] of Object.entries(patch)) {
    if (v && typeof v === "object" && !Array.isArray(v) && target[k] && typeof target[k] === "object" && !Array.isArray(target[k]))
      deepMerge(target[k], v);
    else target[k] = v;
  }
  return target;
}

// ---------- regions ----------
export const GEO_REGIONS: Record<string, string[]> = {
  unitedstates: ["westus", "eastus", "centralus", "westus2"],
  europe: ["westeurope", "northeurope"],
  asia: ["eastasia", "southeastasia"],
  australia: ["australiaeast", "australiasoutheast"],
  india: ["centralindia", "southindia"],
  japan: ["japaneast", "japanwest"],
  canada: ["canadacentral", "canadaeast"],
  unitedkingdom: ["uksouth", "ukwest"],
  southamerica: ["brazilsouth"],
  france: ["francecentral"],
  germany: ["germanywestcentral"],
  switzerland: ["switzerlandnorth"],
  norway: ["norwayeast"],
  korea: ["koreacentral"],
  southafrica: ["southafricanorth"],
  unitedarabemirates: ["uaenorth"],
};
const CRM_SUFFIX: Record<string, string> = { unitedstates: "crm", europe: "crm4", asia: "crm5", unitedkingdom: "crm11", japan: "crm7", canada: "crm3", australia: "crm6", india: "crm8", southamerica: "crm2", france: "crm12" };
export const geoOfEnvironment = (env: Obj): string => String(env.location ?? "").toLowerCase();

// ---------- builders (also used by the API surfaces) ----------
export interface EnvSpec {
  name: string;
  displayName: string;
  description?: string;
  sku: string;
  location: string;
  azureRegion?: string;
  dataverse?: { domainName?: string; languageCode?: number; currencyCode?: string; securityGroupId?: string; version?: string } | null;
  isDefault?: boolean;
  createdBy?: Obj;
  provisioningState?: string;
}

/**
 * `createdBy` as recorded for a user (id, displayName, email, type, tenantId,
 * userPrincipalName; the recordings' users have an email equal to their UPN). A creator
 * that is not a user of the seed (a service principal) has no email and no UPN: the
 * recorded SYSTEM creator has neither (datasource/Validate_Read/get_environments.json).
 */
export function environmentCreator(tenantId: string, who: { objectId: string; displayName?: string; type: string }): Obj {
  const user = who.type === "User" ? [SEED.adminUser, SEED.makerUser].find((u) => u.objectId === who.objectId) : undefined;
  const app = [SEED.admin, SEED.certificateApp, SEED.federatedApp].find((a) => a.objectId === who.objectId);
  return {
    id: who.objectId,
    displayName: who.displayName ?? user?.displayName ?? app?.displayName ?? who.type,
    ...(user ? { email: user.username } : {}),
    type: who.type,
    tenantId,
    ...(user ? { userPrincipalName: user.username } : {}),
  };
}

export function buildEnvironment(tenantId: string, s: EnvSpec): Obj {
  const t = nowIso();
  const region = s.azureRegion ?? (GEO_REGIONS[s.location]?.[0] ?? s.location);
  const cluster = clusterOf(s.name, s.location);
  const env: Obj = {
    id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${s.name}`,
    type: "Microsoft.BusinessAppPlatform/scopes/environments",
    location: s.location,
    name: s.name,
    properties: {
      tenantId,
      azureRegion: region,
      displayName: s.displayName,
      description: s.description ?? "",
      createdTime: t,
      createdBy: s.createdBy ?? environmentCreator(tenantId, { objectId: SEED.adminUser.objectId, type: "User" }),
      billingPolicy: { id: "" },
      lastModifiedTime: t,
      provisioningState: s.provisioningState ?? "Succeeded",
      creationType: s.isDefault ? "DefaultTenant" : "User",
      environmentSku: s.sku,
      isDefault: !!s.isDefault,
      capacity: capacityOf(s.name, !!s.dataverse, t),
      addons: [],
      clientUris: {
        admin: `https://admin.powerplatform.microsoft.com/environments/environment/${s.name}/hub`,
        maker: `https://make.powerapps.com/environments/${s.name}/home`,
      },
      runtimeEndpoints: runtimeEndpointsOf(s.location, cluster),
      trialScenarioType: "None",
      notificationMetadata: { state: "NotSpecified", branding: "NotSpecific" },
      retentionPeriod: "P7D",
      states: {
        management: { id: s.provisioningState && s.provisioningState !== "Succeeded" ? "NotSpecified" : "Ready" },
        runtime: { runtimeReasonCode: "NotSpecified", requestedBy: { displayName: "SYSTEM", type: "NotSpecified" }, id: "Enabled" },
      },
      updateCadence: { id: "Moderate" },
      retentionDetails: { retentionPeriod: "P7D", backupsAvailableFromDateTime: t },
      protectionStatus: { keyManagedBy: "Microsoft" },
      cluster,
      connectedGroups: [],
      lifecycleOperationsEnforcement: lifecycleOperationsEnforcementOf(s.sku),
      governanceConfiguration: { protectionLevel: "Basic" },
    },
  };
  if (s.dataverse) {
    const domain = s.dataverse.domainName || `org${createHash("sha1").update(s.name).digest("hex").slice(0, 8)}`;
    const suffix = CRM_SUFFIX[s.location] ?? "crm";
    env.properties.databaseType = "CommonDataService";
    // The Dataverse organization itself (served by surfaces/dataverse.ts at the instance URL):
    // its base currency is NOT part of the BAP environment (0 of 146 recorded environments carry one).
    const currencyCode = s.dataverse.currencyCode ?? "USD";
    const currencyId = stableUuid(`currency:${s.name}:${currencyCode}`);
    env._dataverse = {
      organizationId: stableUuid(`org:${s.name}`),
      baseCurrencyId: currencyId,
      currencies: [{ transactioncurrencyid: currencyId, isocurrencycode: currencyCode, currencyname: currencyCode, currencysymbol: currencyCode, currencyprecision: 2, exchangerate: 1 }],
    };
    env.properties.linkedEnvironmentMetadata = {
      resourceId: stableUuid(`org:${s.name}`),
      friendlyName: s.displayName,
      uniqueName: `unq${createHash("sha1").update(s.name).digest("hex").slice(0, 24)}`,
      domainName: domain,
      version: s.dataverse.version ?? "9.2.24094.00206",
      instanceUrl: `https://${domain}.${suffix}.dynamics.com/`,
      instanceApiUrl: `https://${domain}.api.${suffix}.dynamics.com`,
      baseLanguage: s.dataverse.languageCode ?? 1033,
      // securityGroupId is rarely present on the real service: only when one is set.
      ...(s.dataverse.securityGroupId ? { securityGroupId: s.dataverse.securityGroupId } : {}),
      instanceState: s.provisioningState && s.provisioningState !== "Succeeded" ? "NotSpecified" : "Ready",
      createdTime: t,
      backgroundOperationsState: "Enabled",
      scaleGroup: scaleGroupOf(s.name, s.location),
      platformSku: "Standard",
      schemaType: "Standard",
    };
  }
  // Without Dataverse no `databaseType`: the recorded environment without linkedEnvironmentMetadata has none.
  return env;
}

export function buildPolicy(p: { id: string; name: string; location: string; status: string; subscriptionId: string; resourceGroup: string; by: Obj }): Obj {
  const t = nowIso();
  return {
    id: p.id,
    name: p.name,
    type: "TenantOwned",
    status: p.status,
    location: p.location,
    billingInstrument: {
      id: `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}/providers/Microsoft.PowerPlatform/accounts/${p.name}`,
      subscriptionId: p.subscriptionId,
      resourceGroup: p.resourceGroup,
    },
    createdOn: t,
    createdBy: p.by,
    lastModifiedOn: t,
    lastModifiedBy: p.by,
  };
}

export function buildFlow(envId: string, name: string, p: { displayName: string; state: string; creatorObjectId: string; definition?: Obj; connectionReferences?: Obj; tenantId: string; creatorType?: string; suspensionReason?: string }): Obj {
  const t = nowIso();
  const definition = p.definition ?? {
    $schema: "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
    contentVersion: "1.0.0.0",
    triggers: { manual: { type: "Request", kind: "Button", inputs: { schema: {} } } },
    actions: { Compose: { type: "Compose", inputs: "hello" } },
  };
  return {
    name,
    id: `/providers/Microsoft.ProcessSimple/environments/${envId}/flows/${name}`,
    type: "Microsoft.ProcessSimple/environments/flows",
    properties: {
      apiId: "/providers/Microsoft.PowerApps/apis/shared_logicflows",
      displayName: p.displayName,
      state: p.state,
      createdTime: t,
      lastModifiedTime: t,
      flowTriggerUri: `https://prod-00.westus.logic.azure.com/workflows/${name.replace(/-/g, "")}/triggers/manual/paths/invoke`,
      installationStatus: "Installed",
      connectionReferences: p.connectionReferences ?? {},
      creator: { tenantId: p.tenantId, objectId: p.creatorObjectId, userId: p.creatorObjectId, userType: p.creatorType === "ServicePrincipal" ? "ServicePrincipal" : "ActiveDirectory" },
      // Real flows carry the reason the service turned them off ("None" when it did not):
      // https://learn.microsoft.com/power-platform/admin/dlp-impact-policies-apps-flows (CompanyDlpViolation),
      // https://learn.microsoft.com/power-automate/limits-and-config (AlwaysFailingDetected).
      flowSuspensionReason: p.suspensionReason ?? "None",
      definitionSummary: summarize(definition),
      environment: { name: envId, type: "Microsoft.ProcessSimple/environments", id: `/providers/Microsoft.ProcessSimple/environments/${envId}` },
      provisioningMethod: "FromDefinition",
    },
    _envId: envId,
    _definition: definition,
  };
}

// The recorded definitionSummary (test/conformance/recorded/flows/maker-get) lists each trigger and
// action by `type` and `metadata` (plus operation details for connector calls), without its name or kind.
export function summarize(def: Obj): Obj {
  const triggers = Object.values(def?.triggers ?? {}).map((t: any) => ({ type: t?.type, metadata: {} }));
  const actions = Object.values(def?.actions ?? {}).map((a: any) => ({ type: a?.type, metadata: {} }));
  return { triggers, actions };
}

export function buildPermission(envId: string, flow: string, principal: { id: string; type: string }, roleName: string): Obj {
  return {
    name: principal.id,
    id: `/providers/Microsoft.ProcessSimple/environments/${envId}/flows/${flow}/permissions/${principal.id}`,
    // The type a permission entry carries on the real service (issue 7, fact 6).
    type: "/providers/Microsoft.ProcessSimple/environments/flows/permissions",
    properties: { roleName, permissionType: "Principal", principal: { id: principal.id, type: principal.type } },
  };
}

export function buildRun(envId: string, flow: string, name: string, status: string, minutesAgo: number): Obj {
  const start = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const end = status === "Running" || status === "Waiting" ? undefined : new Date(Date.now() - minutesAgo * 60_000 + 4_000).toISOString();
  return {
    name,
    id: `/providers/Microsoft.ProcessSimple/environments/${envId}/flows/${flow}/runs/${name}`,
    type: "Microsoft.ProcessSimple/environments/flows/runs",
    properties: {
      startTime: start,
      ...(end ? { endTime: end } : {}),
      status,
      code: status === "Succeeded" ? "OK" : status === "Failed" ? "ActionFailed" : status,
      trigger: { name: "manual", startTime: start, status: "Succeeded" },
    },
    _envId: envId,
    _flow: flow,
  };
}

// ---------- seed ----------
let catalogCache: Obj[] | undefined;
function catalogFromFixtures(): Obj[] {
  if (!catalogCache) {
    const dir = path.join(__dirname, "data");
    // The tenant catalog is the one the real service returned (245 packages in one response),
    // kept once, with the other recordings.
    const recorded = path.join(__dirname, "..", "conformance", "recorded", "application-packages", "tenant", "get_tenant_applications.json");
    const tenant = JSON.parse(fs.readFileSync(recorded, "utf8")).value as Obj[];
    const envPkgs = JSON.parse(fs.readFileSync(path.join(dir, "environment-packages.json"), "utf8")) as Obj[];
    const byName = new Map(envPkgs.map((p) => [p.uniqueName, p]));
    catalogCache = tenant.map((p) => {
      const e = byName.get(p.uniqueName);
      return {
        id: e?.id ?? stableUuid(`pkg:${p.uniqueName}`),
        version: e?.version ?? "1.0.0.0",
        crmMinversion: e?.crmMinversion ?? "9.0",
        crmMaxVersion: null,
        ...p,
        ...(e ? { supportedCountries: e.supportedCountries, startDateUtc: e.startDateUtc, endDateUtc: e.endDateUtc } : {}),
      };
    });
    for (const e of envPkgs) if (!tenant.some((p) => p.uniqueName === e.uniqueName)) {
      const { state: _s, instancePackageId: _i, ...rest } = e;
      catalogCache.push(rest);
    }
  }
  return JSON.parse(JSON.stringify(catalogCache));
}

let tenantSettingsCache: string | undefined;
/** The tenant settings object the real service returned (kept once, with the other recordings): the seed. */
export function recordedTenantSettings(): Obj {
  tenantSettingsCache ??= fs.readFileSync(path.join(__dirname, "..", "conformance", "recorded", "tenant-settings", "list", "post_list_tenant_settings.json"), "utf8");
  return JSON.parse(tenantSettingsCache);
}

export function emptyState(): TenantState {
  return {
    version: 1,
    tenant: { id: SEED.tenantId, domain: SEED.tenantDomain, databaseCapacityMb: 10240 },
    environments: {},
    lifecycleOperations: {},
    billingPolicies: {},
    billingPolicyLinks: {},
    catalog: Object.fromEntries(catalogFromFixtures().map((p) => [p.uniqueName, p])),
    applicationInstalls: {},
    appOperations: {},
    flows: {},
    flowPermissions: {},
    flowRuns: {},
    connectors: Object.fromEntries(CONNECTORS.map((c) => [c.name, c])),
    connections: {},
    tenantSettings: recordedTenantSettings(),
    dlpPolicies: {},
    environmentGroups: {},
    environmentGroupRuleSets: {},
  };
}

const CONNECTORS: Obj[] = [
  ["shared_office365", "Office 365 Outlook", "Standard"],
  ["shared_commondataserviceforapps", "Microsoft Dataverse", "Premium"],
  ["shared_sharepointonline", "SharePoint", "Standard"],
  ["shared_teams", "Microsoft Teams", "Standard"],
  ["shared_approvals", "Approvals", "Standard"],
  // Connectors the recorded DLP policies name (test/conformance/recorded/dlp-policies), with their recorded display names.
  ["shared_office365users", "Office 365 Users", "Standard"],
  ["shared_azureblob", "Azure Blob Storage", "Premium"],
  ["shared_powerappsforappmakers", "Power Apps for Makers", "Standard"],
  ["shared_microsoftspatialservices", "Spatial Services", "Standard"],
  ["shared_sql", "SQL Server", "Premium"],
  ["shared_bttn", "bttn", "Standard"],
  ["shared_dropbox", "Dropbox", "Standard"],
  ["shared_twitter", "X", "Standard"],
  ["shared_ftp", "FTP", "Standard"],
].map(([name, displayName, tier]) => ({
  name,
  id: `/providers/Microsoft.PowerApps/apis/${name}`,
  type: "Microsoft.PowerApps/apis",
  properties: {
    displayName,
    iconUri: `https://connectoricons-prod.azureedge.net/${name}/icon.png`,
    tier,
    publisher: "Microsoft",
    isCustomApi: false,
    capabilities: ["actions"],
    description: `${displayName} connector (emulated)`,
  },
}));

export function defaultState(): TenantState {
  const s = emptyState();
  const tid = SEED.tenantId;
  const E = SEED.environments;
  const envs: EnvSpec[] = [
    { name: E.default, displayName: "Contoso (default)", sku: "Default", location: "unitedstates", azureRegion: "westus", isDefault: true, dataverse: null },
    { name: E.production, displayName: "Contoso Production", sku: "Production", location: "unitedstates", azureRegion: "westus", dataverse: { domainName: "contoso-prod" } },
    { name: E.sandbox, displayName: "Contoso Sandbox EU", sku: "Sandbox", location: "europe", azureRegion: "westeurope", dataverse: { domainName: "contoso-sandbox-eu" } },
    { name: E.trial, displayName: "Contoso Trial", sku: "Trial", location: "unitedstates", azureRegion: "eastus", dataverse: null },
    { name: E.developer, displayName: "Maker Developer", sku: "Developer", location: "unitedstates", azureRegion: "westus", dataverse: { domainName: "contoso-dev-maker" } },
  ];
  for (const e of envs) s.environments[e.name] = buildEnvironment(tid, e);

  const by = { id: SEED.admin.objectId, type: "ServicePrincipal" };
  s.billingPolicies[SEED.billingPolicies.us] = buildPolicy({ id: SEED.billingPolicies.us, name: "payg-us", location: "unitedstates", status: "Enabled", subscriptionId: "5b0c0000-0000-4000-8000-000000000001", resourceGroup: "rg-powerplatform-billing", by });
  s.billingPolicies[SEED.billingPolicies.europe] = buildPolicy({ id: SEED.billingPolicies.europe, name: "payg-europe", location: "europe", status: "Enabled", subscriptionId: "5b0c0000-0000-4000-8000-000000000001", resourceGroup: "rg-powerplatform-billing", by });
  s.billingPolicyLinks[E.production] = { billingPolicyId: SEED.billingPolicies.us, environmentId: E.production };
  s.environments[E.production].properties.billingPolicy = { id: SEED.billingPolicies.us };

  // one installed package in Production
  s.applicationInstalls[`${E.production}:${SEED.packages.other}`] = { environmentId: E.production, uniqueName: SEED.packages.other, state: "Installed", instancePackageId: stableUuid(`inst:${E.production}:${SEED.packages.other}`), errorDetails: null };

  const owner = SEED.adminUser.objectId;
  const F = SEED.flows;
  const flows: [string, string, string][] = [
    [F.dailyReport, "Daily report", "Started"],
    [F.invoiceApproval, "Invoice approval", "Stopped"],
    [F.suspendedSync, "Nightly sync", "Suspended"],
  ];
  for (const [id, displayName, state] of flows) {
    s.flows[id] = buildFlow(E.production, id, { displayName, state, creatorObjectId: owner, tenantId: tid, suspensionReason: state === "Suspended" ? "AlwaysFailingDetected" : undefined });
    s.flowPermissions[id] = [buildPermission(E.production, id, { id: owner, type: "User" }, "Owner")];
  }
  s.flowPermissions[F.dailyReport].push(buildPermission(E.production, F.dailyReport, { id: SEED.makerUser.objectId, type: "User" }, "CanEdit"));
  s.flowPermissions[F.invoiceApproval].push(buildPermission(E.production, F.invoiceApproval, { id: SEED.group.objectId, type: "Group" }, "CanView"));
  const R = SEED.flowRuns;
  s.flowRuns[R.succeeded] = buildRun(E.production, F.dailyReport, R.succeeded, "Succeeded", 120);
  s.flowRuns[R.failed] = buildRun(E.production, F.dailyReport, R.failed, "Failed", 60);
  s.flowRuns[R.running] = buildRun(E.production, F.dailyReport, R.running, "Running", 1);

  const conn = (name: string, api: string, displayName: string) => ({
    name,
    id: `/providers/Microsoft.PowerApps/apis/${api}/connections/${name}`,
    type: "Microsoft.PowerApps/apis/connections",
    properties: {
      apiId: `/providers/Microsoft.PowerApps/apis/${api}`,
      displayName,
      statuses: [{ status: "Connected" }],
      createdBy: { id: owner, displayName: SEED.adminUser.displayName, type: "User", tenantId: tid },
      createdTime: nowIso(),
      lastModifiedTime: nowIso(),
      environment: { name: E.production, id: `/providers/Microsoft.PowerApps/environments/${E.production}` },
    },
    _envId: E.production,
  });
  s.connections[SEED.connections.office365] = conn(SEED.connections.office365, "shared_office365", SEED.adminUser.username);
  s.connections[SEED.connections.dataverse] = conn(SEED.connections.dataverse, "shared_commondataserviceforapps", "Dataverse (Production)");
  return s;
}

export function seedState(seed: "default" | "empty"): TenantState {
  return seed === "empty" ? emptyState() : defaultState();
}

// ---------- time-driven transitions ----------
const STAGES = ["Validate", "Prepare", "Run", "Finalize"];

export function tick(s: TenantState, now = Date.now()): void {
  for (const p of Object.values(s.billingPolicies)) {
    if (p.status === "Provisioning" && typeof p._readyAt === "number" && now >= p._readyAt) {
      p.status = p._finalStatus ?? "Enabled";
      delete p._readyAt;
      delete p._finalStatus;
    }
  }
  for (const op of Object.values(s.appOperations)) {
    if (op.status === "Succeeded" || op.status === "Failed" || op.status === "Canceled") continue;
    const key = `${op._envId}:${op._uniqueName}`;
    const inst = s.applicationInstalls[key];
    if (now >= op._endAt) {
      op.status = op._outcome;
      op.lastActionDateTime = new Date(op._endAt).toISOString();
      if (op._outcome === "Failed") {
        op.statusMessage = op._failureMessage;
        // error.errorCode is an integer in the recorded failures (issue 7, fact 4); its value is a guess.
        op.error = { errorCode: 2, message: op._failureMessage };
        if (inst) {
          inst.state = "InstallFailed";
          inst.errorDetails = { errorCode: "0x80048033", errorName: "InstallFailed", message: op._failureMessage, source: "Dataverse", statusCode: 500, type: "ApplicationInstallException" };
        }
      } else {
        op.statusMessage = "";
        if (inst) { inst.state = "Installed"; inst.errorDetails = null; inst.instancePackageId ??= stableUuid(`inst:${key}`); }
      }
    } else if (now >= op._runAt && op.status === "NotStarted") {
      op.status = "Running";
      op.lastActionDateTime = new Date(op._runAt).toISOString();
      if (inst) inst.state = "Installing";
    }
  }
  for (const op of Object.values(s.lifecycleOperations)) {
    if (op.state.id === "Succeeded" || op.state.id === "Failed") continue;
    const total = op._endAt - op._startAt;
    const frac = total <= 0 ? 1 : (now - op._startAt) / total;
    const done = Math.min(STAGES.length, Math.floor(frac * STAGES.length));
    op.stages.forEach((st: Obj, i: number) => {
      if (i < done) { st.state.id = "Succeeded"; st.lastActionDateTime ??= nowIso(); st.firstActionDateTime ??= nowIso(); }
      else if (i === done && now >= op._startAt) { st.state.id = "Running"; st.firstActionDateTime ??= nowIso(); }
    });
    if (now >= op._startAt && op.state.id === "NotStarted") op.state.id = "Running";
    if (now >= op._endAt) finishLifecycle(s, op);
  }
}

function finishLifecycle(s: TenantState, op: Obj) {
  const envId = op._envId as string;
  const env = s.environments[envId];
  op.lastActionDateTime = nowIso();
  if (op._outcome === "Failed") {
    op.state.id = "Failed";
    const last = op.stages.find((x: Obj) => x.state.id !== "Succeeded") ?? op.stages[op.stages.length - 1];
    last.state.id = "Failed";
    op.error = { code: "EnvironmentOperationFailed", message: `The ${op.type.id} operation on environment '${envId}' failed (emulated).` };
    if (env) { env.properties.provisioningState = op.type.id === "Create" ? "Failed" : "Succeeded"; env.properties.states.management.id = op.type.id === "Create" ? "NotSpecified" : "Ready"; }
  } else {
    op.state.id = "Succeeded";
    for (const st of op.stages) { st.state.id = "Succeeded"; st.lastActionDateTime ??= nowIso(); }
    // Recorded: the first GET after a create succeeded can still lack linkedEnvironmentMetadata.
    if (op.type.id === "Create" && env?.properties.linkedEnvironmentMetadata && op._dataverseMissingReads > 0) env._dataverseMissingReads = op._dataverseMissingReads;
    if (op.type.id === "Delete") removeEnvironment(s, envId);
    else if (env) {
      env.properties.provisioningState = "Succeeded";
      env.properties.states.management.id = "Ready";
      if (env.properties.linkedEnvironmentMetadata) env.properties.linkedEnvironmentMetadata.instanceState = "Ready";
      if (op._governance) applyGovernance(env, op._governance);
      if (op._newSku) {
        env.properties.environmentSku = op._newSku;
        env.properties.lifecycleOperationsEnforcement = lifecycleOperationsEnforcementOf(op._newSku);
      }
      env.properties.lastModifiedTime = nowIso();
    }
  }
  if (env) delete env._activeOperation;
}

export function removeEnvironment(s: TenantState, envId: string) {
  delete s.environments[envId];
  delete s.billingPolicyLinks[envId];
  for (const k of Object.keys(s.applicationInstalls)) if (k.startsWith(`${envId}:`)) delete s.applicationInstalls[k];
  for (const [id, f] of Object.entries(s.flows)) if (f._envId === envId) { delete s.flows[id]; delete s.flowPermissions[id]; }
  for (const [id, r] of Object.entries(s.flowRuns)) if (r._envId === envId) delete s.flowRuns[id];
  for (const [id, c] of Object.entries(s.connections)) if (c._envId === envId) delete s.connections[id];
}

export function newLifecycleOperation(s: TenantState, envId: string, type: "Create" | "Delete" | "Update" | "ModifySku" | "EnableGovernanceConfiguration" | "DisableGovernanceConfiguration", settings: Settings, requestedBy: Obj, extra: Obj = {}): Obj {
  const id = newId();
  const start = Date.now();
  const op = {
    _dataverseMissingReads: settings.dataverseMetadataMissingReads,
    _retentionMs: settings.lifecycleOperationRetentionMs,
    id,
    links: {
      self: { path: `/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/${id}` },
      environment: { path: `/providers/Microsoft.BusinessAppPlatform/environments/${envId}` },
    },
    type: { id: type },
    typeDisplayName: type,
    state: { id: "NotStarted" },
    createdDateTime: new Date(start).toISOString(),
    lastActionDateTime: new Date(start).toISOString(),
    requestedBy,
    stages: STAGES.map((n) => ({ id: n, name: n, state: { id: "NotStarted" } })),
    _envId: envId,
    _startAt: start + Math.min(200, settings.environmentOperationMs / 4),
    _endAt: start + settings.environmentOperationMs,
    _outcome: settings.environmentOperationOutcome,
    ...extra,
  };
  s.lifecycleOperations[id] = op;
  if (s.environments[envId]) s.environments[envId]._activeOperation = id;
  return op;
}

// ---------- persistence ----------
export function loadState(file: string): TenantState | undefined {
  if (!fs.existsSync(file)) return undefined;
  const txt = fs.readFileSync(file, "utf8");
  if (!txt.trim()) return undefined;
  const s = JSON.parse(txt) as TenantState;
  if (s.version !== 1) throw new Error(`unsupported emulator state version in ${file}`);
  s.dlpPolicies ??= {}; // saved before the emulator played DLP policies
  s.environmentGroups ??= {};
  s.environmentGroupRuleSets ??= {};
  return s;
}

export function saveState(file: string, json: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, json);
  fs.renameSync(tmp, file);
}
