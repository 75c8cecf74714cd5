/**
 * Reads the live tenant through the data functions and turns it into the entries of a
 * tenant file (schema/tenant.schema.json): every object adopted by id, every field that
 * cannot change in place filled in from the tenant, keys derived from names. What the
 * tenant file cannot express is left out and said so (`skipped`), never guessed.
 */
import { billingPolicyLocations } from "../resources/billingPolicy";
import { environmentSkus } from "../resources/environment";
import { clientFor, type FunctionOptions } from "../functions/common";
import { getApplicationPackages } from "../functions/applicationPackages";
import { getBillingPolicies, getBillingPolicyEnvironments, type BillingPolicySummary } from "../functions/billingPolicies";
import { getEnvironments, type EnvironmentSummary } from "../functions/environments";
import { getFlowOwners, getFlows, type FlowSummary } from "../functions/flows";
import { getManagedEnvironments, type ManagedEnvironmentSummary } from "../functions/managedEnvironments";
import { managedEnvironmentDefaults } from "../resources/managedEnvironment";
import { getEnvironmentGroupRules, getEnvironmentGroups } from "../functions/environmentGroups";
import type { EnvironmentGroupRules } from "../resources/environmentGroupRuleSet";
import { getDlpPolicies, type DlpPolicySummary } from "../functions/dlpPolicies";
import { getTenantSettings } from "../functions/tenantSettings";
import { connectorIdPrefix, defaultUrlPatterns, dlpConnectorGroups, dlpEnvironmentTypes, type DlpConnectorInputs } from "../resources/dataLossPreventionPolicy";
import { flattenSettings, nestSettings } from "../resources/tenantSettings";
import { tenantSettingPaths } from "../resources/tenantSettingNames";
import { KeyAllocator } from "./keys";

export const exportKinds = ["billingPolicies", "environments", "flows", "environmentGroups", "dlpPolicies", "tenantSettings"] as const;
export type ExportKind = (typeof exportKinds)[number];

/**
 * Which tenant settings an export declares (each one declared is managed from then on):
 * `governance` (default) the ones the policy rule tenant-settings-restrict-environment-creation
 * checks, `all` every setting the service reports that the tenant file knows, `none` none.
 */
export const tenantSettingsSelections = ["governance", "all", "none"] as const;
export type TenantSettingsSelection = (typeof tenantSettingsSelections)[number];

/** The settings `--tenant-settings governance` exports: who may create environments. */
export const governanceTenantSettings = [
  "disableEnvironmentCreationByNonAdminUsers",
  "disableTrialEnvironmentCreationByNonAdminUsers",
  "powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers",
] as const;

export interface ExportSettings {
  /** The sections to export (default: all). */
  kinds?: readonly ExportKind[];
  /**
   * Only these environments (ids or display names, case-insensitive), and only the
   * flows in them. Billing policies are exported whole; a policy's link to an
   * environment that is not exported names it by id.
   */
  environments?: readonly string[];
  /** The time written into each object's provenance comment (default: now). */
  exportedAt?: Date;
  /** Which tenant settings to declare when `tenantSettings` is exported (default `governance`). */
  tenantSettings?: TenantSettingsSelection;
}

/** Defaults that suit adopted objects (README: "Exporting an existing tenant"). */
export const adoptedDefaults = {
  /** Every exported object: removing it from the file, or `destroy`, only forgets it. */
  retainOnDelete: true,
  /** Production environments also refuse deletion and replacement until unprotected. */
  protectSkus: ["Production"] as readonly string[],
};

export interface ExportedBillingPolicy {
  name: string;
  location: string;
  status: "Enabled" | "Disabled";
  billingInstrument: { subscriptionId: string; resourceGroup: string };
  environments?: string[];
  adoptId: string;
  retainOnDelete: boolean;
}

export interface ExportedEnvironment {
  displayName: string;
  description?: string;
  location: string;
  environmentSku: string;
  azureRegion?: string;
  securityGroupId?: string;
  dataverse?: { languageCode: number; currencyCode: string; domainName?: string };
  applications?: string[];
  /** The managed-environment settings, when the environment is managed (not through an environment group). */
  managed?: Partial<NonNullable<ManagedEnvironmentSummary["settings"]>>;
  adoptId: string;
  protect?: boolean;
  retainOnDelete: boolean;
}

export interface ExportedFlowOwner {
  principalId: string;
  principalType: "User" | "Group" | "ServicePrincipal";
  role: "CanEdit" | "CanView";
  /** The principal's display name when the service reports it (written as a comment). */
  displayName?: string;
}

