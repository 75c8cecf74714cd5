// BAP (api.bap.microsoft.com): environments, their lifecycle operations and the
// creation checks of Microsoft's tools (locations, languages, currencies, domain names).
//
// As the real service answers (recorded in microsoft/terraform-provider-power-platform
// internal/services/environment/tests/ and resource_environment_test.go, and
// /work/shared/fixtures/recorded/environments): create, PATCH, modifySku and DELETE answer
// 202 with an EMPTY body and the lifecycle operation on the REGIONAL host
// (`Location: https://europe.api.bap.microsoft.com/…/lifecycleOperations/{id}?api-version=2023-06-01`;
// modifySku: `Operation-Location`); PATCH answers 204 when nothing changes; DELETE
// answers 409 with an empty body while another operation runs; lifecycle replies carry
// no Retry-After (setting `lifecycleRetryAfter`); a finished operation answers 404 after
// `lifecycleOperationRetentionMs`; the BAP environment has no Dataverse currency, and
// `linkedEnvironmentMetadata` is missing from the first `dataverseMetadataMissingReads` GETs after a create succeeded.
import { Ctx, Route, ok, err, requireBody, reqString, optEnum, page, retryAfter, compile, regionalHost, absoluteUrl, hostOf, isLocalHost } from "../http";
import { buildEnvironment, environmentCreator, newId, newLifecycleOperation, nowIso, publicView, GEO_REGIONS, Obj, tick } from "../state";

const V = ["2023-06-01", "2021-04-01", "2020-10-01", "2020-06-01", "2019-10-01", "2016-11-01"];
const S = "bap" as const;
const P = "/providers/Microsoft.BusinessAppPlatform";

export function findEnv(ctx: Ctx, id = ctx.params.envId): Obj | undefined {
  return Object.values(ctx.state.environments).find((x) => x.name.toLowerCase() === id.toLowerCase());
}
export function getEnv(ctx: Ctx): Obj {
  return findEnv(ctx) ?? err(404, "EnvironmentNotFound", `The environment '${ctx.params.envId}' could not be found in the tenant '${ctx.state.tenant.id}'.`);
}
export const requestedBy = (ctx: Ctx) => ({ id: ctx.principal!.objectId, displayName: ctx.principal!.displayName ?? ctx.principal!.type, type: ctx.principal!.type, tenantId: ctx.state.tenant.id });
/** The lifecycle operation's URL on the regional host of the environment's geography. */
export const opLocation = (ctx: Ctx, env: Obj, opId: string) => absoluteUrl(regionalHost(ctx, String(env.location)), `${P}/lifecycleOperations/${opId}?api-version=2023-06-01`);
export const lifecycleRetryAfter = (ctx: Ctx): Record<string, string> => (ctx.settings.lifecycleRetryAfter ? retryAfter(ctx) : {});

export function activeOperation(ctx: Ctx, env: Obj): Obj | undefined {
  const active = env._activeOperation && ctx.state.lifecycleOperations[env._activeOperation];
  return active && !["Succeeded", "Failed"].includes(active.state.id) ? active : undefined;
}
function ensureNoActiveOperation(ctx: Ctx, env: Obj) {
  const active = activeOperation(ctx, env);
  if (active) err(409, "OperationNotStartable", `The environment '${env.name}' has a lifecycle operation '${active.type.id}' (${active.id}) in progress; retry after it completes.`);
}

/**
 * The Dataverse instance URL as the client can reach it: the stored one
 * (`https://{domain}.crm4.dynamics.com/`) when the client called a Microsoft host name
 * (proxy mode), else `https://{domain}.crm.localhost:PORT/` (a distinct host the client
 * must accept by family; `*.localhost` always resolves to loopback, RFC 6761 §6.3).
 */
export function instanceHostFor(ctx: Pick<Ctx, "req" | "baseUrl">, domain: string): string | undefined {
  const host = hostOf(ctx);
  if (!isLocalHost(host)) return undefined;
  const port = /:\d+$/.exec(host)?.[0] ?? "";
  return `${domain}.crm.localhost${port}`;
}

