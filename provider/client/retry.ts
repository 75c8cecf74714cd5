/**
 * The one retry layer: p-retry around one request, with every server-supplied delay
 * clamped. Throttled answers (429, 503) are bounded by time only (`throttleDeadlineMs`,
 * and the operation's deadline when it comes earlier): the per-host rate limiter
 * (rateLimiter.ts) paces the retries with every other request, so a small attempt count
 * would only fail work the service would accept a little later. Other failures are bounded
 * by attempts and by total time. Sleeping goes through
 * the injected clock (p-retry's own timers are set to zero), so tests take no
 * real time.
 *
 * Transient: 429 and 503 (Retry-After honoured, seconds or HTTP date), 408, 500,
 * 502, 504, 409 OperationNotStartable and network failures. Everything else is
 * final. A non-idempotent request is retried only when the failure proves the
 * server did not act (429, 503, 409 OperationNotStartable, connection never
 * established); otherwise the error is flagged `maybeApplied` so the caller
 * re-reads and adopts.
 *
 * A failed TLS verification (expired, untrusted or mismatched certificate) is final
 * and never "maybe applied": it happens during the handshake, before any byte of the
 * request is sent, and waiting does not change a certificate.
 */
import { type Clock, systemClock } from "./clock";
import type { ResolvedRetry } from "./config";
import { DEFAULT_RETRY } from "./config";
import { currentOperationDeadline } from "./deadline";
import { ConflictError, NetworkError, PowerPlatformError } from "./errors";

/** The retry settings withRetry runs with (the resolved ones, jitter injectable). */
export interface RetryPolicy extends Omit<ResolvedRetry, "throttleDeadlineMs"> {
  /** Time bound of the retries of throttled answers (429, 503), ms (default {@link DEFAULT_RETRY}'s). */
  throttleDeadlineMs?: number;
  /** Random in [0,1) for jitter; injectable (default Math.random). */
  random?: () => number;
}

/** True for the answers of a service that asks for less (429, 503): bounded by time, not attempts. */
export function isThrottled(error: unknown): boolean {
  return error instanceof PowerPlatformError && !(error instanceof NetworkError) && NOT_APPLIED_STATUSES.has(error.status ?? 0);
}

export interface RetryContext {
  /** Whether repeating the request is harmless (GET, PUT, DELETE, idempotent POSTs). */
  idempotent: boolean;
  signal?: AbortSignal;
  clock?: Clock;
  /** Called before each wait (for logs): attempt number, delay, error. */
  onRetry?: (info: { attempt: number; delayMs: number; error: PowerPlatformError }) => void;
}

export type RetryDecision =
  | { retry: false }
  | { retry: true; /** Server-requested delay, ms, if any. */ retryAfterMs?: number };

/** Status codes after which the server provably did not apply the request. */
const NOT_APPLIED_STATUSES: ReadonlySet<number> = new Set([429, 503]);
/** Status codes after which the request may or may not have been applied. */
const MAYBE_APPLIED_STATUSES: ReadonlySet<number> = new Set([408, 500, 502, 504]);

/** Node/OpenSSL codes of a TLS verification failure (the handshake, before the request is sent). */
export const CERTIFICATE_ERROR_CODES: ReadonlySet<string> = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "INVALID_CA",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** True when a failure is a TLS certificate verification failure. */
export function isCertificateFailure(error: unknown): boolean {
  return error instanceof NetworkError && error.errno !== undefined && CERTIFICATE_ERROR_CODES.has(error.errno);
}

/** Classifies a failure. Mutates `maybeApplied` on the error when a non-idempotent request cannot be retried safely. */
export function classifyFailure(error: unknown, idempotent: boolean): RetryDecision {
  if (!(error instanceof PowerPlatformError)) return { retry: false };
  if (error instanceof NetworkError) {
    if (isCertificateFailure(error)) return { retry: false };
    if (!error.requestSent || idempotent) return { retry: true };
    error.maybeApplied = true;
    return { retry: false };
  }
  const s = error.status;
  if (s === undefined) return { retry: false };
  if (NOT_APPLIED_STATUSES.has(s)) return { retry: true, retryAfterMs: error.retryAfterMs };
  if (error instanceof ConflictError && error.retryable) return { retry: true, retryAfterMs: error.retryAfterMs };
  if (MAYBE_APPLIED_STATUSES.has(s)) {
    if (idempotent) return { retry: true, retryAfterMs: error.retryAfterMs };
    error.maybeApplied = true;
    return { retry: false };
  }
  return { retry: false };
}

