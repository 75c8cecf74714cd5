/**
 * Resolves the client configuration: explicit options merged over the
 * environment (options win). Validates every URL and refuses plain http://
 * except on loopback.
 */
import { CLOUDS, type CloudName, parseCloudName, type Surface, SURFACES } from "./clouds";
import { ConfigurationError } from "./errors";
import { type PipelineSettings, readPipelineSettings } from "./pipelineCredentials";
import { DEFAULT_RATE_LIMIT, type RateLimitSettings } from "./rateLimiter";

/** Which credential authenticates the client; `auto` chooses from the settings present. */
export type CredentialKind =
  | "auto"
  | "clientSecret"
  | "clientCertificate"
  | "workloadIdentity"
  | "usernamePassword"
  | "azureCli"
  | "managedIdentity"
  | "githubActions"
  | "azurePipelines";

export interface RetryOptions {
  /** Total attempts including the first (default 6); throttled answers (429, 503) are bounded by `throttleDeadlineMs` instead. */
  maxAttempts?: number;
  /** Upper bound on the time spent retrying one request after other failures, ms (default 120 000). */
  maxTotalMs?: number;
  /**
   * How long one request may keep waiting out throttling (429, 503), from its first
   * throttled answer (a wait for its turn before that does not count), before it fails, ms
   * (default 900 000 = 15 min; env POWERPLATFORM_THROTTLE_DEADLINE_SECONDS). An operation
   * deadline (a resource's `customTimeouts`) that comes earlier binds instead.
   */
  throttleDeadlineMs?: number;
  /** First backoff delay, ms (default 1 000). */
  baseDelayMs?: number;
  /** Cap of the exponential backoff, ms (default 30 000). */
  maxDelayMs?: number;
  /** Cap of any server-supplied Retry-After, ms (default 60 000). */
  maxRetryAfterMs?: number;
}

export interface PollOptions {
  /** Interval when the server gives no Retry-After, ms (default 5 000). */
  defaultIntervalMs?: number;
  /** Lower clamp of a server-supplied interval, ms (default 1 000). */
  minIntervalMs?: number;
  /** Upper clamp of a server-supplied interval, ms (default 60 000). */
  maxIntervalMs?: number;
}

