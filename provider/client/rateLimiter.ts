/**
 * One rate limiter per host, shared by every request of the process: when the service
 * throttles (HTTP 429, or 503 with a Retry-After), the answer is fewer requests in flight
 * and paced sends for everyone, not more retries by each request on its own.
 *
 * - **Pause.** A throttled answer's Retry-After holds every request to that host until it
 *   has passed (the service refuses what comes earlier anyway).
 * - **Fewer in flight (AIMD).** The number of requests in flight is halved on each new
 *   throttling episode and grows by one after as many accepted answers as it allows.
 * - **Paced sends (a token bucket whose rate follows the throttling).** At each throttling
 *   episode, what the service accepted since the previous one becomes the bucket: its
 *   rate is the accepted requests over the time up to the end of the pause the service
 *   asks for, its size (the burst) the number of them. A service that limits calls per
 *   window refills its whole window at once, and the bucket refilled during the pause lets
 *   that many go at once too; a service that refills slowly gets requests at its pace.
 *   Each accepted answer raises the rate a little (0.5 %), so the pace creeps back up
 *   until the service throttles again.
 *
 * Requests waiting for the limiter are served first come, first served, retries of a
 * throttled request ahead of new ones. A wait ends early when its signal aborts, and fails
 * with a DeadlineExceededError when the operation's deadline (deadline.ts: a resource's
 * `customTimeouts`) would pass before a send is allowed.
 *
 * Time goes through the injected clock; the process shares one registry of limiters
 * ({@link processRateLimiters}), so the clients of one process (the provider's, the data
 * functions', a script's) pace together.
 */
import { abortReason, type Clock, systemClock } from "./clock";
import { currentOperationDeadline } from "./deadline";
import { DeadlineExceededError } from "./errors";

/** Settings of the limiters (ClientConfig.rateLimit). */
export interface RateLimitSettings {
  /** Most requests in flight to one host when nothing throttles (default 64). */
  maxConcurrency: number;
  /** Longest interval between two sends the pacing may choose, ms (default 10 000). */
  maxIntervalMs: number;
  /** Longest pause a Retry-After may impose, ms (default: the retry layer's maxRetryAfterMs, 60 000). */
  maxPauseMs: number;
}

/** The defaults of {@link RateLimitSettings}. */
export const DEFAULT_RATE_LIMIT: RateLimitSettings = { maxConcurrency: 64, maxIntervalMs: 10_000, maxPauseMs: 60_000 };

/** How much each accepted answer raises the paced rate. */
const RATE_INCREASE = 0.005;
/** How far back the accepted rate is measured at a throttling episode, ms. */
const RATE_LOOKBACK_MS = 60_000;

/** What the limiter learned from one request's answer. */
export type SendOutcome =
  /** Any answer that is not a throttle (2xx, 4xx, 5xx other than a throttling 503). */
  | { kind: "accepted" }
  /** 429, or 503 with Retry-After: the service asks for less. */
  | { kind: "throttled"; retryAfterMs?: number }
  /** No answer (network error, abort): tells nothing about the rate. */
  | { kind: "none" };

/**
 * A permission to send one request; `release` must be called once with what came back. It
 * returns the limiter's new state when that answer began a throttling episode (for the log).
 */
export interface SendPermit {
  release(outcome: SendOutcome): RateLimiterView | undefined;
}

/** A snapshot of a host's limiter, for logs and tests. */
export interface RateLimiterView {
  host: string;
  concurrency: number;
  inFlight: number;
  queued: number;
  /** Interval between sends at the paced rate, ms (0 while nothing has throttled). */
  intervalMs: number;
  /** Requests the bucket lets go at once (0 while nothing has throttled). */
  burst: number;
  pausedUntil: number;
  throttledTimes: number;
}

interface Waiter {
  resolve: (permit: SendPermit) => void;
  reject: (error: unknown) => void;
  deadlineAt?: number;
  deadlineLabel?: string;
  cleanup: () => void;
}

