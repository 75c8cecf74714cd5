// Power Automate management (api.flow.microsoft.com): flows, permissions/owners,
// runs, connectors and connections. Admin paths live under scopes/admin; the
// maker paths of the seed spec are served too.
import { Ctx, Route, ok, err, requireBody, reqString, optEnum, page, compile } from "../http";
import { buildFlow, buildPermission, buildRun, newId, nowIso, publicView, summarize, Obj } from "../state";

const V = ["2016-11-01"];
const S = "flow" as const;
const A = "/providers/Microsoft.ProcessSimple/scopes/admin/environments/{envId}";
const M = "/providers/Microsoft.ProcessSimple/environments/{envId}";
const PRINCIPAL_TYPES = ["User", "Group", "ServicePrincipal"];

function getEnv(ctx: Ctx): Obj {
  const id = ctx.params.envId;
  return Object.values(ctx.state.environments).find((x) => x.name.toLowerCase() === id.toLowerCase())
    ?? err(404, "EnvironmentAccessDenied", `The environment '${id}' could not be found or you do not have access to it.`);
}
const isAdminPath = (ctx: Ctx) => /\/scopes\/admin\//i.test(ctx.path);
function canSee(ctx: Ctx, flowId: string) {
  if (ctx.principal!.isAdmin) return true;
  return (ctx.state.flowPermissions[flowId] ?? []).some((p) => p.properties.principal.id === ctx.principal!.objectId);
}
function getFlow(ctx: Ctx): { env: Obj; flow: Obj } {
  const env = getEnv(ctx);
  const id = ctx.params.flowId.toLowerCase();
  const flow = ctx.state.flows[id] ?? Object.values(ctx.state.flows).find((f) => f.name.toLowerCase() === id);
  if (!flow || flow._envId !== env.name || !canSee(ctx, flow.name)) err(404, "FlowNotFound", `The flow '${ctx.params.flowId}' could not be found in environment '${env.name}'.`);
  return { env, flow: flow! };
}
function flowView(f: Obj, withDefinition: boolean): Obj {
  const v = publicView(f);
  if (withDefinition) v.properties.definition = f._definition;
  return v;
}
const hasPermission = (ctx: Ctx, flowId: string) =>
  (ctx.state.flowPermissions[flowId] ?? []).some((p) => p.properties.principal.id === ctx.principal!.objectId);

/**
 * GET of one flow. The admin path (scopes/admin) answers without `properties.definition`;
 * the maker path answers with it, to a principal that has a permission on the flow
 * (issue 7, fact 6; pnp/cli-microsoft365 src/m365/flow/commands/flow-get.spec.ts shows the
 * maker reply with `definition` and `userType`). To a principal without a permission, admins
 * included, the maker path answers 404 or 403 (setting makerFlowWithoutPermissionStatus; a guess).
 */
const getOneFlow = (ctx: Ctx) => {
  const { env, flow } = getFlow(ctx);
  if (isAdminPath(ctx)) return ok(flowView(flow, false));
  if (!hasPermission(ctx, flow.name)) {
    if (ctx.settings.makerFlowWithoutPermissionStatus === 403)
      err(403, "Forbidden", `The caller '${ctx.principal!.objectId}' does not have permission on flow '${flow.name}' in environment '${env.name}'.`);
    err(404, "FlowNotFound", `The flow '${ctx.params.flowId}' could not be found in environment '${env.name}'.`);
  }
  const v = flowView(flow, true);
  v.properties.userType = flow.properties.creator?.objectId === ctx.principal!.objectId ? "Owner" : "Editor";
  return ok(v);
};

/**
 * The admin v2 list returns no definition (issue 7, fact 6). Its items as recorded
 * (pnp/cli-microsoft365 src/m365/flow/commands/flow-list.spec.ts@032fc395, adminFlowResponse;
 * test/conformance/recorded/flows/admin-list): name, id, type and properties apiId, displayName,
 * state, createdTime, lastModifiedTime, flowSuspensionReason, environment, definitionSummary,
 * creator, flowFailureAlertSubscribed, isManaged, machineDescriptionData, flowOpenAiData. The
 * emulator's flows have the first nine; the last four it does not model.
 */