/** Client settings; each one not given is read from the environment (`AZURE_*`, `POWERPLATFORM_*`). */
export interface ClientOptions {
  /** The cloud (default `public`, or POWERPLATFORM_CLOUD); aliases accepted, see {@link parseCloudName}. */
  cloud?: CloudName | string;
  /** Endpoint overrides per surface (token scopes stay those of the cloud). */
  endpoints?: Partial<Record<Surface, string>>;
  authorityHost?: string;
  tenantId?: string;
  clientId?: string;
  /** Client secret (over AZURE_CLIENT_SECRET); kept non-enumerable, never logged. */
  clientSecret?: string;
  /** Which credential to use (default "auto": chosen from the available settings). */
  credential?: CredentialKind;
  /** Per-request timeout, ms (default 60 000; env POWERPLATFORM_REQUEST_TIMEOUT_SECONDS). */
  requestTimeoutMs?: number;
  /** What guards a tenant against losing or duplicating objects when a request's outcome is unknown. */
  safety?: SafetyOptions;
  retry?: RetryOptions;
  /** The per-host rate limiter shared by the process (rateLimiter.ts). */
  rateLimit?: RateLimitOptions;
  poll?: PollOptions;
  /** Deadline of one long-running operation (install, environment create…), ms (default 30 min). */
  operationDeadlineMs?: number;
  /** Max pages followed by a list call (default 100). */
  maxPages?: number;
  /**
   * How long a list fetched to serve reads is served again, ms (default 30 000; env
   * POWERPLATFORM_READ_CACHE_SECONDS; 0 turns the read cache off). Our own writes drop the
   * lists they change at once; this bounds how late a change made by someone else shows.
   */
  readCacheMs?: number;
  /** Extra user-agent product token appended after powerplatform-iac/<version>. */
  userAgentSuffix?: string;
  /** The environment to read (default process.env); injectable for tests. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Settings of the per-host rate limiter (see rateLimiter.ts). */
export interface RateLimitOptions {
  /** Most requests in flight to one host when nothing throttles (default 64; env POWERPLATFORM_MAX_CONCURRENT_REQUESTS). */
  maxConcurrency?: number;
  /** Longest interval between two sends the pacing may choose, ms (default 10 000). */
  maxIntervalMs?: number;
}

export interface SafetyOptions {
  /**
   * Pause before a 404 on a read is believed: the object is read again (and looked for
   * in the list) after this long, ms (default 5 000; env POWERPLATFORM_NOT_FOUND_CONFIRM_SECONDS).
   */
  notFoundConfirmMs?: number;
  /**
   * How long to look for the object a create may have made when its outcome is unknown
   * (connection broken, timeout), ms (default 60 000; env POWERPLATFORM_UNKNOWN_OUTCOME_LOOKUP_SECONDS).
   */
  unknownOutcomeLookupMs?: number;
  /**
   * A create refuses to run when an object matching the declaration was created by the
   * same principal this recently and is not managed by the run, ms (default 6 hours;
   * env POWERPLATFORM_DUPLICATE_GUARD_MINUTES; 0 turns the guard off).
   */
  duplicateGuardMs?: number;
  /** Clock difference tolerated between this machine and the service, ms (default 300 000; env POWERPLATFORM_CLOCK_SKEW_SECONDS). */
  clockSkewMs?: number;
}

export interface ResolvedSafety {
  notFoundConfirmMs: number;
  unknownOutcomeLookupMs: number;
  duplicateGuardMs: number;
  clockSkewMs: number;
}

export interface ResolvedRetry {
  maxAttempts: number;
  maxTotalMs: number;
  throttleDeadlineMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}
export interface ResolvedPoll {
  defaultIntervalMs: number;
  minIntervalMs: number;
  maxIntervalMs: number;
}

/** Credential settings. Secrets are kept here only to hand them to @azure/identity. */
export interface CredentialSettings {
  kind: CredentialKind;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  certificatePath?: string;
  certificatePassword?: string;
  federatedTokenFile?: string;
  username?: string;
  password?: string;
  /** AZURE_TOKEN_CREDENTIALS as @azure/identity reads it: "dev", "prod" or a credential name (lower-cased). */
  tokenCredentials?: string;
  /** What a CI pipeline offers for federation (GitHub Actions OIDC, Azure Pipelines service connection). */
  pipeline?: PipelineSettings;
}

/** The resolved configuration a client runs with: every default applied, every URL validated. */
export interface ClientConfig {
  cloud: CloudName;
  /** Base URL per surface, no trailing slash (may carry a base path). */
  endpoints: Readonly<Record<Surface, string>>;
  /** Token scope per surface. */
  scopes: Readonly<Record<Surface, string>>;
  authorityHost: string;
  credential: CredentialSettings;
  requestTimeoutMs: number;
  safety: ResolvedSafety;
  retry: ResolvedRetry;
  rateLimit: RateLimitSettings;
  poll: ResolvedPoll;
  operationDeadlineMs: number;
  maxPages: number;
  /** How long a list serves reads, ms (0: every read fetches). */
  readCacheMs: number;
  userAgentSuffix?: string;
}

export const DEFAULT_RETRY: ResolvedRetry = {
  maxAttempts: 6,
  maxTotalMs: 120_000,
  throttleDeadlineMs: 15 * 60_000,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};
export const DEFAULT_POLL: ResolvedPoll = { defaultIntervalMs: 5_000, minIntervalMs: 1_000, maxIntervalMs: 60_000 };
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
export const DEFAULT_SAFETY: ResolvedSafety = {
  notFoundConfirmMs: 5_000,
  unknownOutcomeLookupMs: 60_000,
  duplicateGuardMs: 6 * 60 * 60_000,
  clockSkewMs: 5 * 60_000,
};
export const DEFAULT_OPERATION_DEADLINE_MS = 30 * 60_000;
export const DEFAULT_MAX_PAGES = 100;
/**
 * Long enough for one refresh of a large stack to read each list once (1,000 FlowState over
 * 5 environments take ~9 s), short enough that a change made by hand during a long `up`
 * shows in its later reads.
 */
export const DEFAULT_READ_CACHE_MS = 30_000;

const ENDPOINT_ENV: Readonly<Record<Surface, string>> = {
  powerplatform: "POWERPLATFORM_API_URL",
  bap: "POWERPLATFORM_BAP_URL",
  flow: "POWERPLATFORM_FLOW_URL",
};

/**
 * True for `localhost`, `*.localhost`, 127.0.0.0/8 and ::1: the only hosts plain http:// may be
 * used with.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  if (/^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  return false;
}

/**
 * Validates an endpoint URL: absolute, https (http only to loopback), no
 * credentials, query or fragment. Returns it normalised without trailing slash.
 */
export function validateEndpointUrl(value: string, what: string): string {
  let u: URL;
  try {
    u = new URL(value.trim());
  } catch {
    throw new ConfigurationError(`${what}: "${value}" is not a valid absolute URL`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") {
    throw new ConfigurationError(`${what}: unsupported scheme "${u.protocol}" (use https://)`);
  }
  if (u.protocol === "http:" && !isLoopbackHost(u.hostname)) {
    throw new ConfigurationError(
      `${what}: plain http:// is refused for "${u.host}" (tokens would travel unencrypted); use https://, ` +
        `http:// is allowed only for loopback (localhost, 127.0.0.0/8, ::1)`,
    );
  }
  if (u.username || u.password) throw new ConfigurationError(`${what}: credentials in the URL are not allowed`);
  if (u.search || u.hash) throw new ConfigurationError(`${what}: the URL must not have a query or fragment`);
  return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
}

function positive(value: number | undefined, fallback: number, what: string, allowZero = false): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ConfigurationError(`${what} must be a positive number, got ${String(value)}`);
  }
  return value;
}

