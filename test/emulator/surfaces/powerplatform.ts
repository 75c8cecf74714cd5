// Power Platform API (api.powerplatform.com): /licensing, /appmanagement, /powerautomate.
import { Ctx, Route, ok, err, notFound, requireBody, reqString, optEnum, page, retryAfter, compile } from "../http";
import { buildPolicy, newId, nowIso, publicView, GEO_REGIONS, Obj, stableUuid } from "../state";

const V = ["2022-03-01-preview", "2022-03-01"];
const S = "powerplatform" as const;

const by = (ctx: Ctx) => ({ id: ctx.principal!.objectId, type: ctx.principal!.type });
const hasDataverse = (env: Obj) => !!env?.properties?.linkedEnvironmentMetadata;

function getPolicy(ctx: Ctx): Obj {
  const id = ctx.params.policyId;
  const p = Object.values(ctx.state.billingPolicies).find((x) => x.id.toLowerCase() === id.toLowerCase());
  // The real answer for an unknown id (issue 7, fact 5).
  return p ?? err(404, "BillingPolicyNotFound", `The billing policy '${id}' could not be found.`);
}
function getEnv(ctx: Ctx, id = ctx.params.envId): Obj {
  const e = Object.values(ctx.state.environments).find((x) => x.name.toLowerCase() === id.toLowerCase());
  return e ?? err(404, "EnvironmentNotFound", `The environment '${id}' could not be found in the tenant '${ctx.state.tenant.id}'.`);
}

function validateInstrument(o: Obj): { subscriptionId: string; resourceGroup: string } {
  if (!o || typeof o !== "object" || Array.isArray(o)) err(400, "InvalidRequestContent", "The field 'billingInstrument' is required and must be an object with 'subscriptionId' and 'resourceGroup'.");
  const subscriptionId = reqString(o, "subscriptionId", "billingInstrument.");
  const resourceGroup = reqString(o, "resourceGroup", "billingInstrument.");
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(subscriptionId))
    err(400, "InvalidRequestContent", `The field 'billingInstrument.subscriptionId' must be a GUID; got '${subscriptionId}'.`);
  return { subscriptionId, resourceGroup };
}

const listPolicies = (ctx: Ctx) => {
  const top = ctx.query.get("$top");
  if (top !== null && !(Number.isInteger(Number(top)) && Number(top) > 0)) err(400, "InvalidRequestContent", "The query parameter '$top' must be a positive integer.");
  return ok(page(ctx, publicView(Object.values(ctx.state.billingPolicies)), { top: top ? Number(top) : undefined }));
};

const createPolicy = (ctx: Ctx) => {
  // Microsoft documents creating billing policies with a service principal as not supported
  // (issue 7, fact 5). The exact answer is not recorded: off by default, status and code are a guess.
  if (ctx.settings.refuseServicePrincipalBillingPolicyCreate && ctx.principal!.type === "ServicePrincipal")
    err(403, "ServicePrincipalNotSupported", "Creating a billing policy with a service principal is not supported; sign in as a user with the Power Platform administrator role.");
  const b = requireBody(ctx);
  const name = reqString(b, "name");
  if (name.length > 100) err(400, "InvalidRequestContent", "The field 'name' must be at most 100 characters.");
  const location = reqString(b, "location").toLowerCase();
  if (!GEO_REGIONS[location]) err(400, "InvalidRequestContent", `The field 'location' has an unsupported value '${b.location}'.`);
  const status = optEnum(b, "status", ["Enabled", "Disabled"]) ?? "Enabled";
  const inst = validateInstrument(b.billingInstrument);
  const id = newId();
  const p = buildPolicy({ id, name, location, status: "Provisioning", ...inst, by: by(ctx) });
  p._readyAt = Date.now() + ctx.settings.billingPolicyProvisioningMs;
  p._finalStatus = ctx.settings.billingPolicyOutcome === "ProvisioningFailed" ? "ProvisioningFailed" : status;
  ctx.state.billingPolicies[id] = p;
  ctx.changed = true;
  return ok(publicView(p), 201);
};

