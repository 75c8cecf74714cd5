// The rate-limit setting (`rateLimits`): the counting (sliding and fixed windows, with
// explicit times) and the server's answers over HTTPS (429, Retry-After, body, request log).
// Evidence: Microsoft Learn "Service protection API limits" (Dataverse: 429 with Retry-After in
// seconds, a sliding window, code 0x80072322 and its message). The 429 body of the other APIs,
// the fixed window, and that refused calls do not count are guesses (test/emulator/README.md).
import { bootEmulator, Kit, sleep } from "./testkit";
import { parseRateLimitFlag, parseRateLimitRules, RateLimits, rateLimitReply } from "./rateLimit";

const T = Date.parse("2026-01-01T00:00:00Z");

describe("counting", () => {
  test("sliding window: at most N in any window; a slot frees when the oldest call leaves it", () => {
    const limits = new RateLimits();
    const rules = parseRateLimitRules([{ calls: 3, windowSeconds: 10, mode: "sliding" }]);
    const call = { surface: "powerplatform", host: "localhost:1" };
    expect(limits.admit(rules, call, T)).toBeUndefined();
    expect(limits.admit(rules, call, T + 4000)).toBeUndefined();
    expect(limits.admit(rules, call, T + 6000)).toBeUndefined();
    expect(limits.admit(rules, call, T + 7000)).toEqual({ rule: rules[0], retryAfterSeconds: 3 });
    // Refused calls do not count: at T+10 s the first call has left, one slot is free.
    expect(limits.admit(rules, call, T + 10_001)).toBeUndefined();
    expect(limits.admit(rules, call, T + 10_002)).toMatchObject({ retryAfterSeconds: 4 });
    expect(limits.admit(rules, call, T + 14_001)).toBeUndefined();
  });

  test("fixed window: N per window from its first call, so bursts of up to 2N across an edge", () => {
    const limits = new RateLimits();
    const rules = parseRateLimitRules([{ calls: 2, windowSeconds: 10, mode: "fixed" }]);
    const call = { surface: "bap", host: "localhost:1" };
    expect(limits.admit(rules, call, T)).toBeUndefined();
    expect(limits.admit(rules, call, T + 9000)).toBeUndefined();
    expect(limits.admit(rules, call, T + 9500)).toEqual({ rule: rules[0], retryAfterSeconds: 1 });
    expect(limits.admit(rules, call, T + 10_000)).toBeUndefined();
    expect(limits.admit(rules, call, T + 10_001)).toBeUndefined();
    expect(limits.admit(rules, call, T + 10_002)).toMatchObject({ retryAfterSeconds: 10 });
  });

  test("a limit counts only its surface or host; a call must fit every limit that matches", () => {
    const limits = new RateLimits();
    const rules = parseRateLimitRules([
      { surface: "flow", calls: 1, windowSeconds: 60, mode: "sliding" },
      { host: "EUROPE.localhost:1", calls: 5, windowSeconds: 60, mode: "sliding" },
      { calls: 3, windowSeconds: 60, mode: "sliding" },
    ]);
    expect(limits.admit(rules, { surface: "flow", host: "localhost:1" }, T)).toBeUndefined();
    expect(limits.admit(rules, { surface: "flow", host: "localhost:1" }, T + 1)).toMatchObject({ rule: rules[0] });
    expect(limits.admit(rules, { surface: "bap", host: "europe.localhost:1" }, T + 2)).toBeUndefined();
    expect(limits.admit(rules, { surface: "powerplatform", host: "localhost:1" }, T + 3)).toBeUndefined();
    // The tenant-wide limit (3) is reached before the host's (5).
    expect(limits.admit(rules, { surface: "bap", host: "europe.localhost:1" }, T + 4)).toMatchObject({ rule: rules[2], retryAfterSeconds: 60 });
  });

  test("the 429: Retry-After in seconds; Dataverse's documented code and message, the others' guessed", () => {
    const hit = { rule: { calls: 6000, windowSeconds: 300, mode: "sliding" as const }, retryAfterSeconds: 7 };
    expect(rateLimitReply(hit, "dataverse")).toEqual({
      status: 429,
      headers: { "Retry-After": "7" },
      body: { error: { code: "0x80072322", message: "Number of requests exceeded the limit of 6000 over time window of 300 seconds." } },
    });
    expect(rateLimitReply(hit, "bap")).toEqual({
      status: 429,
      headers: { "Retry-After": "7" },
      body: { error: { code: "TooManyRequests", message: "Rate limit is exceeded. Try again in 7 seconds." } },
    });
  });

  test("the command line's --rate-limit", () => {
    expect(parseRateLimitFlag("100/60")).toEqual({ calls: 100, windowSeconds: 60, mode: "sliding" });
    expect(parseRateLimitFlag("20/10s:fixed@bap")).toEqual({ calls: 20, windowSeconds: 10, mode: "fixed", surface: "bap" });
    expect(() => parseRateLimitFlag("100 per minute")).toThrow(/--rate-limit: '100 per minute' is not CALLS\/SECONDS/);
    expect(() => parseRateLimitFlag("5/1:smooth")).toThrow("rateLimits[0].mode must be 'sliding' (smooth) or 'fixed' (bursty)");
  });

  test("a bad setting is refused, naming the field", () => {
    expect(() => parseRateLimitRules({})).toThrow(/'rateLimits' must be an array/);
    expect(() => parseRateLimitRules([{ calls: 0, windowSeconds: 1, mode: "sliding" }])).toThrow("rateLimits[0].calls must be a positive integer");
    expect(() => parseRateLimitRules([{ calls: 1, windowSeconds: 1, mode: "smooth" }])).toThrow("rateLimits[0].mode must be 'sliding' (smooth) or 'fixed' (bursty)");
    expect(() => parseRateLimitRules([{ calls: 1, windowSeconds: 1, mode: "fixed", surface: "graph" }])).toThrow(/rateLimits\[0\]\.surface must be one of powerplatform, bap, flow, dataverse/);
    expect(() => parseRateLimitRules([{ calls: 1, windowSeconds: 1, mode: "fixed", per: "host" }])).toThrow("rateLimits[0]: unknown field 'per'");
  });
});

