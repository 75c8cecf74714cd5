// BAP governance: data loss prevention (DLP) policies, `/providers/PowerPlatform.Governance/v2/policies`
// (list, get, create, PATCH, DELETE) and `/v1/policies/{name}` (DELETE).
//
// As the real service answers (test/conformance/recorded/dlp-policies/, from
// microsoft/terraform-provider-power-platform internal/services/dlp_policy): no api-version on
// these paths; create → 201 with the policy, PATCH → 200 with the policy, DELETE → 200 with an
// empty body; a policy is {policyDefinition, connectorConfigurationsDefinition (only when a
// connector has action or endpoint rules), customConnectorUrlPatternsDefinition}; connectors in
// a group come back with their display name as `name`; endpoint rules come back spelled
// `endPoint`; every policy has a URL pattern rule (`*` → Ignore when none is sent).
// Guesses (no recording): the 404 of an unknown policy and its body, the 400s of invalid
// bodies, paging of the list, and the list carrying whole policies.
import { Ctx, Route, ok, err, requireBody, page, compile } from "../http";
import { newId, nowIso, Obj } from "../state";

const S = "bap" as const;
const V2 = "/providers/PowerPlatform.Governance/v2/policies";
const V1 = "/providers/PowerPlatform.Governance/v1/policies";
const CLASSIFICATIONS = ["Confidential", "General", "Blocked"];
const PATTERN_CLASSIFICATIONS = [...CLASSIFICATIONS, "Ignore"];
const ENVIRONMENT_TYPES = ["AllEnvironments", "ExceptEnvironments", "OnlyEnvironments"];

function findPolicy(ctx: Ctx): Obj | undefined {
  const id = ctx.params.policyName.toLowerCase();
  return Object.values(ctx.state.dlpPolicies).find((p) => String(p.policyDefinition?.name).toLowerCase() === id);
}
function getPolicy(ctx: Ctx): Obj {
  return findPolicy(ctx) ?? err(404, "PolicyNotFound", `The policy '${ctx.params.policyName}' was not found.`);
}
const bad = (message: string): never => err(400, "InvalidPolicy", message);
const actor = (ctx: Ctx) => ({ displayName: ctx.principal!.displayName ?? ctx.principal!.type });

