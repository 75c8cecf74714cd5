/**
 * The client's part of "never damage a tenant" (issue 8): certificate failures are final
 * and never "maybe applied", failed requests say which request and whether the object may
 * exist, the request timeout and the safety waits are configurable, a forced refresh asks
 * for a fresh credential, and the two look-again waits (404 confirmation, unknown-outcome
 * lookup) behave as documented.
 */
import { CachingTokenProvider, tokenObjectId } from "../../../provider/client/auth";
import { resolveConfig, DEFAULT_SAFETY } from "../../../provider/client/config";
import { ConfigurationError, NetworkError, NotFoundError } from "../../../provider/client/errors";
import { withRequestContext } from "../../../provider/client/http";
import { confirmNotFound, NotFoundUnconfirmedError, pollFor } from "../../../provider/client/lookup";
import { classifyFailure } from "../../../provider/client/retry";
import { FakeClock, harness, json, netError } from "./helpers";

describe("certificate failures", () => {
  test.each(["CERT_HAS_EXPIRED", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "ERR_TLS_CERT_ALTNAME_INVALID"])(
    "%s is final and not 'maybe applied', even on a POST",
    (errno) => {
      const error = new NetworkError("POST request failed without a response", { method: "POST", url: "https://x/p", requestSent: true, errno });
      expect(classifyFailure(error, false)).toEqual({ retry: false });
      expect(error.maybeApplied).toBe(false);
    },
  );

  test("a POST failing on the certificate is sent once and its error names the request, without 'may exist'", async () => {
    const { client, transport } = harness([netError("CERT_HAS_EXPIRED", "certificate has expired")]);
    const error = await client.billingPolicies
      .create({ name: "p", location: "europe", billingInstrument: { subscriptionId: "11111111-2222-3333-4444-555555555555", resourceGroup: "rg" } })
      .then(() => { throw new Error("expected a failure"); }, (e: unknown) => e as NetworkError);
    expect(transport.requests).toHaveLength(1);
    expect(error.maybeApplied).toBe(false);
    expect(error.message).toMatch(/^POST \/licensing\/billingPolicies/);
    expect(error.message).not.toMatch(/may have been applied/);
  });

  test("a connection reset after a POST was sent says the object may exist, with method and path", async () => {
    const { client, transport } = harness([netError("ECONNRESET", "socket hang up")]);
    const error = await client.billingPolicies
      .create({ name: "p", location: "europe", billingInstrument: { subscriptionId: "11111111-2222-3333-4444-555555555555", resourceGroup: "rg" } })
      .then(() => { throw new Error("expected a failure"); }, (e: unknown) => e as NetworkError);
    expect(transport.requests).toHaveLength(1);
    expect(error.maybeApplied).toBe(true);
    expect(error.message).toMatch(/^POST \/licensing\/billingPolicies\?api-version=[^:]+: POST request failed without a response \(ECONNRESET\)/);
    expect(error.message).toContain("may have been applied: the object may exist");
  });

  test("an HTTP error message keeps its own method and path once", () => {
    const e = new NotFoundError("GET /licensing/billingPolicies/1 failed with HTTP 404", { method: "GET", url: "https://x/licensing/billingPolicies/1" });
    expect((withRequestContext(e, "GET", "https://x/licensing/billingPolicies/1?api-version=1") as Error).message).toBe(
      "GET /licensing/billingPolicies/1 failed with HTTP 404",
    );
  });
});

describe("configuration of the request timeout and the safety waits", () => {
  test("POWERPLATFORM_REQUEST_TIMEOUT_SECONDS sets the per-request timeout; the option wins", () => {
    expect(resolveConfig({ env: {} }).requestTimeoutMs).toBe(60_000);
    expect(resolveConfig({ env: { POWERPLATFORM_REQUEST_TIMEOUT_SECONDS: "300" } }).requestTimeoutMs).toBe(300_000);
    expect(resolveConfig({ env: { POWERPLATFORM_REQUEST_TIMEOUT_SECONDS: "300" }, requestTimeoutMs: 5_000 }).requestTimeoutMs).toBe(5_000);
  });

  test.each(["0", "-1", "soon", "1e3"])("POWERPLATFORM_REQUEST_TIMEOUT_SECONDS=%s is refused, naming the variable", (value) => {
    expect(() => resolveConfig({ env: { POWERPLATFORM_REQUEST_TIMEOUT_SECONDS: value } })).toThrow(ConfigurationError);
    expect(() => resolveConfig({ env: { POWERPLATFORM_REQUEST_TIMEOUT_SECONDS: value } })).toThrow(/POWERPLATFORM_REQUEST_TIMEOUT_SECONDS/);
  });

  test("the safety waits have defaults and environment variables (0 turns the duplicate guard off)", () => {
    expect(resolveConfig({ env: {} }).safety).toEqual(DEFAULT_SAFETY);
    expect(
      resolveConfig({
        env: {
          POWERPLATFORM_NOT_FOUND_CONFIRM_SECONDS: "2",
          POWERPLATFORM_UNKNOWN_OUTCOME_LOOKUP_SECONDS: "30",
          POWERPLATFORM_DUPLICATE_GUARD_MINUTES: "0",
          POWERPLATFORM_CLOCK_SKEW_SECONDS: "60",
        },
      }).safety,
    ).toEqual({ notFoundConfirmMs: 2_000, unknownOutcomeLookupMs: 30_000, duplicateGuardMs: 0, clockSkewMs: 60_000 });
  });
});

