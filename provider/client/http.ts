/**
 * One request to one surface: URL building from the surface endpoint, bearer
 * token (a 401 refreshes it once), standard headers, a correlation id per
 * operation, the accepted status codes, and the one retry layer around it.
 */
import { randomUUID } from "node:crypto";
import { type TokenProvider, tokenObjectId } from "./auth";
import { type Clock, systemClock } from "./clock";
import type { Surface } from "./clouds";
import type { ClientConfig } from "./config";
import { describeFamily, isAllowedUrl, type RequestTarget } from "./hostFamily";
import { errorFromResponse, parseRetryAfter, PowerPlatformError, requestIdFrom } from "./errors";
import { processRateLimiters, RateLimiterRegistry, type SendOutcome } from "./rateLimiter";
import { redact, redactHeaders, safeUrlPath } from "./redact";
import { type RetryPolicy, withRetry } from "./retry";
import type { HttpMethod, Transport, TransportResponse } from "./transport";
import { USER_AGENT } from "./version";

export type QueryValue = string | number | boolean | undefined | null;

/** One request of {@link HttpClient.request}: where, what, and which statuses are success. */
export interface RequestOptions {
  /** A surface, or "dataverse" (an absolute instance URL; the token is for `{origin}/.default`). */
  surface: RequestTarget;
  method: HttpMethod;
  /** Path relative to the surface endpoint, starting with "/" (segments already encoded). */
  path?: string;
  /** Absolute URL (nextLink, Operation-Location, instance URL); must be on a host of the surface's family. */
  url?: string;
  /** api-version query parameter (not added when the URL already has one). */
  apiVersion?: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Accepted status codes; anything else becomes a typed error. */
  expect: readonly number[];
  /** Default: true for GET/PUT/DELETE, false for POST/PATCH. */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** Correlation id shared by all requests of one logical operation (default: a new uuid per call). */
  correlationId?: string;
  headers?: Record<string, string>;
}

/** An accepted response, JSON parsed. */
export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  data: T;
  /** The URL requested (absolute). */
  url: string;
  /** The correlation id sent with the request. */
  correlationId?: string;
}

/**
 * What the client tells its injected logger. Every field is already redacted: paths
 * through safeUrlPath, headers through the allow-list, messages through redact().
 *
 * - request / response / network-error: one HTTP exchange (response: status, duration, the
 *   service's request id);
 * - retry: a failed attempt about to be repeated after `delayMs` (status 429 = throttled);
 * - throttle: the host's rate limiter began a throttling episode (`host`, `concurrency` now
 *   allowed in flight, `intervalMs` between sends, `delayMs` of the pause the service asked for);
 * - wait: a long-running operation being waited for (`operation`, the service's own
 *   `operationStatus`, `elapsedMs` since the wait began; `phase` start, poll or end).
 */
export interface LogEntry {
  event: "request" | "response" | "retry" | "network-error" | "wait" | "throttle";
  method?: string;
  path?: string;
  status?: number;
  attempt?: number;
  delayMs?: number;
  durationMs?: number;
  requestId?: string;
  correlationId?: string;
  headers?: Record<string, string>;
  message?: string;
  operation?: string;
  operationStatus?: string;
  elapsedMs?: number;
  phase?: "start" | "poll" | "end";
  /** throttle: the host throttled. */
  host?: string;
  /** throttle: requests now allowed in flight to the host. */
  concurrency?: number;
  /** throttle: interval now kept between two sends to the host, ms. */
  intervalMs?: number;
}
/** Receives the client's {@link LogEntry} events (already redacted). */
export type Logger = (entry: LogEntry) => void;

export interface HttpClientDeps {
  config: ClientConfig;
  tokens: TokenProvider;
  transport: Transport;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
  /** The per-host rate limiters (default: the process's when the clock is the system clock, else a registry of this client's own). */
  rateLimiters?: RateLimiterRegistry;
}

/** The per-host limiters a client uses by default: the process's with the real clock, its own with an injected one. */
function defaultRateLimiters(clock: Clock, config: ClientConfig): RateLimiterRegistry {
  return clock === systemClock ? processRateLimiters(config.rateLimit) : new RateLimiterRegistry(clock, config.rateLimit);
}