/** Checks a body and returns the stored policy it makes (without name, times, etag). */
function policyFrom(ctx: Ctx, b: Obj): Obj {
  const d = b.policyDefinition;
  if (!d || typeof d !== "object" || Array.isArray(d)) bad("The field 'policyDefinition' is required.");
  if (typeof d.displayName !== "string" || !d.displayName.trim()) bad("The field 'policyDefinition.displayName' is required.");
  if (!ENVIRONMENT_TYPES.includes(d.environmentType)) bad(`The field 'policyDefinition.environmentType' must be one of ${ENVIRONMENT_TYPES.join(", ")}.`);
  const defaultClassification = d.defaultConnectorsClassification ?? "General";
  if (!CLASSIFICATIONS.includes(defaultClassification)) bad(`The field 'policyDefinition.defaultConnectorsClassification' must be one of ${CLASSIFICATIONS.join(", ")}.`);
  const environments = d.environments ?? [];
  if (!Array.isArray(environments)) bad("The field 'policyDefinition.environments' must be an array.");
  if (d.environmentType === "AllEnvironments" && environments.length > 0) bad("A policy for all environments cannot list environments.");
  if (d.environmentType !== "AllEnvironments" && environments.length === 0) bad(`A policy of type '${d.environmentType}' must list at least one environment.`);
  for (const e of environments) {
    const envId = String(e?.name ?? "");
    if (!Object.values(ctx.state.environments).some((x) => x.name.toLowerCase() === envId.toLowerCase())) bad(`The environment '${envId}' was not found.`);
  }
  const groups = d.connectorGroups ?? [];
  if (!Array.isArray(groups)) bad("The field 'policyDefinition.connectorGroups' must be an array.");
  const byClass: Record<string, Obj[]> = { Confidential: [], General: [], Blocked: [] };
  const seen = new Set<string>();
  for (const g of groups) {
    if (!CLASSIFICATIONS.includes(g?.classification)) bad(`A connector group has an invalid classification '${g?.classification}'.`);
    for (const c of g.connectors ?? []) {
      const id = String(c?.id ?? "");
      if (!id) bad("A connector of a connector group has no id.");
      if (seen.has(id.toLowerCase())) bad(`The connector '${id}' is in more than one group.`);
      seen.add(id.toLowerCase());
      const known = Object.values(ctx.state.connectors).find((x) => String(x.id).toLowerCase() === id.toLowerCase());
      // The service answers with the connector's display name as `name` (recorded).
      byClass[g.classification].push({ id, name: known?.properties?.displayName ?? c.name ?? id.slice(id.lastIndexOf("/") + 1), type: c.type ?? "Microsoft.PowerApps/apis" });
    }
  }
  const cfg = b.connectorConfigurationsDefinition;
  const actions = (cfg?.connectorActionConfigurations ?? []).map((a: Obj) => ({
    connectorId: String(a.connectorId),
    actionRules: (a.actionRules ?? []).map((r: Obj) => ({ actionId: String(r.actionId), behavior: String(r.behavior) })),
    defaultConnectorActionRuleBehavior: a.defaultConnectorActionRuleBehavior ?? "Allow",
  }));
  // Recorded with the key spelled `endPoint`; both spellings are taken.
  const endpoints = (cfg?.endpointConfigurations ?? []).map((e: Obj) => ({
    connectorId: String(e.connectorId),
    endpointRules: (e.endpointRules ?? []).map((r: Obj) => ({ order: Number(r.order), behavior: String(r.behavior), endPoint: String(r.endPoint ?? r.endpoint ?? "") })),
  }));
  const rules = (b.customConnectorUrlPatternsDefinition?.rules ?? []).map((r: Obj) => {
    if (!PATTERN_CLASSIFICATIONS.includes(r.customConnectorRuleClassification)) bad(`A custom connector URL pattern has an invalid classification '${r.customConnectorRuleClassification}'.`);
    return { order: Number(r.order), customConnectorRuleClassification: r.customConnectorRuleClassification, pattern: String(r.pattern) };
  });
  return {
    policyDefinition: {
      displayName: d.displayName,
      defaultConnectorsClassification: defaultClassification,
      connectorGroups: CLASSIFICATIONS.map((classification) => ({ classification, connectors: byClass[classification] })),
      environmentType: d.environmentType,
      environments: environments.map((e: Obj) => ({
        id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${e.name}`,
        name: String(e.name),
        type: "Microsoft.BusinessAppPlatform/scopes/environments",
      })),
    },
    ...(actions.length || endpoints.length
      ? { connectorConfigurationsDefinition: { ...(actions.length ? { connectorActionConfigurations: actions } : {}), ...(endpoints.length ? { endpointConfigurations: endpoints } : {}) } }
      : {}),
    customConnectorUrlPatternsDefinition: { rules: rules.length ? rules : [{ order: 1, customConnectorRuleClassification: "Ignore", pattern: "*" }] },
  };
}

/** The definition's keys in the recorded order. */
function view(p: Obj): Obj {
  const d = p.policyDefinition;
  return {
    policyDefinition: {
      name: d.name, displayName: d.displayName, defaultConnectorsClassification: d.defaultConnectorsClassification, connectorGroups: d.connectorGroups,
      environmentType: d.environmentType, environments: d.environments, createdBy: d.createdBy, createdTime: d.createdTime, lastModifiedBy: d.lastModifiedBy,
      lastModifiedTime: d.lastModifiedTime, etag: d.etag, isLegacySchemaVersion: d.isLegacySchemaVersion ?? false,
    },
    ...(p.connectorConfigurationsDefinition ? { connectorConfigurationsDefinition: p.connectorConfigurationsDefinition } : {}),
    customConnectorUrlPatternsDefinition: p.customConnectorUrlPatternsDefinition,
  };
}

const list = (ctx: Ctx) => ok(page(ctx, Object.values(ctx.state.dlpPolicies).map(view)));
const get = (ctx: Ctx) => ok(view(getPolicy(ctx)));

const create = (ctx: Ctx) => {
  const made = policyFrom(ctx, requireBody(ctx));
  const name = newId();
  const now = nowIso();
  Object.assign(made.policyDefinition, { name, createdBy: actor(ctx), createdTime: now, lastModifiedBy: actor(ctx), lastModifiedTime: now, etag: newId(), isLegacySchemaVersion: false });
  ctx.state.dlpPolicies[name] = made;
  ctx.changed = true;
  return ok(view(made), 201);
};

const patch = (ctx: Ctx) => {
  const current = getPolicy(ctx);
  const made = policyFrom(ctx, requireBody(ctx));
  const d = current.policyDefinition;
  Object.assign(made.policyDefinition, { name: d.name, createdBy: d.createdBy, createdTime: d.createdTime, lastModifiedBy: actor(ctx), lastModifiedTime: nowIso(), etag: newId(), isLegacySchemaVersion: false });
  ctx.state.dlpPolicies[d.name] = made;
  ctx.changed = true;
  return ok(view(made));
};

const remove = (ctx: Ctx) => {
  const p = getPolicy(ctx);
  delete ctx.state.dlpPolicies[p.policyDefinition.name];
  ctx.changed = true;
  return ok(undefined, 200);
};

const R = (method: string, template: string, handler: Route["handler"]): Route => compile({ method, template, surface: S, admin: true, handler });

export const dlpPolicyRoutes: Route[] = [
  R("GET", V2, list),
  R("POST", V2, create),
  R("GET", `${V2}/{policyName}`, get),
  R("PATCH", `${V2}/{policyName}`, patch),
  R("DELETE", `${V2}/{policyName}`, remove),
  R("DELETE", `${V1}/{policyName}`, remove),
];