/** `read`: a GET of this one environment (counts against `dataverseMetadataMissingReads`); lists do not count. */
function envView(ctx: Ctx, env: Obj, read = false): Obj {
  const view = publicView(env);
  // No description, no key: the recorded environments without one have none.
  if (view.properties.description === "") delete view.properties.description;
  const lem = view.properties.linkedEnvironmentMetadata;
  if (!lem) return view;
  if (env._dataverseMissingReads > 0) {
    if (read) { env._dataverseMissingReads -= 1; ctx.changed = true; }
    // As recorded (Validate_Create_Waits_For_Dataverse_Metadata/get_environment_without_dataverse.json):
    // neither linkedEnvironmentMetadata nor databaseType yet.
    delete view.properties.linkedEnvironmentMetadata;
    delete view.properties.databaseType;
    return view;
  }
  const local = instanceHostFor(ctx, String(lem.domainName));
  if (local) {
    lem.instanceUrl = `https://${local}/`;
    lem.instanceApiUrl = `https://${lem.domainName}.api.${local.slice(String(lem.domainName).length + 1)}`;
  }
  return view;
}

const list = (ctx: Ctx) => ok(page(ctx, Object.values(ctx.state.environments).map((e) => envView(ctx, e))));
const get = (ctx: Ctx) => ok(envView(ctx, getEnv(ctx), true));

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
    createdBy: environmentCreator(ctx.state.tenant.id, ctx.principal!),
    provisioningState: "Creating",
  });
  ctx.state.environments[name] = env;
  ctx.changed = true;
  // With or without Dataverse: 202, empty body, regional Location (recorded).
  const op = newLifecycleOperation(ctx.state, name, "Create", ctx.settings, requestedBy(ctx));
  return ok(undefined, 202, { Location: opLocation(ctx, env, op.id), ...lifecycleRetryAfter(ctx) });
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
  const before = JSON.stringify(env);
  for (const k of ["displayName", "description", "updateCadence"]) if (props[k] !== undefined) env.properties[k] = props[k];
  if (props.securityGroupId !== undefined && env.properties.linkedEnvironmentMetadata) env.properties.linkedEnvironmentMetadata.securityGroupId = props.securityGroupId;
  if (props.linkedEnvironmentMetadata) {
    const l = props.linkedEnvironmentMetadata;
    const m = env.properties.linkedEnvironmentMetadata;
    if (l.domainName) { m.domainName = String(l.domainName).toLowerCase(); m.instanceUrl = m.instanceUrl.replace(/^https:\/\/[^.]+/, `https://${m.domainName}`); }
    if (l.securityGroupId !== undefined) m.securityGroupId = l.securityGroupId;
  }
  if (props.displayName && env.properties.linkedEnvironmentMetadata) env.properties.linkedEnvironmentMetadata.friendlyName = props.displayName;
  for (const k of ["securityGroupId"]) if (env.properties.linkedEnvironmentMetadata?.[k] === "") delete env.properties.linkedEnvironmentMetadata[k];
  if (JSON.stringify(env) === before) return ok(undefined, 204); // nothing changes (recorded by Microsoft's tools: 204)
  env.properties.lastModifiedTime = nowIso();
  const op = newLifecycleOperation(ctx.state, env.name, "Update", ctx.settings, requestedBy(ctx), { _outcome: "Succeeded" });
  ctx.changed = true;
  return ok(undefined, 202, { Location: opLocation(ctx, env, op.id), ...lifecycleRetryAfter(ctx) });
};

const remove = (ctx: Ctx) => {
  if (ctx.body !== undefined) {
    const b = requireBody(ctx);
    if (b.code !== undefined && typeof b.code !== "string") err(400, "InvalidRequestContent", "The field 'code' must be a string (for example \"7\").");
  }
  const env = findEnv(ctx);
  if (!env) return ok(undefined, 204);
  if (env.properties.isDefault) err(400, "CannotDeleteDefaultEnvironment", "The default environment cannot be deleted.");
  // While another lifecycle operation runs: 409 with an EMPTY body (recorded by Microsoft's tools, which retry it).
  if (activeOperation(ctx, env)) return ok(undefined, 409);
  env.properties.provisioningState = "Deleting";
  env.properties.states.management.id = "Deleting";
  const op = newLifecycleOperation(ctx.state, env.name, "Delete", ctx.settings, requestedBy(ctx));
  ctx.changed = true;
  return ok(undefined, 202, { Location: opLocation(ctx, env, op.id), ...lifecycleRetryAfter(ctx) });
};

