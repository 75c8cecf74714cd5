import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceProps, dynamicResourceType } from "./dynamicProvider";
import { programFramesOnly } from "./sourceFrames";
import { timeoutsInput } from "./timeouts";
import { claim } from "./claims";
import { InputChecker, isUnknown, nearestName, type CheckFailure } from "./validation";
import type { ResourceHandler, CheckResult, DiffResult, ReadResult } from "./handler";
import { clientFromEnvironment, isNotFound } from "./runtimeSupport";
import { claimObject, isClaimed } from "./ownership";
import { readConfirmingGone } from "./confirmGone";
import type { PowerPlatformClient } from "../client";
import { chooseCredentialKind } from "../client/auth";
import { pollFor } from "../client/lookup";
import { sameJson } from "./jsonEquality";
import { type DlpPolicyDto, dlpPolicyIdOf, endpointOf } from "../client/api/dlpPolicies";

/** Where a DLP policy applies: every environment, every one but those listed, or only those listed. */
export const dlpEnvironmentTypes = ["AllEnvironments", "ExceptEnvironments", "OnlyEnvironments"] as const;
/** `AllEnvironments`, `ExceptEnvironments` or `OnlyEnvironments` (see {@link dlpEnvironmentTypes}). */
export type DlpEnvironmentType = (typeof dlpEnvironmentTypes)[number];

/**
 * The connector groups of a DLP policy as the admin center names them. The API calls them
 * `Confidential` (business), `General` (non-business) and `Blocked`.
 */
export const dlpConnectorGroups = ["Business", "NonBusiness", "Blocked"] as const;
/** `Business`, `NonBusiness` or `Blocked` (see {@link dlpConnectorGroups}). */
export type DlpConnectorGroup = (typeof dlpConnectorGroups)[number];

/** The data groups a custom connector URL pattern can put a custom connector in (`Ignore`: the pattern does not classify it). */
export const dlpUrlPatternDataGroups = ["Business", "NonBusiness", "Blocked", "Ignore"] as const;
/** `Business`, `NonBusiness`, `Blocked` or `Ignore` (see {@link dlpUrlPatternDataGroups}). */
export type DlpUrlPatternDataGroup = (typeof dlpUrlPatternDataGroups)[number];

/** How a connector action rule treats an action: `Allow` or `Block`. */
export const dlpActionBehaviors = ["Allow", "Block"] as const;
/** How a connector endpoint rule treats an endpoint: `Allow` or `Deny`. */
export const dlpEndpointBehaviors = ["Allow", "Deny"] as const;

/** The id prefix of Microsoft's connectors: `shared_sql` stands for `/providers/Microsoft.PowerApps/apis/shared_sql`. */
export const connectorIdPrefix = "/providers/Microsoft.PowerApps/apis/";

/** The connector id a short name or a full id stands for. */
export function connectorIdOf(nameOrId: string): string {
  return nameOrId.startsWith("/") ? nameOrId : `${connectorIdPrefix}${nameOrId}`;
}

/** One action rule of a connector. */
export interface DlpActionRule {
  /** The connector operation, e.g. `DeleteItem_V2`. */
  actionId: string;
  /** `Allow` or `Block`. */
  behavior: (typeof dlpActionBehaviors)[number];
}

/** One endpoint rule of a connector (rules apply in `order`). */
export interface DlpEndpointRule {
  /** Position of the rule, from 1. */
  order: number;
  /** `Allow` or `Deny`. */
  behavior: (typeof dlpEndpointBehaviors)[number];
  /** The endpoint (host, URL or `*`). */
  endpoint: string;
}

/** A connector in a group, with its optional action and endpoint rules. */
export interface DlpConnectorArgs {
  /** The connector: `shared_sql` or `/providers/Microsoft.PowerApps/apis/shared_sql`. */
  id: pulumi.Input<string>;
  /** What actions not listed in `actionRules` do: `Allow` (default when action rules are given) or `Block`. */
  defaultActionRuleBehavior?: pulumi.Input<"Allow" | "Block">;
  /** Per-action rules (order does not matter). */
  actionRules?: pulumi.Input<pulumi.Input<DlpActionRule>[]>;
  /** Endpoint rules, applied by `order`. */
  endpointRules?: pulumi.Input<pulumi.Input<DlpEndpointRule>[]>;
}

/** A custom connector URL pattern: custom connectors whose host matches go in `dataGroup`. */
export interface DlpUrlPatternArgs {
  /** Position of the rule, from 1 (the first match wins). */
  order: pulumi.Input<number>;
  /** The host URL pattern, e.g. `https://*.contoso.com` or `*`. */
  hostUrlPattern: pulumi.Input<string>;
  /** `Business`, `NonBusiness`, `Blocked` or `Ignore`. */
  dataGroup: pulumi.Input<DlpUrlPatternDataGroup>;
}