const IDENTIFYING_PROPERTIES = ["apiId", "displayName", "state", "createdTime", "lastModifiedTime", "flowSuspensionReason", "environment", "definitionSummary", "creator"];
function identifyingView(f: Obj): Obj {
  const v = publicView(f);
  const properties: Obj = {};
  for (const k of IDENTIFYING_PROPERTIES) if (v.properties[k] !== undefined) properties[k] = v.properties[k];
  return { name: v.name, id: v.id, type: v.type, properties };
}
function touch(f: Obj) { f.properties.lastModifiedTime = nowIso(); }

const listFlows = (ctx: Ctx) => {
  const env = getEnv(ctx);
  const flows = Object.values(ctx.state.flows).filter((f) => f._envId === env.name && (isAdminPath(ctx) || canSee(ctx, f.name)));
  return ok(page(ctx, flows.map((f) => (isAdminPath(ctx) ? identifyingView(f) : flowView(f, false)))));
};
const retiredV1 = () => err(410, "ApiRetired", "The v1 admin flow list is retired; use GET .../scopes/admin/environments/{environment}/v2/flows.");

const createFlow = (ctx: Ctx) => {
  const env = getEnv(ctx);
  const b = requireBody(ctx);
  const p = b.properties;
  if (!p || typeof p !== "object") err(400, "InvalidRequestContent", "The field 'properties' is required.");
  const displayName = reqString(p, "displayName", "properties.");
  if (!p.definition || typeof p.definition !== "object" || Array.isArray(p.definition)) err(400, "InvalidRequestContent", "The field 'properties.definition' is required and must be a workflow definition object.");
  if (!p.definition.triggers || Object.keys(p.definition.triggers).length === 0) err(400, "InvalidFlowDefinition", "The workflow definition must contain at least one trigger.");
  const state = optEnum(p, "state", ["Started", "Stopped"], "properties.") ?? "Stopped";
  const id = newId();
  const f = buildFlow(env.name, id, { displayName, state, creatorObjectId: ctx.principal!.objectId, creatorType: ctx.principal!.type, definition: p.definition, connectionReferences: p.connectionReferences, tenantId: ctx.state.tenant.id });
  ctx.state.flows[id] = f;
  ctx.state.flowPermissions[id] = [buildPermission(env.name, id, { id: ctx.principal!.objectId, type: ctx.principal!.type }, "Owner")];
  ctx.changed = true;
  return ok(flowView(f, true), 201);
};

const patchFlow = (ctx: Ctx) => {
  const { flow } = getFlow(ctx);
  const b = requireBody(ctx);
  const p = b.properties;
  if (!p || typeof p !== "object" || Array.isArray(p)) err(400, "InvalidRequestContent", "The field 'properties' is required and must be an object.");
  if (p.displayName !== undefined) flow.properties.displayName = reqString(p, "displayName", "properties.");
  const state = optEnum(p, "state", ["Started", "Stopped"], "properties.");
  if (state) flow.properties.state = state;
  if (p.definition !== undefined) {
    if (!p.definition || typeof p.definition !== "object" || Array.isArray(p.definition)) err(400, "InvalidRequestContent", "The field 'properties.definition' must be an object.");
    flow._definition = p.definition;
    flow.properties.definitionSummary = summarize(p.definition);
  }
  if (p.connectionReferences !== undefined) flow.properties.connectionReferences = p.connectionReferences;
  touch(flow);
  ctx.changed = true;
  // Like the GETs: the admin path answers without the definition (a guess for PATCH).
  return ok(flowView(flow, !isAdminPath(ctx)));
};

const deleteFlow = (ctx: Ctx) => {
  const { flow } = getFlow(ctx);
  delete ctx.state.flows[flow.name];
  delete ctx.state.flowPermissions[flow.name];
  for (const [id, r] of Object.entries(ctx.state.flowRuns)) if (r._flow === flow.name) delete ctx.state.flowRuns[id];
  ctx.changed = true;
  return ok(undefined, 204);
};

