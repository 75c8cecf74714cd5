// The control API under /_emulator/ (no auth): reset, state dump, faults,
// latency, settings, out-of-band object edits, request log, credentials.
import type { Reply } from "./http";
import type { Emulator } from "./server";
import { buildEnvironment, buildFlow, buildPermission, buildPolicy, deepMerge, DEFAULT_SETTINGS, newId, nowIso, Obj, removeEnvironment, Settings, tick } from "./state";
import { SEED } from "./seed";
import { tenantSettingsOf } from "./surfaces/tenantSettings";
import { parseRateLimitRules } from "./rateLimit";

const KINDS = ["billingPolicies", "billingPolicyLinks", "environments", "lifecycleOperations", "flows", "flowPermissions", "flowRuns", "applicationInstalls", "appOperations", "catalog", "connectors", "connections", "tenant", "tenantSettings", "dlpPolicies", "environmentGroups", "environmentGroupRuleSets"] as const;
type Kind = (typeof KINDS)[number];

const bad = (message: string, status = 400): Reply => ({ status, body: { error: { code: "InvalidControlRequest", message } } });

function bump(kind: Kind, o: Obj) {
  if (kind === "billingPolicies") o.lastModifiedOn = nowIso();
  else if (o?.properties && typeof o.properties === "object") o.properties.lastModifiedTime = nowIso();
}

function syncLink(emu: Emulator, envId: string) {
  const env = emu.state.environments[envId];
  if (env) env.properties.billingPolicy = { id: emu.state.billingPolicyLinks[envId]?.billingPolicyId ?? "" };
}

function findKey(coll: Record<string, unknown>, id: string): string | undefined {
  if (id in coll) return id;
  return Object.keys(coll).find((k) => k.toLowerCase() === id.toLowerCase());
}

function buildObject(emu: Emulator, kind: Kind, body: Obj): { id: string; value: any } {
  const s = emu.state;
  switch (kind) {
    case "environments": {
      if (body.properties) return { id: body.name ?? newId(), value: { ...body, name: body.name ?? newId() } };
      const name = body.name ?? newId();
      const dv = body.dataverse === true ? {} : body.dataverse || null;
      return { id: name, value: buildEnvironment(s.tenant.id, { name, displayName: body.displayName ?? name, description: body.description, sku: body.environmentSku ?? body.sku ?? "Sandbox", location: body.location ?? "unitedstates", azureRegion: body.azureRegion, dataverse: dv }) };
    }
    case "billingPolicies": {
      if (body.billingInstrument?.id) return { id: body.id ?? newId(), value: { ...body, id: body.id ?? newId() } };
      const id = body.id ?? newId();
      return { id, value: buildPolicy({ id, name: body.name ?? `policy-${id.slice(0, 8)}`, location: body.location ?? "unitedstates", status: body.status ?? "Enabled", subscriptionId: body.billingInstrument?.subscriptionId ?? body.subscriptionId ?? "5b0c0000-0000-4000-8000-000000000001", resourceGroup: body.billingInstrument?.resourceGroup ?? body.resourceGroup ?? "rg-portal", by: { id: SEED.adminUser.objectId, type: "User" } }) };
    }
    case "flows": {
      if (body.properties) { const id = body.name ?? newId(); return { id, value: { ...body, name: id } }; }
      const id = body.name ?? newId();
      const envId = body.environmentId ?? body.envId ?? SEED.environments.production;
      const creator = body.creatorObjectId ?? SEED.adminUser.objectId;
      s.flowPermissions[id] ??= [buildPermission(envId, id, { id: creator, type: "User" }, "Owner")];
      return { id, value: buildFlow(envId, id, { displayName: body.displayName ?? id, state: body.state ?? "Stopped", creatorObjectId: creator, definition: body.definition, tenantId: s.tenant.id }) };
    }
    case "billingPolicyLinks":
      if (!body.environmentId || !body.billingPolicyId) throw new Error("billingPolicyLinks need environmentId and billingPolicyId");
      return { id: body.environmentId, value: { billingPolicyId: body.billingPolicyId, environmentId: body.environmentId } };
    case "applicationInstalls":
      if (!body.environmentId || !body.uniqueName) throw new Error("applicationInstalls need environmentId and uniqueName");
      return { id: `${body.environmentId}:${body.uniqueName}`, value: { state: "Installed", errorDetails: null, ...body } };
    case "flowPermissions":
      if (!body.flowId || !Array.isArray(body.permissions)) throw new Error("flowPermissions need flowId and permissions[]");
      return { id: body.flowId, value: body.permissions };
    case "dlpPolicies": {
      // Keyed by policyDefinition.name, as the API names the policy.
      const id = body.policyDefinition?.name ?? body.id ?? newId();
      const { id: _id, ...policy } = body;
      return { id, value: { ...policy, policyDefinition: { ...(policy.policyDefinition ?? {}), name: id } } };
    }
    case "catalog":
      if (!body.uniqueName) throw new Error("catalog entries need uniqueName");
      return { id: body.uniqueName, value: { id: newId(), version: "1.0.0.0", errorDetails: null, ...body } };
    default: {
      const id = body.id ?? body.name ?? body.operationId ?? newId();
      return { id, value: body };
    }
  }
}

