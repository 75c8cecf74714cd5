/**
 * One rate limiter per host, shared by every request of the process: when the service
 * throttles (HTTP 429, or 503 with a Retry-After), the answer is fewer requests in flight
 * and paced sends for everyone, not more retries by each request on its own.
 *
 * - **Pause.** A throttled answer's Retry-After holds every request to that host until it
 *   has passed (the service refuses what comes earlier anyway).
 * - **Fewer in flight (AIMD).** The number of requests in flight is halved on each new
 *   throttling episode and grows by one after as many accepted answers as it allows.
 * - **Paced sends (a window whose size follows the throttling).** At each throttling
 *   episode, what the service accepted since the previous one becomes the limit of the
 *   sends: at most that many requests in any span as long as the time it took, up to the
 *   end of the pause the service asks for. The sends already made count in that span, so
 *   a service that limits calls per window (as Dataverse documents: a sliding window) gets
 *   its calls again at the pace it saw them, as its window frees them, and nothing more; a service that refills slowly gets a few requests
 *   per short span, i.e. its pace. After four such spans without throttling a quarter more
 *   requests are allowed (not while retries of refused requests wait), so the pace creeps
 *   back up until the service throttles again.
 *
 * Requests waiting for the limiter are served first come, first served, retries of a
 * throttled request ahead of new ones (so a request refused once is not refused again
 * for being late). A wait ends early when its signal aborts, and fails with a
 * DeadlineExceededError when the operation's deadline (deadline.ts: a resource's
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

/** How long sends are remembered before anything throttles (the longest span a first episode can measure), ms. */
const SEND_LOG_MS = 10 * 60_000;
/** How much the pace grows after PROBE_AFTER_SPANS spans without throttling (and while no retry waits). */
const PACE_GROWTH = 0.25;
/**
 * Spans without throttling before the pace grows: a probe costs refused calls and a pause,
 * and a service whose window was measured exactly gains nothing from it, so it is rare.
 */
const PROBE_AFTER_SPANS = 4;

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
  /** A retry of a throttled request (served before new requests). */
  first: boolean;
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
  /** The pacing: at most `allowed` sends in any `spanMs` (undefined = no pacing: nothing has throttled yet). */
  private pace: { allowed: number; spanMs: number; grownAt: number } | undefined;
  /**
   * Times of the sends the service did not refuse, within the last span (before any
   * throttling: within the last {@link SEND_LOG_MS}). Once paced, they replay the service's
   * window: a send waits for the one `allowed` places before it to leave the span.
   */
  private sends: number[] = [];
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
        first: options.first === true,
        deadlineAt: scope?.at,
        deadlineLabel: scope?.label,
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (options.first) {
        // Retries first, in the order they came.
        const firstNew = this.queue.findIndex((w) => !w.first);
        this.queue.splice(firstNew < 0 ? this.queue.length : firstNew, 0, waiter);
      } else this.queue.push(waiter);
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
      intervalMs: this.pace === undefined ? 0 : Math.round(this.pace.spanMs / this.pace.allowed),
      burst: this.pace === undefined ? 0 : this.pace.allowed,
      pausedUntil: this.pausedUntil,
      throttledTimes: this.throttledTimes,
    };
  }

  private remove(waiter: Waiter): void {
    const i = this.queue.indexOf(waiter);
    if (i >= 0) this.queue.splice(i, 1);
    waiter.cleanup();
    // No one left to wake: drop the timer, so that it does not keep the process alive.
    if (this.queue.length === 0) {
      this.timerAbort?.abort();
      this.timerAbort = undefined;
      this.timerAt = undefined;
    }
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
      this.sends.push(now);
      this.cycleStart ??= now;
      waiter.resolve(this.permit(now));
    }
  }

  /** When the next request may go: after the pause, and when the pacing's window has room. */
  private readyAt(now: number): number {
    let at = Math.max(now, this.pausedUntil);
    const keepMs = this.pace?.spanMs ?? SEND_LOG_MS;
    if (this.sends.length > 0 && this.sends[0]! <= now - keepMs) this.sends = this.sends.filter((t) => t > now - keepMs);
    if (this.pace !== undefined) {
      const { allowed, spanMs } = this.pace;
      if (this.sends.length >= allowed) at = Math.max(at, this.sends[this.sends.length - allowed]! + spanMs);
    }
    return at;
  }

  /** Fails the waiters whose operation deadline comes before the next possible send. */
  private failExpired(now: number): void {
    const readyAt = this.readyAt(now);
    if (readyAt <= now) return; // nothing holds the requests back: deadlines are the waits' business
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
    const now = this.clock.now();
    if (this.pace !== undefined && now - this.pace.grownAt >= PROBE_AFTER_SPANS * this.pace.spanMs && !this.queue.some((w) => w.first)) {
      this.pace.allowed += Math.max(1, Math.floor(this.pace.allowed * PACE_GROWTH));
      this.pace.grownAt = now;
    }
    if (++this.acceptedSinceGrowth >= Math.floor(this.concurrency)) {
      this.acceptedSinceGrowth = 0;
      this.concurrency = Math.min(this.settings.maxConcurrency, this.concurrency + 1);
    }
  }

  private throttled(sentAt: number, retryAfterMs: number | undefined): RateLimiterView | undefined {
    const now = this.clock.now();
    const pause = Math.min(Math.max(0, retryAfterMs ?? 0), this.settings.maxPauseMs);
    const pauseEnd = now + pause;
    // A refused request did not count at the service: it leaves the pacing's log.
    const logged = this.sends.indexOf(sentAt);
    if (logged >= 0) this.sends.splice(logged, 1);
    // A request sent before the current cycle began reports an episode already handled.
    if (this.cycleStart !== undefined && sentAt < this.cycleStart) {
      this.pausedUntil = Math.max(this.pausedUntil, pauseEnd);
      return undefined;
    }
    this.throttledTimes++;
    const since = this.cycleStart ?? now;
    const accepted = this.acceptedInCycle.filter((t) => t >= since).length;
    const span = Math.max(1, pauseEnd - since);
    if (accepted > 0 || this.pace === undefined) {
      // Nothing accepted and no pace yet: one request per such span. Nothing accepted with a
      // pace already (the pause was shorter than the service's window): keep the pace.
      const allowed = Math.max(1, accepted);
      this.pace = { allowed, spanMs: Math.min(span, allowed * this.settings.maxIntervalMs), grownAt: pauseEnd };
    } else {
      this.pace.grownAt = pauseEnd;
    }
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
