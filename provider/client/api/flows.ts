/**
 * Power Automate cloud flows (api-version 2016-11-01). Admin paths under
 * /providers/Microsoft.ProcessSimple/scopes/admin/environments/{env}/… for list
 * (v2/flows: identifying information only), get (no definition), patch, delete, start,
 * stop, permissions, modifyPermissions; maker paths (as in the seed spec) for create,
 * the GET that carries the definition, listCallbackUrl and the environment list.
 */
import { type ApiContext, call, type CallOptions, list, seg, shape } from "./common";
import type {
  CallbackUrlResponse,
  Flow,
  FlowCreateRequest,
  FlowEnvironment,
  FlowModifyPermissionsRequest,
  FlowPermission,
  FlowPrincipalType,
  FlowUpdateRequest,
} from "./types";
import { UnexpectedResponseError } from "../errors";

export const FLOW_API_VERSION = "2016-11-01";
const S = "flow" as const;
const PS = "/providers/Microsoft.ProcessSimple";

export const adminFlowsBase = (env: string): string => `${PS}/scopes/admin/environments/${seg(env, "environmentName")}`;
export const makerFlowsBase = (env: string): string => `${PS}/environments/${seg(env, "environmentName")}`;
export const adminFlowPath = (env: string, flow: string): string => `${adminFlowsBase(env)}/flows/${seg(flow, "flowName")}`;

export const decodeFlow = shape<Flow>("flow", ["name"], ["properties"]);
export const decodeFlowEnvironment = shape<FlowEnvironment>("flow environment", ["name"]);
export function decodeFlowPermission(v: unknown): FlowPermission {
  const p = shape<FlowPermission>("flow permission", ["id"], ["properties"])(v);
  const principal = (p.properties as { principal?: unknown }).principal;
  if (!principal || typeof principal !== "object" || typeof (principal as { id?: unknown }).id !== "string") {
    throw new UnexpectedResponseError(`flow permission: "properties.principal.id" missing`);
  }
  return p;
}