/** The limiter of one host. */
export class HostRateLimiter {
  private concurrency: number;
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  /** The token bucket: undefined rate = no pacing (nothing has throttled yet). */
  private ratePerMs: number | undefined;
  private bucketSize = 0;
  private tokens = 0;
  private refilledAt = 0;
  private pausedUntil = 0;
  /** Start of the current measuring cycle (the end of the last pause) and what was accepted in it. */
  private cycleStart: number | undefined;
  private acceptedInCycle: number[] = [];
  private acceptedSinceGrowth = 0;
  private throttledTimes = 0;
  private timerAt: number | undefined;
  private timerAbort: AbortController | undefined;

  constructor(
    readonly host: string,
    private readonly clock: Clock,
    private readonly settings: RateLimitSettings = DEFAULT_RATE_LIMIT,
  ) {
    this.concurrency = settings.maxConcurrency;
  }

  /**
   * Waits until a request may be sent to this host. `first` puts the caller ahead of the
   * queue (a retry of a request already throttled).
   */
  acquire(options: { signal?: AbortSignal; first?: boolean } = {}): Promise<SendPermit> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const scope = currentOperationDeadline();
    return new Promise<SendPermit>((resolve, reject) => {
      const onAbort = (): void => {
        this.remove(waiter);
        reject(abortReason(signal!));
      };
      const waiter: Waiter = {
        resolve,
        reject,
        deadlineAt: scope?.at,
        deadlineLabel: scope?.label,
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (options.first) this.queue.unshift(waiter);
      else this.queue.push(waiter);
      this.pump();
    });
  }

  /** The limiter's state now. */
  view(): RateLimiterView {
    return {
      host: this.host,
      concurrency: this.concurrency,
      inFlight: this.inFlight,
      queued: this.queue.length,
      intervalMs: this.ratePerMs === undefined ? 0 : Math.round(1 / this.ratePerMs),
      burst: this.ratePerMs === undefined ? 0 : this.bucketSize,
      pausedUntil: this.pausedUntil,
      throttledTimes: this.throttledTimes,
    };
  }

