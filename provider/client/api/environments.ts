/**
 * BAP environments (api-version 2023-06-01; PATCH 2021-04-01) and their
 * lifecycle operations (202 + Location; `state.id`).
 */
import { BapLifecycleOperation, type OperationKind, operationUrlFrom, type PollResponse } from "../poller";
import { UnexpectedResponseError } from "../errors";
import { absoluteUrl, type ApiContext, asObject, call, type CallOptions, lastSegment, list, seg, shape, waitFor, type WaitOptions } from "./common";
import type {
  Environment,
  EnvironmentCreateRequest,
  EnvironmentCreateResult,
  EnvironmentPatchRequest,
  EnvironmentSku,
  LifecycleOperation,
} from "./types";

export const BAP_API_VERSION = "2023-06-01";
export const BAP_PATCH_API_VERSION = "2021-04-01";
const S = "bap" as const;
const BAP = "/providers/Microsoft.BusinessAppPlatform";

export const adminEnvironmentPath = (id?: string): string =>
  id === undefined ? `${BAP}/scopes/admin/environments` : `${BAP}/scopes/admin/environments/${seg(id, "environmentId")}`;
export const createEnvironmentPath = (): string => `${BAP}/environments`;
export const lifecycleOperationPath = (id: string): string => `${BAP}/lifecycleOperations/${seg(id, "operationId")}`;

export const decodeEnvironment = shape<Environment>("environment", ["name"], ["properties"]);
export function decodeLifecycleOperation(v: unknown): LifecycleOperation {
  const o = asObject(v, "lifecycle operation");
  if (typeof o.id !== "string") throw new UnexpectedResponseError(`lifecycle operation: "id" missing`);
  const st = asObject(o.state, "lifecycle operation state");
  if (typeof st.id !== "string") throw new UnexpectedResponseError(`lifecycle operation: "state.id" missing`);
  return o as unknown as LifecycleOperation;
}

/** An environment itself as the operation: `properties.provisioningState` Succeeded (done) | Failed | anything else (running). */
export const EnvironmentProvisioning: OperationKind = {
  name: "environment provisioning",
  succeeded: ["Succeeded"],
  failed: ["Failed"],
  statusOf: (b) => {
    const props = (b as { properties?: { provisioningState?: unknown } } | undefined)?.properties;
    return typeof props?.provisioningState === "string" && props.provisioningState ? props.provisioningState : undefined;
  },
  errorOf: () => ({ message: "the environment's provisioningState is Failed" }),
};

/** The environment id of a lifecycle operation: last segment of links.environment.path. */
export function environmentIdOf(op: LifecycleOperation): string | undefined {
  return lastSegment(op.links?.environment?.path);
}