/** The arguments of a {@link DataLossPreventionPolicy}; `check` refuses any other name. */
export interface DataLossPreventionPolicyArgs {
  /** The policy's name in the admin center. Updated in place. */
  displayName: pulumi.Input<string>;
  /** The group of every connector the policy does not list: `Business`, `NonBusiness` or `Blocked` (default `NonBusiness`, as the admin center). */
  defaultConnectorsClassification?: pulumi.Input<DlpConnectorGroup>;
  /** `AllEnvironments`, `ExceptEnvironments` or `OnlyEnvironments`. */
  environmentType: pulumi.Input<DlpEnvironmentType>;
  /** The environment ids the scope lists (none with `AllEnvironments`; order does not matter). */
  environments?: pulumi.Input<pulumi.Input<string>[]>;
  /** Connectors in the business group: short names (`shared_sql`), full ids, or objects with rules. */
  businessConnectors?: pulumi.Input<pulumi.Input<string | DlpConnectorArgs>[]>;
  /** Connectors in the non-business group. */
  nonBusinessConnectors?: pulumi.Input<pulumi.Input<string | DlpConnectorArgs>[]>;
  /** Connectors that are blocked. */
  blockedConnectors?: pulumi.Input<pulumi.Input<string | DlpConnectorArgs>[]>;
  /** Custom connector URL patterns (default: one rule, `*` → `Ignore`, as the admin center creates). */
  customConnectorUrlPatterns?: pulumi.Input<pulumi.Input<DlpUrlPatternArgs>[]>;
  /**
   * Adopt an existing DLP policy with this id instead of creating one: `create` reads it,
   * then brings it to the declared values. (`pulumi import` does not work for dynamic resources.)
   */
  adoptId?: pulumi.Input<string>;
}

/** A connector after `check`: full id, rules sorted. */
export interface DlpConnectorInputs {
  /** The connector's full id (`/providers/Microsoft.PowerApps/apis/shared_sql`). */
  id: string;
  /** What actions not listed in `actionRules` do (present when the connector has action rules). */
  defaultActionRuleBehavior?: "Allow" | "Block";
  /** Per-action rules, sorted by action id. */
  actionRules?: DlpActionRule[];
  /** Endpoint rules, by order. */
  endpointRules?: DlpEndpointRule[];
}

/** A URL pattern after `check`. */
export interface DlpUrlPatternInputs {
  /** Position of the rule, from 1. */
  order: number;
  /** The host URL pattern. */
  hostUrlPattern: string;
  /** `Business`, `NonBusiness`, `Blocked` or `Ignore`. */
  dataGroup: DlpUrlPatternDataGroup;
}

/** Inputs after `check`: validated and normalized (sorted where the API ignores order). */
export interface DataLossPreventionPolicyInputs {
  displayName: string;
  defaultConnectorsClassification: DlpConnectorGroup;
  environmentType: DlpEnvironmentType;
  environments: string[];
  businessConnectors: DlpConnectorInputs[];
  nonBusinessConnectors: DlpConnectorInputs[];
  blockedConnectors: DlpConnectorInputs[];
  customConnectorUrlPatterns: DlpUrlPatternInputs[];
  adoptId?: string;
}

/** What the state holds: the inputs as the API reports them, plus what the API computes. */
export interface DataLossPreventionPolicyOutputs extends DataLossPreventionPolicyInputs {
  policyId: string;
  createdBy?: string;
  createdTime?: string;
  lastModifiedBy?: string;
  lastModifiedTime?: string;
}

const resourceName = "DataLossPreventionPolicy";

/** The arguments of a DataLossPreventionPolicy: check refuses any other name (`__` names excepted). */
export const dataLossPreventionPolicyArguments = [
  "displayName",
  "defaultConnectorsClassification",
  "environmentType",
  "environments",
  "businessConnectors",
  "nonBusinessConnectors",
  "blockedConnectors",
  "customConnectorUrlPatterns",
  "adoptId",
] as const;
const connectorArguments = ["id", "defaultActionRuleBehavior", "actionRules", "endpointRules"] as const;
const actionRuleArguments = ["actionId", "behavior"] as const;
const endpointRuleArguments = ["order", "behavior", "endpoint"] as const;
const urlPatternArguments = ["order", "hostUrlPattern", "dataGroup"] as const;
const groupArguments = { Business: "businessConnectors", NonBusiness: "nonBusinessConnectors", Blocked: "blockedConnectors" } as const;

/** Wire names of the groups (recorded bodies: Confidential = business, General = non-business). */
const wireGroup: Record<DlpUrlPatternDataGroup, string> = { Business: "Confidential", NonBusiness: "General", Blocked: "Blocked", Ignore: "Ignore" };
const groupOfWire = (wire: string): DlpUrlPatternDataGroup | undefined =>
  (Object.keys(wireGroup) as DlpUrlPatternDataGroup[]).find((k) => wireGroup[k].toLowerCase() === wire.toLowerCase());

/** The URL pattern a policy has when none is declared (the admin center's default, recorded on every policy). */
export const defaultUrlPatterns: DlpUrlPatternInputs[] = [{ order: 1, hostUrlPattern: "*", dataGroup: "Ignore" }];