const setState = (state: string) => (ctx: Ctx) => {
  const { flow } = getFlow(ctx);
  // A flow the service suspended for a DLP policy cannot be turned on (issue 7, fact 6: the
  // recorded answer to `start`). The wording of the message is the recorded one.
  if (state === "Started" && flow.properties.flowSuspensionReason === "CompanyDlpViolation")
    err(403, "DlpViolation", `Flow '${flow.name}' cannot be activated due to admin API policies.`);
  if (flow.properties.state !== state) {
    flow.properties.state = state;
    if (state === "Started") { flow.properties.flowSuspensionReason = "None"; delete flow.properties.flowSuspensionTime; }
    touch(flow);
    ctx.changed = true;
  }
  return ok(undefined, 200);
};

// ---------- permissions ----------
const perms = (ctx: Ctx, flowId: string) => (ctx.state.flowPermissions[flowId] ??= []);
const listPermissions = (ctx: Ctx) => { const { flow } = getFlow(ctx); return ok(page(ctx, publicView(perms(ctx, flow.name)))); };

function findPerm(list: Obj[], ref: string): Obj | undefined {
  const r = ref.toLowerCase();
  return list.find((p) => p.name.toLowerCase() === r || p.id.toLowerCase() === r || p.properties.principal.id.toLowerCase() === r || p.id.toLowerCase().endsWith(`/${r}`));
}

function applyPermissionChanges(ctx: Ctx, env: Obj, flow: Obj, puts: { id: string; type: string; roleName: string }[], deletes: string[]) {
  const list = perms(ctx, flow.name);
  const owner = list.find((p) => p.properties.roleName === "Owner");
  for (const p of puts) {
    if (!PRINCIPAL_TYPES.includes(p.type)) err(400, "InvalidRequestContent", `The principal type '${p.type}' is invalid; allowed: ${PRINCIPAL_TYPES.join(", ")}.`);
    if (p.roleName === "Owner") err(400, "FlowOwnerRoleNotAssignable", "The Owner role cannot be assigned; add co-owners with roleName 'CanEdit'.");
    if (!["CanEdit", "CanView"].includes(p.roleName)) err(400, "InvalidRequestContent", `The roleName '${p.roleName}' is invalid; allowed: CanEdit, CanView.`);
    if (owner && owner.properties.principal.id.toLowerCase() === p.id.toLowerCase()) err(400, "FlowOwnerCannotBeModified", "The role of the flow's creator (Owner) cannot be changed or removed.");
  }
  for (const d of deletes) {
    const hit = findPerm(list, d);
    if (hit && hit.properties.roleName === "Owner") err(400, "FlowOwnerCannotBeRemoved", "The flow's creator (Owner) cannot be removed from the flow.");
  }
  for (const d of deletes) {
    const hit = findPerm(list, d);
    if (hit) list.splice(list.indexOf(hit), 1);
  }
  for (const p of puts) {
    const hit = findPerm(list, p.id);
    if (hit) { hit.properties.roleName = p.roleName; hit.properties.principal.type = p.type; }
    else list.push(buildPermission(env.name, flow.name, { id: p.id, type: p.type }, p.roleName));
  }
  touch(flow);
  ctx.changed = true;
}

const modifyPermissions = (ctx: Ctx) => {
  const { env, flow } = getFlow(ctx);
  const b = requireBody(ctx);
  if (b.put === undefined && b.delete === undefined) err(400, "InvalidRequestContent", "The request must contain 'put' and/or 'delete' arrays.");
  if ((b.put !== undefined && !Array.isArray(b.put)) || (b.delete !== undefined && !Array.isArray(b.delete))) err(400, "InvalidRequestContent", "The fields 'put' and 'delete' must be arrays.");
  const puts = (b.put ?? []).map((x: Obj, i: number) => {
    const pr = x?.properties?.principal;
    if (!pr || typeof pr.id !== "string" || !pr.id) err(400, "InvalidRequestContent", `The field 'put[${i}].properties.principal.id' is required.`);
    if (typeof x.properties.roleName !== "string") err(400, "InvalidRequestContent", `The field 'put[${i}].properties.roleName' is required.`);
    return { id: pr.id, type: pr.type ?? "User", roleName: x.properties.roleName };
  });
  const deletes = (b.delete ?? []).map((x: Obj, i: number) => {
    if (!x || typeof x.id !== "string" || !x.id) err(400, "InvalidRequestContent", `The field 'delete[${i}].id' is required.`);
    return x.id as string;
  });
  applyPermissionChanges(ctx, env, flow, puts, deletes);
  return ok({ value: publicView(perms(ctx, flow.name)) });
};