const updatePolicy = (ctx: Ctx) => {
  const p = getPolicy(ctx);
  const b = requireBody(ctx);
  const allowed = ["name", "status", "location", "billingInstrument", "id", "type"];
  const unknown = Object.keys(b).filter((k) => !allowed.includes(k) && !["createdOn", "createdBy", "lastModifiedOn", "lastModifiedBy"].includes(k));
  if (unknown.length) err(400, "InvalidRequestContent", `Unknown field(s) in billing policy update: ${unknown.join(", ")}.`);
  if (b.location !== undefined && String(b.location).toLowerCase() !== p.location)
    err(400, "InvalidRequestContent", "The field 'location' of a billing policy cannot be changed; create a new billing policy instead.");
  if (b.billingInstrument !== undefined) {
    const i = b.billingInstrument ?? {};
    if ((i.subscriptionId !== undefined && String(i.subscriptionId).toLowerCase() !== p.billingInstrument.subscriptionId.toLowerCase()) ||
      (i.resourceGroup !== undefined && String(i.resourceGroup).toLowerCase() !== p.billingInstrument.resourceGroup.toLowerCase()))
      err(400, "InvalidRequestContent", "The field 'billingInstrument' of a billing policy cannot be changed; create a new billing policy instead.");
  }
  if (b.name !== undefined) p.name = reqString(b, "name");
  const status = optEnum(b, "status", ["Enabled", "Disabled"]);
  if (status) {
    if (p.status === "Provisioning") { if (p._finalStatus !== "ProvisioningFailed") p._finalStatus = status; }
    else if (p.status === "ProvisioningFailed") err(409, "BillingPolicyProvisioningFailed", "The billing policy failed to provision; its status cannot be changed. Delete it and create a new one.");
    else p.status = status;
  }
  p.lastModifiedOn = nowIso();
  p.lastModifiedBy = by(ctx);
  ctx.changed = true;
  return ok(publicView(p));
};

const deletePolicy = (ctx: Ctx) => {
  const p = getPolicy(ctx);
  delete ctx.state.billingPolicies[p.id];
  for (const [envId, l] of Object.entries(ctx.state.billingPolicyLinks)) if (l.billingPolicyId === p.id) {
    delete ctx.state.billingPolicyLinks[envId];
    const env = ctx.state.environments[envId];
    if (env) env.properties.billingPolicy = { id: "" };
  }
  ctx.changed = true;
  return ok(undefined, 204);
};

const links = (ctx: Ctx, policyId: string) => Object.values(ctx.state.billingPolicyLinks).filter((l) => l.billingPolicyId === policyId).map((l) => ({ billingPolicyId: l.billingPolicyId, environmentId: l.environmentId }));

const listLinks = (ctx: Ctx) => ok(page(ctx, links(ctx, getPolicy(ctx).id)));

function envIds(ctx: Ctx): string[] {
  const b = requireBody(ctx);
  const ids = b.environmentIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.some((x) => typeof x !== "string" || !x))
    err(400, "InvalidRequestContent", "The field 'environmentIds' is required and must be a non-empty array of environment ids.");
  return ids;
}

