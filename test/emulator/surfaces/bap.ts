// BAP (api.bap.microsoft.com): environments and their lifecycle operations.
import { Ctx, Route, ok, err, requireBody, reqString, optEnum, page, retryAfter, compile } from "../http";
import { buildEnvironment, newId, newLifecycleOperation, nowIso, publicView, GEO_REGIONS, Obj, tick } from "../state";

const V = ["2023-06-01", "2021-04-01", "2020-10-01", "2020-06-01", "2019-10-01", "2016-11-01"];
const S = "bap" as const;
const P = "/providers/Microsoft.BusinessAppPlatform";

function findEnv(ctx: Ctx, id = ctx.params.envId): Obj | undefined {
  return Object.values(ctx.state.environments).find((x) => x.name.toLowerCase() === id.toLowerCase());
}
function getEnv(ctx: Ctx): Obj {
  return findEnv(ctx) ?? err(404, "EnvironmentNotFound", `The environment '${ctx.params.envId}' could not be found in the tenant '${ctx.state.tenant.id}'.`);
}
const requestedBy = (ctx: Ctx) => ({ id: ctx.principal!.objectId, displayName: ctx.principal!.displayName ?? ctx.principal!.type, type: ctx.principal!.type, tenantId: ctx.state.tenant.id });
const opLocation = (ctx: Ctx, opId: string) => `${ctx.baseUrl}${P}/lifecycleOperations/${opId}?api-version=2023-06-01`;

function ensureNoActiveOperation(ctx: Ctx, env: Obj) {
  const active = env._activeOperation && ctx.state.lifecycleOperations[env._activeOperation];
  if (active && !["Succeeded", "Failed"].includes(active.state.id))
    err(409, "OperationNotStartable", `The environment '${env.name}' has a lifecycle operation '${active.type.id}' (${active.id}) in progress; retry after it completes.`);
}

const envView = (env: Obj) => publicView(env);

const list = (ctx: Ctx) => ok(page(ctx, Object.values(ctx.state.environments).map(envView)));
const get = (ctx: Ctx) => ok(envView(getEnv(ctx)));

const create = (ctx: Ctx) => {
  const b = requireBody(ctx);
  const location = reqString(b, "location").toLowerCase();
  if (!GEO_REGIONS[location]) err(400, "InvalidRequestContent", `The field 'location' has an unsupported value '${b.location}'.`);
  const props = b.properties;
  if (!props || typeof props !== "object") err(400, "InvalidRequestContent", "The field 'properties' is required.");
  const displayName = reqString(props, "displayName", "properties.");
  const sku = optEnum(props, "environmentSku", ["Production", "Sandbox", "Trial", "Developer", "Default"], "properties.");
  if (!sku) err(400, "InvalidRequestContent", "The field 'properties.environmentSku' is required.");
  if (sku === "Default") err(400, "InvalidEnvironmentSku", "The Default environment is created with the tenant and cannot be created.");
  if (sku === "Developer" && ctx.principal!.kind === "app") err(400, "DeveloperEnvironmentNotSupportedForServicePrincipal", "Service principals can't create Developer environments.");
  const azureRegion = props.azureRegion ? String(props.azureRegion).toLowerCase() : undefined;
  if (azureRegion && !GEO_REGIONS[location].includes(azureRegion))
    err(400, "InvalidRequestContent", `The field 'properties.azureRegion' value '${props.azureRegion}' is not a region of '${location}' (${GEO_REGIONS[location].join(", ")}).`);
  const lem = props.linkedEnvironmentMetadata;
  let dataverse: Obj | null = null;
  if (lem !== undefined && lem !== null) {
    if (typeof lem !== "object") err(400, "InvalidRequestContent", "The field 'properties.linkedEnvironmentMetadata' must be an object.");
    const domainName = lem.domainName ? String(lem.domainName).toLowerCase() : undefined;
    if (domainName !== undefined && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(domainName)) err(400, "InvalidDomainName", `The domain name '${lem.domainName}' is invalid.`);
    if (domainName && Object.values(ctx.state.environments).some((e) => e.properties.linkedEnvironmentMetadata?.domainName?.toLowerCase() === domainName))
      err(409, "DomainNameAlreadyInUse", `The domain name '${domainName}' is already in use by another environment. Choose another domain name.`);
    const counted = Object.values(ctx.state.environments).filter((e) => e.properties.linkedEnvironmentMetadata && !["Trial", "Developer"].includes(e.properties.environmentSku)).length;
    if (!["Trial", "Developer"].includes(sku!) && (counted + 1) * 1024 > Number(ctx.state.tenant.databaseCapacityMb ?? Infinity)) {
      return ok({ error: { code: "InsufficientCapacity_StorageDriven", message: "This environment can't be created because your org (tenant) needs at least 1 GB of database capacity.", detailUrlType: "NotSpecified" } }, 409);
    }
    dataverse = { domainName, languageCode: lem.baseLanguage, currencyCode: lem.currency?.code, securityGroupId: lem.securityGroupId };
  }
  const name = newId();
  const env = buildEnvironment(ctx.state.tenant.id, {
    name, displayName, description: props.description, sku: sku!, location, azureRegion, dataverse,
    createdBy: { id: ctx.principal!.objectId, displayName: ctx.principal!.displayName ?? ctx.principal!.type, type: ctx.principal!.type, tenantId: ctx.state.tenant.id },
    provisioningState: dataverse ? "Creating" : "Succeeded",
  });
  ctx.state.environments[name] = env;
  ctx.changed = true;
  if (!dataverse) return ok(envView(env), 201);
  const op = newLifecycleOperation(ctx.state, name, "Create", ctx.settings, requestedBy(ctx));
  return ok(publicView(op), 202, { Location: opLocation(ctx, op.id), ...retryAfter(ctx) });
};