// Trial -> Production/Sandbox and Sandbox <-> Production are allowed (as in the admin center);
// Developer and Default environments cannot change type; nothing can become Trial/Developer/Default.
const modifySku = (ctx: Ctx) => {
  const env = getEnv(ctx);
  const b = requireBody(ctx);
  const to = optEnum(b, "environmentSku", ["Production", "Sandbox", "Trial", "Developer", "Default"]);
  if (!to) err(400, "InvalidRequestContent", "The field 'environmentSku' is required.");
  const from = env.properties.environmentSku;
  if (from === to) return ok(envView(ctx, env));
  const allowed = (from === "Trial" && (to === "Production" || to === "Sandbox")) || (from === "Sandbox" && to === "Production") || (from === "Production" && to === "Sandbox");
  if (!allowed) err(400, "EnvironmentSkuChangeNotSupported", `An environment of type '${from}' cannot be converted to '${to}'. Supported: Trial->Production, Trial->Sandbox, Sandbox<->Production.`);
  ensureNoActiveOperation(ctx, env);
  const op = newLifecycleOperation(ctx.state, env.name, "ModifySku", ctx.settings, requestedBy(ctx), { _newSku: to });
  ctx.changed = true;
  // modifySku names its operation in Operation-Location (recorded), not Location.
  return ok(undefined, 202, { "Operation-Location": opLocation(ctx, env, op.id), ...lifecycleRetryAfter(ctx) });
};

const getOp = (ctx: Ctx) => {
  tick(ctx.state);
  const op = ctx.state.lifecycleOperations[ctx.params.opId.toLowerCase()];
  const terminal = op && ["Succeeded", "Failed"].includes(op.state.id);
  // The service forgets a finished operation after a while: 404, which clients read as "over".
  if (!op || (terminal && Date.now() >= op._endAt + (op._retentionMs ?? 0)))
    err(404, "LifecycleOperationNotFound", `The lifecycle operation '${ctx.params.opId}' was not found.`);
  return ok(publicView(op), 200, terminal ? {} : lifecycleRetryAfter(ctx));
};

// ---------- creation checks (fact 7: what Microsoft's tools call before a create) ----------
const GEO_NAMES: Record<string, [string, string]> = {
  unitedstates: ["United States", "NA"], europe: ["Europe", "EMEA"], asia: ["Asia", "APJ"], australia: ["Australia", "OCE"], india: ["India", "IND"],
  japan: ["Japan", "JPN"], canada: ["Canada", "CAN"], unitedkingdom: ["United Kingdom", "GBR"], southamerica: ["South America", "SAM"],
  france: ["France", "FRA"], germany: ["Germany", "DEU"], switzerland: ["Switzerland", "CHE"], norway: ["Norway", "NOR"], korea: ["Korea", "KOR"],
  southafrica: ["South Africa", "ZAF"], unitedarabemirates: ["United Arab Emirates", "ARE"],
};
/**
 * The tenant's provisioning mode and macro regions, as recorded (the only recorded
 * answer, served by Microsoft's Terraform provider's shared mock to all its environment
 * tests: internal/services/environment/tests/resource/Validate_Create_Macro_Region/get_locations.json@7f97c7ed).
 */
