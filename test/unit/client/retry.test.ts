import { NetworkError, ThrottledError, TransientError, ValidationError, PowerPlatformError } from "../../../provider/client/errors";
import { withOperationDeadline } from "../../../provider/client/deadline";
import { classifyFailure, retryDelay, withRetry } from "../../../provider/client/retry";
import { FakeClock, harness, json, netError, T0 } from "./helpers";

const policy = { maxAttempts: 6, maxTotalMs: 120_000, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 60_000, random: () => 0 };

describe("retry through the HTTP client", () => {
  test("429 with Retry-After seconds waits that long, then succeeds", async () => {
    const { client, transport, clock } = harness([json(429, { error: { code: "TooManyRequests", message: "slow down" } }, { "Retry-After": "7" }), json(200, { value: [] })]);
    await expect(client.billingPolicies.list()).resolves.toEqual([]);
    expect(transport.requests).toHaveLength(2);
    expect(clock.sleeps).toEqual([7000]);
  });

  test("429 with Retry-After as an HTTP date", async () => {
    const date = new Date(T0 + 12_000).toUTCString();
    const { client, clock } = harness([json(429, undefined, { "retry-after": date }), json(200, { value: [] })]);
    await client.billingPolicies.list();
    expect(clock.sleeps).toEqual([12_000]);
  });

  test("Retry-After is clamped to the maximum", async () => {
    const { client, clock } = harness([json(429, undefined, { "retry-after": "3600" }), json(200, { value: [] })]);
    await client.billingPolicies.list();
    expect(clock.sleeps).toEqual([60_000]);
  });

  test("Retry-After never shortens the computed backoff", async () => {
    const { client, clock } = harness([
      json(503, undefined, { "retry-after": "0" }),
      json(503, undefined, { "retry-after": "1" }),
      json(503, undefined, { "retry-after": "1" }),
      json(200, { value: [] }),
    ]);
    await client.billingPolicies.list();
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  test("503 is retried", async () => {
    const { client, transport } = harness([json(503), json(200, { value: [] })]);
    await client.billingPolicies.list();
    expect(transport.requests).toHaveLength(2);
  });

  test("500 then success with exponential backoff", async () => {
    const { client, clock, transport } = harness([json(500), json(502), json(504), json(200, { value: [] })]);
    await client.billingPolicies.list();
    expect(transport.requests).toHaveLength(4);
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  test("attempts are capped", async () => {
    const { client, transport } = harness(Array.from({ length: 20 }, () => json(500)));
    await expect(client.billingPolicies.list()).rejects.toBeInstanceOf(TransientError);
    expect(transport.requests).toHaveLength(6);
  });

  test("throttled answers are bounded by time (retry.throttleDeadlineMs), not by the attempt count", async () => {
    const { client, transport, clock } = harness(Array.from({ length: 20 }, () => json(429, undefined, { "retry-after": "50" })), {
      retry: { maxAttempts: 2, throttleDeadlineMs: 120_000 },
    });
    const error = await client.billingPolicies.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    // 50 s + 50 s fit in 120 s (more than maxAttempts allows); a third wait would not.
    expect(clock.sleeps).toEqual([50_000, 50_000]);
    expect(transport.requests).toHaveLength(3);
    expect((error as Error).message).toMatch(/still throttled after 100 s and 3 attempts; the next attempt would pass retry\.throttleDeadlineMs \(120 s\)/);
  });

  test("a 429 waits what its Retry-After asks, without exponential growth", async () => {
    const { client, clock } = harness([...Array.from({ length: 8 }, () => json(429, undefined, { "retry-after": "2" })), json(200, { value: [] })]);
    await expect(client.billingPolicies.list()).resolves.toEqual([]);
    expect(clock.sleeps).toEqual(Array.from({ length: 8 }, () => 2000));
  });

  test("other failures keep their attempt cap and total time", async () => {
    const { client, transport } = harness(Array.from({ length: 20 }, () => json(502)), { retry: { maxAttempts: 3 } });
    await expect(client.billingPolicies.list()).rejects.toBeInstanceOf(TransientError);
    expect(transport.requests).toHaveLength(3);
  });

  test("an operation deadline (customTimeouts) that comes earlier ends the throttled retries, naming it", async () => {
    const { client, transport, clock } = harness(Array.from({ length: 20 }, () => json(429, undefined, { "retry-after": "30" })));
    const error = await withOperationDeadline({ at: clock.now() + 70_000, label: 'customTimeouts.create ("70s")' }, () => client.billingPolicies.list()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(transport.requests).toHaveLength(3);
    expect((error as Error).message).toContain('the next attempt would pass the deadline set by customTimeouts.create ("70s")');
  });

  test("400 is not retried", async () => {
    const { client, transport } = harness([json(400, { error: { code: "BadRequest", message: "nope" } })]);
    await expect(client.billingPolicies.get("p1")).rejects.toBeInstanceOf(ValidationError);
    expect(transport.requests).toHaveLength(1);
  });

  test("404 is not retried", async () => {
    const { client, transport } = harness([json(404, { error: { code: "NotFound", message: "gone" } })]);
    await expect(client.billingPolicies.get("p1")).rejects.toMatchObject({ name: "NotFoundError", status: 404 });
    expect(transport.requests).toHaveLength(1);
  });

  test("a GET is retried after a connection reset and a timeout", async () => {
    const { client, transport } = harness([netError("ECONNRESET", "socket hang up"), netError("ETIMEDOUT"), json(200, { value: [] })]);
    await client.billingPolicies.list();
    expect(transport.requests).toHaveLength(3);
  });

  test("a POST is NOT retried after a connection reset: maybeApplied", async () => {
    const { client, transport } = harness([netError("ECONNRESET", "socket hang up"), json(201, {})]);
    const err = await client.billingPolicies
      .create({ name: "p", location: "europe", billingInstrument: { subscriptionId: "s", resourceGroup: "rg" } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.maybeApplied).toBe(true);
    expect(transport.requests).toHaveLength(1);
  });

  test("a POST is NOT retried after a 500: maybeApplied", async () => {
    const { client, transport } = harness([json(500), json(201, {})]);
    const err = await client.applicationPackages.install("env", "pkg").catch((e) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect(err.maybeApplied).toBe(true);
    expect(transport.requests).toHaveLength(1);
  });

  test("a POST IS retried after 429 / 503 / connection refused (the server did not act)", async () => {
    const { client, transport } = harness([
      json(429, undefined, { "retry-after": "1" }),
      json(503),
      netError("ECONNREFUSED"),
      json(202, undefined, { "operation-location": "https://api.powerplatform.com/appmanagement/environments/env/operations/op1?api-version=2022-03-01-preview" }),
    ]);
    const started = await client.applicationPackages.install("env", "pkg");
    expect(started.operationId).toBe("op1");
    expect(transport.requests).toHaveLength(4);
  });

  test("409 OperationNotStartable is retried, other 409s are final", async () => {
    const h1 = harness([json(409, { error: { code: "OperationNotStartable", message: "busy" } }), json(202, undefined, { location: "https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/x" })]);
    const r = await h1.client.environments.create({ location: "europe", properties: { displayName: "d", environmentSku: "Sandbox" } });
    expect(r.httpStatus).toBe(202);
    expect(h1.transport.requests).toHaveLength(2);

    const h2 = harness([json(409, { error: { code: "InsufficientCapacity_StorageDriven", message: "needs capacity" } })]);
    await expect(h2.client.environments.create({ location: "europe", properties: { displayName: "d", environmentSku: "Sandbox" } })).rejects.toMatchObject({
      name: "ConflictError",
      code: "InsufficientCapacity_StorageDriven",
    });
    expect(h2.transport.requests).toHaveLength(1);
  });

  test("abort during a retry wait stops retrying", async () => {
    const ac = new AbortController();
    const { client, clock, transport } = harness(Array.from({ length: 10 }, () => json(503)));
    clock.onSleep = () => ac.abort(new Error("cancelled by caller"));
    await expect(client.billingPolicies.list({ signal: ac.signal })).rejects.toThrow("cancelled by caller");
    expect(transport.requests).toHaveLength(1);
  });

  test("an already-aborted signal sends nothing", async () => {
    const ac = new AbortController();
    ac.abort();
    const { client, transport } = harness([json(200, { value: [] })]);
    await expect(client.billingPolicies.list({ signal: ac.signal })).rejects.toBeDefined();
    expect(transport.requests).toHaveLength(0);
  });
});

describe("retry primitives", () => {
  test("classifyFailure", () => {
    const e500 = new TransientError("x", { status: 500 });
    expect(classifyFailure(e500, true)).toEqual({ retry: true, retryAfterMs: undefined });
    expect(classifyFailure(new TransientError("x", { status: 500 }), false)).toEqual({ retry: false });
    expect(classifyFailure(new ThrottledError("x", { status: 429, retryAfterMs: 5 }), false)).toEqual({ retry: true, retryAfterMs: 5 });
    expect(classifyFailure(new NetworkError("x", { requestSent: false }), false)).toEqual({ retry: true });
    expect(classifyFailure(new PowerPlatformError("x", { status: 418 }), true)).toEqual({ retry: false });
    expect(classifyFailure(new Error("plain"), true)).toEqual({ retry: false });
  });

  test("retryDelay: backoff capped, Retry-After clamped but never below backoff", () => {
    expect(retryDelay(1, undefined, policy)).toBe(1000);
    expect(retryDelay(10, undefined, policy)).toBe(30_000);
    expect(retryDelay(1, 10_000, policy)).toBe(10_000);
    expect(retryDelay(1, 999_999, policy)).toBe(60_000);
    expect(retryDelay(3, 100, policy)).toBe(4000);
  });

  test("withRetry returns the first success and sleeps only via the clock", async () => {
    const clock = new FakeClock();
    let n = 0;
    const out = await withRetry(
      async () => {
        if (++n < 3) throw new TransientError("boom", { status: 502 });
        return "ok";
      },
      policy,
      { idempotent: true, clock },
    );
    expect(out).toBe("ok");
    expect(clock.sleeps).toEqual([1000, 2000]);
  });
});