const PATCHABLE = ["displayName", "description", "updateCadence", "securityGroupId", "linkedEnvironmentMetadata", "environmentSku", "azureRegion"];
const patch = (ctx: Ctx) => {
  const env = getEnv(ctx);
  const b = requireBody(ctx);
  const props = b.properties;
  if (!props || typeof props !== "object" || Array.isArray(props)) err(400, "InvalidRequestContent", "The field 'properties' is required and must be an object.");
  const unknown = Object.keys(props).filter((k) => !PATCHABLE.includes(k));
  if (unknown.length) err(400, "InvalidRequestContent", `The environment properties ${unknown.join(", ")} cannot be updated.`);
  if (props.environmentSku !== undefined && props.environmentSku !== env.properties.environmentSku)
    err(400, "InvalidRequestContent", "The field 'properties.environmentSku' cannot be changed with PATCH; use POST .../environments/{id}/modifySku.");
  if ((b.location !== undefined && String(b.location).toLowerCase() !== env.location) || (props.azureRegion !== undefined && props.azureRegion !== env.properties.azureRegion))
    err(400, "InvalidRequestContent", "The location/azureRegion of an environment cannot be changed.");
  if (props.displayName !== undefined && (typeof props.displayName !== "string" || !props.displayName.trim())) err(400, "InvalidRequestContent", "The field 'properties.displayName' must be a non-empty string.");
  if (props.linkedEnvironmentMetadata && !env.properties.linkedEnvironmentMetadata) err(400, "InvalidRequestContent", "Dataverse cannot be added to an existing environment through PATCH.");
  if (props.linkedEnvironmentMetadata?.domainName) {
    const d = String(props.linkedEnvironmentMetadata.domainName).toLowerCase();
    if (Object.values(ctx.state.environments).some((e) => e.name !== env.name && e.properties.linkedEnvironmentMetadata?.domainName?.toLowerCase() === d))
      err(409, "DomainNameAlreadyInUse", `The domain name '${d}' is already in use by another environment.`);
  }
  ensureNoActiveOperation(ctx, env);
  for (const k of ["displayName", "description", "updateCadence"]) if (props[k] !== undefined) env.properties[k] = props[k];
  if (props.securityGroupId !== undefined && env.properties.linkedEnvironmentMetadata) env.properties.linkedEnvironmentMetadata.securityGroupId = props.securityGroupId;
  if (props.linkedEnvironmentMetadata) {
    const l = props.linkedEnvironmentMetadata;
    const m = env.properties.linkedEnvironmentMetadata;
    if (l.domainName) { m.domainName = String(l.domainName).toLowerCase(); m.instanceUrl = m.instanceUrl.replace(/^https:\/\/[^.]+/, `https://${m.domainName}`); }
    if (l.securityGroupId !== undefined) m.securityGroupId = l.securityGroupId;
  }
  if (props.displayName && env.properties.linkedEnvironmentMetadata) env.properties.linkedEnvironmentMetadata.friendlyName = props.displayName;
  env.properties.lastModifiedTime = nowIso();
  const op = newLifecycleOperation(ctx.state, env.name, "Update", ctx.settings, requestedBy(ctx), { _outcome: "Succeeded" });
  ctx.changed = true;
  return ok(envView(env), 202, { Location: opLocation(ctx, op.id), ...retryAfter(ctx) });
};