const MACRO_REGIONS = [
  { macroRegionId: "asia-pacific", displayName: "Asia Pacific", dataResidencyNote: "Your data will reside within the Asia-Pacific region." },
  { macroRegionId: "emea", displayName: "Europe, UK, Middle East, Africa", dataResidencyNote: "Your data will reside within Europe, the United Kingdom, the Middle East, or Africa." },
  { macroRegionId: "eu-efta", displayName: "European Union & EFTA", dataResidencyNote: "Your data will reside within EU and EFTA member states which are EUDB regions." },
  { macroRegionId: "europe-uk", displayName: "Europe & UK" },
  { macroRegionId: "north-america", displayName: "North America", dataResidencyNote: "Your data will reside within the United States or Canada." },
  { macroRegionId: "the-americas", displayName: "The Americas", dataResidencyNote: "Your data will reside within the Americas." },
];
/** Recorded: unitedstates and europe have a first-release island, switzerland has none; elsewhere false (a guess). */
const FIRST_RELEASE_ISLAND = new Set(["unitedstates", "europe"]);
/** GET …/locations: the recorded get_locations.json (above): mode, macro regions, and every geography. */
const locations = (ctx: Ctx) => ok({
  tenantProvisioningMode: "macroRegion",
  macroRegions: MACRO_REGIONS,
  value: Object.entries(GEO_REGIONS).map(([name, regions]) => ({
    id: `${P}/locations/${name}`,
    type: "Microsoft.BusinessAppPlatform/locations",
    name,
    properties: {
      displayName: GEO_NAMES[name]?.[0] ?? name, code: GEO_NAMES[name]?.[1] ?? name.toUpperCase(), isDefault: name === "unitedstates", isDisabled: false,
      canProvisionDatabase: true, canProvisionCustomerEngagementDatabase: true, hasFirstReleaseIslandAvailableForProvisioning: FIRST_RELEASE_ISLAND.has(name), azureRegions: regions,
    },
  })),
});
function knownLocation(ctx: Ctx): string {
  const loc = ctx.params.location.toLowerCase();
  if (!GEO_REGIONS[loc]) err(404, "LocationNotFound", `The location '${ctx.params.location}' was not found.`);
  return loc;
}
/** The languages and currencies offered (a small subset; names as Microsoft's Terraform provider reads them: `name`). */
export const ENVIRONMENT_LANGUAGES: [number, string][] = [[1033, "English (United States)"], [1031, "German (Germany)"], [1036, "French (France)"], [1043, "Dutch (Netherlands)"], [1040, "Italian (Italy)"], [3082, "Spanish (Spain)"], [1041, "Japanese (Japan)"], [1045, "Polish (Poland)"]];
export const ENVIRONMENT_CURRENCIES: [string, string][] = [["USD", "$"], ["EUR", "€"], ["GBP", "£"], ["CHF", "CHF"], ["JPY", "¥"], ["PLN", "zł"], ["CAD", "$"], ["AUD", "$"], ["INR", "₹"], ["NOK", "kr"]];
const languages = (ctx: Ctx) => {
  const loc = knownLocation(ctx);
  return ok({ value: ENVIRONMENT_LANGUAGES.map(([lcid, displayName]) => ({ name: String(lcid), id: `${P}/locations/${loc}/environmentLanguages/${lcid}`, type: "Microsoft.BusinessAppPlatform/locations/environmentLanguages", properties: { localeId: lcid, localizedName: displayName, displayName, isTenantDefault: lcid === 1033 } })) });
};
const currencies = (ctx: Ctx) => {
  const loc = knownLocation(ctx);
  return ok({ value: ENVIRONMENT_CURRENCIES.map(([code, symbol]) => ({ name: code, id: `${P}/locations/${loc}/environmentCurrencies/${code}`, type: "Microsoft.BusinessAppPlatform/locations/environmentCurrencies", properties: { code, symbol, isTenantDefault: code === "USD" } })) });
};
/**
 * POST …/validateEnvironmentDetails (2021-04-01) {domainName, environmentLocation} (create) or
 * {domainName, environmentName} (update): 200 when the name is free. The reply to a taken
 * name is not recorded anywhere public: 409 DomainNameAlreadyInUse, as the create answers (a guess).
 */
const validateDetails = (ctx: Ctx) => {
  const b = requireBody(ctx);
  const domain = reqString(b, "domainName").toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(domain)) err(400, "InvalidDomainName", `The domain name '${b.domainName}' is invalid.`);
  const self = typeof b.environmentName === "string" ? b.environmentName.toLowerCase() : undefined;
  if (Object.values(ctx.state.environments).some((e) => e.name.toLowerCase() !== self && e.properties.linkedEnvironmentMetadata?.domainName?.toLowerCase() === domain))
    err(409, "DomainNameAlreadyInUse", `The domain name '${domain}' is already in use by another environment. Choose another domain name.`);
  return ok(undefined, 200);
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
  R("GET", `${P}/locations`, locations, false),
  R("GET", `${P}/locations/{location}/environmentLanguages`, languages, false),
  R("GET", `${P}/locations/{location}/environmentCurrencies`, currencies, false),
  R("POST", `${P}/validateEnvironmentDetails`, validateDetails, false),
];