const listOwners = (ctx: Ctx) => { const { flow } = getFlow(ctx); return ok(page(ctx, publicView(perms(ctx, flow.name)))); };
const modifyOwners = (ctx: Ctx) => {
  const { env, flow } = getFlow(ctx);
  const b = requireBody(ctx);
  const arr = (k: string) => { const v = b[k] ?? []; if (!Array.isArray(v)) err(400, "InvalidRequestContent", `The field '${k}' must be an array.`); return v as Obj[]; };
  const puts = arr("add").map((x, i) => { if (!x || typeof x.id !== "string") err(400, "InvalidRequestContent", `The field 'add[${i}].id' is required.`); return { id: x.id, type: x.type ?? "User", roleName: "CanEdit" }; });
  const deletes = arr("remove").map((x, i) => { if (!x || typeof x.id !== "string") err(400, "InvalidRequestContent", `The field 'remove[${i}].id' is required.`); return x.id as string; });
  applyPermissionChanges(ctx, env, flow, puts, deletes);
  return ok({ value: publicView(perms(ctx, flow.name)) });
};

const listCallbackUrl = (ctx: Ctx) => {
  const { flow } = getFlow(ctx);
  const t = Object.values(flow._definition?.triggers ?? {})[0] as Obj | undefined;
  if (!t || t.type !== "Request") err(400, "TriggerNotCallable", "The flow's trigger is not a manual/HTTP request trigger; it has no callback URL.");
  return ok({ response: { value: `${flow.properties.flowTriggerUri}?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=emulated` } });
};

// ---------- runs ----------
function getRun(ctx: Ctx): { flow: Obj; run: Obj } {
  const { flow } = getFlow(ctx);
  const run = ctx.state.flowRuns[ctx.params.runId];
  if (!run || run._flow !== flow.name) err(404, "WorkflowRunNotFound", `The workflow run '${ctx.params.runId}' could not be found.`);
  return { flow, run: run! };
}
const listRuns = (ctx: Ctx) => {
  const { flow } = getFlow(ctx);
  const runs = Object.values(ctx.state.flowRuns).filter((r) => r._flow === flow.name).sort((a, b) => b.properties.startTime.localeCompare(a.properties.startTime));
  return ok(page(ctx, publicView(runs)));
};
const cancelRun = (ctx: Ctx) => {
  const { run } = getRun(ctx);
  if (!["Running", "Waiting"].includes(run.properties.status)) err(409, "WorkflowRunNotInProgress", `The workflow run '${run.name}' is not in progress (status '${run.properties.status}') and cannot be cancelled.`);
  run.properties.status = "Cancelled";
  run.properties.code = "Cancelled";
  run.properties.endTime = nowIso();
  ctx.changed = true;
  return ok(undefined, 200);
};
const resubmitRun = (ctx: Ctx) => {
  const { flow, run } = getRun(ctx);
  // The field path names the trigger in the path (…/triggers/{trigger}/histories/{run}/resubmit,
  // as pnp/cli-microsoft365 src/m365/flow/commands/run/run-resubmit.ts sends it); the seed spec's
  // …/runs/{run}/resubmit takes it as ?triggerName=.
  const trigger = ctx.params.trigger ?? ctx.query.get("triggerName");
  if (!trigger) err(400, "InvalidRequestContent", "The query parameter 'triggerName' is required.");
  if (!flow._definition?.triggers?.[trigger!]) err(400, "TriggerNotFound", `The trigger '${trigger}' was not found in the flow definition.`);
  if (["Running", "Waiting"].includes(run.properties.status)) err(409, "WorkflowRunInProgress", "A run that is still in progress cannot be resubmitted.");
  const name = `0858${Date.now()}${Math.floor(Math.random() * 1e6)}CU00`;
  const r = buildRun(flow._envId, flow.name, name, "Succeeded", 0);
  r.properties.trigger.name = trigger;
  ctx.state.flowRuns[name] = r;
  ctx.changed = true;
  return ok(undefined, 202, { Location: `${ctx.baseUrl}/providers/Microsoft.ProcessSimple/environments/${flow._envId}/flows/${flow.name}/runs/${name}?api-version=2016-11-01` });
};