/** A duration given in the environment in `unit` ms per unit (seconds, minutes); undefined when absent. */
function durationFromEnv(env: Readonly<Record<string, string | undefined>>, name: string, unitMs: number, allowZero: boolean): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(n) || (!allowZero && n === 0)) {
    throw new ConfigurationError(`${name} must be a ${allowZero ? "non-negative" : "positive"} number, got "${raw}"`);
  }
  return Math.round(n * unitMs);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== "" ? v.trim() : undefined;
}

function hideSecret(o: CredentialSettings, key: "clientSecret" | "certificatePassword" | "password", v: string | undefined): void {
  Object.defineProperty(o, key, { value: v, enumerable: false, writable: false, configurable: false });
}

function resolveSafety(o: SafetyOptions, env: Readonly<Record<string, string | undefined>>): ResolvedSafety {
  const pick = (value: number | undefined, envName: string, unitMs: number, fallback: number, what: string): number =>
    positive(value ?? durationFromEnv(env, envName, unitMs, true), fallback, what, true);
  return {
    notFoundConfirmMs: pick(o.notFoundConfirmMs, "POWERPLATFORM_NOT_FOUND_CONFIRM_SECONDS", 1000, DEFAULT_SAFETY.notFoundConfirmMs, "safety.notFoundConfirmMs"),
    unknownOutcomeLookupMs: pick(o.unknownOutcomeLookupMs, "POWERPLATFORM_UNKNOWN_OUTCOME_LOOKUP_SECONDS", 1000, DEFAULT_SAFETY.unknownOutcomeLookupMs, "safety.unknownOutcomeLookupMs"),
    duplicateGuardMs: pick(o.duplicateGuardMs, "POWERPLATFORM_DUPLICATE_GUARD_MINUTES", 60_000, DEFAULT_SAFETY.duplicateGuardMs, "safety.duplicateGuardMs"),
    clockSkewMs: pick(o.clockSkewMs, "POWERPLATFORM_CLOCK_SKEW_SECONDS", 1000, DEFAULT_SAFETY.clockSkewMs, "safety.clockSkewMs"),
  };
}