const remove = (ctx: Ctx) => {
  if (ctx.body !== undefined) {
    const b = requireBody(ctx);
    if (b.code !== undefined && typeof b.code !== "string") err(400, "InvalidRequestContent", "The field 'code' must be a string (for example \"7\").");
  }
  const env = findEnv(ctx);
  if (!env) return ok(undefined, 204);
  if (env.properties.isDefault) err(400, "CannotDeleteDefaultEnvironment", "The default environment cannot be deleted.");
  ensureNoActiveOperation(ctx, env);
  env.properties.provisioningState = "Deleting";
  env.properties.states.management.id = "Deleting";
  const op = newLifecycleOperation(ctx.state, env.name, "Delete", ctx.settings, requestedBy(ctx));
  ctx.changed = true;
  return ok(undefined, 202, { Location: opLocation(ctx, op.id), ...retryAfter(ctx) });
};

// Trial -> Production/Sandbox and Sandbox <-> Production are allowed (as in the admin center);
// Developer and Default environments cannot change type; nothing can become Trial/Developer/Default.
const modifySku = (ctx: Ctx) => {
  const env = getEnv(ctx);
  const b = requireBody(ctx);
  const to = optEnum(b, "environmentSku", ["Production", "Sandbox", "Trial", "Developer", "Default"]);
  if (!to) err(400, "InvalidRequestContent", "The field 'environmentSku' is required.");
  const from = env.properties.environmentSku;
  if (from === to) return ok(envView(env));
  const allowed = (from === "Trial" && (to === "Production" || to === "Sandbox")) || (from === "Sandbox" && to === "Production") || (from === "Production" && to === "Sandbox");
  if (!allowed) err(400, "EnvironmentSkuChangeNotSupported", `An environment of type '${from}' cannot be converted to '${to}'. Supported: Trial->Production, Trial->Sandbox, Sandbox<->Production.`);
  ensureNoActiveOperation(ctx, env);
  const op = newLifecycleOperation(ctx.state, env.name, "ModifySku", ctx.settings, requestedBy(ctx), { _newSku: to });
  ctx.changed = true;
  return ok(undefined, 202, { Location: opLocation(ctx, op.id), ...retryAfter(ctx) });
};

const getOp = (ctx: Ctx) => {
  tick(ctx.state);
  const op = ctx.state.lifecycleOperations[ctx.params.opId.toLowerCase()];
  if (!op) err(404, "LifecycleOperationNotFound", `The lifecycle operation '${ctx.params.opId}' was not found.`);
  const terminal = ["Succeeded", "Failed"].includes(op.state.id);
  return ok(publicView(op), 200, terminal ? {} : retryAfter(ctx));
};

const R = (method: string, template: string, handler: Route["handler"], admin = true): Route => compile({ method, template, surface: S, apiVersions: V, admin, handler });

export const bapRoutes: Route[] = [
  R("GET", `${P}/scopes/admin/environments`, list),
  R("GET", `${P}/scopes/admin/environments/{envId}`, get),
  R("PATCH", `${P}/scopes/admin/environments/{envId}`, patch),
  R("DELETE", `${P}/scopes/admin/environments/{envId}`, remove),
  R("GET", `${P}/environments`, list, false),
  R("GET", `${P}/environments/{envId}`, get, false),
  R("POST", `${P}/environments`, create),
  R("PATCH", `${P}/environments/{envId}`, patch),
  R("DELETE", `${P}/environments/{envId}`, remove),
  R("POST", `${P}/environments/{envId}/modifySku`, modifySku),
  R("POST", `${P}/scopes/admin/environments/{envId}/modifySku`, modifySku),
  R("GET", `${P}/lifecycleOperations/{opId}`, getOp),
];