/** What an answer tells the rate limiter: 429, or 503 with a Retry-After, is the service asking for less. */
function outcomeOf(res: TransportResponse, nowMs: number): SendOutcome {
  const retryAfter = res.headers["retry-after"];
  if (res.status === 429 || (res.status === 503 && retryAfter !== undefined)) {
    return { kind: "throttled", retryAfterMs: retryAfter === undefined ? undefined : parseRetryAfter(retryAfter, nowMs) };
  }
  return { kind: "accepted" };
}

/**
 * Makes the message of a failed request say which request failed (method and path)
 * and, when a write may have been applied, that the object may exist.
 */
export function withRequestContext(error: unknown, method: string, url: string): unknown {
  if (!(error instanceof PowerPlatformError)) return error;
  const where = `${method} ${safeUrlPath(url) ?? ""}`.trim();
  let message = error.message;
  const pathOnly = (safeUrlPath(url) ?? "").split("?")[0];
  if (!pathOnly || !message.includes(pathOnly)) message = `${where}: ${message}`;
  if (error.maybeApplied && !/may have been applied/.test(message)) {
    message += ` (no answer arrived, so the request may have been applied: the object may exist in the tenant)`;
  }
  error.message = message;
  return error;
}

/**
 * Sends requests to a surface with a token, retries what may be retried, and turns any other status
 * into a typed error.
 */
export class HttpClient {
  readonly config: ClientConfig;
  readonly clock: Clock;
  private readonly tokens: TokenProvider;
  private readonly transport: Transport;
  private readonly logger?: Logger;
  private readonly retryPolicy: RetryPolicy;
  /** The per-host rate limiters this client sends through. */
  readonly rateLimiters: RateLimiterRegistry;

  constructor(deps: HttpClientDeps) {
    this.config = deps.config;
    this.tokens = deps.tokens;
    this.transport = deps.transport;
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger;
    this.retryPolicy = { ...deps.config.retry, random: deps.random };
    this.rateLimiters = deps.rateLimiters ?? defaultRateLimiters(this.clock, deps.config);
  }

  /** Builds the absolute URL of a request and checks that it stays on the surface's host. */
  buildUrl(opts: Pick<RequestOptions, "surface" | "path" | "url" | "apiVersion" | "query">): URL {
    if (opts.surface === "dataverse" && opts.url === undefined) {
      throw new PowerPlatformError("A Dataverse request needs the absolute instance URL");
    }
    const base = opts.surface === "dataverse" ? "" : this.config.endpoints[opts.surface];
    let u: URL;
    if (opts.url !== undefined) {
      u = opts.surface === "dataverse" ? new URL(opts.url) : new URL(opts.url, new URL(base).origin);
      if (!isAllowedUrl(this.config, opts.surface, u)) {
        throw new PowerPlatformError(
          `Refusing to send a request (and a token) to ${u.origin}: it is not a ${opts.surface} host (allowed: ${describeFamily(this.config, opts.surface)})`,
          { url: safeUrlPath(u.toString()) },
        );
      }
    } else {
      const path = opts.path ?? "/";
      if (!path.startsWith("/")) throw new PowerPlatformError(`Request path must start with "/": ${path}`);
      u = new URL(base + path);
    }
    const setIfAbsent = (k: string, v: QueryValue): void => {
      if (v === undefined || v === null) return;
      const has = [...u.searchParams.keys()].some((key) => key.toLowerCase() === k.toLowerCase());
      if (!has) u.searchParams.set(k, String(v));
    };
    if (opts.apiVersion) setIfAbsent("api-version", opts.apiVersion);
    for (const [k, v] of Object.entries(opts.query ?? {})) setIfAbsent(k, v);
    return u;
  }

