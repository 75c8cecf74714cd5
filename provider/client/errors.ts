/**
 * Typed errors of the client. Every error carries what a caller needs to decide
 * (status, service error code, request id, method, path) and never a token or a
 * secret: messages pass through redact(), URLs through safeUrlPath(), and no
 * request headers or bodies are kept.
 */
import { redact, safeUrlPath } from "./redact";

/** What a {@link PowerPlatformError} records about the failed call (all redacted). */
export interface ErrorDetails {
  status?: number;
  code?: string;
  requestId?: string;
  correlationId?: string;
  method?: string;
  /** URL path (plus allow-listed query) or full URL; stored redacted, without host. */
  url?: string;
  /** The request may have reached the server and been applied (non-idempotent call): re-read and adopt. */
  maybeApplied?: boolean;
  /** Server-requested delay before retrying, in ms (from Retry-After). */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * The base of the client's errors: status, service code, request and correlation ids, method and
 * path; never a token or secret.
 */
export class PowerPlatformError extends Error {
  override readonly name: string = "PowerPlatformError";
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly correlationId?: string;
  readonly method?: string;
  readonly path?: string;
  maybeApplied: boolean;
  readonly retryAfterMs?: number;

  constructor(message: string, details: ErrorDetails = {}) {
    super(redact(withServiceIds(message, details)));
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.correlationId = details.correlationId;
    this.method = details.method;
    this.path = safeUrlPath(details.url);
    this.maybeApplied = details.maybeApplied ?? false;
    this.retryAfterMs = details.retryAfterMs;
    if (details.cause !== undefined) {
      // Keep only a redacted message of the cause: a raw library error may hold request config with headers.
      const c = details.cause;
      const text = c instanceof Error ? `${c.name}: ${c.message}` : String(c);
      Object.defineProperty(this, "cause", { value: redact(text), enumerable: false, writable: true, configurable: true });
    }
  }

  /** Safe, serializable form (used by JSON.stringify). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      code: this.code,
      requestId: this.requestId,
      correlationId: this.correlationId,
      method: this.method,
      path: this.path,
      maybeApplied: this.maybeApplied || undefined,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

/**
 * The message a user sees names the service's request id and the correlation id sent, so
 * a support case can find the request in the service's logs. Added once: an error rebuilt
 * from another one's message (explainDeadline) is not suffixed twice.
 */
export function withServiceIds(message: string, details: Pick<ErrorDetails, "requestId" | "correlationId">): string {
  const ids: string[] = [];
  if (details.requestId && !message.includes(details.requestId)) ids.push(`request id ${details.requestId}`);
  if (details.correlationId && !message.includes(details.correlationId)) ids.push(`correlation id ${details.correlationId}`);
  return ids.length ? `${message} (${ids.join(", ")})` : message;
}

/** HTTP 404: the object does not exist. */
export class NotFoundError extends PowerPlatformError {
  override readonly name: string = "NotFoundError";
}
/** HTTP 409: the object's state forbids the call (another operation may be running, see `retryable`). */
export class ConflictError extends PowerPlatformError {
  override readonly name: string = "ConflictError";
  /** True for conflicts that clear by themselves (another lifecycle operation running). */
  get retryable(): boolean {
    return RETRYABLE_CONFLICT_CODES.has(this.code ?? "");
  }
}
/** HTTP 429 after the retries: the service throttles; `retryAfterMs` says how long it asked to wait. */
export class ThrottledError extends PowerPlatformError {
  override readonly name: string = "ThrottledError";
}
/** HTTP 401 or 403: no valid token, or the identity lacks the role. */
export class AuthError extends PowerPlatformError {
  override readonly name: string = "AuthError";
}
/** HTTP 400 or 422: the service refused the request's content. */
export class ValidationError extends PowerPlatformError {
  override readonly name: string = "ValidationError";
}
/** 408, 500, 502, 503, 504: the service failed, a later attempt may succeed. */
export class TransientError extends PowerPlatformError {
  override readonly name: string = "TransientError";
}
/** No HTTP response: connection refused/reset, timeout, DNS failure. */
export class NetworkError extends TransientError {
  override readonly name: string = "NetworkError";
  /** False when the request provably never reached the server (connection refused, DNS failure). */
  readonly requestSent: boolean;
  readonly errno?: string;
  constructor(message: string, details: ErrorDetails & { requestSent: boolean; errno?: string }) {
    super(message, details);
    this.requestSent = details.requestSent;
    this.errno = details.errno;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), requestSent: this.requestSent, errno: this.errno };
  }
}
/** A long-running operation ended Failed/Canceled (or a resource ended in a failed state). */
export class OperationFailedError extends PowerPlatformError {
  override readonly name: string = "OperationFailedError";
  readonly operationStatus?: string;
  readonly operationUrl?: string;
  constructor(message: string, details: ErrorDetails & { operationStatus?: string; operationUrl?: string } = {}) {
    super(message, details);
    this.operationStatus = details.operationStatus;
    this.operationUrl = details.operationUrl;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), operationStatus: this.operationStatus, operationUrl: safeUrlPath(this.operationUrl) };
  }
}
/** The operation deadline passed while waiting. `operationUrl` lets a caller resume polling later. */
export class DeadlineExceededError extends PowerPlatformError {
  override readonly name: string = "DeadlineExceededError";
  readonly operationUrl?: string;
  readonly lastStatus?: string;
  constructor(message: string, details: ErrorDetails & { operationUrl?: string; lastStatus?: string } = {}) {
    super(message, details);
    this.operationUrl = details.operationUrl;
    this.lastStatus = details.lastStatus;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), operationUrl: safeUrlPath(this.operationUrl), lastStatus: this.lastStatus };
  }
}
/**
 * A Data Loss Prevention (DLP) policy of the tenant blocks the flow: `start` of a flow the
 * service suspended for its connectors answers 403
 * `{"error":{"code":"DlpViolation","message":"Flow '…' cannot be activated due to admin API policies."}}`.
 * Final: retrying cannot help until the flow's connectors or the DLP policy change.
 */