export function environmentsApi(ctx: ApiContext) {
  const api = {
    /** GET …/scopes/admin/environments (follows nextLink). */
    list(opts?: CallOptions & { expand?: string }): Promise<Environment[]> {
      return list(
        ctx,
        { surface: S, path: adminEnvironmentPath(), apiVersion: BAP_API_VERSION, query: { $expand: opts?.expand } },
        decodeEnvironment,
        "environments",
        opts,
      );
    },

    /** GET …/scopes/admin/environments/{id} (404 → NotFoundError). */
    async get(id: string, opts?: CallOptions & { expand?: string }): Promise<Environment> {
      const r = await call(
        ctx,
        { surface: S, method: "GET", path: adminEnvironmentPath(id), apiVersion: BAP_API_VERSION, query: { $expand: opts?.expand }, expect: [200] },
        opts,
      );
      return decodeEnvironment(r.data);
    },

    /**
     * POST /providers/Microsoft.BusinessAppPlatform/environments → 201 (body) or
     * 202 + Location of a lifecycle operation. Not blindly retried: on a
     * maybeApplied error, look the environment up by name and adopt.
     * 409 OperationNotStartable is retried; other 409s (capacity, domain) are final.
     */
    async create(body: EnvironmentCreateRequest, opts?: CallOptions): Promise<EnvironmentCreateResult> {
      const r = await call(
        ctx,
        { surface: S, method: "POST", path: createEnvironmentPath(), apiVersion: BAP_API_VERSION, body, expect: [200, 201, 202], idempotent: false },
        opts,
      );
      const location = operationUrlFrom(r.headers);
      const result: EnvironmentCreateResult = {
        httpStatus: r.status,
        headers: r.headers,
        operationUrl: location ? absoluteUrl(ctx, S, location) : undefined,
      };
      if (r.status !== 202 && r.data && typeof r.data === "object" && "properties" in (r.data as object)) {
        result.environment = decodeEnvironment(r.data);
        result.environmentId = result.environment.name;
      } else if (r.status === 202 && r.data && typeof r.data === "object") {
        // Some replies carry the lifecycle operation itself: the id is known before the first poll.
        result.environmentId = lastSegment((r.data as Partial<LifecycleOperation>).links?.environment?.path);
      }
      return result;
    },

    /** PATCH …/scopes/admin/environments/{id} (api-version 2021-04-01) → 200/202/204. */
    async patch(id: string, body: EnvironmentPatchRequest, opts?: CallOptions): Promise<{ httpStatus: number; operationUrl?: string }> {
      const r = await call(
        ctx,
        { surface: S, method: "PATCH", path: adminEnvironmentPath(id), apiVersion: BAP_PATCH_API_VERSION, body, expect: [200, 202, 204], idempotent: true },
        opts,
      );
      const location = r.status === 202 ? operationUrlFrom(r.headers) : undefined;
      return { httpStatus: r.status, operationUrl: location ? absoluteUrl(ctx, S, location) : undefined };
    },

    /**
     * POST …/scopes/admin/environments/{id}/modifySku {environmentSku} (api-version
     * 2021-04-01) → 202 + Location of a lifecycle operation (200 when nothing changes).
     * The admin center allows Sandbox↔Production and Trial→Production; the service
     * answers 400 for other conversions. Repeating it is harmless (same target type).
     */
    async modifySku(id: string, environmentSku: EnvironmentSku, opts?: CallOptions): Promise<{ httpStatus: number; operationUrl?: string }> {
      const r = await call(
        ctx,
        {
          surface: S,
          method: "POST",
          path: `${adminEnvironmentPath(id)}/modifySku`,
          apiVersion: BAP_PATCH_API_VERSION,
          body: { environmentSku },
          expect: [200, 202, 204],
          idempotent: true,
        },
        opts,
      );
      const location = r.status === 202 ? operationUrlFrom(r.headers) : undefined;
      return { httpStatus: r.status, operationUrl: location ? absoluteUrl(ctx, S, location) : undefined };
    },

    /**
     * DELETE …/scopes/admin/environments/{id} with {"code":"7","message":…} →
     * 202 + Location, or 204/404 when already gone (`alreadyGone`).
     */
    async delete(id: string, opts?: CallOptions & { message?: string }): Promise<{ httpStatus: number; operationUrl?: string; alreadyGone: boolean }> {
      const r = await call(
        ctx,
        {
          surface: S,
          method: "DELETE",
          path: adminEnvironmentPath(id),
          apiVersion: BAP_API_VERSION,
          body: { code: "7", message: opts?.message ?? "Deleted using powerplatform-iac" },
          expect: [200, 202, 204, 404],
        },
        opts,
      );
      const location = operationUrlFrom(r.headers);
      return {
        httpStatus: r.status,
        operationUrl: location ? absoluteUrl(ctx, S, location) : undefined,
        alreadyGone: r.status === 404 || r.status === 204,
      };
    },

    /** GET a lifecycle operation by id or by its URL/path. */
    async getLifecycleOperation(idOrUrl: string, opts?: CallOptions): Promise<LifecycleOperation> {
      const isUrl = idOrUrl.includes("/");
      const r = await call(
        ctx,
        isUrl
          ? { surface: S, method: "GET", url: absoluteUrl(ctx, S, idOrUrl), apiVersion: BAP_API_VERSION, expect: [200, 202] }
          : { surface: S, method: "GET", path: lifecycleOperationPath(idOrUrl), apiVersion: BAP_API_VERSION, expect: [200, 202] },
        opts,
      );
      return decodeLifecycleOperation(r.data);
    },

    /**
     * Waits for a lifecycle operation (create/delete/patch) from its URL (also to
     * resume). Returns the final operation body, if any.
     */
    async waitForLifecycle(
      start: { operationUrl: string; initial?: PollResponse },
      opts?: WaitOptions,
    ): Promise<LifecycleOperation | undefined> {
      const res = await waitFor(ctx, S, BAP_API_VERSION, BapLifecycleOperation, { url: absoluteUrl(ctx, S, start.operationUrl), initial: start.initial }, opts);
      if (res.body === undefined || res.body === null || typeof res.body !== "object") return undefined;
      return decodeLifecycleOperation(res.body);
    },

    /**
     * Waits until an environment's provisioningState is Succeeded (Failed →
     * OperationFailedError), re-reading it; used when no lifecycle operation URL is
     * known (an environment adopted while still being created).
     */
    async waitUntilProvisioned(id: string, opts?: WaitOptions): Promise<Environment> {
      const url = ctx.http.buildUrl({ surface: S, path: adminEnvironmentPath(id), apiVersion: BAP_API_VERSION }).toString();
      const res = await waitFor(ctx, S, BAP_API_VERSION, EnvironmentProvisioning, { url }, opts);
      return decodeEnvironment(res.body);
    },

    /** create() and, when the service answered 202, wait and then read the environment. */
    async createAndWait(body: EnvironmentCreateRequest, opts?: WaitOptions): Promise<Environment> {
      const started = await api.create(body, opts);
      if (started.environment && !started.operationUrl) return started.environment;
      if (!started.operationUrl) throw new UnexpectedResponseError("environment create: no body and no Location to poll");
      const op = await api.waitForLifecycle({ operationUrl: started.operationUrl }, opts);
      const id = (op && environmentIdOf(op)) ?? started.environmentId;
      if (!id) throw new UnexpectedResponseError("environment create: the lifecycle operation did not name the environment");
      return api.get(id, opts);
    },
  };
  return api;
}

export type EnvironmentsApi = ReturnType<typeof environmentsApi>;