  async request<T = unknown>(opts: RequestOptions): Promise<HttpResponse<T>> {
    const built = this.buildUrl(opts);
    const url = built.toString();
    const correlationId = opts.correlationId ?? randomUUID();
    // Dataverse: a token for the instance's own audience (Microsoft's clients ask for `{instanceUrl}/.default`).
    const scope = opts.surface === "dataverse" ? `${built.origin}/.default` : this.config.scopes[opts.surface];
    const idempotent = opts.idempotent ?? !(opts.method === "POST" || opts.method === "PATCH");
    const userAgent = this.config.userAgentSuffix ? `${USER_AGENT} ${this.config.userAgentSuffix}` : USER_AGENT;

    const limiter = this.rateLimiters.forHost(built.host);
    let attemptNumber = 0;
    const send = async (token: string): Promise<TransportResponse> => {
      const headers: Record<string, string> = {
        Accept: "application/json",
        "User-Agent": userAgent,
        "x-ms-correlation-request-id": correlationId,
        ...(opts.headers ?? {}),
        Authorization: `Bearer ${token}`,
      };
      if (opts.body !== undefined) headers["Content-Type"] = "application/json";
      // A retry of a throttled request goes ahead of the queue: it has waited already.
      const permit = await limiter.acquire({ signal: opts.signal, first: attemptNumber > 1 });
      this.logger?.({ event: "request", method: opts.method, path: safeUrlPath(url), correlationId, headers: redactHeaders(headers) });
      const started = this.clock.now();
      let res: TransportResponse;
      try {
        res = await this.transport.send({
          method: opts.method,
          url,
          headers,
          body: opts.body,
          timeoutMs: this.config.requestTimeoutMs,
          signal: opts.signal,
        });
      } catch (error) {
        this.logger?.({
          event: "network-error",
          method: opts.method,
          path: safeUrlPath(url),
          durationMs: this.clock.now() - started,
          correlationId,
          message: redact(error instanceof Error ? error.message : String(error)),
        });
        permit.release({ kind: "none" });
        throw error;
      }
      const episode = permit.release(outcomeOf(res, this.clock.now()));
      if (episode) {
        this.logger?.({
          event: "throttle",
          host: episode.host,
          status: res.status,
          concurrency: episode.concurrency,
          intervalMs: episode.intervalMs,
          delayMs: Math.max(0, episode.pausedUntil - this.clock.now()),
          method: opts.method,
          path: safeUrlPath(url),
          requestId: requestIdFrom(res.headers),
          correlationId,
        });
      }
      this.logger?.({
        event: "response",
        method: opts.method,
        path: safeUrlPath(url),
        status: res.status,
        durationMs: this.clock.now() - started,
        requestId: requestIdFrom(res.headers),
        correlationId,
        headers: redactHeaders(res.headers),
      });
      return res;
    };

    const attempt = async (n: number): Promise<HttpResponse<T>> => {
      attemptNumber = n;
      let token = await this.tokens.getToken(scope, { signal: opts.signal });
      let res = await send(token);
      if (res.status === 401 && !opts.expect.includes(401)) {
        token = await this.tokens.getToken(scope, { forceRefresh: true, signal: opts.signal });
        res = await send(token);
      }
      if (opts.expect.includes(res.status)) {
        return { status: res.status, headers: res.headers, data: res.data as T, url, correlationId };
      }
      throw errorFromResponse({
        status: res.status,
        headers: res.headers,
        data: res.data,
        method: opts.method,
        url,
        correlationId,
        nowMs: this.clock.now(),
      });
    };

    try {
      return await withRetry(attempt, this.retryPolicy, {
      idempotent,
      signal: opts.signal,
      clock: this.clock,
      onRetry: ({ attempt: n, delayMs, error }) =>
        this.logger?.({
          event: "retry",
          method: opts.method,
          path: safeUrlPath(url),
          status: error.status,
          attempt: n,
          delayMs,
          requestId: error.requestId,
          correlationId,
          message: error.message,
        }),
      });
    } catch (error) {
      throw withRequestContext(error, opts.method, url);
    }
  }

  /**
   * The Entra object id of the principal this client acts as on a surface (the `oid`
   * of its token): what the service records as the creator of the objects it makes.
   */
  async callerObjectId(surface: Surface, signal?: AbortSignal): Promise<string | undefined> {
    return tokenObjectId(await this.tokens.getToken(this.config.scopes[surface], { signal }));
  }

  /** Hands an event of a caller (a wait of the API layer) to the injected logger. */
  report(entry: LogEntry): void {
    this.logger?.(entry);
  }

  close(): void {
    this.transport.close?.();
  }
}