/** Exponential backoff for the n-th retry (1-based), capped, with up to 20% added jitter. */
export function backoffDelay(retryNumber: number, policy: RetryPolicy): number {
  const exp = policy.baseDelayMs * 2 ** Math.max(0, retryNumber - 1);
  const capped = Math.min(policy.maxDelayMs, exp);
  const jitter = (policy.random ?? Math.random)() * 0.2 * capped;
  return Math.round(Math.min(policy.maxDelayMs, capped + jitter));
}

/**
 * The delay before retrying a throttled answer: a 429's Retry-After as the service asks
 * (clamped), otherwise {@link retryDelay}.
 */
export function throttleDelay(retryNumber: number, error: PowerPlatformError, policy: RetryPolicy): number {
  if (error.status === 429 && error.retryAfterMs !== undefined) return Math.min(Math.max(0, error.retryAfterMs), policy.maxRetryAfterMs);
  return retryDelay(retryNumber, error.retryAfterMs, policy);
}

/** The delay before the next attempt: the backoff, raised to the (clamped) Retry-After. */
export function retryDelay(retryNumber: number, retryAfterMs: number | undefined, policy: RetryPolicy): number {
  const backoff = backoffDelay(retryNumber, policy);
  if (retryAfterMs === undefined) return backoff;
  return Math.max(backoff, Math.min(Math.max(0, retryAfterMs), policy.maxRetryAfterMs));
}

type PRetry = typeof import("p-retry");
let pRetryModule: Promise<PRetry> | undefined;
function loadPRetry(): Promise<PRetry> {
  pRetryModule ??= import("p-retry");
  return pRetryModule;
}

/**
 * Runs `attempt` until it succeeds, fails finally, or the bounds are reached.
 * The last error is thrown as is (a PowerPlatformError, or the abort reason).
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  ctx: RetryContext = { idempotent: true },
): Promise<T> {
  const clock = ctx.clock ?? systemClock;
  const { default: pRetry } = await loadPRetry();
  const start = clock.now();
  const throttleDeadlineMs = policy.throttleDeadlineMs ?? DEFAULT_RETRY.throttleDeadlineMs;
  /** Failures other than throttling so far (they alone count against maxAttempts). */
  let otherFailures = 0;
  let throttledRetries = 0;
  /** When this request was first throttled: the time bound of throttling counts from there (not from a wait for its turn). */
  let throttledSince: number | undefined;
  ctx.signal?.throwIfAborted();
  return pRetry(
    async (n: number) => {
      ctx.signal?.throwIfAborted();
      return attempt(n);
    },
    {
      // The bounds are ours (shouldRetry): attempts for other failures, time for throttling.
      retries: Number.POSITIVE_INFINITY,
      // p-retry's own timers stay at zero: the delay is ours, through the injected clock.
      minTimeout: 0,
      maxTimeout: 0,
      factor: 1,
      randomize: false,
      signal: ctx.signal,
      shouldRetry: async ({ error, attemptNumber }) => {
        const decision = classifyFailure(error, ctx.idempotent);
        if (!decision.retry) return false;
        const failure = error as PowerPlatformError;
        let delayMs: number;
        if (isThrottled(failure)) {
          delayMs = throttleDelay(++throttledRetries, failure, policy);
          throttledSince ??= clock.now();
          const resumeAt = clock.now() + delayMs;
          const scope = currentOperationDeadline();
          const overScope = scope !== undefined && resumeAt > scope.at && scope.at - throttledSince < throttleDeadlineMs;
          if (resumeAt - throttledSince > throttleDeadlineMs || overScope) {
            const waitedMs = clock.now() - throttledSince;
            const bound = overScope ? `the deadline set by ${scope!.label}` : `retry.throttleDeadlineMs (${Math.round(throttleDeadlineMs / 1000)} s)`;
            failure.message += ` (still throttled after ${Math.round(waitedMs / 1000)} s and ${attemptNumber} attempts; the next attempt would pass ${bound})`;
            return false;
          }
        } else {
          if (++otherFailures >= policy.maxAttempts) return false;
          delayMs = retryDelay(otherFailures, decision.retryAfterMs, policy);
          if (clock.now() - start + delayMs > policy.maxTotalMs) return false;
        }
        ctx.onRetry?.({ attempt: attemptNumber, delayMs, error: failure });
        await clock.sleep(delayMs, ctx.signal);
        return true;
      },
    },
  );
}
