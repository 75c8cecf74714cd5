/**
 * Shared plumbing of the per-service API files: the context, path encoding,
 * list collection, waiting and small runtime decoders.
 */
import type { Surface } from "../clouds";
import { UnexpectedResponseError } from "../errors";
import type { HttpClient, HttpResponse, QueryValue } from "../http";
import { collectPages } from "../pagination";
import { explainDeadline, waitDeadline } from "../deadline";
import { type OperationKind, pollOperation, type PollResponse, type PollResult } from "../poller";
import type { HttpMethod } from "../transport";

export interface ApiContext {
  http: HttpClient;
  /** Told of every write (any method but GET) once it has answered or failed: drops the lists it may have changed. */
  afterWrite?: (surface: Surface, pathOrUrl: string) => void;
}

/** Options of every API call: cancellation and correlation. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Correlation id shared by all requests of one logical operation. */
  correlationId?: string;
}

/** Options of the calls that wait for a long-running operation: deadline and poll interval. */
export interface WaitOptions extends CallOptions {
  /**
   * Absolute deadline, ms since epoch. The earlier of this and the enclosing operation
   * deadline (client/deadline.ts) applies; now + config.operationDeadlineMs when neither is set.
   */
  deadline?: number;
  /**
   * The wait between polls when the service sends no Retry-After, chosen by the API that
   * knows its operation (default: config.poll.defaultIntervalMs).
   */
  defaultIntervalMs?: number;
  /** Called as soon as the operation URL is known, so it can be saved for resuming. */
  onOperationUrl?: (url: string) => void;
  onProgress?: (status: string | undefined, body?: unknown) => void;
}

/** Encodes one path segment; refuses empty ones and dot segments. */
export function seg(value: string, what = "path segment"): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new UnexpectedResponseError(`${what} must be a non-empty string`);
  }
  if (value === "." || value === "..") throw new UnexpectedResponseError(`${what} must not be "${value}"`);
  return encodeURIComponent(value);
}

export interface Call {
  surface: Surface;
  method: HttpMethod;
  path?: string;
  url?: string;
  apiVersion: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  expect: readonly number[];
  idempotent?: boolean;
}

export async function call<T = unknown>(ctx: ApiContext, c: Call, opts: CallOptions = {}): Promise<HttpResponse<T>> {
  const request = ctx.http.request<T>({ ...c, signal: opts.signal, correlationId: opts.correlationId });
  if (c.method === "GET" || !ctx.afterWrite) return request;
  try {
    return await request;
  } finally {
    // Also after a failure: a write whose outcome is unknown may have been applied.
    ctx.afterWrite(c.surface, c.path ?? c.url ?? "");
  }
}

/** GET a list and follow its nextLinks; each item passes through `decode`. */
export async function list<T>(
  ctx: ApiContext,
  c: Omit<Call, "method" | "expect"> & { expect?: readonly number[] },
  decode: (item: unknown) => T,
  what: string,
  opts: CallOptions & { stopWhen?: (item: T) => boolean } = {},
): Promise<T[]> {
  const first = await call(ctx, { ...c, method: "GET", expect: c.expect ?? [200] }, opts);
  const stopWhen = opts.stopWhen;
  const origin = new URL(ctx.http.config.endpoints[c.surface]).origin;
  const raw = await collectPages<unknown>(
    first.status === 204 ? undefined : first.data,
    async (url) =>
      (await call(ctx, { surface: c.surface, method: "GET", url, apiVersion: c.apiVersion, expect: [200] }, opts)).data,
    { origin, maxPages: ctx.http.config.maxPages, signal: opts.signal, ...(stopWhen ? { stopWhen: (raw: unknown) => stopWhen(decode(raw)) } : {}) },
    what,
  );
  return raw.map(decode);
}