const addLinks = (ctx: Ctx) => {
  const p = getPolicy(ctx);
  const ids = envIds(ctx);
  if (p.status === "ProvisioningFailed") err(400, "BillingPolicyProvisioningFailed", `Billing policy '${p.id}' failed to provision; environments cannot be linked to it.`);
  const envs = ids.map((id) => getEnv(ctx, id));
  for (const env of envs) {
    const sku = env.properties.environmentSku;
    if (sku !== "Production" && sku !== "Sandbox")
      err(400, "EnvironmentTypeNotSupported", `Environment '${env.name}' is of type '${sku}'; only Production and Sandbox environments can be linked to a billing policy.`);
    if (env.location !== p.location)
      err(400, "EnvironmentRegionMismatch", `Environment '${env.name}' is in region '${env.location}' but billing policy '${p.id}' is in region '${p.location}'; an environment can only be linked to a billing policy of its own region.`);
    const existing = ctx.state.billingPolicyLinks[env.name];
    if (existing && existing.billingPolicyId !== p.id)
      err(409, "EnvironmentAlreadyLinked", `Environment '${env.name}' is already linked to billing policy '${existing.billingPolicyId}'; an environment can be linked to one billing policy only. Remove it from that policy first.`);
  }
  for (const env of envs) {
    ctx.state.billingPolicyLinks[env.name] = { billingPolicyId: p.id, environmentId: env.name };
    env.properties.billingPolicy = { id: p.id };
  }
  ctx.changed = true;
  return ok({ value: links(ctx, p.id) });
};

const removeLinks = (ctx: Ctx) => {
  const p = getPolicy(ctx);
  for (const id of envIds(ctx)) {
    const key = Object.keys(ctx.state.billingPolicyLinks).find((k) => k.toLowerCase() === id.toLowerCase());
    if (key && ctx.state.billingPolicyLinks[key].billingPolicyId === p.id) {
      delete ctx.state.billingPolicyLinks[key];
      const env = ctx.state.environments[key];
      if (env) env.properties.billingPolicy = { id: "" };
    }
  }
  ctx.changed = true;
  return ok({ value: links(ctx, p.id) });
};

const envPolicy = (ctx: Ctx) => {
  const env = getEnv(ctx);
  const l = ctx.state.billingPolicyLinks[env.name];
  const p = l && ctx.state.billingPolicies[l.billingPolicyId];
  if (!p) err(404, "BillingPolicyNotFound", `No billing policy is linked to environment '${env.name}'.`);
  return ok(publicView(p));
};

// ---------- application packages ----------
// Bodies as recorded from the service (test/conformance/recorded: packages.tenant, packages.environment):
// a tenant catalog item has 12 keys; an environment's package has 23. The tenant catalog came in
// one response (245 items, no nextLink), so it is not paged. Paging the environment's list is a guess
// (its recording has 2 packages) kept so that clients' nextLink handling stays exercised.
const TENANT_PACKAGE_KEYS = ["uniqueName", "localizedDescription", "localizedName", "applicationId", "applicationName", "applicationDescription",
  "publisherName", "publisherId", "learnMoreUrl", "catalogVisibility", "applicationVisibility", "errorDetails"];
const pick = (o: Obj, keys: string[]) => Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
const tenantPackages = (ctx: Ctx) => ok({ value: publicView(Object.values(ctx.state.catalog)).map((p) => pick(p, TENANT_PACKAGE_KEYS)) });

// Guess (listed in test/conformance/README.md): a package without its own recording has the
// availability values of the first recorded one.
const RECORDED_AVAILABILITY = { startDateUtc: "2018-07-23T00:00:00Z", endDateUtc: "2050-01-01T00:00:00Z" };

function envPackageView(ctx: Ctx, envId: string, pkg: Obj): Obj {
  const inst = ctx.state.applicationInstalls[`${envId}:${pkg.uniqueName}`];
  const p = publicView(pkg);
  const countries = Object.values(ctx.state.catalog).find((x) => Array.isArray(x.supportedCountries))?.supportedCountries ?? [];
  return {
    id: p.id, uniqueName: p.uniqueName, version: p.version,
    localizedDescription: p.localizedDescription, localizedName: p.localizedName,
    applicationId: p.applicationId, applicationName: p.applicationName, applicationDescription: p.applicationDescription,
    singlePageApplicationUrl: p.singlePageApplicationUrl ?? null,
    publisherName: p.publisherName, publisherId: p.publisherId, learnMoreUrl: p.learnMoreUrl,
    crmMinversion: p.crmMinversion, crmMaxVersion: p.crmMaxVersion ?? null, customHandleUpgrade: p.customHandleUpgrade ?? false,
    instancePackageId: inst?.instancePackageId ?? null,
    state: inst?.state ?? "None",
    catalogVisibility: p.catalogVisibility, applicationVisibility: p.applicationVisibility,
    errorDetails: inst?.errorDetails ?? p.errorDetails ?? null,
    startDateUtc: p.startDateUtc ?? RECORDED_AVAILABILITY.startDateUtc,
    endDateUtc: p.endDateUtc ?? RECORDED_AVAILABILITY.endDateUtc,
    supportedCountries: p.supportedCountries ?? [...countries],
  };
}