describe("over HTTPS, through the settings of the control API", () => {
  let kit: Kit;
  beforeAll(async () => { kit = await bootEmulator(); });
  afterAll(async () => { await kit.stop(); });
  beforeEach(async () => { await kit.control("POST", "/reset", {}); });

  const list = "/licensing/billingPolicies?api-version=2022-03-01-preview";
  const envs = "/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2023-06-01";

  test("calls over the limit get 429 with Retry-After and the error body; other surfaces and the token endpoint are not counted; the request log marks them", async () => {
    await kit.token("pp");
    await kit.token("bap");
    const set = await kit.control("PUT", "/settings", { rateLimits: [{ surface: "powerplatform", calls: 2, windowSeconds: 2, mode: "sliding" }] });
    expect(set.status).toBe(200);
    expect(set.json.rateLimits).toEqual([{ surface: "powerplatform", calls: 2, windowSeconds: 2, mode: "sliding" }]);
    await kit.control("DELETE", "/requests");
    expect((await kit.api("GET", list)).status).toBe(200);
    expect((await kit.api("GET", list)).status).toBe(200);
    const refused = await kit.api("GET", list);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(2);
    expect(refused.json).toEqual({ error: { code: "TooManyRequests", message: `Rate limit is exceeded. Try again in ${refused.headers.get("retry-after")} seconds.` } });
    expect((await kit.api("GET", envs)).status).toBe(200);
    const log = (await kit.control("GET", "/requests")).json.requests as Array<{ status: number; fault?: string; surface: string }>;
    expect(log.map((r) => `${r.surface} ${r.status}${r.fault ? ` ${r.fault}` : ""}`)).toEqual(["powerplatform 200", "powerplatform 200", "powerplatform 429 rateLimit", "bap 200"]);
    // After the Retry-After, the call passes.
    await sleep(Number(refused.headers.get("retry-after")) * 1000);
    expect((await kit.api("GET", list)).status).toBe(200);
  });

  test("a bad rate-limit setting is refused with 400 naming the field; reset removes the limits", async () => {
    const bad = await kit.control("PUT", "/settings", { rateLimits: [{ calls: 5, windowSeconds: 60, mode: "bursty" }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toBe("rateLimits[0].mode must be 'sliding' (smooth) or 'fixed' (bursty)");
    await kit.control("PUT", "/settings", { rateLimits: [{ calls: 1, windowSeconds: 60, mode: "fixed" }] });
    expect((await kit.api("GET", list)).status).toBe(200);
    expect((await kit.api("GET", list)).status).toBe(429);
    await kit.control("POST", "/reset", {});
    expect((await kit.control("GET", "/settings")).json.rateLimits).toEqual([]);
    expect((await kit.api("GET", list)).status).toBe(200);
  });
});