export interface ExportedFlow {
  environment: string;
  flowId: string;
  state?: "Started" | "Stopped";
  owners?: ExportedFlowOwner[];
  retainOnDelete: boolean;
}

export interface ExportedEnvironmentGroup {
  displayName: string;
  description?: string;
  /** Keys of exported environments, or ids. */
  environments: string[];
  rules?: EnvironmentGroupRules;
  adoptId: string;
  retainOnDelete: boolean;
}

/** A connector of an exported DLP policy: its short name (`shared_sql`), or an object with its rules. */
export type ExportedDlpConnector = string | (Omit<DlpConnectorInputs, "id"> & { id: string });

/** A DLP policy's entry: what the tenant file's `dlpPolicies` takes, defaults left out. */
export interface ExportedDlpPolicy {
  displayName: string;
  defaultConnectorsClassification?: "Business" | "Blocked";
  environmentType: "AllEnvironments" | "ExceptEnvironments" | "OnlyEnvironments";
  /** Keys of exported environments, or ids. */
  environments?: string[];
  businessConnectors?: ExportedDlpConnector[];
  nonBusinessConnectors?: ExportedDlpConnector[];
  blockedConnectors?: ExportedDlpConnector[];
  customConnectorUrlPatterns?: DlpPolicySummary["customConnectorUrlPatterns"];
  adoptId: string;
  retainOnDelete: boolean;
}

/** The `tenantSettings` section: the settings, nested as the service nests them, and the lifecycle defaults. */
export interface ExportedTenantSettings {
  settings: Record<string, unknown>;
  retainOnDelete: boolean;
}

/** One entry of a section, with where it came from. */
export interface ExportedEntry<T> {
  key: string;
  spec: T;
  /** One line: the object's kind, id, name and dates, and when it was exported. */
  source: string;
}

export interface TenantExport {
  exportedAt: string;
  billingPolicies: Array<ExportedEntry<ExportedBillingPolicy>>;
  environments: Array<ExportedEntry<ExportedEnvironment>>;
  flows: Array<ExportedEntry<ExportedFlow>>;
  environmentGroups: Array<ExportedEntry<ExportedEnvironmentGroup>>;
  dlpPolicies: Array<ExportedEntry<ExportedDlpPolicy>>;
  /** The tenant settings section; absent when no setting is exported. */
  tenantSettings?: { spec: ExportedTenantSettings; source: string };
  /** Objects (or parts of them) left out, each with the reason. */
  skipped: string[];
}

const byNameThenId = <T>(name: (t: T) => string, id: (t: T) => string) => (a: T, b: T) =>
  name(a).localeCompare(name(b), "en") || id(a).localeCompare(id(b), "en");

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The environments the selectors name; every selector must name at least one. */
export function selectEnvironments(all: EnvironmentSummary[], selectors: readonly string[] | undefined): EnvironmentSummary[] {
  if (!selectors || selectors.length === 0) return all;
  const unmatched = selectors.filter((s) => !all.some((e) => same(e.environmentId, s) || same(e.displayName, s)));
  if (unmatched.length > 0) {
    throw new Error(
      `--environment ${unmatched.map((s) => JSON.stringify(s)).join(", ")} names no environment of the tenant ` +
        `(known: ${all.map((e) => `${e.displayName} (${e.environmentId})`).join(", ") || "none"})`,
    );
  }
  return all.filter((e) => selectors.some((s) => same(e.environmentId, s) || same(e.displayName, s)));
}

/** Why an environment cannot be an Environment entry of the tenant file, or undefined. */
function environmentProblem(env: EnvironmentSummary): string | undefined {
  if (env.isDefault) return "it is the tenant's default environment, which cannot be adopted (it is never created or deleted); flows in it name it by id";
  if (!(environmentSkus as readonly string[]).includes(env.environmentSku)) return `its type ${env.environmentSku} is not one the tenant file manages (${environmentSkus.join(", ")})`;
  if (!(billingPolicyLocations as readonly string[]).includes(env.location)) return `its location ${env.location} is not one the tenant file accepts`;
  if (env.provisioningState && env.provisioningState !== "Succeeded") return `it is ${env.provisioningState}, not provisioned: export again once it is`;
  if (env.displayName.length > 100 || /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/.test(env.displayName)) {
    return "its display name is longer than 100 characters or holds control or bidirectional formatting characters, which the tenant file refuses";
  }
  return undefined;
}

