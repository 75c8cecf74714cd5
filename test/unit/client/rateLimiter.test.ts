/**
 * The per-host rate limiter (provider/client/rateLimiter.ts), through the real HTTP client
 * and retry layer, against a simulated service that throttles like the emulator's
 * rate-limit setting (a sliding or a fixed window), in virtual time: a clock whose sleeps
 * are timers fired in order, so minutes of throttling take milliseconds.
 */
import type { Clock } from "../../../provider/client/clock";
import { abortReason } from "../../../provider/client/clock";
import { withOperationDeadline } from "../../../provider/client/deadline";
import { DeadlineExceededError } from "../../../provider/client/errors";
import { createClient, type PowerPlatformClient, resolveConfig } from "../../../provider/client/index";
import { HostRateLimiter, processRateLimiters } from "../../../provider/client/rateLimiter";
import type { Transport, TransportRequest, TransportResponse } from "../../../provider/client/transport";
import { FakeTokens, T0 } from "./helpers";

/** Virtual time: `sleep` registers a timer; `run` fires the timers in time order whenever nothing else is pending. */
class VirtualClock implements Clock {
  t = T0;
  private timers: Array<{ at: number; seq: number; fire: () => void }> = [];
  private seq = 0;
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fire: () => resolve() };
      this.timers.push(timer);
      signal?.addEventListener(
        "abort",
        () => {
          this.timers = this.timers.filter((x) => x !== timer);
          reject(abortReason(signal));
        },
        { once: true },
      );
    });
  }
  /** Runs `work` to its end, advancing time only when every promise waits for a timer. */
  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const result = work.finally(() => {
      done = true;
    });
    result.catch(() => undefined);
    while (!done) {
      await new Promise((r) => setImmediate(r));
      if (done) break;
      if (this.timers.length === 0) continue;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.fire();
    }
    return result;
  }
}

/**
 * A service limited to `calls` per `windowMs`: sliding (any window), fixed (windows from the
 * first call) or bucket (a token bucket of `calls` refilled over `windowMs`, one token at a
 * time). Rejected calls do not count.
 */
class ThrottlingService implements Transport {
  readonly accepted: number[] = [];
  readonly sent: number[] = [];
  throttled = 0;
  inFlight = 0;
  maxInFlight = 0;
  private windowStart: number | undefined;
  private inWindow = 0;
  private tokens: number | undefined;
  private refilledAt = T0;
  constructor(
    private readonly clock: VirtualClock,
    /** Calls per window (a test may raise it mid-run). */
    public calls: number,
    private readonly windowMs: number,
    private readonly mode: "sliding" | "fixed" | "bucket",
    private readonly latencyMs = 50,
  ) {}
  async send(_req: TransportRequest): Promise<TransportResponse> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.sent.push(this.clock.now());
    // The request reaches the service half-way through the latency; the answer comes back after it.
    await this.clock.sleep(this.latencyMs / 2);
    const arrival = this.clock.now();
    const retryAfterMs = this.admit(arrival);
    if (retryAfterMs === undefined) this.accepted.push(arrival);
    await this.clock.sleep(this.latencyMs / 2);
    this.inFlight--;
    if (retryAfterMs === undefined) {
      return { status: 200, headers: { "content-type": "application/json" }, data: { ok: true } };
    }
    this.throttled++;
    return {
      status: 429,
      headers: { "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))), "content-type": "application/json" },
      data: { error: { code: "TooManyRequests", message: "Rate limit is exceeded." } },
    };
  }
  /** undefined when the call is admitted, else the wait until it would be. */
  private admit(t: number): number | undefined {
    if (this.mode === "bucket") {
      const perMs = this.calls / this.windowMs;
      this.tokens = Math.min(this.calls, (this.tokens ?? this.calls) + (t - this.refilledAt) * perMs);
      this.refilledAt = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return undefined;
      }
      return (1 - this.tokens) / perMs;
    }
    if (this.mode === "fixed") {
      if (this.windowStart === undefined || t >= this.windowStart + this.windowMs) {
        this.windowStart = t;
        this.inWindow = 0;
      }
      if (this.inWindow < this.calls) {
        this.inWindow++;
        return undefined;
      }
      return this.windowStart + this.windowMs - t;
    }
    const recent = this.accepted.filter((a) => a > t - this.windowMs);
    if (recent.length < this.calls) return undefined;
    return recent[recent.length - this.calls]! + this.windowMs - t;
  }
}

