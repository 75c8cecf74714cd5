/**
 * The one long-running-operation poller, for the three surfaces. A pure state
 * machine: the HTTP GET, the clock and the per-surface status reading are
 * injected. It follows `Operation-Location` (else `Location`) of the initial
 * response, or re-reads a resource whose body carries a status; each wait comes
 * from the last reply's Retry-After (clamped) or a default; a 409 on a poll
 * means "keep polling"; a deadline and an AbortSignal bound every wait. It can
 * resume from a saved operation URL.
 */
import { abortReason, type Clock, systemClock } from "./clock";
import { correlationIdFrom, DeadlineExceededError, headerValue, OperationFailedError, parseRetryAfter, requestIdFrom } from "./errors";

/** How to read one kind of operation's status. */
export interface OperationKind<TBody = unknown> {
  readonly name: string;
  readonly succeeded: readonly string[];
  readonly failed: readonly string[];
  /** The status string in a poll body, if any. */
  statusOf(body: TBody | undefined): string | undefined;
  /** The operation's own error message for a failed body. */
  errorOf(body: TBody | undefined): { code?: string; message?: string };
  /** A poll answering 404 means the operation is over (the service forgets finished operations). */
  readonly goneMeansDone?: boolean;
  /**
   * The wait before the next poll when the service sends no Retry-After, given how long the
   * wait has lasted so far (ms); default: the configured default interval every time.
   */
  intervalWithoutRetryAfter?(elapsedMs: number, configuredDefaultMs: number): number;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}
function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
function errorFields(e: unknown): { code?: string; message?: string } {
  const o = obj(e);
  if (!o) return { message: str(e) };
  const inner = obj(o.error) ?? o;
  return { code: str(inner.code ?? inner.errorCode ?? inner.Code), message: str(inner.message ?? inner.Message) };
}

/** appmanagement operations: `{status: NotStarted|Running|Succeeded|Failed|Canceled, statusMessage, error}`. */
export const APPMANAGEMENT_TERMINAL_STATES = ["Succeeded", "Failed", "Canceled", "Cancelled"] as const;
/** How to read an appmanagement (application install) operation. */
export const AppManagementOperation: OperationKind = {
  name: "application package install",
  succeeded: ["Succeeded"],
  failed: ["Failed", "Canceled", "Cancelled"],
  statusOf: (b) => str(obj(b)?.status),
  errorOf: (b) => {
    const o = obj(b);
    const e = errorFields(o?.error);
    return { code: e.code, message: e.message ?? str(o?.statusMessage) };
  },
};

/** BAP lifecycle operations: `{state: {id: NotStarted|Running|Succeeded|Failed}, stages, links}`. */
export const BAP_LIFECYCLE_TERMINAL_STATES = ["Succeeded", "Failed", "Canceled"] as const;
/**
 * Lifecycle polls carry no Retry-After (recorded replies in
 * microsoft/terraform-provider-power-platform internal/services/environment/tests/),
 * and the operations last from ~20 s (recorded create: 07:45:25 → 07:45:43) to two
 * hours (a Sandbox → Production conversion). Nothing tells when one will end, so the
 * next look comes after a fifth of the time waited so far (at least 1 s, at most 30 s):
 * an operation is seen done at most ~20 % (or 1 s) after it ended, whatever it lasts.
 * The recorded 18 s create is seen done at ~21.5 s after 13 polls (the earlier schedule,
 * 2 s growing ×1.5, saw it at ~26 s); a 2-minute create costs ~23 polls, then 2 a minute,
 * so a 2-hour conversion costs ~260 requests, far below the 100 calls a minute Microsoft
 * allows per connection on these admin APIs. The same schedule paces the other waits on
 * BAP without a Retry-After (a DELETE's 409 while another operation runs, the re-read
 * for Dataverse metadata, a managed-environment configuration refused with 409).
 */
export const BAP_MIN_POLL_MS = 1_000;
export const BAP_MAX_POLL_MS = 30_000;
/** The share of the time waited so far that the next wait lasts. */
export const BAP_POLL_SHARE = 0.2;
/** The wait before the next BAP poll after `elapsedMs` of waiting (see above). */
export function bapLifecyclePollInterval(elapsedMs: number): number {
  return Math.min(BAP_MAX_POLL_MS, Math.max(BAP_MIN_POLL_MS, Math.round(Math.max(0, elapsedMs) * BAP_POLL_SHARE)));
}
/**
 * The pause before looking again in a BAP wait the poller does not drive (a DELETE's 409, the
 * re-read for Dataverse metadata, a configuration refused with 409): the schedule above, from
 * `began`; `deadlineError()` is thrown instead when the next look would come after `deadline`.
 */