const envPackages = (ctx: Ctx) => {
  const env = getEnv(ctx);
  if (!hasDataverse(env)) err(400, "EnvironmentWithoutDataverse", `Environment '${env.name}' does not have a Dataverse database; application packages are not available.`);
  const filter = ctx.query.get("appInstallState");
  let items = Object.values(ctx.state.catalog).map((p) => envPackageView(ctx, env.name, p));
  if (filter && filter !== "All") items = items.filter((p) => (filter === "Installed" ? p.state === "Installed" : p.state !== "Installed"));
  return ok(page(ctx, items));
};

/**
 * The install's operation URL as the real service gives it (issue 7, fact 4; DESIGN §3):
 * `https://{host}/appmanagement/environments/{env}/operations/{op}?api-version=1`,
 * whatever api-version the install was requested with.
 */
export const INSTALL_OPERATION_API_VERSION = "1";
function opLocation(ctx: Ctx, envId: string, opId: string) {
  return `${ctx.baseUrl}/appmanagement/environments/${envId}/operations/${opId}?api-version=${INSTALL_OPERATION_API_VERSION}`;
}
/** The real service sends no Retry-After on installs (issue 7, fact 4); a setting can ask for one. */
const installRetryAfter = (ctx: Ctx): Record<string, string> => (ctx.settings.appOperationRetryAfter ? retryAfter(ctx) : {});

const install = (ctx: Ctx) => {
  const env = getEnv(ctx);
  const name = ctx.params.pkg;
  if (!hasDataverse(env)) err(400, "EnvironmentWithoutDataverse", `Environment '${env.name}' does not have a Dataverse database; application packages can only be installed into environments with Dataverse.`);
  const pkg = Object.values(ctx.state.catalog).find((p) => p.uniqueName.toLowerCase() === name.toLowerCase() || String(p.id).toLowerCase() === name.toLowerCase());
  if (!pkg) err(400, "PackageNotFound", "Package requested for installation was not found");
  const key = `${env.name}:${pkg!.uniqueName}`;
  const running = Object.values(ctx.state.appOperations).find((o) => o._envId === env.name && o._uniqueName === pkg!.uniqueName && (o.status === "NotStarted" || o.status === "Running"));
  // 202 with an empty body (recorded): the operation is only reachable through the header.
  if (running) return ok(undefined, 202, { "Operation-Location": opLocation(ctx, env.name, running.operationId), ...installRetryAfter(ctx) });
  const prev = ctx.state.applicationInstalls[key];
  const already = prev?.state === "Installed";
  const start = Date.now();
  const dur = already ? Math.min(300, ctx.settings.installDurationMs) : ctx.settings.installDurationMs;
  const outcome = already ? "Succeeded" : ctx.settings.installOutcome;
  const id = newId();
  const op = {
    operationId: id, createdDateTime: new Date(start).toISOString(), lastActionDateTime: new Date(start).toISOString(),
    status: "NotStarted", statusMessage: "",
    _envId: env.name, _uniqueName: pkg!.uniqueName, _runAt: start + Math.min(200, dur / 4), _endAt: start + dur, _outcome: outcome,
    _failureMessage: ctx.settings.installFailureMessage, _conflictsLeft: ctx.settings.installPollConflicts,
  };
  ctx.state.appOperations[id] = op;
  if (!already) ctx.state.applicationInstalls[key] = { environmentId: env.name, uniqueName: pkg!.uniqueName, state: "InstallRequested", instancePackageId: prev?.instancePackageId ?? stableUuid(`inst:${key}`), errorDetails: null, lastOperationId: id };
  ctx.changed = true;
  return ok(undefined, 202, { "Operation-Location": opLocation(ctx, env.name, id), ...installRetryAfter(ctx) });
};