export function flowsApi(ctx: ApiContext) {
  const api = {
    /** GET /providers/Microsoft.ProcessSimple/environments (maker scope). */
    listEnvironments(opts?: CallOptions): Promise<FlowEnvironment[]> {
      return list(ctx, { surface: S, path: `${PS}/environments`, apiVersion: FLOW_API_VERSION }, decodeFlowEnvironment, "flow environments", opts);
    },

    /** GET …/scopes/admin/environments/{env}/v2/flows (follows nextLink). */
    list(environmentName: string, opts?: CallOptions & { top?: number }): Promise<Flow[]> {
      return list(
        ctx,
        { surface: S, path: `${adminFlowsBase(environmentName)}/v2/flows`, apiVersion: FLOW_API_VERSION, query: { $top: opts?.top } },
        decodeFlow,
        "flows",
        opts,
      );
    },

    /**
     * GET …/scopes/admin/environments/{env}/flows/{flow}: any flow of the environment, to an
     * administrator, but WITHOUT `properties.definition` (the real service leaves it out).
     */
    async get(environmentName: string, flowName: string, opts?: CallOptions): Promise<Flow> {
      const r = await call(ctx, { surface: S, method: "GET", path: adminFlowPath(environmentName, flowName), apiVersion: FLOW_API_VERSION, expect: [200] }, opts);
      return decodeFlow(r.data);
    },

    /**
     * GET …/environments/{env}/flows/{flow} (maker path): the flow WITH its definition, for a
     * principal that has a permission on the flow (owner, co-owner, viewer). Undefined when the
     * service does not show it to this principal (403 or 404: no permission, or no such flow;
     * tell them apart with get()).
     */
    async getWithDefinition(environmentName: string, flowName: string, opts?: CallOptions): Promise<Flow | undefined> {
      const r = await call(
        ctx,
        { surface: S, method: "GET", path: `${makerFlowsBase(environmentName)}/flows/${seg(flowName, "flowName")}`, apiVersion: FLOW_API_VERSION, expect: [200, 403, 404] },
        opts,
      );
      if (r.status !== 200) return undefined;
      const flow = decodeFlow(r.data);
      const definition = (flow.properties as { definition?: unknown }).definition;
      return definition && typeof definition === "object" && !Array.isArray(definition) ? flow : undefined;
    },

    /** POST …/environments/{env}/flows (maker path) → 201/200. Not blindly retried. */
    async create(environmentName: string, body: FlowCreateRequest, opts?: CallOptions): Promise<Flow> {
      const r = await call(
        ctx,
        { surface: S, method: "POST", path: `${makerFlowsBase(environmentName)}/flows`, apiVersion: FLOW_API_VERSION, body, expect: [200, 201], idempotent: false },
        opts,
      );
      return decodeFlow(r.data);
    },

    /** PATCH …/scopes/admin/environments/{env}/flows/{flow} → 200. */
    async update(environmentName: string, flowName: string, body: FlowUpdateRequest, opts?: CallOptions): Promise<Flow> {
      const r = await call(
        ctx,
        { surface: S, method: "PATCH", path: adminFlowPath(environmentName, flowName), apiVersion: FLOW_API_VERSION, body, expect: [200], idempotent: true },
        opts,
      );
      return decodeFlow(r.data);
    },

    /** DELETE …/scopes/admin/environments/{env}/flows/{flow} → 200/204; false when already gone (404). */
    async delete(environmentName: string, flowName: string, opts?: CallOptions): Promise<boolean> {
      const r = await call(
        ctx,
        { surface: S, method: "DELETE", path: adminFlowPath(environmentName, flowName), apiVersion: FLOW_API_VERSION, expect: [200, 202, 204, 404] },
        opts,
      );
      return r.status !== 404;
    },

    /**
     * POST …/flows/{flow}/start (turn on). Idempotent: starting a started flow is harmless.
     * A flow suspended for a DLP policy answers 403 DlpViolation: DlpViolationError.
     */
    async start(environmentName: string, flowName: string, opts?: CallOptions): Promise<void> {
      await call(
        ctx,
        { surface: S, method: "POST", path: `${adminFlowPath(environmentName, flowName)}/start`, apiVersion: FLOW_API_VERSION, expect: [200, 202, 204], idempotent: true },
        opts,
      );
    },

    /** POST …/flows/{flow}/stop (turn off). Idempotent. */
    async stop(environmentName: string, flowName: string, opts?: CallOptions): Promise<void> {
      await call(
        ctx,
        { surface: S, method: "POST", path: `${adminFlowPath(environmentName, flowName)}/stop`, apiVersion: FLOW_API_VERSION, expect: [200, 202, 204], idempotent: true },
        opts,
      );
    },

    /** GET …/flows/{flow}/permissions: owners (Owner) and co-owners (CanEdit), viewers (CanView). */
    listPermissions(environmentName: string, flowName: string, opts?: CallOptions): Promise<FlowPermission[]> {
      return list(
        ctx,
        { surface: S, path: `${adminFlowPath(environmentName, flowName)}/permissions`, apiVersion: FLOW_API_VERSION },
        decodeFlowPermission,
        "flow permissions",
        opts,
      );
    },

    /** POST …/flows/{flow}/modifyPermissions with {put:[…]} and/or {delete:[{id}]} → 200. Set semantics: idempotent. */
    async modifyPermissions(environmentName: string, flowName: string, body: FlowModifyPermissionsRequest, opts?: CallOptions): Promise<void> {
      await call(
        ctx,
        {
          surface: S,
          method: "POST",
          path: `${adminFlowPath(environmentName, flowName)}/modifyPermissions`,
          apiVersion: FLOW_API_VERSION,
          body,
          expect: [200, 202, 204],
          idempotent: true,
        },
        opts,
      );
    },

    /** Adds co-owners (role CanEdit) through modifyPermissions. */
    addCoOwners(environmentName: string, flowName: string, principals: Array<{ id: string; type: FlowPrincipalType }>, opts?: CallOptions): Promise<void> {
      return api.modifyPermissions(
        environmentName,
        flowName,
        { put: principals.map((p) => ({ properties: { principal: { id: p.id, type: p.type }, roleName: "CanEdit" } })) },
        opts,
      );
    },

    /** Removes permission entries by their permission id (the creator's Owner entry cannot be removed). */
    removePermissions(environmentName: string, flowName: string, permissionIds: string[], opts?: CallOptions): Promise<void> {
      return api.modifyPermissions(environmentName, flowName, { delete: permissionIds.map((id) => ({ id })) }, opts);
    },

    /** The seed spec's "owners" list: the permissions of the flow. */
    listOwners(environmentName: string, flowName: string, opts?: CallOptions): Promise<FlowPermission[]> {
      return api.listPermissions(environmentName, flowName, opts);
    },

    /** POST …/environments/{env}/flows/{flow}/listCallbackUrl (maker path). */
    async listCallbackUrl(environmentName: string, flowName: string, opts?: CallOptions): Promise<CallbackUrlResponse> {
      const r = await call(
        ctx,
        {
          surface: S,
          method: "POST",
          path: `${makerFlowsBase(environmentName)}/flows/${seg(flowName, "flowName")}/listCallbackUrl`,
          apiVersion: FLOW_API_VERSION,
          expect: [200],
          idempotent: true,
        },
        opts,
      );
      return (r.data ?? {}) as CallbackUrlResponse;
    },
  };
  return api;
}

export type FlowsApi = ReturnType<typeof flowsApi>;