  private remove(waiter: Waiter): void {
    const i = this.queue.indexOf(waiter);
    if (i >= 0) this.queue.splice(i, 1);
    waiter.cleanup();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const now = this.clock.now();
      this.failExpired(now);
      if (this.queue.length === 0) return;
      if (this.inFlight >= Math.max(1, Math.floor(this.concurrency))) return; // a release pumps again
      const readyAt = this.readyAt(now);
      if (now < readyAt) {
        this.wakeAt(readyAt);
        return;
      }
      const waiter = this.queue.shift()!;
      waiter.cleanup();
      this.inFlight++;
      if (this.ratePerMs !== undefined) this.tokens -= 1;
      this.cycleStart ??= now;
      waiter.resolve(this.permit(now));
    }
  }

  /** When the next request may go: after the pause, and when the bucket holds a token. */
  private readyAt(now: number): number {
    let at = Math.max(now, this.pausedUntil);
    if (this.ratePerMs !== undefined) {
      this.tokens = Math.min(this.bucketSize, this.tokens + (now - this.refilledAt) * this.ratePerMs);
      this.refilledAt = now;
      if (this.tokens < 1) at = Math.max(at, now + (1 - this.tokens) / this.ratePerMs);
    }
    return at;
  }

  /** Fails the waiters whose operation deadline comes before the next possible send. */
  private failExpired(now: number): void {
    const readyAt = this.readyAt(now);
    for (const waiter of [...this.queue]) {
      if (waiter.deadlineAt === undefined || waiter.deadlineAt > readyAt) continue;
      this.remove(waiter);
      waiter.reject(
        new DeadlineExceededError(
          `The service is throttling requests to ${this.host}: the next request may be sent in ${Math.ceil((readyAt - now) / 1000)} s, after the deadline [the deadline was set by ${waiter.deadlineLabel}]`,
        ),
      );
    }
  }

  private wakeAt(at: number): void {
    if (this.timerAt !== undefined && this.timerAt <= at) return;
    this.timerAbort?.abort();
    const abort = new AbortController();
    this.timerAbort = abort;
    this.timerAt = at;
    this.clock.sleep(Math.max(0, at - this.clock.now()), abort.signal).then(
      () => {
        if (this.timerAbort !== abort) return;
        this.timerAt = undefined;
        this.timerAbort = undefined;
        this.pump();
      },
      () => undefined,
    );
  }

  private permit(sentAt: number): SendPermit {
    let released = false;
    return {
      release: (outcome: SendOutcome) => {
        if (released) return undefined;
        released = true;
        this.inFlight--;
        let episode: RateLimiterView | undefined;
        if (outcome.kind === "accepted") this.accepted();
        else if (outcome.kind === "throttled") episode = this.throttled(sentAt, outcome.retryAfterMs);
        this.pump();
        return episode;
      },
    };
  }

  private accepted(): void {
    this.acceptedInCycle.push(this.clock.now());
    if (this.ratePerMs !== undefined) this.ratePerMs *= 1 + RATE_INCREASE;
    if (++this.acceptedSinceGrowth >= Math.floor(this.concurrency)) {
      this.acceptedSinceGrowth = 0;
      this.concurrency = Math.min(this.settings.maxConcurrency, this.concurrency + 1);
    }
  }

  private throttled(sentAt: number, retryAfterMs: number | undefined): RateLimiterView | undefined {
    const now = this.clock.now();
    const pause = Math.min(Math.max(0, retryAfterMs ?? 0), this.settings.maxPauseMs);
    const pauseEnd = now + pause;
    // A request sent before the current cycle began reports an episode already handled.
    if (this.cycleStart !== undefined && sentAt < this.cycleStart) {
      this.pausedUntil = Math.max(this.pausedUntil, pauseEnd);
      return undefined;
    }
    this.throttledTimes++;
    const since = Math.max(this.cycleStart ?? now, now - RATE_LOOKBACK_MS);
    const accepted = this.acceptedInCycle.filter((t) => t >= since).length;
    const span = Math.max(1, pauseEnd - since);
    // Nothing accepted since the last episode: at most one request per such span.
    this.ratePerMs = Math.max(1 / this.settings.maxIntervalMs, Math.max(1, accepted) / span);
    this.bucketSize = Math.max(1, accepted);
    this.tokens = 0;
    this.refilledAt = now;
    this.concurrency = Math.max(1, Math.floor(this.concurrency / 2));
    this.acceptedSinceGrowth = 0;
    this.pausedUntil = Math.max(this.pausedUntil, pauseEnd);
    this.cycleStart = this.pausedUntil;
    this.acceptedInCycle = [];
    return this.view();
  }
}

/** The limiters of one process (or of one test), one per host. */
export class RateLimiterRegistry {
  private readonly limiters = new Map<string, HostRateLimiter>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly settings: RateLimitSettings = DEFAULT_RATE_LIMIT,
  ) {}

  /** The limiter of `host` (host and port, lower-cased), made on first use. */
  forHost(host: string): HostRateLimiter {
    const key = host.toLowerCase();
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new HostRateLimiter(key, this.clock, this.settings);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  /** Snapshots of every host's limiter. */
  view(): RateLimiterView[] {
    return [...this.limiters.values()].map((l) => l.view());
  }
}

let processRegistry: RateLimiterRegistry | undefined;

/**
 * The registry every client of this process shares (real clock). The first caller's
 * settings make it; later clients share it as it is.
 */
export function processRateLimiters(settings: RateLimitSettings = DEFAULT_RATE_LIMIT): RateLimiterRegistry {
  processRegistry ??= new RateLimiterRegistry(systemClock, settings);
  return processRegistry;
}