describe("tokens", () => {
  test("tokenObjectId reads the oid of a JWT, and nothing from a non-JWT", () => {
    const payload = Buffer.from(JSON.stringify({ oid: "A1000000-0000-4000-8000-00000000B001" })).toString("base64url");
    expect(tokenObjectId(`e30.${payload}.sig`)).toBe("a1000000-0000-4000-8000-00000000b001");
    expect(tokenObjectId("opaque-token")).toBeUndefined();
    expect(tokenObjectId(`e30.${Buffer.from("{}").toString("base64url")}.sig`)).toBeUndefined();
  });

  test("a forced refresh asks the source for a fresh credential (the credential's own cache is skipped)", async () => {
    const asked: Array<{ fresh?: boolean } | undefined> = [];
    let n = 0;
    const source = { getToken: async () => ({ token: `t${++n}`, expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const p = new CachingTokenProvider(async (options) => {
      asked.push(options);
      return source;
    });
    expect(await p.getToken("s")).toBe("t1");
    expect(await p.getToken("s")).toBe("t1");
    expect(await p.getToken("s", { forceRefresh: true })).toBe("t2");
    expect(asked).toEqual([undefined, { fresh: true }]);
  });

  test("a 401 is retried once with a forced refresh, then is final", async () => {
    const { client, transport, tokens } = harness([json(401, { error: { code: "InvalidAuthenticationToken" } }), json(401, { error: { code: "InvalidAuthenticationToken" } })]);
    await expect(client.billingPolicies.get("b1000000-0000-4000-8000-000000000001")).rejects.toThrow(/HTTP 401/);
    expect(transport.requests).toHaveLength(2);
    expect(tokens.calls.map((c) => c.forceRefresh)).toEqual([undefined, true]);
  });
});

describe("look again before believing", () => {
  test("confirmNotFound: a second read after the pause that finds the object wins", async () => {
    const clock = new FakeClock();
    const result = await confirmNotFound({ clock, pauseMs: 5_000, read: async () => "back", listed: async () => false, what: "x" });
    expect(result).toEqual({ gone: false, value: "back" });
    expect(clock.sleeps).toEqual([5_000]);
  });

  test("confirmNotFound: 404 again and not listed is gone; 404 again but listed is an error", async () => {
    const clock = new FakeClock();
    const read = async (): Promise<string> => {
      throw new NotFoundError("404");
    };
    expect(await confirmNotFound({ clock, pauseMs: 1, read, listed: async () => false, what: "x" })).toEqual({ gone: true });
    await expect(confirmNotFound({ clock, pauseMs: 1, read, listed: async () => true, what: "billing policy 1" })).rejects.toThrow(NotFoundUnconfirmedError);
    await expect(confirmNotFound({ clock, pauseMs: 1, read, listed: async () => true, what: "billing policy 1" })).rejects.toThrow(/billing policy 1 answered 404 twice but is still listed/);
  });

  test("pollFor looks until found, bounded by its time", async () => {
    const clock = new FakeClock();
    let looks = 0;
    expect(await pollFor({ clock, withinMs: 10_000, pauseMs: 2_000, look: async () => (++looks === 3 ? "found" : undefined) })).toBe("found");
    expect(clock.sleeps).toEqual([2_000, 2_000]);
    looks = 0;
    const clock2 = new FakeClock();
    expect(await pollFor({ clock: clock2, withinMs: 5_000, pauseMs: 2_000, look: async () => (++looks, undefined) })).toBeUndefined();
    expect(looks).toBe(3);
  });
});