/**
 * Merges `options` over the environment into a {@link ClientConfig}; throws a ConfigurationError
 * naming the setting on a bad value.
 */
export function resolveConfig(options: ClientOptions = {}): ClientConfig {
  const env = options.env ?? process.env;
  const cloudRaw = nonEmpty(options.cloud) ?? nonEmpty(env.POWERPLATFORM_CLOUD) ?? "public";
  let cloud: CloudName;
  try {
    cloud = parseCloudName(cloudRaw);
  } catch (e) {
    throw new ConfigurationError((e as Error).message);
  }
  const def = CLOUDS[cloud];

  const endpoints = {} as Record<Surface, string>;
  const scopes = {} as Record<Surface, string>;
  for (const s of SURFACES) {
    const override = nonEmpty(options.endpoints?.[s]) ?? nonEmpty(env[ENDPOINT_ENV[s]]);
    endpoints[s] = override
      ? validateEndpointUrl(override, options.endpoints?.[s] ? `endpoints.${s}` : ENDPOINT_ENV[s])
      : def.surfaces[s].baseUrl;
    scopes[s] = def.surfaces[s].scope;
  }

  const authorityRaw = nonEmpty(options.authorityHost) ?? nonEmpty(env.AZURE_AUTHORITY_HOST);
  const authorityWhat = options.authorityHost ? "authorityHost" : "AZURE_AUTHORITY_HOST";
  const authorityHost = authorityRaw ? validateEndpointUrl(authorityRaw, authorityWhat) : def.authorityHost;
  if (!authorityHost.startsWith("https://")) {
    // @azure/identity refuses non-https authorities, even on loopback: say so up front.
    throw new ConfigurationError(`${authorityWhat}: the Entra authority must use https:// (got "${authorityRaw}")`);
  }

  const pipeline = readPipelineSettings(env);
  const credential: CredentialSettings = {
    kind: options.credential ?? (nonEmpty(env.POWERPLATFORM_CREDENTIAL) as CredentialKind | undefined) ?? "auto",
    tenantId: nonEmpty(options.tenantId) ?? nonEmpty(env.AZURE_TENANT_ID) ?? pipeline.serviceConnectionTenantId,
    clientId: nonEmpty(options.clientId) ?? nonEmpty(env.AZURE_CLIENT_ID) ?? pipeline.serviceConnectionClientId,
    certificatePath: nonEmpty(env.AZURE_CLIENT_CERTIFICATE_PATH),
    federatedTokenFile: nonEmpty(env.AZURE_FEDERATED_TOKEN_FILE),
    username: nonEmpty(env.AZURE_USERNAME),
    tokenCredentials: nonEmpty(env.AZURE_TOKEN_CREDENTIALS)?.toLowerCase(),
    pipeline,
  };
  // Secrets are non-enumerable: JSON.stringify/console.log of the config never shows them.
  hideSecret(credential, "clientSecret", nonEmpty(options.clientSecret) ?? nonEmpty(env.AZURE_CLIENT_SECRET));
  hideSecret(credential, "certificatePassword", nonEmpty(env.AZURE_CLIENT_CERTIFICATE_PASSWORD));
  hideSecret(credential, "password", env.AZURE_PASSWORD);
  const kinds: CredentialKind[] = [
    "auto",
    "clientSecret",
    "clientCertificate",
    "workloadIdentity",
    "usernamePassword",
    "azureCli",
    "managedIdentity",
    "githubActions",
    "azurePipelines",
  ];
  if (!kinds.includes(credential.kind)) {
    throw new ConfigurationError(`Unknown credential kind "${credential.kind}": expected one of ${kinds.join(", ")}`);
  }

  const r = options.retry ?? {};
  const retry: ResolvedRetry = {
    maxAttempts: Math.floor(positive(r.maxAttempts, DEFAULT_RETRY.maxAttempts, "retry.maxAttempts")),
    maxTotalMs: positive(r.maxTotalMs, DEFAULT_RETRY.maxTotalMs, "retry.maxTotalMs"),
    throttleDeadlineMs: positive(
      r.throttleDeadlineMs ?? durationFromEnv(env, "POWERPLATFORM_THROTTLE_DEADLINE_SECONDS", 1000, false),
      DEFAULT_RETRY.throttleDeadlineMs,
      "retry.throttleDeadlineMs",
    ),
    baseDelayMs: positive(r.baseDelayMs, DEFAULT_RETRY.baseDelayMs, "retry.baseDelayMs", true),
    maxDelayMs: positive(r.maxDelayMs, DEFAULT_RETRY.maxDelayMs, "retry.maxDelayMs", true),
    maxRetryAfterMs: positive(r.maxRetryAfterMs, DEFAULT_RETRY.maxRetryAfterMs, "retry.maxRetryAfterMs", true),
  };
  const rl = options.rateLimit ?? {};
  const concurrencyFromEnv = durationFromEnv(env, "POWERPLATFORM_MAX_CONCURRENT_REQUESTS", 1, false);
  const rateLimit: RateLimitSettings = {
    maxConcurrency: Math.floor(positive(rl.maxConcurrency ?? concurrencyFromEnv, DEFAULT_RATE_LIMIT.maxConcurrency, "rateLimit.maxConcurrency")),
    maxIntervalMs: positive(rl.maxIntervalMs, DEFAULT_RATE_LIMIT.maxIntervalMs, "rateLimit.maxIntervalMs"),
    maxPauseMs: retry.maxRetryAfterMs,
  };
  const p = options.poll ?? {};
  const poll: ResolvedPoll = {
    defaultIntervalMs: positive(p.defaultIntervalMs, DEFAULT_POLL.defaultIntervalMs, "poll.defaultIntervalMs", true),
    minIntervalMs: positive(p.minIntervalMs, DEFAULT_POLL.minIntervalMs, "poll.minIntervalMs", true),
    maxIntervalMs: positive(p.maxIntervalMs, DEFAULT_POLL.maxIntervalMs, "poll.maxIntervalMs", true),
  };
  if (poll.minIntervalMs > poll.maxIntervalMs) {
    throw new ConfigurationError("poll.minIntervalMs must not exceed poll.maxIntervalMs");
  }

  return {
    cloud,
    endpoints,
    scopes,
    authorityHost,
    credential,
    requestTimeoutMs: positive(
      options.requestTimeoutMs ?? durationFromEnv(env, "POWERPLATFORM_REQUEST_TIMEOUT_SECONDS", 1000, false),
      DEFAULT_REQUEST_TIMEOUT_MS,
      "requestTimeoutMs",
    ),
    safety: resolveSafety(options.safety ?? {}, env),
    retry,
    rateLimit,
    poll,
    operationDeadlineMs: positive(options.operationDeadlineMs, DEFAULT_OPERATION_DEADLINE_MS, "operationDeadlineMs"),
    maxPages: Math.floor(positive(options.maxPages, DEFAULT_MAX_PAGES, "maxPages")),
    readCacheMs: positive(
      options.readCacheMs ?? durationFromEnv(env, "POWERPLATFORM_READ_CACHE_SECONDS", 1000, true),
      DEFAULT_READ_CACHE_MS,
      "readCacheMs",
      true,
    ),
    userAgentSuffix: nonEmpty(options.userAgentSuffix),
  };
}