function clientOn(clock: VirtualClock, transport: Transport, maxConcurrency = 64, throttleDeadlineMs?: number): PowerPlatformClient {
  return createClient({ env: {}, clock, transport, tokenProvider: new FakeTokens(), random: () => 0, rateLimit: { maxConcurrency }, retry: { throttleDeadlineMs } });
}

const get = (client: PowerPlatformClient, signal?: AbortSignal) =>
  client.http.request({ surface: "powerplatform", method: "GET", path: "/licensing/billingPolicies", apiVersion: "2022-03-01-preview", expect: [200], signal });

/** `total` requests by `workers` concurrent callers (as Pulumi's parallel resource operations). */
async function workload(client: PowerPlatformClient, total: number, workers: number): Promise<{ ok: number; failed: unknown[] }> {
  let next = 0;
  let ok = 0;
  const failed: unknown[] = [];
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < total) {
        next++;
        try {
          await get(client);
          ok++;
        } catch (error) {
          failed.push(error);
        }
      }
    }),
  );
  return { ok, failed };
}

/** The least time `calls` accepted calls can take under `limit` per `windowMs` (the k-th call waits for the (k-limit)-th to leave the window). */
const throttleBoundMs = (calls: number, limit: number, windowMs: number) => Math.floor((calls - 1) / limit) * windowMs;

describe.each(["sliding", "fixed"] as const)("under a %s-window limit of 100 calls per minute", (mode) => {
  test("300 requests from 32 parallel callers all succeed, within 10 % of the throttle-bound time, with few 429s", async () => {
    const clock = new VirtualClock();
    const service = new ThrottlingService(clock, 100, 60_000, mode);
    const client = clientOn(clock, service);
    const result = await clock.run(workload(client, 300, 32));
    expect(result.failed).toEqual([]);
    expect(result.ok).toBe(300);
    const elapsed = clock.now() - T0;
    const bound = throttleBoundMs(300, 100, 60_000);
    expect(bound / elapsed).toBeGreaterThanOrEqual(0.9);
    // Each request on its own would have hit the limit again and again; the shared limiter sends few requests that are refused.
    expect(service.throttled).toBeLessThan(100);
  });
});

test("under a token bucket (100 at first, then one every 0.6 s), the sends settle at its pace: nothing fails, refusals stay bounded", async () => {
  const clock = new VirtualClock();
  const service = new ThrottlingService(clock, 100, 60_000, "bucket");
  const client = clientOn(clock, service);
  const result = await clock.run(workload(client, 300, 32));
  expect(result.failed).toEqual([]);
  // The bucket holds 100 at the start, then gives one token every 0.6 s.
  const bound = (300 - 100) * 600;
  expect(bound / (clock.now() - T0)).toBeGreaterThanOrEqual(0.8);
  expect(service.throttled).toBeLessThan(150);
});

test("callers whose first window's calls are spread out (8 callers, 500 ms per call): within 10 % of the bound", async () => {
  const clock = new VirtualClock();
  const service = new ThrottlingService(clock, 100, 60_000, "sliding", 500);
  const client = clientOn(clock, service);
  const result = await clock.run(workload(client, 300, 8));
  expect(result.failed).toEqual([]);
  expect(throttleBoundMs(300, 100, 60_000) / (clock.now() - T0)).toBeGreaterThanOrEqual(0.9);
});

test("when the service allows more later, the pace grows back to it", async () => {
  const clock = new VirtualClock();
  const service = new ThrottlingService(clock, 10, 10_000, "sliding");
  const client = clientOn(clock, service);
  await clock.run(workload(client, 30, 8));
  const limiter = client.http.rateLimiters.forHost("api.powerplatform.com");
  expect(limiter.view().burst).toBe(10);
  service.calls = 40;
  const start = clock.now();
  const result = await clock.run(workload(client, 400, 32));
  expect(result.failed).toEqual([]);
  // Held at the first pace, 400 calls would take 400 s; at the new limit, 100 s.
  expect(clock.now() - start).toBeLessThan(250_000);
  expect(limiter.view().burst).toBeGreaterThan(10);
});