export async function pauseBeforeNextBapLook(
  clock: Pick<Clock, "now" | "sleep">,
  wait: { began: number; deadline: number; signal?: AbortSignal },
  deadlineError: () => Error,
): Promise<void> {
  const pause = bapLifecyclePollInterval(clock.now() - wait.began);
  if (clock.now() + pause > wait.deadline) throw deadlineError();
  await clock.sleep(pause, wait.signal);
}
/** How to read a BAP lifecycle operation (environment create, delete, type change). */
export const BapLifecycleOperation: OperationKind = {
  name: "environment lifecycle operation",
  succeeded: ["Succeeded"],
  failed: ["Failed", "Canceled", "Cancelled"],
  // The service answers 404 for a lifecycle operation that is over (recorded); the caller re-reads the environment.
  goneMeansDone: true,
  intervalWithoutRetryAfter: (elapsedMs) => bapLifecyclePollInterval(elapsedMs),
  statusOf: (b) => str(obj(obj(b)?.state)?.id),
  errorOf: (b) => {
    const o = obj(b);
    let e = errorFields(o?.error);
    if (!e.message) {
      // The failed stage usually carries the reason.
      const stages = Array.isArray(o?.stages) ? (o!.stages as unknown[]) : [];
      for (const s of stages) {
        const so = obj(s);
        if (str(obj(so?.state)?.id) === "Failed") {
          const se = errorFields(so?.error ?? so?.errorDetail);
          e = { code: se.code ?? str(so?.id), message: se.message ?? `stage ${str(so?.name) ?? str(so?.id)} failed` };
          break;
        }
      }
    }
    return e;
  },
};

/** Billing policies: the resource itself, `status` Enabled|Disabled (done) vs Provisioning (running) | ProvisioningFailed. */
export const BILLING_POLICY_TERMINAL_STATES = ["Enabled", "Disabled", "ProvisioningFailed"] as const;
/**
 * How to read a billing policy being provisioned: the policy itself, polled until Enabled, Disabled
 * or ProvisioningFailed.
 */
export const BillingPolicyProvisioning: OperationKind = {
  name: "billing policy provisioning",
  succeeded: ["Enabled", "Disabled"],
  failed: ["ProvisioningFailed"],
  statusOf: (b) => str(obj(b)?.status),
  errorOf: (b) => errorFields(obj(b)?.error),
};

export interface PollResponse {
  status: number;
  headers: Record<string, string>;
  data: unknown;
}

export interface PollOptions<TBody> {
  kind: OperationKind<TBody>;
  /** GET of a poll URL. Must resolve for 2xx and 409, and 404 when the kind says `goneMeansDone` (other statuses may throw typed errors). */
  get: (url: string, signal?: AbortSignal) => Promise<PollResponse>;
  /** The response that started the operation (202 + Operation-Location/Location, or a body with a status). */
  initial?: PollResponse;
  /** Poll this URL (resume from a saved operation URL, or the resource URL for body-status polling). */
  url?: string;
  /** Absolute deadline (ms since epoch). */
  deadline: number;
  defaultIntervalMs: number;
  minIntervalMs: number;
  maxIntervalMs: number;
  clock?: Clock;
  signal?: AbortSignal;
  /** Called once the operation URL is known (so a caller can persist it and resume later). */
  onOperationUrl?: (url: string) => void;
  /** Called after each poll with the status read. */
  onProgress?: (status: string | undefined, body: TBody | undefined) => void;
}

/** How a long-running operation ended: the last body and status read. */
export interface PollResult<TBody> {
  body: TBody | undefined;
  status?: string;
  /** The URL polled, if any. */
  operationUrl?: string;
  /** Headers of the final reply. */
  headers: Record<string, string>;
  /** HTTP status of the final reply. */
  httpStatus: number;
}

/** The URL to poll from an initial response: Operation-Location first, then Location. */
export function operationUrlFrom(headers: Record<string, string> | undefined): string | undefined {
  return (
    headerValue(headers, "operation-location") ?? headerValue(headers, "azure-asyncoperation") ?? headerValue(headers, "location")
  );
}