function policyProblem(policy: BillingPolicySummary): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(policy.name)) return `its name is not one the tenant file accepts (letters, digits, _ and -)`;
  if (!(billingPolicyLocations as readonly string[]).includes(policy.location)) return `its location ${policy.location} is not one the tenant file accepts`;
  if (policy.status !== "Enabled" && policy.status !== "Disabled") return `its status is ${policy.status}: export again once it is Enabled or Disabled`;
  return undefined;
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0];

const dated = (what: string, created: string | undefined, exportedAt: string) => `${what}${created ? `, created ${created}` : ""}; exported ${exportedAt}`;

/** Reads the tenant (reads only: GETs, and the Dataverse currency reads) and builds the file's entries. */
export async function readTenantForExport(settings: ExportSettings = {}, options: FunctionOptions = {}): Promise<TenantExport> {
  const kinds = new Set(settings.kinds ?? exportKinds);
  const exportedAt = (settings.exportedAt ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
  const skipped: string[] = [];
  const all = (await getEnvironments({}, options)).sort(byNameThenId((e) => e.displayName, (e) => e.environmentId));
  const selected = selectEnvironments(all, settings.environments);

  // Environments: keys first, so that links and flows can name them.
  const environments: TenantExport["environments"] = [];
  const keyOfEnvironment = new Map<string, string>();
  if (kinds.has("environments")) {
    const keys = new KeyAllocator("env");
    const managedById = new Map((await getManagedEnvironments({ managed: true }, options)).map((m) => [m.environmentId.toLowerCase(), m]));
    for (const env of selected) {
      const problem = environmentProblem(env);
      if (problem) {
        skipped.push(`environment ${env.environmentId} "${env.displayName}": ${problem}`);
        continue;
      }
      const spec = await environmentSpec(env, options, skipped, managedById.get(env.environmentId.toLowerCase()));
      if (!spec) continue;
      const key = keys.allocate(env.displayName);
      keyOfEnvironment.set(env.environmentId.toLowerCase(), key);
      environments.push({ key, spec, source: dated(`environment ${env.environmentId} "${env.displayName}"`, env.createdTime, exportedAt) });
    }
  }
  const environmentRef = (id: string) => keyOfEnvironment.get(id.toLowerCase()) ?? id;

  const billingPolicies: TenantExport["billingPolicies"] = [];
  if (kinds.has("billingPolicies")) {
    const keys = new KeyAllocator("policy");
    const policies = (await getBillingPolicies({}, options)).sort(byNameThenId((p) => p.name, (p) => p.billingPolicyId));
    for (const policy of policies) {
      const problem = policyProblem(policy);
      if (problem) {
        skipped.push(`billing policy ${policy.billingPolicyId} "${policy.name}": ${problem}`);
        continue;
      }
      const linked = await getBillingPolicyEnvironments({ billingPolicyId: policy.billingPolicyId }, options);
      const refs = linked.map(environmentRef);
      billingPolicies.push({
        key: keys.allocate(policy.name),
        spec: {
          name: policy.name,
          location: policy.location,
          status: policy.status as "Enabled" | "Disabled",
          billingInstrument: { subscriptionId: policy.subscriptionId.toLowerCase(), resourceGroup: policy.resourceGroup },
          ...(refs.length > 0 ? { environments: refs } : {}),
          adoptId: policy.billingPolicyId.toLowerCase(),
          retainOnDelete: adoptedDefaults.retainOnDelete,
        },
        source: dated(`billing policy ${policy.billingPolicyId} "${policy.name}"`, policy.createdOn, exportedAt),
      });
    }
  }

  const flows: TenantExport["flows"] = [];
  if (kinds.has("flows")) {
    const keys = new KeyAllocator("flow");
    const found: Array<{ env: EnvironmentSummary; flow: FlowSummary }> = [];
    for (const env of selected) {
      // One environment whose flows cannot be listed (no admin access to it) does not stop the export: it is said.
      let listed: FlowSummary[];
      try {
        listed = await getFlows({ environmentId: env.environmentId }, options);
      } catch (error) {
        skipped.push(`the flows of environment ${env.environmentId} "${env.displayName}": they cannot be listed (${firstLine(error)})`);
        continue;
      }
      for (const flow of listed) found.push({ env, flow });
    }
    found.sort(byNameThenId((f) => f.flow.displayName, (f) => f.flow.flowId));
    for (const { env, flow } of found) {
      const spec = await flowSpec(env, flow, environmentRef(env.environmentId), options, skipped);
      if (!spec) continue;
      flows.push({
        key: keys.allocate(flow.displayName),
        spec,
        source: dated(`flow ${flow.flowId} "${flow.displayName}" in environment "${env.displayName}"`, flow.createdTime, exportedAt),
      });
    }
  }

  // Environment groups are exported whole (like billing policies): a member that is not exported is named by id.
  const environmentGroups: TenantExport["environmentGroups"] = [];
  if (kinds.has("environmentGroups")) {
    const keys = new KeyAllocator("group");
    const groups = (await getEnvironmentGroups({}, options)).sort(byNameThenId((g) => g.displayName, (g) => g.environmentGroupId));
    for (const group of groups) {
      const label = `environment group ${group.environmentGroupId} "${group.displayName}"`;
      if (group.displayName.length > 100 || /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/.test(group.displayName)) {
        skipped.push(`${label}: its display name is longer than 100 characters or holds control or bidirectional formatting characters, which the tenant file refuses`);
        continue;
      }
      const { ruleSetId, rules } = await getEnvironmentGroupRules({ environmentGroupId: group.environmentGroupId }, options);
      environmentGroups.push({
        key: keys.allocate(group.displayName),
        spec: {
          displayName: group.displayName,
          ...(group.description ? { description: group.description } : {}),
          environments: group.environments.map(environmentRef),
          ...(ruleSetId ? { rules } : {}),
          adoptId: group.environmentGroupId.toLowerCase(),
          retainOnDelete: adoptedDefaults.retainOnDelete,
        },
        source: dated(label, group.createdTime, exportedAt),
      });
    }
  }

  // DLP policies are exported whole: an environment of the scope that is not exported is named by id.
  const dlpPolicies: TenantExport["dlpPolicies"] = [];
  if (kinds.has("dlpPolicies")) {
    const keys = new KeyAllocator("dlp");
    const policies = (await getDlpPolicies({}, options)).sort(byNameThenId((p) => p.displayName, (p) => p.policyId));
    for (const policy of policies) {
      const label = `DLP policy ${policy.policyId} "${policy.displayName}"`;
      const problem = dlpPolicyProblem(policy);
      if (problem) {
        skipped.push(`${label}: ${problem}`);
        continue;
      }
      if (policy.customConnectorUrlPatterns.length === 0) {
        skipped.push(`${label}: it has no custom connector URL pattern, which the tenant file cannot declare: the first up gives it the default one (* → Ignore)`);
      }
      dlpPolicies.push({ key: keys.allocate(policy.displayName), spec: dlpPolicySpec(policy, environmentRef), source: dated(label, policy.createdTime, exportedAt) });
    }
  }

  let tenantSettings: TenantExport["tenantSettings"];
  const selection = settings.tenantSettings ?? "governance";
  if (kinds.has("tenantSettings") && selection !== "none") {
    const current = flattenSettings(await getTenantSettings({}, options));
    const wanted = selection === "all" ? tenantSettingPaths().map(([p]) => p) : [...governanceTenantSettings];
    const declared = wanted.filter((p) => {
      const value = current.get(p);
      return typeof value === "boolean" || typeof value === "number" || typeof value === "string";
    });
    // `all` takes what the service reports; a governance setting it does not report is said.
    if (selection === "governance") for (const p of wanted) if (!declared.includes(p)) skipped.push(`tenant setting ${p}: the service reports no value for it`);
    if (declared.length > 0) {
      tenantSettings = {
        spec: { settings: nestSettings(declared.map((p) => [p, current.get(p)])) as Record<string, unknown>, retainOnDelete: adoptedDefaults.retainOnDelete },
        source: `tenant settings (${selection === "all" ? "every setting the tenant file knows" : "who may create environments"}); exported ${exportedAt}`,
      };
    }
  }

  return { exportedAt, billingPolicies, environments, flows, environmentGroups, dlpPolicies, ...(tenantSettings ? { tenantSettings } : {}), skipped };
}

/** Why a DLP policy cannot be an entry of the tenant file, or undefined. */
function dlpPolicyProblem(policy: DlpPolicySummary): string | undefined {
  if (policy.displayName.trim() === "" || policy.displayName.length > 256 || /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/.test(policy.displayName)) {
    return "its display name is empty, longer than 256 characters or holds control or bidirectional formatting characters, which the tenant file refuses";
  }
  if (!(dlpEnvironmentTypes as readonly string[]).includes(policy.environmentType)) return `its scope ${policy.environmentType} is not one the tenant file accepts (${dlpEnvironmentTypes.join(", ")})`;
  if (!(dlpConnectorGroups as readonly string[]).includes(policy.defaultConnectorsClassification)) return `its default group ${policy.defaultConnectorsClassification} is not one the tenant file accepts`;
  const all = [...policy.businessConnectors, ...policy.nonBusinessConnectors, ...policy.blockedConnectors];
  const odd = all.find((c) => !c.id.toLowerCase().startsWith(connectorIdPrefix.toLowerCase()) || !/^[A-Za-z0-9_.-]+$/.test(c.id.slice(connectorIdPrefix.length)));
  if (policy.environmentType === "AllEnvironments" && policy.environments.length > 0) return "it applies to AllEnvironments yet lists environments, which the tenant file cannot declare";
  if (policy.environmentType !== "AllEnvironments" && policy.environments.length === 0) return `it applies to ${policy.environmentType} yet lists no environment, which the tenant file cannot declare`;
  if (odd) return `it lists connector ${odd.id}, which is not a connector id the tenant file accepts (${connectorIdPrefix}<name>)`;
  return undefined;
}

/** A connector as the tenant file takes it: its short name, or an object when it has rules. */
function connectorSpec(connector: DlpConnectorInputs): ExportedDlpConnector {
  const name = connector.id.slice(connectorIdPrefix.length);
  const { id: _id, ...rules } = connector;
  return Object.keys(rules).length === 0 ? name : { id: name, ...rules };
}

const sameUrlPatterns = (a: DlpPolicySummary["customConnectorUrlPatterns"], b: DlpPolicySummary["customConnectorUrlPatterns"]) =>
  a.length === b.length && a.every((p, i) => p.order === b[i].order && p.hostUrlPattern === b[i].hostUrlPattern && p.dataGroup === b[i].dataGroup);

/** A DLP policy's entry; what equals the DataLossPreventionPolicy defaults is left out. */
function dlpPolicySpec(policy: DlpPolicySummary, environmentRef: (id: string) => string): ExportedDlpPolicy {
  const group = (list: DlpConnectorInputs[]) => (list.length > 0 ? list.map(connectorSpec) : undefined);
  const business = group(policy.businessConnectors);
  const nonBusiness = group(policy.nonBusinessConnectors);
  const blocked = group(policy.blockedConnectors);
  return {
    displayName: policy.displayName,
    ...(policy.defaultConnectorsClassification !== "NonBusiness" ? { defaultConnectorsClassification: policy.defaultConnectorsClassification as ExportedDlpPolicy["defaultConnectorsClassification"] } : {}),
    environmentType: policy.environmentType as ExportedDlpPolicy["environmentType"],
    ...(policy.environmentType !== "AllEnvironments" && policy.environments.length > 0 ? { environments: policy.environments.map(environmentRef) } : {}),
    ...(business ? { businessConnectors: business } : {}),
    ...(nonBusiness ? { nonBusinessConnectors: nonBusiness } : {}),
    ...(blocked ? { blockedConnectors: blocked } : {}),
    ...(policy.customConnectorUrlPatterns.length > 0 && !sameUrlPatterns(policy.customConnectorUrlPatterns, defaultUrlPatterns)
      ? { customConnectorUrlPatterns: policy.customConnectorUrlPatterns.map((p) => ({ ...p })) }
      : {}),
    adoptId: policy.policyId.toLowerCase(),
    retainOnDelete: adoptedDefaults.retainOnDelete,
  };
}

/**
 * An environment's entry. Its Dataverse base currency is read from Dataverse, as the
 * Environment resource reads it; when it cannot be read, the environment is skipped:
 * a guessed currency would make the next `up` replace the environment.
 */
async function environmentSpec(
  env: EnvironmentSummary,
  options: FunctionOptions,
  skipped: string[],
  managed?: ManagedEnvironmentSummary,
): Promise<ExportedEnvironment | undefined> {
  let dataverse: ExportedEnvironment["dataverse"];
  let applications: string[] = [];
  if (env.dataverse) {
    if (!env.dataverse.instanceUrl) {
      skipped.push(`environment ${env.environmentId} "${env.displayName}": its Dataverse has no instance URL yet, so its currency cannot be read: export again once it is ready`);
      return undefined;
    }
    let currencyCode: string;
    try {
      currencyCode = await clientFor(options).dataverse.baseCurrencyCode(env.dataverse.instanceUrl);
    } catch (error) {
      skipped.push(
        `environment ${env.environmentId} "${env.displayName}": its Dataverse base currency cannot be read (${firstLine(error)}); ` +
          `make the exporting principal a user of that Dataverse and export again`,
      );
      return undefined;
    }
    dataverse = {
      languageCode: env.dataverse.languageCode ?? 1033,
      currencyCode,
      ...(env.dataverse.domainName ? { domainName: env.dataverse.domainName.toLowerCase() } : {}),
    };
    applications = (await getApplicationPackages({ environmentId: env.environmentId, state: "Installed" }, options)).map((p) => p.uniqueName);
  }
  const securityGroupId = env.dataverse?.securityGroupId?.toLowerCase();
  // An environment in a group has the group's configuration: it is not declared on the environment.
  if (managed?.environmentGroupId) {
    skipped.push(`environment ${env.environmentId} "${env.displayName}": its managed-environment settings come from environment group ${managed.environmentGroupId}, so they are not exported with it`);
  }
  const managedSettings = managed && !managed.environmentGroupId && dataverse && managed.settings ? withoutDefaults(managed.settings) : undefined;
  return {
    displayName: env.displayName,
    ...(env.description ? { description: env.description } : {}),
    location: env.location,
    environmentSku: env.environmentSku,
    ...(env.azureRegion ? { azureRegion: env.azureRegion.toLowerCase() } : {}),
    ...(securityGroupId ? { securityGroupId } : {}),
    ...(dataverse ? { dataverse } : {}),
    ...(applications.length > 0 ? { applications: [...new Set(applications)].sort() } : {}),
    ...(managedSettings ? { managed: managedSettings } : {}),
    adoptId: env.environmentId.toLowerCase(),
    ...(adoptedDefaults.protectSkus.includes(env.environmentSku) ? { protect: true } : {}),
    retainOnDelete: adoptedDefaults.retainOnDelete,
  };
}

function withoutDefaults(settings: NonNullable<ManagedEnvironmentSummary["settings"]>): ExportedEnvironment["managed"] {
  return Object.fromEntries(
    Object.entries(settings).filter(([name, value]) => (Array.isArray(value) ? value.length > 0 : (managedEnvironmentDefaults as Record<string, unknown>)[name] !== value)),
  ) as ExportedEnvironment["managed"];
}

const principalTypes = ["User", "Group", "ServicePrincipal"] as const;

/**
 * A flow's entry: its state when it is Started or Stopped, and its co-owners and viewers
 * (every role but the creator's Owner). A flow with neither is skipped.
 */
async function flowSpec(
  env: EnvironmentSummary,
  flow: FlowSummary,
  environment: string,
  options: FunctionOptions,
  skipped: string[],
): Promise<ExportedFlow | undefined> {
  const label = `flow ${flow.flowId} "${flow.displayName}" in environment "${env.displayName}"`;
  const state = flow.state === "Started" || flow.state === "Stopped" ? flow.state : undefined;
  const permissions = (await getFlowOwners({ environmentId: env.environmentId, flowId: flow.flowId }, options)).filter((p) => p.role !== "Owner");
  let owners: ExportedFlowOwner[] | undefined = [];
  for (const p of permissions) {
    const principalType = principalTypes.find((t) => t === p.principalType);
    const role = p.role === "CanEdit" || p.role === "CanView" ? p.role : undefined;
    if (!principalType || !role) {
      skipped.push(`${label}: its co-owners are not managed: principal ${p.principalId} is a ${p.principalType} with role ${p.role}, which the tenant file cannot declare`);
      owners = undefined;
      break;
    }
    owners.push({ principalId: p.principalId.toLowerCase(), principalType, role, ...(p.displayName ? { displayName: p.displayName } : {}) });
  }
  if (!state) {
    skipped.push(`${label}: its state ${flow.state ?? "(none)"} is not managed (only Started and Stopped can be declared)${owners ? "; its co-owners are exported" : ""}`);
  }
  if (!state && !owners) return undefined;
  return {
    environment,
    flowId: flow.flowId.toLowerCase(),
    ...(state ? { state } : {}),
    ...(owners ? { owners: owners.sort((a, b) => (a.principalId < b.principalId ? -1 : a.principalId > b.principalId ? 1 : 0)) } : {}),
    retainOnDelete: adoptedDefaults.retainOnDelete,
  };
}