const getOperation = (ctx: Ctx) => {
  const env = getEnv(ctx);
  const op = ctx.state.appOperations[ctx.params.opId.toLowerCase()] ?? Object.values(ctx.state.appOperations).find((o) => o.operationId.toLowerCase() === ctx.params.opId.toLowerCase());
  if (!op || op._envId !== env.name) return notFound("operation", ctx.params.opId);
  const terminal = ["Succeeded", "Failed", "Canceled"].includes(op.status);
  if (op.status === "Running" && op._conflictsLeft > 0) {
    op._conflictsLeft--;
    ctx.changed = true;
    err(409, "OperationInProgress", "The operation is in progress and its status cannot be retrieved right now; retry later.");
  }
  const body = publicView(op);
  if (!body.error) delete body.error;
  return ok(body, 200, terminal ? {} : installRetryAfter(ctx));
};

// ---------- powerautomate flow runs ----------
const ppFlowRuns = (ctx: Ctx) => {
  const env = getEnv(ctx);
  if (!hasDataverse(env)) err(404, "EnvironmentWithoutDataverse", `Environment '${env.name}' does not have a Dataverse database.`);
  const wf = ctx.query.get("workflowId");
  if (!wf) err(400, "InvalidRequestContent", "The query parameter 'workflowId' is required.");
  const runs = Object.values(ctx.state.flowRuns).filter((r) => r._envId === env.name && String(r._flow).toLowerCase() === wf!.toLowerCase());
  if (!runs.length) return ok(undefined, 204);
  return ok(page(ctx, runs.map((r) => ({ ...publicView(r), properties: { ...publicView(r.properties), workflowId: r._flow, environmentId: env.name } }))));
};

const R = (method: string, template: string, handler: Route["handler"]): Route => compile({ method, template, surface: S, apiVersions: V, admin: true, handler });

export const powerPlatformRoutes: Route[] = [
  R("GET", "/licensing/billingPolicies", listPolicies),
  R("POST", "/licensing/billingPolicies", createPolicy),
  R("GET", "/licensing/billingPolicies/{policyId}", (c) => ok(publicView(getPolicy(c)))),
  R("PUT", "/licensing/billingPolicies/{policyId}", updatePolicy),
  R("PATCH", "/licensing/billingPolicies/{policyId}", updatePolicy),
  R("DELETE", "/licensing/billingPolicies/{policyId}", deletePolicy),
  R("GET", "/licensing/billingPolicies/{policyId}/environments", listLinks),
  R("POST", "/licensing/billingPolicies/{policyId}/environments/add", addLinks),
  R("POST", "/licensing/billingPolicies/{policyId}/environments/remove", removeLinks),
  R("GET", "/licensing/environments/{envId}/billingPolicy", envPolicy),
  R("GET", "/appmanagement/applicationPackages", tenantPackages),
  R("GET", "/appmanagement/environments/{envId}/applicationPackages", envPackages),
  R("POST", "/appmanagement/environments/{envId}/applicationPackages/{pkg}/install", install),
  // api-version=1 is the one the Operation-Location carries (recorded); the others are accepted too.
  compile({ method: "GET", template: "/appmanagement/environments/{envId}/operations/{opId}", surface: S, apiVersions: [...V, INSTALL_OPERATION_API_VERSION], admin: true, handler: getOperation }),
  R("GET", "/powerautomate/environments/{envId}/flowRuns", ppFlowRuns),
];