/** The wait before the next poll: Retry-After clamped to [min, max], default when absent. */
export function pollInterval(
  headers: Record<string, string> | undefined,
  nowMs: number,
  o: { defaultIntervalMs: number; minIntervalMs: number; maxIntervalMs: number },
  withoutRetryAfter?: () => number,
): number {
  const ra = parseRetryAfter(headerValue(headers, "retry-after"), nowMs);
  const v = ra ?? (withoutRetryAfter ? withoutRetryAfter() : o.defaultIntervalMs);
  return Math.min(o.maxIntervalMs, Math.max(o.minIntervalMs, v));
}

/**
 * Polls a long-running operation until the kind says it succeeded (resolves) or failed
 * (OperationFailedError), honouring Retry-After and the deadline (DeadlineExceededError, with the
 * URL to resume from).
 */
export async function pollOperation<TBody = unknown>(o: PollOptions<TBody>): Promise<PollResult<TBody>> {
  const clock = o.clock ?? systemClock;
  const kind = o.kind;
  const check = (): void => {
    if (o.signal?.aborted) throw abortReason(o.signal);
  };
  check();

  let last: PollResponse | undefined = o.initial;
  const url = (o.initial ? operationUrlFrom(o.initial.headers) : undefined) ?? o.url;
  if (url) o.onOperationUrl?.(url);

  const evaluate = (res: PollResponse, isPoll: boolean): PollResult<TBody> | undefined => {
    if (isPoll && res.status === 409) return undefined; // keep polling
    if (isPoll && res.status === 404 && kind.goneMeansDone) {
      return { body: undefined, status: undefined, operationUrl: url, headers: res.headers, httpStatus: 404 };
    }
    const body = res.data as TBody | undefined;
    const status = kind.statusOf(body);
    const done = { body, status, operationUrl: url, headers: res.headers, httpStatus: res.status };
    if (status !== undefined) {
      if (kind.succeeded.includes(status)) return done;
      if (kind.failed.includes(status)) {
        const err = kind.errorOf(body);
        throw new OperationFailedError(
          `The ${kind.name} ended ${status}${err.message ? `: ${err.message}` : ""}`,
          {
            code: err.code,
            operationStatus: status,
            operationUrl: url,
            status: res.status,
            url,
            requestId: requestIdFrom(res.headers),
            correlationId: correlationIdFrom(res.headers),
          },
        );
      }
      return undefined; // running
    }
    // No status in the body: a 202 means still running; a final 200/201/204 on a poll means done.
    if (res.status === 202) return undefined;
    if (isPoll) return done;
    return undefined;
  };

  if (o.initial) {
    const initialResult = evaluate(o.initial, false);
    if (initialResult) return initialResult;
    if (!url) {
      // Nothing to poll and no status to wait for: the initial reply is the result.
      if (kind.statusOf(o.initial.data as TBody) === undefined && o.initial.status !== 202) {
        return { body: o.initial.data as TBody, operationUrl: undefined, headers: o.initial.headers, httpStatus: o.initial.status };
      }
      throw new OperationFailedError(`The ${kind.name} is still running but the reply carried no URL to poll`, {
        status: o.initial.status,
      });
    }
  } else if (!url) {
    throw new OperationFailedError(`No operation URL to poll for the ${kind.name}`);
  }

  let lastStatus = last ? kind.statusOf(last.data as TBody) : undefined;
  const began = clock.now();
  const schedule = kind.intervalWithoutRetryAfter;
  for (;;) {
    check();
    const now = clock.now();
    const wait = last ? pollInterval(last.headers, now, o, schedule ? () => schedule(now - began, o.defaultIntervalMs) : undefined) : 0;
    if (now + wait > o.deadline) {
      throw new DeadlineExceededError(
        `The ${kind.name} did not finish before the deadline (last status: ${lastStatus ?? "unknown"}); resume polling ${url}`,
        { operationUrl: url, lastStatus },
      );
    }
    if (wait > 0) await clock.sleep(wait, o.signal);
    check();
    const res = await o.get(url!, o.signal);
    last = res;
    if (res.status !== 409 && res.status !== 404) lastStatus = kind.statusOf(res.data as TBody) ?? lastStatus;
    o.onProgress?.(lastStatus, res.data as TBody);
    const result = evaluate(res, true);
    if (result) return result;
  }
}