export function handleControl(emu: Emulator, method: string, path: string, body: any): Reply {
  const p = path.replace(/\/+$/, "");
  const s = () => emu.state;
  if (p === "/_emulator/reset" && method === "POST") {
    const seed = body?.seed ?? "default";
    if (seed !== "default" && seed !== "empty") return bad("'seed' must be 'default' or 'empty'");
    emu.reset(seed);
    return { status: 200, body: { reset: true, seed } };
  }
  if (p === "/_emulator/state" && method === "GET") { tick(s()); return { status: 200, body: s() }; }
  if (p === "/_emulator/health" && method === "GET") return { status: 200, body: { status: "ok", url: emu.url } };
  if (p === "/_emulator/faults") {
    if (method === "GET") return { status: 200, body: { faults: emu.faults.view() } };
    if (method === "DELETE") { emu.faults.clear(); return { status: 204 }; }
    if (method === "POST") {
      try { const f = emu.faults.add(body); return { status: 201, body: { id: f.id } }; } catch (e) { return bad((e as Error).message); }
    }
  }
  const fm = /^\/_emulator\/faults\/([^/]+)$/.exec(p);
  if (fm && method === "DELETE") return emu.faults.remove(fm[1]) ? { status: 204 } : bad(`fault '${fm[1]}' not found`, 404);
  if (p === "/_emulator/latency") {
    if (method === "GET") return { status: 200, body: { ms: emu.latencyMs } };
    if (method === "PUT") {
      if (!body || typeof body.ms !== "number" || body.ms < 0) return bad("body must be {\"ms\": <non-negative number>}");
      emu.latencyMs = body.ms;
      return { status: 200, body: { ms: emu.latencyMs } };
    }
  }
  if (p === "/_emulator/settings") {
    if (method === "GET") return { status: 200, body: emu.settings };
    if (method === "PUT" || method === "PATCH") {
      if (!body || typeof body !== "object") return bad("body must be a JSON object");
      if ("rateLimits" in body) {
        try { body.rateLimits = parseRateLimitRules(body.rateLimits); } catch (e) { return bad((e as Error).message); }
      }
      for (const [k, v] of Object.entries(body)) {
        if (!(k in DEFAULT_SETTINGS)) return bad(`unknown setting '${k}'; known: ${Object.keys(DEFAULT_SETTINGS).join(", ")}`);
        const d = (DEFAULT_SETTINGS as any)[k];
        if (typeof v !== typeof d) return bad(`setting '${k}' must be a ${typeof d}`);
        if (typeof v === "number" && (v < 0 || !Number.isFinite(v))) return bad(`setting '${k}' must be a non-negative number`);
      }
      if (body.billingPolicyOutcome && !["Enabled", "ProvisioningFailed"].includes(body.billingPolicyOutcome)) return bad("billingPolicyOutcome must be Enabled or ProvisioningFailed");
      if (body.installOutcome && !["Succeeded", "Failed"].includes(body.installOutcome)) return bad("installOutcome must be Succeeded or Failed");
      if (body.environmentOperationOutcome && !["Succeeded", "Failed"].includes(body.environmentOperationOutcome)) return bad("environmentOperationOutcome must be Succeeded or Failed");
      if (body.makerFlowWithoutPermissionStatus !== undefined && ![403, 404].includes(body.makerFlowWithoutPermissionStatus)) return bad("makerFlowWithoutPermissionStatus must be 403 or 404");
      if (body.pageSize !== undefined && (!Number.isInteger(body.pageSize) || body.pageSize < 1)) return bad("pageSize must be a positive integer");
      Object.assign(emu.settings, body as Partial<Settings>);
      if ("rateLimits" in body) emu.rateLimits.reset();
      return { status: 200, body: emu.settings };
    }
  }
  // A flow suspended by the service for a DLP policy (as the real service marks it:
  // state Suspended, flowSuspensionReason CompanyDlpViolation), or the suspension lifted.
  const sm = /^\/_emulator\/flowSuspensions\/([^/]+)$/.exec(p);
  if (sm) {
    tick(s());
    const key = findKey(s().flows, decodeURIComponent(sm[1]));
    if (!key) return bad(`flow '${sm[1]}' not found`, 404);
    const flow = s().flows[key];
    if (method === "PUT") {
      const reason = body?.reason ?? "CompanyDlpViolation";
      if (typeof reason !== "string" || !reason) return bad("'reason' must be a non-empty string");
      flow.properties.state = "Suspended";
      flow.properties.flowSuspensionReason = reason;
      flow.properties.flowSuspensionTime = nowIso();
      emu.changed();
      return { status: 200, body: flow.properties };
    }
    if (method === "DELETE") {
      if (flow.properties.state === "Suspended") flow.properties.state = "Stopped";
      flow.properties.flowSuspensionReason = "None";
      delete flow.properties.flowSuspensionTime;
      emu.changed();
      return { status: 200, body: flow.properties };
    }
    return bad("flowSuspensions support PUT and DELETE", 405);
  }
  if (p === "/_emulator/requests") {
    if (method === "GET") return { status: 200, body: emu.requestLog.view() };
    if (method === "DELETE") { emu.requestLog.clear(); return { status: 204 }; }
  }
  if (p === "/_emulator/revoke-tokens" && method === "POST") return { status: 200, body: { revoked: emu.identity.revokeAll() } };
  if (p === "/_emulator/credentials" && method === "GET") return { status: 200, body: emu.identity.credentials() };
  if (p === "/_emulator/federated-token" && method === "POST") {
    const b = body ?? {};
    const token = emu.identity.mintFederatedToken({ subject: b.subject, audience: b.audience, lifetimeSeconds: b.lifetimeSeconds, issuer: b.issuer });
    return { status: 200, body: { token, issuer: b.issuer ?? emu.identity.federatedIssuer, subject: b.subject ?? SEED.federatedApp.subject, audience: b.audience ?? SEED.federatedApp.audience } };
  }
  const om = /^\/_emulator\/objects\/([^/]+)(?:\/(.+))?$/.exec(p);
  if (om) {
    const kind = KINDS.find((k) => k.toLowerCase() === om[1].toLowerCase());
    if (!kind) return bad(`unknown kind '${om[1]}'; known: ${KINDS.join(", ")}`, 404);
    tick(s());
    if (kind === "tenant") {
      if (method === "GET") return { status: 200, body: s().tenant };
      if (method === "PATCH" || method === "PUT") { if (method === "PUT") s().tenant = body; else deepMerge(s().tenant, body ?? {}); emu.changed(); return { status: 200, body: s().tenant }; }
      return bad("tenant supports GET, PUT, PATCH", 405);
    }
    // The tenant settings object (one per tenant): edited by hand as in the admin center.
    if (kind === "tenantSettings") {
      const settings = tenantSettingsOf(s());
      if (method === "GET") return { status: 200, body: settings };
      if (method === "PATCH") { if (!body || typeof body !== "object") return bad("body must be a JSON object"); deepMerge(settings, body); emu.changed(); return { status: 200, body: settings }; }
      return bad("tenantSettings supports GET and PATCH", 405);
    }
    const coll = s()[kind] as Record<string, any>;
    const id = om[2] ? decodeURIComponent(om[2]) : undefined;
    if (!id) {
      if (method === "GET") return { status: 200, body: { value: Object.entries(coll).map(([key, value]) => ({ key, value })) } };
      if (method === "POST") {
        if (!body || typeof body !== "object") return bad("body must be a JSON object");
        try {
          const o = buildObject(emu, kind, body);
          coll[o.id] = o.value;
          if (kind === "billingPolicyLinks") syncLink(emu, o.id);
          emu.changed();
          return { status: 201, body: { id: o.id, value: o.value } };
        } catch (e) { return bad((e as Error).message); }
      }
      return bad(`method ${method} not allowed on a collection`, 405);
    }
    const key = findKey(coll, id);
    if (method === "GET") return key ? { status: 200, body: coll[key] } : bad(`${kind} '${id}' not found`, 404);
    if (method === "PUT") {
      if (body === undefined || body === null) return bad("body required");
      coll[key ?? id] = body;
      if (kind === "billingPolicyLinks") syncLink(emu, key ?? id);
      emu.changed();
      return { status: key ? 200 : 201, body: coll[key ?? id] };
    }
    if (!key) return bad(`${kind} '${id}' not found`, 404);
    if (method === "PATCH") {
      if (!body || typeof body !== "object") return bad("body must be a JSON object");
      if (Array.isArray(coll[key])) coll[key] = body; else { deepMerge(coll[key], body); bump(kind, coll[key]); }
      if (kind === "billingPolicyLinks") syncLink(emu, key);
      emu.changed();
      return { status: 200, body: coll[key] };
    }
    if (method === "DELETE") {
      if (kind === "environments") removeEnvironment(s(), key);
      else delete coll[key];
      if (kind === "billingPolicyLinks") syncLink(emu, key);
      if (kind === "billingPolicies") for (const [envId, l] of Object.entries(s().billingPolicyLinks)) if (l.billingPolicyId === key) { delete s().billingPolicyLinks[envId]; syncLink(emu, envId); }
      if (kind === "flows") delete s().flowPermissions[key];
      emu.changed();
      return { status: 204 };
    }
  }
  return bad(`no control endpoint ${method} ${path}`, 404);
}