describe("long runs", () => {
  test("a request's wait for its turn does not count against the throttling time bound (150 s here; the last requests wait about 5 minutes)", async () => {
    const clock = new VirtualClock();
    const service = new ThrottlingService(clock, 20, 60_000, "sliding");
    const client = clientOn(clock, service, 64, 150_000);
    // All 120 at once: the last ones wait about 5 minutes for their turn.
    const result = await clock.run(workload(client, 120, 120));
    expect(result.failed).toEqual([]);
    expect(clock.now() - T0).toBeGreaterThanOrEqual(throttleBoundMs(120, 20, 60_000));
  });

  test("a window longer than the longest pause (5 minutes, pauses clamped to 60 s): nothing fails, and the pace is kept", async () => {
    const clock = new VirtualClock();
    const service = new ThrottlingService(clock, 200, 300_000, "sliding");
    const client = clientOn(clock, service);
    const result = await clock.run(workload(client, 600, 32));
    expect(result.failed).toEqual([]);
    const bound = throttleBoundMs(600, 200, 300_000);
    expect(bound / (clock.now() - T0)).toBeGreaterThanOrEqual(0.85);
  });
});

describe("what one throttled answer does to every request to the host", () => {
  test("the Retry-After holds every request to the host, and fewer are in flight afterwards", async () => {
    const clock = new VirtualClock();
    const service = new ThrottlingService(clock, 20, 60_000, "fixed");
    const client = clientOn(clock, service, 16);
    const result = await clock.run(workload(client, 60, 16));
    expect(result.failed).toEqual([]);
    // The first 429s come back 50 ms after the 21st request was sent; nothing is sent after that until the window ends.
    const firstRefusalAt = service.sent[20]! + 50;
    const sentDuringPause = service.sent.filter((t) => t > firstRefusalAt && t < T0 + 60_000);
    expect(sentDuringPause).toEqual([]);
    const limiter = client.http.rateLimiters.forHost("api.powerplatform.com");
    expect(limiter.view().throttledTimes).toBeGreaterThanOrEqual(1);
    expect(limiter.view().intervalMs).toBeGreaterThan(0);
  });

  test("in-flight requests are halved at a throttling episode and grow back one at a time", async () => {
    const clock = new VirtualClock();
    const limiter = new HostRateLimiter("h", clock, { maxConcurrency: 16, maxIntervalMs: 10_000, maxPauseMs: 60_000 });
    const permits = await clock.run(Promise.all(Array.from({ length: 16 }, () => limiter.acquire())));
    expect(limiter.view().inFlight).toBe(16);
    const episode = permits[0]!.release({ kind: "throttled", retryAfterMs: 1000 });
    expect(episode).toMatchObject({ concurrency: 8, throttledTimes: 1 });
    // The others, sent before the episode began, report the same episode: no further halving.
    for (const p of permits.slice(1)) expect(p.release({ kind: "throttled", retryAfterMs: 1000 })).toBeUndefined();
    expect(limiter.view().concurrency).toBe(8);
    const again = await clock.run(Promise.all(Array.from({ length: 8 }, () => limiter.acquire())));
    for (const p of again) p.release({ kind: "accepted" });
    expect(limiter.view().concurrency).toBe(9);
  });

  test("without throttling the limiter adds no wait", async () => {
    const clock = new VirtualClock();
    const service = new ThrottlingService(clock, 10_000, 60_000, "sliding", 50);
    const client = clientOn(clock, service);
    await clock.run(workload(client, 200, 16));
    expect(service.throttled).toBe(0);
    // 200 requests, 16 at a time, 50 ms each.
    expect(clock.now() - T0).toBe(Math.ceil(200 / 16) * 50);
    expect(service.maxInFlight).toBe(16);
  });
});