/** An environment id: a GUID, or `Default-<tenant GUID>` for the default environment. */
const environmentIdPattern = /^(Default-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `Default-<guid>` keeps its prefix as the service writes it; the GUID is lower case. */
const normalizeEnvironmentId = (id: string): string => {
  const isDefault = /^default-/i.test(id);
  const guid = (isDefault ? id.slice("default-".length) : id).toLowerCase();
  return isDefault ? `Default-${guid}` : guid;
};
const connectorNamePattern = /^[A-Za-z0-9_.-]+$/;

function positiveInteger(c: InputChecker, value: unknown, property: string): number | undefined {
  if (value === undefined || value === null) {
    c.fail(property, `${resourceName}: ${property} is required`);
    return undefined;
  }
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    c.fail(property, `${resourceName}: ${property} must be a whole number from 1 (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return value;
}

function array(c: InputChecker, value: unknown, property: string): unknown[] | undefined {
  if (value === undefined || value === null) return [];
  if (isUnknown(value)) return undefined;
  if (!Array.isArray(value)) {
    c.fail(property, `${resourceName}: ${property} must be a list`);
    return [];
  }
  return value;
}

function checkConnector(c: InputChecker, raw: unknown, at: string): DlpConnectorInputs | undefined {
  if (typeof raw === "string") {
    const id = c.string(raw, at, { required: true });
    return id ? checkConnectorId(c, id, at) : undefined;
  }
  const o = c.object(raw, at, { required: true });
  if (!o) return undefined;
  c.knownNames(o, at, connectorArguments);
  const rawId = c.string(o.id, `${at}.id`, { required: true });
  const connector = rawId ? checkConnectorId(c, rawId, `${at}.id`) : undefined;
  const defaultBehavior = c.oneOf(o.defaultActionRuleBehavior, `${at}.defaultActionRuleBehavior`, dlpActionBehaviors, "Allow");
  const actions = array(c, o.actionRules, `${at}.actionRules`) ?? [];
  const actionRules: DlpActionRule[] = [];
  const actionIds = new Set<string>();
  actions.forEach((a, i) => {
    const p = `${at}.actionRules[${i}]`;
    const rule = c.object(a, p, { required: true });
    if (!rule) return;
    c.knownNames(rule, p, actionRuleArguments);
    const actionId = c.string(rule.actionId, `${p}.actionId`, { required: true });
    const behavior = c.oneOf(rule.behavior, `${p}.behavior`, dlpActionBehaviors);
    if (actionId && actionIds.has(actionId)) c.fail(`${p}.actionId`, `${resourceName}: ${p}.actionId ${actionId} is listed twice`);
    if (actionId) actionIds.add(actionId);
    if (actionId && behavior) actionRules.push({ actionId, behavior });
  });
  const endpoints = array(c, o.endpointRules, `${at}.endpointRules`) ?? [];
  const endpointRules: DlpEndpointRule[] = [];
  const orders = new Set<number>();
  endpoints.forEach((e, i) => {
    const p = `${at}.endpointRules[${i}]`;
    const rule = c.object(e, p, { required: true });
    if (!rule) return;
    c.knownNames(rule, p, endpointRuleArguments);
    const order = positiveInteger(c, rule.order, `${p}.order`);
    const behavior = c.oneOf(rule.behavior, `${p}.behavior`, dlpEndpointBehaviors);
    const endpoint = c.string(rule.endpoint, `${p}.endpoint`, { required: true });
    if (order !== undefined && orders.has(order)) c.fail(`${p}.order`, `${resourceName}: ${p}.order ${order} is used by another endpoint rule of this connector`);
    if (order !== undefined) orders.add(order);
    if (order !== undefined && behavior && endpoint) endpointRules.push({ order, behavior, endpoint });
  });
  if (!connector) return undefined;
  const withActions = actions.length > 0 || o.defaultActionRuleBehavior !== undefined;
  return {
    id: connector.id,
    ...(withActions ? { defaultActionRuleBehavior: defaultBehavior, actionRules: actionRules.sort((a, b) => a.actionId.localeCompare(b.actionId)) } : {}),
    ...(endpointRules.length > 0 ? { endpointRules: endpointRules.sort((a, b) => a.order - b.order) } : {}),
  };
}

function checkConnectorId(c: InputChecker, raw: string, property: string): DlpConnectorInputs | undefined {
  if (isUnknown(raw)) return { id: raw };
  const name = raw.startsWith(connectorIdPrefix) ? raw.slice(connectorIdPrefix.length) : raw;
  if (!connectorNamePattern.test(name)) {
    c.fail(property, `${resourceName}: ${property} must be a connector name like shared_sql or an id like ${connectorIdPrefix}shared_sql (got "${raw}")`);
    return undefined;
  }
  return { id: connectorIdOf(name) };
}

function checkInputs(news: Record<string, unknown>): CheckResult<DataLossPreventionPolicyInputs> {
  const c = new InputChecker(resourceName);
  c.knownNames(news, "", dataLossPreventionPolicyArguments);
  const displayName = c.displayName(news.displayName, "displayName", { required: true, maxLength: 256 });
  const defaultGroup = c.oneOf(news.defaultConnectorsClassification, "defaultConnectorsClassification", dlpConnectorGroups, "NonBusiness");
  const environmentType = c.oneOf(news.environmentType, "environmentType", dlpEnvironmentTypes);

  const rawEnvironments = array(c, news.environments, "environments");
  const environments: string[] = [];
  rawEnvironments?.forEach((e, i) => {
    const p = `environments[${i}]`;
    const id = c.string(e, p, { required: true });
    if (id === undefined) return;
    if (isUnknown(id)) return void environments.push(id);
    if (!environmentIdPattern.test(id)) return c.fail(p, `${resourceName}: ${p} must be an environment id (a GUID, or Default-<tenant id>) (got "${id}")`);
    const normalized = normalizeEnvironmentId(id);
    if (environments.includes(normalized)) return c.fail(p, `${resourceName}: ${p} ${id} is listed twice`);
    environments.push(normalized);
  });
  if (environmentType === "AllEnvironments" && (rawEnvironments?.length ?? 0) > 0) {
    c.fail("environments", `${resourceName}: environments must be empty when environmentType is AllEnvironments (use ExceptEnvironments or OnlyEnvironments to list environments)`);
  }
  if ((environmentType === "ExceptEnvironments" || environmentType === "OnlyEnvironments") && rawEnvironments !== undefined && rawEnvironments.length === 0) {
    c.fail("environments", `${resourceName}: environments must list at least one environment id when environmentType is ${environmentType}`);
  }

  const groups: Record<DlpConnectorGroup, DlpConnectorInputs[] | undefined> = { Business: [], NonBusiness: [], Blocked: [] };
  const seen = new Map<string, string>();
  for (const group of dlpConnectorGroups) {
    const property = groupArguments[group];
    const raw = array(c, news[property], property);
    if (raw === undefined) {
      groups[group] = undefined;
      continue;
    }
    raw.forEach((entry, i) => {
      const at = `${property}[${i}]`;
      const connector = checkConnector(c, entry, at);
      if (!connector) return;
      if (!isUnknown(connector.id)) {
        const key = connector.id.toLowerCase();
        const first = seen.get(key);
        if (first) return c.fail(at, `${resourceName}: ${at} ${connector.id} is already listed at ${first}: a connector belongs to one group`);
        seen.set(key, at);
      }
      groups[group]!.push(connector);
    });
    groups[group]?.sort((a, b) => a.id.localeCompare(b.id));
  }

  const rawPatterns = array(c, news.customConnectorUrlPatterns, "customConnectorUrlPatterns");
  let patterns: DlpUrlPatternInputs[] | undefined = [];
  const patternOrders = new Set<number>();
  rawPatterns?.forEach((r, i) => {
    const p = `customConnectorUrlPatterns[${i}]`;
    const o = c.object(r, p, { required: true });
    if (!o) return;
    c.knownNames(o, p, urlPatternArguments);
    const order = positiveInteger(c, o.order, `${p}.order`);
    const hostUrlPattern = c.string(o.hostUrlPattern, `${p}.hostUrlPattern`, { required: true });
    const dataGroup = c.oneOf(o.dataGroup, `${p}.dataGroup`, dlpUrlPatternDataGroups);
    if (order !== undefined && patternOrders.has(order)) c.fail(`${p}.order`, `${resourceName}: ${p}.order ${order} is used by another pattern`);
    if (order !== undefined) patternOrders.add(order);
    if (order !== undefined && hostUrlPattern && dataGroup) patterns!.push({ order, hostUrlPattern, dataGroup });
  });
  if (rawPatterns === undefined) patterns = undefined;
  else if (rawPatterns.length === 0) patterns = defaultUrlPatterns.map((p) => ({ ...p }));
  else patterns.sort((a, b) => a.order - b.order);

  const adoptId = c.guid(news.adoptId, "adoptId");
  if (c.failures.length > 0) return { failures: c.failures };
  return {
    inputs: {
      displayName: displayName!,
      defaultConnectorsClassification: defaultGroup!,
      environmentType: environmentType!,
      environments: (rawEnvironments === undefined ? news.environments : environments.sort()) as string[],
      businessConnectors: (groups.Business ?? news.businessConnectors) as DlpConnectorInputs[],
      nonBusinessConnectors: (groups.NonBusiness ?? news.nonBusinessConnectors) as DlpConnectorInputs[],
      blockedConnectors: (groups.Blocked ?? news.blockedConnectors) as DlpConnectorInputs[],
      customConnectorUrlPatterns: (patterns ?? news.customConnectorUrlPatterns) as DlpUrlPatternInputs[],
      ...(adoptId ? { adoptId } : {}),
    },
  };
}

// ---------- the tenant's connectors ----------

/** Every connector id the inputs name (known values only), with the property that names it. */
function namedConnectors(inputs: DataLossPreventionPolicyInputs): Array<{ id: string; property: string }> {
  const named: Array<{ id: string; property: string }> = [];
  for (const group of dlpConnectorGroups) {
    const list = inputs[groupArguments[group]];
    if (!Array.isArray(list)) continue;
    list.forEach((connector, i) => {
      if (connector && typeof connector.id === "string" && !isUnknown(connector.id)) named.push({ id: connector.id, property: `${groupArguments[group]}[${i}]` });
    });
  }
  return named;
}

let tenantConnectors: Promise<string[] | undefined> | undefined;

/**
 * The connector ids of the tenant: the connectors of its default environment (two GETs: the
 * environment list, then `…/environments/{default}/apis`), read once per provider process.
 * Undefined when the tenant has no default environment.
 */
export async function listTenantConnectorIds(client: PowerPlatformClient): Promise<string[] | undefined> {
  tenantConnectors ??= (async () => {
    const environments = await client.environments.list();
    const defaultEnvironment = environments.find((e) => e.properties?.isDefault === true || e.properties?.environmentSku === "Default");
    if (!defaultEnvironment) return undefined;
    const connectors = await client.connectors.list(defaultEnvironment.name);
    return connectors.map((x) => x.id ?? connectorIdOf(x.name));
  })();
  try {
    return await tenantConnectors;
  } catch (error) {
    tenantConnectors = undefined;
    throw error;
  }
}

/** For tests: forgets the tenant's connectors read by this process. */
export function forgetTenantConnectors(): void {
  tenantConnectors = undefined;
}

/** Field errors for every connector the tenant does not have (with the nearest one it has). */
export function unknownConnectorFailures(inputs: DataLossPreventionPolicyInputs, known: string[], only?: Set<string>): CheckFailure[] {
  const byLower = new Set(known.map((k) => k.toLowerCase()));
  const names = known.map((k) => k.slice(k.lastIndexOf("/") + 1));
  return namedConnectors(inputs)
    .filter((n) => (!only || only.has(n.id.toLowerCase())) && !byLower.has(n.id.toLowerCase()))
    .map((n) => {
      const name = n.id.slice(n.id.lastIndexOf("/") + 1);
      const nearest = nearestName(name, names);
      return {
        property: n.property,
        reason: `${resourceName}: ${n.property} names connector ${n.id}, which this tenant does not have${nearest ? ` (did you mean ${nearest}?)` : ""}`,
      };
    });
}

/**
 * Refuses, before any write, a declaration that names a connector the tenant does not have.
 * With `olds`, only connectors the old declaration did not name are looked up (none: no call).
 */
async function requireKnownConnectors(client: PowerPlatformClient, inputs: DataLossPreventionPolicyInputs, olds?: Partial<DataLossPreventionPolicyInputs>): Promise<void> {
  const previous = new Set((olds ? namedConnectors(olds as DataLossPreventionPolicyInputs) : []).map((n) => n.id.toLowerCase()));
  const fresh = new Set(namedConnectors(inputs).map((n) => n.id.toLowerCase()).filter((id) => !previous.has(id)));
  if (fresh.size === 0) return;
  const known = await listTenantConnectorIds(client);
  if (!known) return;
  const failures = unknownConnectorFailures(inputs, known, fresh);
  if (failures.length > 0) throw new Error(failures.map((f) => f.reason).join("; "));
}

// ---------- wire mapping ----------

const environmentRef = (id: string) => ({
  id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${id}`,
  name: id,
  type: "Microsoft.BusinessAppPlatform/scopes/environments",
});

/** The policy body the API takes for these inputs (name set on updates). */
export function dlpPolicyBody(inputs: DataLossPreventionPolicyInputs, name?: string): DlpPolicyDto {
  const all = dlpConnectorGroups.flatMap((g) => inputs[groupArguments[g]]);
  const withActions = all.filter((x) => x.actionRules !== undefined || x.defaultActionRuleBehavior !== undefined);
  const withEndpoints = all.filter((x) => (x.endpointRules?.length ?? 0) > 0);
  return {
    policyDefinition: {
      ...(name ? { name } : {}),
      displayName: inputs.displayName,
      defaultConnectorsClassification: wireGroup[inputs.defaultConnectorsClassification],
      connectorGroups: dlpConnectorGroups.map((g) => ({
        classification: wireGroup[g],
        connectors: inputs[groupArguments[g]].map((x) => ({ id: x.id, name: x.id.slice(x.id.lastIndexOf("/") + 1), type: "Microsoft.PowerApps/apis" })),
      })),
      environmentType: inputs.environmentType,
      environments: inputs.environments.map(environmentRef),
    },
    ...(withActions.length > 0 || withEndpoints.length > 0
      ? {
          connectorConfigurationsDefinition: {
            ...(withActions.length > 0
              ? {
                  connectorActionConfigurations: withActions.map((x) => ({
                    connectorId: x.id,
                    defaultConnectorActionRuleBehavior: x.defaultActionRuleBehavior ?? "Allow",
                    actionRules: x.actionRules ?? [],
                  })),
                }
              : {}),
            ...(withEndpoints.length > 0
              ? { endpointConfigurations: withEndpoints.map((x) => ({ connectorId: x.id, endpointRules: x.endpointRules!.map((r) => ({ ...r })) })) }
              : {}),
          },
        }
      : {}),
    customConnectorUrlPatternsDefinition: {
      rules: inputs.customConnectorUrlPatterns.map((p) => ({ order: p.order, customConnectorRuleClassification: wireGroup[p.dataGroup], pattern: p.hostUrlPattern })),
    },
  };
}

/** The policy as inputs and outputs: groups by their admin-center names, everything sorted. */
export function dlpPolicyOutputsFrom(dto: DlpPolicyDto, extra: Pick<DataLossPreventionPolicyInputs, "adoptId"> = {}): DataLossPreventionPolicyOutputs {
  const d = dto.policyDefinition;
  const actions = dto.connectorConfigurationsDefinition?.connectorActionConfigurations ?? [];
  const endpoints = dto.connectorConfigurationsDefinition?.endpointConfigurations ?? [];
  const groups: Record<DlpConnectorGroup, DlpConnectorInputs[]> = { Business: [], NonBusiness: [], Blocked: [] };
  for (const group of d.connectorGroups ?? []) {
    const ours = groupOfWire(group.classification);
    if (!ours || ours === "Ignore") continue;
    for (const connector of group.connectors ?? []) {
      const action = actions.find((a) => a.connectorId.toLowerCase() === connector.id.toLowerCase());
      const endpoint = endpoints.find((e) => e.connectorId.toLowerCase() === connector.id.toLowerCase());
      groups[ours].push({
        id: connector.id,
        ...(action
          ? {
              defaultActionRuleBehavior: (action.defaultConnectorActionRuleBehavior ?? "Allow") as "Allow" | "Block",
              actionRules: (action.actionRules ?? [])
                .map((r) => ({ actionId: r.actionId, behavior: r.behavior as "Allow" | "Block" }))
                .sort((a, b) => a.actionId.localeCompare(b.actionId)),
            }
          : {}),
        ...(endpoint && endpoint.endpointRules.length > 0
          ? {
              endpointRules: endpoint.endpointRules
                .map((r) => ({ order: r.order, behavior: r.behavior as "Allow" | "Deny", endpoint: endpointOf(r) }))
                .sort((a, b) => a.order - b.order),
            }
          : {}),
      });
    }
  }
  for (const g of dlpConnectorGroups) groups[g].sort((a, b) => a.id.localeCompare(b.id));
  const patterns = (dto.customConnectorUrlPatternsDefinition?.rules ?? [])
    .map((r) => ({ order: r.order, hostUrlPattern: r.pattern, dataGroup: groupOfWire(r.customConnectorRuleClassification) ?? "Ignore" }))
    .sort((a, b) => a.order - b.order);
  return {
    displayName: d.displayName,
    defaultConnectorsClassification: (groupOfWire(d.defaultConnectorsClassification ?? "") ?? "NonBusiness") as DlpConnectorGroup,
    environmentType: d.environmentType as DlpEnvironmentType,
    environments: (d.environments ?? []).map((e) => normalizeEnvironmentId(e.name)).sort(),
    businessConnectors: groups.Business,
    nonBusinessConnectors: groups.NonBusiness,
    blockedConnectors: groups.Blocked,
    customConnectorUrlPatterns: patterns,
    ...(extra.adoptId ? { adoptId: extra.adoptId } : {}),
    policyId: dlpPolicyIdOf(dto),
    ...(d.createdBy?.displayName ? { createdBy: d.createdBy.displayName } : {}),
    ...(d.createdTime ? { createdTime: d.createdTime } : {}),
    ...(d.lastModifiedBy?.displayName ? { lastModifiedBy: d.lastModifiedBy.displayName } : {}),
    ...(d.lastModifiedTime ? { lastModifiedTime: d.lastModifiedTime } : {}),
  };
}

function inputsFrom(outputs: DataLossPreventionPolicyOutputs): DataLossPreventionPolicyInputs {
  const { policyId: _id, createdBy: _cb, createdTime: _ct, lastModifiedBy: _mb, lastModifiedTime: _mt, ...inputs } = outputs;
  return inputs;
}

/**
 * The declared properties that differ (adoptId aside): all of them update in place. Key
 * order inside connectors and patterns does not count: the engine hands inputs over with
 * their keys sorted, while a policy read from the service has them in mapping order.
 */
export function changedDlpProperties(olds: Partial<DataLossPreventionPolicyInputs>, news: DataLossPreventionPolicyInputs): string[] {
  const keys = dataLossPreventionPolicyArguments.filter((k) => k !== "adoptId");
  return keys.filter((k) => !sameJson(olds[k] ?? null, news[k] ?? null));
}

// ---------- create without duplicates ----------

const adoptHint = "set adoptId to the id of the one to manage";

/** The policies of the tenant with this display name that no resource of this process manages. */
async function unclaimedNamesakes(client: PowerPlatformClient, displayName: string): Promise<DlpPolicyDto[]> {
  return (await client.dlpPolicies.list()).filter((p) => p.policyDefinition.displayName === displayName && !isClaimed(resourceName, dlpPolicyIdOf(p)));
}

const describePolicies = (policies: DlpPolicyDto[]): string =>
  policies.map((p) => `${dlpPolicyIdOf(p)} (created ${p.policyDefinition.createdTime ?? "at an unknown time"} by ${p.policyDefinition.createdBy?.displayName ?? "unknown"})`).join("; ");

/**
 * POSTs the policy. The service names a policy's creator only by display name, so no policy
 * can be proven this principal's: instead, a create is refused while an unmanaged policy with
 * the same display name exists (an interrupted run may have made it; adopt it on purpose), and
 * after a POST whose outcome is unknown, the one namesake that appeared during it is adopted.
 */
async function createOrFindApplied(client: PowerPlatformClient, inputs: DataLossPreventionPolicyInputs): Promise<DlpPolicyDto> {
  const { duplicateGuardMs, unknownOutcomeLookupMs, clockSkewMs } = client.config.safety;
  if (duplicateGuardMs !== 0) {
    const existing = await unclaimedNamesakes(client, inputs.displayName);
    if (existing.length > 0) {
      throw new Error(
        `${resourceName}: not creating a second DLP policy named "${inputs.displayName}": the tenant has ${existing.length === 1 ? "one" : existing.length} ` +
          `that no resource of this stack manages: ${describePolicies(existing)}. An interrupted run may have made it: ${adoptHint}, ` +
          `or rename one of them (POWERPLATFORM_DUPLICATE_GUARD_MINUTES=0 turns this guard off for a run).`,
      );
    }
  }
  const startedMs = client.http.clock.now();
  try {
    const created = await client.dlpPolicies.create(dlpPolicyBody(inputs));
    claimObject(resourceName, dlpPolicyIdOf(created));
    return created;
  } catch (error) {
    if (!(error as { maybeApplied?: boolean }).maybeApplied) throw error;
    const cause = error instanceof Error ? error.message : String(error);
    let seen: DlpPolicyDto[] = [];
    const found = await pollFor({
      clock: client.http.clock,
      withinMs: unknownOutcomeLookupMs,
      look: async () => {
        seen = await unclaimedNamesakes(client, inputs.displayName);
        const during = seen.filter((p) => {
          const t = Date.parse(p.policyDefinition.createdTime ?? "");
          return Number.isFinite(t) && t >= startedMs - clockSkewMs && t <= client.http.clock.now() + clockSkewMs;
        });
        return during.length > 0 ? during : undefined;
      },
    });
    if (found?.length === 1) {
      claimObject(resourceName, dlpPolicyIdOf(found[0]));
      return found[0];
    }
    const others = seen.length > 0 ? ` Policies with that name: ${describePolicies(seen)}; ${adoptHint}.` : "";
    throw new Error(
      `${resourceName}: the create's outcome is unknown (${cause}), and ${found ? `${found.length} policies named "${inputs.displayName}" appeared during it` : `no policy named "${inputs.displayName}" appeared within ${Math.round(unknownOutcomeLookupMs / 1000)} s`}.${others} ` +
        `Run \`pulumi up\` again: it looks for the policy before creating another one.`,
    );
  }
}

/** The implementation of {@link DataLossPreventionPolicy} (loaded by the runtime by kind name). */
export const dataLossPreventionPolicyHandler: ResourceHandler<DataLossPreventionPolicyInputs, DataLossPreventionPolicyOutputs> = {
  async check(olds, news) {
    const checked = checkInputs(news);
    if (!checked.inputs) return checked;
    // Connectors the tenant does not have are field errors before any write. Only connectors
    // new to this declaration are looked up (a preview of an unchanged policy makes no call);
    // without explicit credentials, or when the tenant cannot be read now, create/update check
    // them before writing.
    const previous = new Set(
      (olds && typeof olds === "object" ? namedConnectors(olds as unknown as DataLossPreventionPolicyInputs) : []).map((n) => n.id.toLowerCase()),
    );
    const fresh = new Set(namedConnectors(checked.inputs).map((n) => n.id.toLowerCase()).filter((id) => !previous.has(id)));
    if (fresh.size === 0) return checked;
    let known: string[] | undefined;
    try {
      const client = await clientFromEnvironment();
      // Only with credentials configured explicitly (service principal, certificate, user,
      // pipeline federation): the developer-tool chain may prompt or wait at preview.
      if (chooseCredentialKind(client.config.credential) === "chain") return checked;
      known = await listTenantConnectorIds(client);
    } catch (error) {
      void pulumi.log.warn(`${resourceName}: could not read the tenant's connectors to check the declared ones (${(error as Error).message}); create/update checks them before writing`);
      return checked;
    }
    if (!known) return checked;
    const failures = unknownConnectorFailures(checked.inputs, known, fresh);
    return failures.length > 0 ? { failures } : checked;
  },

  async diff(id, olds, news): Promise<DiffResult> {
    if (id) claimObject(resourceName, id);
    const changed = changedDlpProperties(olds, news);
    return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs) {
    const client = await clientFromEnvironment();
    await requireKnownConnectors(client, inputs);
    let policy: DlpPolicyDto;
    if (inputs.adoptId) {
      const existing = await client.dlpPolicies.get(inputs.adoptId).catch((error: unknown) => {
        if (isNotFound(error)) throw new Error(`${resourceName}: adoptId ${inputs.adoptId} names no DLP policy in this tenant`);
        throw error;
      });
      claimObject(resourceName, dlpPolicyIdOf(existing));
      policy = existing;
      if (changedDlpProperties(dlpPolicyOutputsFrom(existing), inputs).length > 0) {
        policy = await client.dlpPolicies.update(inputs.adoptId, dlpPolicyBody(inputs, dlpPolicyIdOf(existing)));
      }
    } else {
      policy = await createOrFindApplied(client, inputs);
    }
    return { id: dlpPolicyIdOf(policy), outs: dlpPolicyOutputsFrom(policy, inputs) };
  },

  async read(id, props): Promise<ReadResult<DataLossPreventionPolicyInputs, DataLossPreventionPolicyOutputs>> {
    const client = await clientFromEnvironment();
    const dto = await readConfirmingGone(
      client,
      `DLP policy ${id}`,
      () => client.dlpPolicies.get(id),
      async () => (await client.dlpPolicies.list()).some((p) => dlpPolicyIdOf(p).toLowerCase() === id.toLowerCase()),
    );
    if (!dto) return { id: "", props: {} as DataLossPreventionPolicyOutputs };
    const outs = dlpPolicyOutputsFrom(dto, { adoptId: props?.adoptId });
    return { id: dlpPolicyIdOf(dto), props: outs, inputs: inputsFrom(outs) };
  },

  async update(id, olds, news) {
    const client = await clientFromEnvironment();
    await requireKnownConnectors(client, news, olds);
    const current = await client.dlpPolicies.get(id);
    let dto = current;
    if (changedDlpProperties(dlpPolicyOutputsFrom(current), news).length > 0) {
      dto = await client.dlpPolicies.update(id, dlpPolicyBody(news, id));
    }
    return { outs: dlpPolicyOutputsFrom(dto, news) };
  },

  async delete(id) {
    const client = await clientFromEnvironment();
    // A policy already gone (404) counts as deleted.
    await client.dlpPolicies.delete(id);
  },
};

/**
 * A data loss prevention (DLP) policy: which connectors are business, non-business or
 * blocked (with action and endpoint rules per connector), the group of every connector not
 * listed, the custom connector URL patterns, and the environments it applies to.
 *
 * Everything updates in place (one PATCH of the whole policy); the order of lists the
 * service does not order (connectors, environments, action rules) never makes a change.
 * A connector the tenant does not have is a field error before any write.
 */
export class DataLossPreventionPolicy extends pulumi.CustomResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/powerplatform:DataLossPreventionPolicy";

  /** The policy id (`policyDefinition.name`; also the resource id). */
  declare readonly policyId: pulumi.Output<string>;
  /** The policy's display name, as the service reports it. */
  declare readonly displayName: pulumi.Output<string>;
  /** The group of the connectors not listed. */
  declare readonly defaultConnectorsClassification: pulumi.Output<DlpConnectorGroup>;
  /** The scope: `AllEnvironments`, `ExceptEnvironments` or `OnlyEnvironments`. */
  declare readonly environmentType: pulumi.Output<DlpEnvironmentType>;
  /** The environment ids of the scope (sorted). */
  declare readonly environments: pulumi.Output<string[]>;
  /** The business connectors (full ids, sorted, with their rules). */
  declare readonly businessConnectors: pulumi.Output<DlpConnectorInputs[]>;
  /** The non-business connectors. */
  declare readonly nonBusinessConnectors: pulumi.Output<DlpConnectorInputs[]>;
  /** The blocked connectors. */
  declare readonly blockedConnectors: pulumi.Output<DlpConnectorInputs[]>;
  /** The custom connector URL patterns, by order. */
  declare readonly customConnectorUrlPatterns: pulumi.Output<DlpUrlPatternInputs[]>;
  /** Who created the policy (a display name), as the service reports it. */
  declare readonly createdBy: pulumi.Output<string | undefined>;
  /** When the policy was created (ISO 8601). */
  declare readonly createdTime: pulumi.Output<string | undefined>;
  /** Who last changed the policy (a display name). */
  declare readonly lastModifiedBy: pulumi.Output<string | undefined>;
  /** When the policy last changed (ISO 8601). */
  declare readonly lastModifiedTime: pulumi.Output<string | undefined>;

  constructor(name: string, args: DataLossPreventionPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    claim(resourceName, name, "DLP policy", [args.adoptId]);
    const endProgramFrames = programFramesOnly();
    try {
      super(
        dynamicResourceType(resourceName),
        name,
        dynamicResourceProps(resourceName, { ...args, ...timeoutsInput(opts) }, [
          "policyId",
          ...dataLossPreventionPolicyArguments.filter((a) => a !== "adoptId"),
          "createdBy",
          "createdTime",
          "lastModifiedBy",
          "lastModifiedTime",
        ]),
        opts,
      );
    } finally {
      endProgramFrames();
    }
  }
}
