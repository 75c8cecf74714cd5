/**
 * BAP environments (api-version 2023-06-01; PATCH 2021-04-01) and their
 * lifecycle operations (202 + Location; `state.id`).
 */
import { BapLifecycleOperation, type OperationKind, pauseBeforeNextBapLook, operationUrlFrom, type PollResponse } from "../poller";
import { DeadlineExceededError, errorFromResponse, RETRYABLE_CONFLICT_CODES, UnexpectedResponseError } from "../errors";
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
export const validateEnvironmentDetailsPath = (): string => `${BAP}/validateEnvironmentDetails`;
export const locationsPath = (location?: string): string => (location === undefined ? `${BAP}/locations` : `${BAP}/locations/${seg(location, "location")}`);

/** Default bound of a DELETE that keeps meeting another running operation (409), ms. */
export const DELETE_CONFLICT_DEADLINE_MS = 15 * 60_000;
/** Default bound of the wait for Dataverse metadata after a create succeeded, ms. */
export const DATAVERSE_METADATA_DEADLINE_MS = 10 * 60_000;
/**
 * Default deadline of a type conversion: Microsoft documents that a Sandbox →
 * Production conversion can take up to two hours; 2 h 15 min leaves room for the queue.
 */
export const MODIFY_SKU_DEADLINE_MS = 135 * 60_000;

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

    /** PATCH …/scopes/admin/environments/{id} (api-version 2021-04-01) → 202 + regional Location, or 204 (nothing changed). */
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
     * 2021-04-01) → 202 + regional Operation-Location of a lifecycle operation (200
     * when nothing changes). Wait with `deadline` ≥ now + MODIFY_SKU_DEADLINE_MS.
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
     * 202 + Location (regional), or 204/404 when already gone (`alreadyGone`).
     * While another lifecycle operation runs the service answers 409 with an empty
     * body (recorded by microsoft/terraform-provider-power-platform, which retries it:
     * internal/services/environment/api_environment.go deleteEnvironmentWithRetry) or
     * 409 OperationNotStartable: both are waited out (BAP poll schedule) until the
     * deadline; any other 409 is final.
     */
    async delete(
      id: string,
      opts?: CallOptions & { message?: string; deadline?: number },
    ): Promise<{ httpStatus: number; operationUrl?: string; alreadyGone: boolean }> {
      const clock = ctx.http.clock;
      const began = clock.now();
      const deadline = opts?.deadline ?? began + DELETE_CONFLICT_DEADLINE_MS;
      for (;;) {
        const r = await call(
          ctx,
          {
            surface: S,
            method: "DELETE",
            path: adminEnvironmentPath(id),
            apiVersion: BAP_API_VERSION,
            body: { code: "7", message: opts?.message ?? "Deleted using powerplatform-iac" },
            expect: [200, 202, 204, 404, 409],
          },
          opts,
        );
        if (r.status === 409) {
          const err = errorFromResponse({ status: 409, headers: r.headers, data: r.data, method: "DELETE", url: r.url, correlationId: opts?.correlationId, nowMs: clock.now() });
          const busy = r.data === undefined || r.data === null || r.data === "" || (err.code !== undefined && RETRYABLE_CONFLICT_CODES.has(err.code));
          if (!busy) throw err;
          await pauseBeforeNextBapLook(clock, { began, deadline, signal: opts?.signal }, () =>
            new DeadlineExceededError(
              `DELETE of environment ${id} kept answering 409 (another lifecycle operation is running) until the deadline; run the delete again once it is over`,
              { lastStatus: "Conflict" },
            ),
          );
          continue;
        }
        const location = operationUrlFrom(r.headers);
        return {
          httpStatus: r.status,
          operationUrl: location ? absoluteUrl(ctx, S, location) : undefined,
          alreadyGone: r.status === 404 || r.status === 204,
        };
      }
    },

    /**
     * POST …/validateEnvironmentDetails (api-version 2021-04-01) {domainName,
     * environmentLocation}: 200 when the domain name is free (Microsoft's Terraform
     * provider calls it before every create with a domain: api_environment.go
     * ValidateCreateEnvironmentDetails). A taken name is a typed error (ConflictError
     * or ValidationError, as the service answers).
     */
    async validateDomainName(domainName: string, environmentLocation: string, opts?: CallOptions): Promise<void> {
      await call(
        ctx,
        {
          surface: S,
          method: "POST",
          path: validateEnvironmentDetailsPath(),
          apiVersion: BAP_PATCH_API_VERSION,
          body: { domainName, environmentLocation },
          expect: [200, 204],
          idempotent: true,
        },
        opts,
      );
    },

    /** GET …/locations (2023-06-01): the geographies and their Azure regions. */
    async locations(opts?: CallOptions): Promise<Array<{ name: string; properties?: { azureRegions?: string[]; [k: string]: unknown } }>> {
      const r = await call<{ value?: unknown[] }>(ctx, { surface: S, method: "GET", path: locationsPath(), apiVersion: BAP_API_VERSION, expect: [200] }, opts);
      return (Array.isArray(r.data?.value) ? r.data!.value : []).map((v) => shape<{ name: string }>("location", ["name"])(v));
    },

    /** GET …/locations/{loc}/environmentLanguages or environmentCurrencies (2023-06-01): their `name`s. */
    async locationChoices(location: string, what: "environmentLanguages" | "environmentCurrencies", opts?: CallOptions): Promise<string[]> {
      const r = await call<{ value?: unknown[] }>(
        ctx,
        { surface: S, method: "GET", path: `${locationsPath(location)}/${what}`, apiVersion: BAP_API_VERSION, expect: [200] },
        opts,
      );
      return (Array.isArray(r.data?.value) ? r.data!.value : []).map((v) => shape<{ name: string }>(what, ["name"])(v).name);
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

    /** Waits for a modifySku operation; the default deadline allows the two hours a Sandbox → Production conversion can take. */
    async waitForSkuChange(operationUrl: string, opts: WaitOptions = {}): Promise<LifecycleOperation | undefined> {
      return api.waitForLifecycle({ operationUrl }, { ...opts, deadline: opts.deadline ?? ctx.http.clock.now() + Math.max(MODIFY_SKU_DEADLINE_MS, ctx.http.config.operationDeadlineMs) });
    },

    /**
     * Waits until an environment's provisioningState is Succeeded (Failed →
     * OperationFailedError), re-reading it; used when no lifecycle operation URL is
     * known (an environment adopted while still being created). Polls the environment's GET every
     * config.poll.defaultIntervalMs (5 s; BAP sends no Retry-After, recorded): a rare path (no
     * operation URL to follow), where a create takes ~20 s (recorded) to minutes.
     */
    async waitUntilProvisioned(id: string, opts?: WaitOptions): Promise<Environment> {
      const url = ctx.http.buildUrl({ surface: S, path: adminEnvironmentPath(id), apiVersion: BAP_API_VERSION }).toString();
      const res = await waitFor(ctx, S, BAP_API_VERSION, EnvironmentProvisioning, { url }, opts);
      return decodeEnvironment(res.body);
    },

    /**
     * Waits for a create's lifecycle operation. The reply to the POST is 202 with an
     * empty body (recorded), so the new id comes from the operation body's
     * `links.environment.path`; `onEnvironmentId` is called as soon as a poll names it,
     * so a caller can keep the id even when the wait fails later. A 404 on a poll (the
     * operation is over and forgotten) ends the wait; the id must then be known already.
     */
    async waitForCreate(
      operationUrl: string,
      opts: WaitOptions & { onEnvironmentId?: (id: string) => void } = {},
    ): Promise<{ environmentId: string; operation?: LifecycleOperation }> {
      let known: string | undefined;
      const note = (body: unknown): void => {
        if (known || !body || typeof body !== "object") return;
        const id = lastSegment((body as Partial<LifecycleOperation>).links?.environment?.path);
        if (id) {
          known = id;
          opts.onEnvironmentId?.(id);
        }
      };
      const op = await api.waitForLifecycle(
        { operationUrl },
        { ...opts, onProgress: (status, body) => { note(body); opts.onProgress?.(status, body); } },
      );
      if (op) note(op);
      if (!known) throw new UnexpectedResponseError(`environment create: the lifecycle operation ${operationUrl} never named the new environment`);
      return { environmentId: known, operation: op };
    },

    /**
     * Re-reads an environment until `linkedEnvironmentMetadata` is there: right after a
     * create's operation says Succeeded the first GET can still lack it (Microsoft's
     * Terraform provider re-reads for the same reason: api_environment.go
     * waitForDataverseMetadata). Bounded by a deadline (default 10 min).
     */
    async waitForDataverseMetadata(id: string, opts: WaitOptions & { first?: Environment } = {}): Promise<Environment> {
      const clock = ctx.http.clock;
      const began = clock.now();
      const deadline = opts.deadline ?? began + DATAVERSE_METADATA_DEADLINE_MS;
      let env = opts.first ?? (await api.get(id, opts));
      while (!env.properties.linkedEnvironmentMetadata) {
        await pauseBeforeNextBapLook(clock, { began, deadline, signal: opts.signal }, () =>
          new DeadlineExceededError(
            `environment ${id} was created with Dataverse but the service still reports no Dataverse metadata (linkedEnvironmentMetadata); read it again later`,
            { lastStatus: env.properties.provisioningState },
          ),
        );
        env = await api.get(id, opts);
      }
      return env;
    },

    /** create() and, when the service answered 202, wait and then read the environment. */
    async createAndWait(body: EnvironmentCreateRequest, opts?: WaitOptions): Promise<Environment> {
      const started = await api.create(body, opts);
      if (started.environment && !started.operationUrl) return started.environment;
      if (!started.operationUrl) throw new UnexpectedResponseError("environment create: no body and no Location to poll");
      const { environmentId } = await api.waitForCreate(started.operationUrl, opts);
      const env = await api.get(environmentId, opts);
      return body.properties.linkedEnvironmentMetadata ? api.waitForDataverseMetadata(environmentId, { ...opts, first: env }) : env;
    },
  };
  return api;
}

export type EnvironmentsApi = ReturnType<typeof environmentsApi>;