/** Waits for a long-running operation through the one poller. */
export function waitFor<TBody>(
  ctx: ApiContext,
  surface: Surface,
  apiVersion: string,
  kind: OperationKind<TBody>,
  start: { initial?: PollResponse; url?: string },
  opts: WaitOptions = {},
): Promise<PollResult<TBody>> {
  const cfg = ctx.http.config;
  const clock = ctx.http.clock;
  const deadline = waitDeadline(opts.deadline, clock.now(), cfg.operationDeadlineMs);
  const began = clock.now();
  const report = (phase: "start" | "poll" | "end", operationStatus?: string): void =>
    ctx.http.report({ event: "wait", phase, operation: kind.name, operationStatus, elapsedMs: clock.now() - began });
  report("start", start.initial ? kind.statusOf(start.initial.data as TBody) : undefined);
  return pollOperation<TBody>({
    kind,
    initial: start.initial,
    url: start.url,
    get: async (url, signal) => {
      const expect = kind.goneMeansDone ? [200, 201, 202, 204, 404, 409] : [200, 201, 202, 204, 409];
      const r = await call(ctx, { surface, method: "GET", url, apiVersion, expect }, { ...opts, signal });
      return { status: r.status, headers: r.headers, data: r.data };
    },
    deadline: deadline.at,
    defaultIntervalMs: opts.defaultIntervalMs ?? cfg.poll.defaultIntervalMs,
    minIntervalMs: cfg.poll.minIntervalMs,
    maxIntervalMs: cfg.poll.maxIntervalMs,
    clock,
    signal: opts.signal,
    onOperationUrl: opts.onOperationUrl,
    onProgress: (s, body) => {
      // A final status is told once, by the "end" event.
      if (s === undefined || !(kind.succeeded.includes(s) || kind.failed.includes(s))) report("poll", s);
      opts.onProgress?.(s, body);
    },
  }).then(
    (result) => {
      report("end", result.status);
      return result;
    },
    (error: unknown) => {
      report("end");
      return explainDeadline(error, deadline.scope);
    },
  );
}

/** Resolves a possibly relative operation URL (e.g. a BAP `links.self.path`) against the surface endpoint. */
export function absoluteUrl(ctx: ApiContext, surface: Surface, urlOrPath: string): string {
  const base = ctx.http.config.endpoints[surface];
  if (/^https?:\/\//i.test(urlOrPath)) return urlOrPath;
  return base + (urlOrPath.startsWith("/") ? urlOrPath : `/${urlOrPath}`);
}

export function lastSegment(urlOrPath: string | undefined): string | undefined {
  if (!urlOrPath) return undefined;
  const path = urlOrPath.split("?")[0]!.replace(/\/+$/, "");
  const s = path.slice(path.lastIndexOf("/") + 1);
  return s ? decodeURIComponent(s) : undefined;
}

// ---------- small runtime decoders ----------

export function asObject(v: unknown, what: string): Record<string, unknown> {
  if (!v || typeof v !== "object" || Array.isArray(v)) {
    throw new UnexpectedResponseError(`${what}: expected a JSON object, got ${v === undefined ? "no body" : Array.isArray(v) ? "an array" : typeof v}`);
  }
  return v as Record<string, unknown>;
}

export function requireString(o: Record<string, unknown>, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== "string") throw new UnexpectedResponseError(`${what}: "${key}" is missing or not a string`);
  return v;
}

export function optionalObject(o: Record<string, unknown>, key: string, what: string): void {
  const v = o[key];
  if (v !== undefined && v !== null && (typeof v !== "object" || Array.isArray(v))) {
    throw new UnexpectedResponseError(`${what}: "${key}" is not an object`);
  }
}

/** Builds a decoder that checks an object has the given string fields and returns it typed. */
export function shape<T>(what: string, strings: readonly string[], objects: readonly string[] = []): (v: unknown) => T {
  return (v: unknown): T => {
    const o = asObject(v, what);
    for (const k of strings) requireString(o, k, what);
    for (const k of objects) {
      if (!o[k] || typeof o[k] !== "object" || Array.isArray(o[k])) {
        throw new UnexpectedResponseError(`${what}: "${k}" is missing or not an object`);
      }
    }
    return o as T;
  };
}