describe("a request waiting for its turn", () => {
  test("stops waiting when its signal aborts", async () => {
    const clock = new VirtualClock();
    const limiter = new HostRateLimiter("h", clock, { maxConcurrency: 1, maxIntervalMs: 10_000, maxPauseMs: 60_000 });
    const first = await clock.run(limiter.acquire());
    const controller = new AbortController();
    const waiting = limiter.acquire({ signal: controller.signal });
    expect(limiter.view().queued).toBe(1);
    controller.abort(new Error("cancelled"));
    await expect(waiting).rejects.toThrow("cancelled");
    expect(limiter.view().queued).toBe(0);
    first.release({ kind: "accepted" });
    expect(limiter.view().inFlight).toBe(0);
  });

  test("fails with the operation deadline's label when the pause outlasts it", async () => {
    const clock = new VirtualClock();
    const limiter = new HostRateLimiter("api.bap.microsoft.com", clock, { maxConcurrency: 4, maxIntervalMs: 10_000, maxPauseMs: 60_000 });
    const permit = await clock.run(limiter.acquire());
    permit.release({ kind: "throttled", retryAfterMs: 30_000 });
    const waiting = withOperationDeadline({ at: clock.now() + 10_000, label: 'customTimeouts.update ("10s")' }, () => limiter.acquire());
    const error = await clock.run(waiting).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toMatch(/throttling requests to api\.bap\.microsoft\.com: the next request may be sent in 30 s, after the deadline \[the deadline was set by customTimeouts\.update \("10s"\)\]/);
  });

  test("retries of throttled requests go ahead of new ones, in the order they came", async () => {
    const clock = new VirtualClock();
    const limiter = new HostRateLimiter("h", clock, { maxConcurrency: 1, maxIntervalMs: 10_000, maxPauseMs: 60_000 });
    const first = await clock.run(limiter.acquire());
    const order: string[] = [];
    const take = (name: string, first: boolean) => limiter.acquire({ first }).then((p) => (order.push(name), p.release({ kind: "accepted" })));
    const all = [take("new 1", false), take("retry 1", true), take("new 2", false), take("retry 2", true)];
    first.release({ kind: "accepted" });
    await clock.run(Promise.all(all));
    expect(order).toEqual(["retry 1", "retry 2", "new 1", "new 2"]);
  });
});

test("clients of one process (real clock) share one limiter per host; a client with its own clock has its own", () => {
  const a = createClient({ env: {}, tokenProvider: new FakeTokens() });
  const b = createClient({ env: {}, tokenProvider: new FakeTokens() });
  try {
    expect(a.http.rateLimiters).toBe(processRateLimiters());
    expect(b.http.rateLimiters.forHost("api.bap.microsoft.com")).toBe(a.http.rateLimiters.forHost("API.BAP.microsoft.com"));
    const c = clientOn(new VirtualClock(), { send: async () => ({ status: 200, headers: {}, data: undefined }) });
    expect(c.http.rateLimiters).not.toBe(a.http.rateLimiters);
  } finally {
    a.close();
    b.close();
  }
});

describe("configuration", () => {
  test("the throttling time bound and the in-flight cap come from options or the environment, checked", () => {
    expect(resolveConfig({ env: {} }).retry.throttleDeadlineMs).toBe(15 * 60_000);
    expect(resolveConfig({ env: { POWERPLATFORM_THROTTLE_DEADLINE_SECONDS: "90" } }).retry.throttleDeadlineMs).toBe(90_000);
    expect(resolveConfig({ env: {}, retry: { throttleDeadlineMs: 5000 } }).retry.throttleDeadlineMs).toBe(5000);
    expect(() => resolveConfig({ env: { POWERPLATFORM_THROTTLE_DEADLINE_SECONDS: "soon" } })).toThrow(/POWERPLATFORM_THROTTLE_DEADLINE_SECONDS must be a positive number/);
    expect(resolveConfig({ env: {} }).rateLimit).toEqual({ maxConcurrency: 64, maxIntervalMs: 10_000, maxPauseMs: 60_000 });
    expect(resolveConfig({ env: { POWERPLATFORM_MAX_CONCURRENT_REQUESTS: "8" } }).rateLimit.maxConcurrency).toBe(8);
    expect(() => resolveConfig({ env: {}, rateLimit: { maxConcurrency: 0 } })).toThrow(/rateLimit\.maxConcurrency must be a positive number/);
  });
});