// ---------- environments, connectors, connections ----------
const listEnvironments = (ctx: Ctx) => ok(page(ctx, Object.values(ctx.state.environments).map((e) => ({
  name: e.name, id: `/providers/Microsoft.ProcessSimple/environments/${e.name}`, type: "Microsoft.ProcessSimple/environments", location: e.location,
  properties: { displayName: e.properties.displayName, description: e.properties.description, createdTime: e.properties.createdTime, lastModifiedTime: e.properties.lastModifiedTime, provisioningState: e.properties.provisioningState, environmentSku: e.properties.environmentSku, environmentType: e.properties.environmentSku === "Production" || e.properties.environmentSku === "Default" ? "Production" : "NotSpecified", isDefault: e.properties.isDefault },
}))));
const listConnectors = (ctx: Ctx) => { getEnv(ctx); return ok(page(ctx, publicView(Object.values(ctx.state.connectors)))); };
const getConnector = (ctx: Ctx) => {
  getEnv(ctx);
  const c = Object.values(ctx.state.connectors).find((x) => x.name.toLowerCase() === ctx.params.apiName.toLowerCase());
  if (!c) err(404, "ApiNotFound", `The API '${ctx.params.apiName}' could not be found.`);
  return ok(publicView(c));
};
const listConnections = (ctx: Ctx) => { const env = getEnv(ctx); return ok(page(ctx, publicView(Object.values(ctx.state.connections).filter((c) => c._envId === env.name)))); };

const R = (method: string, template: string, handler: Route["handler"], admin: boolean): Route => compile({ method, template, surface: S, apiVersions: V, admin, handler });

const both = (method: string, suffix: string, handler: Route["handler"]): Route[] => [R(method, `${A}${suffix}`, handler, true), R(method, `${M}${suffix}`, handler, false)];

export const flowRoutes: Route[] = [
  R("GET", "/providers/Microsoft.ProcessSimple/environments", listEnvironments, false),
  R("GET", "/providers/Microsoft.ProcessSimple/scopes/admin/environments", listEnvironments, true),
  R("GET", `${A}/v2/flows`, listFlows, true),
  R("GET", `${A}/flows`, retiredV1, true),
  R("GET", `${M}/flows`, listFlows, false),
  R("POST", `${M}/flows`, createFlow, false),
  ...both("GET", "/flows/{flowId}", getOneFlow),
  ...both("PATCH", "/flows/{flowId}", patchFlow),
  ...both("DELETE", "/flows/{flowId}", deleteFlow),
  ...both("POST", "/flows/{flowId}/start", setState("Started")),
  ...both("POST", "/flows/{flowId}/stop", setState("Stopped")),
  ...both("GET", "/flows/{flowId}/permissions", listPermissions),
  ...both("POST", "/flows/{flowId}/modifyPermissions", modifyPermissions),
  ...both("GET", "/flows/{flowId}/owners", listOwners),
  ...both("POST", "/flows/{flowId}/owners", modifyOwners),
  ...both("POST", "/flows/{flowId}/listCallbackUrl", listCallbackUrl),
  ...both("GET", "/flows/{flowId}/runs", listRuns),
  ...both("GET", "/flows/{flowId}/runs/{runId}", (c) => ok(publicView(getRun(c).run))),
  ...both("POST", "/flows/{flowId}/runs/{runId}/cancel", cancelRun),
  ...both("POST", "/flows/{flowId}/runs/{runId}/resubmit", resubmitRun),
  ...both("POST", "/flows/{flowId}/triggers/{trigger}/histories/{runId}/resubmit", resubmitRun),
  ...both("GET", "/apis", listConnectors),
  ...both("GET", "/apis/{apiName}", getConnector),
  ...both("GET", "/connections", listConnections),
];