export class DlpViolationError extends PowerPlatformError {
  override readonly name: string = "DlpViolationError";
}
/** The service's error code when a data loss prevention policy blocks a flow. */
export const DLP_VIOLATION_CODE = "DlpViolation";

/** The response did not have the expected shape. */
export class UnexpectedResponseError extends PowerPlatformError {
  override readonly name: string = "UnexpectedResponseError";
}
/** Configuration could not be resolved (bad URL, http endpoint, unknown cloud…). */
export class ConfigurationError extends PowerPlatformError {
  override readonly name: string = "ConfigurationError";
}

/** 409 codes meaning "another operation is running, try again later". */
export const RETRYABLE_CONFLICT_CODES: ReadonlySet<string> = new Set(["OperationNotStartable"]);

/** Pulls `{code, message}` out of the error body shapes the services use. */
export function parseErrorBody(data: unknown): { code?: string; message?: string } {
  let body = data;
  if (typeof body === "string") {
    const t = body.trim();
    if (t.startsWith("{")) {
      try {
        body = JSON.parse(t);
      } catch {
        return { message: t.slice(0, 500) };
      }
    } else {
      return t ? { message: t.slice(0, 500) } : {};
    }
  }
  if (!body || typeof body !== "object") return {};
  const o = body as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : typeof v === "number" ? String(v) : undefined);
  const err = o.error ?? o.Error;
  if (err && typeof err === "object") {
    const e = err as Record<string, unknown>;
    return { code: str(e.code ?? e.Code), message: str(e.message ?? e.Message) };
  }
  if (typeof err === "string") return { code: str(o.code), message: err };
  // PascalCase {StatusCode, Message} or {Code, Message}, or flat {code, message}.
  return {
    code: str(o.Code ?? o.code ?? o.ErrorCode ?? o.errorCode ?? o.StatusCode),
    message: str(o.Message ?? o.message ?? o.ErrorMessage),
  };
}

/** Lower-cased header lookup. */
export function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === want && v !== undefined && v !== null) return Array.isArray(v) ? String(v[0]) : String(v);
  }
  return undefined;
}

/** The service's own id of one request (not the correlation id, which the client chose). */
export function requestIdFrom(headers: Record<string, unknown> | undefined): string | undefined {
  return headerValue(headers, "x-ms-request-id") ?? headerValue(headers, "request-id") ?? headerValue(headers, "x-ms-service-request-id");
}

/** The correlation id the service echoes (the one the client sent, when it sent one). */
export function correlationIdFrom(headers: Record<string, unknown> | undefined): string | undefined {
  return headerValue(headers, "x-ms-correlation-request-id") ?? headerValue(headers, "x-ms-client-request-id");
}

/**
 * Parses Retry-After (delta seconds or HTTP date) to milliseconds, relative to `nowMs`.
 * Returns undefined when absent or unparsable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - nowMs);
}

/** The response that {@link errorFromResponse} turns into an error. */
export interface ResponseErrorInput {
  status: number;
  headers?: Record<string, unknown>;
  data?: unknown;
  method?: string;
  url?: string;
  correlationId?: string;
  nowMs?: number;
}

/** Builds the typed error for an HTTP response that was not among the accepted statuses. */
export function errorFromResponse(r: ResponseErrorInput): PowerPlatformError {
  const { code, message } = parseErrorBody(r.data);
  const retryAfterMs = parseRetryAfter(headerValue(r.headers, "retry-after"), r.nowMs ?? Date.now());
  const where = `${r.method ?? "?"} ${safeUrlPath(r.url) ?? ""}`.trim();
  const text = `${where} failed with HTTP ${r.status}${code ? ` ${code}` : ""}${message ? `: ${message}` : ""}`;
  const details: ErrorDetails = {
    status: r.status,
    code,
    requestId: requestIdFrom(r.headers),
    correlationId: r.correlationId ?? correlationIdFrom(r.headers),
    method: r.method,
    url: r.url,
    retryAfterMs,
  };
  const s = r.status;
  if (code === DLP_VIOLATION_CODE) {
    return new DlpViolationError(
      `${where} failed with HTTP ${s} ${code}: a data loss prevention (DLP) policy of the tenant blocks this flow` +
        `${message ? ` (the service says: ${message})` : ""}. The flow stays off until its connectors comply with the ` +
        `DLP policies of its environment or an administrator changes the policy (Power Platform admin center, Policies, Data policies).`,
      details,
    );
  }
  if (s === 404) return new NotFoundError(text, details);
  if (s === 409) return new ConflictError(text, details);
  if (s === 429) return new ThrottledError(text, details);
  if (s === 401 || s === 403) return new AuthError(text, details);
  if (s === 400 || s === 422) return new ValidationError(text, details);
  if (s === 408 || s === 500 || s === 502 || s === 503 || s === 504) return new TransientError(text, details);
  return new PowerPlatformError(text, details);
}

/** True when `e` is a {@link NotFoundError}. */
export function isNotFound(e: unknown): e is NotFoundError {
  return e instanceof NotFoundError;
}
