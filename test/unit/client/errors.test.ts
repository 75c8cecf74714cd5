import {
  AuthError,
  ConflictError,
  errorFromResponse,
  NotFoundError,
  OperationFailedError,
  parseErrorBody,
  parseRetryAfter,
  ThrottledError,
  TransientError,
  ValidationError,
} from "../../../provider/client/errors";
import { redact, redactHeaders, safeUrlPath } from "../../../provider/client/redact";
import { harness, json, SECRET_TOKEN, T0 } from "./helpers";

describe("error bodies", () => {
  test('{"error":{"code","message"}}', () => {
    expect(parseErrorBody({ error: { code: "InsufficientCapacity_StorageDriven", message: "needs 1 GB" } })).toEqual({
      code: "InsufficientCapacity_StorageDriven",
      message: "needs 1 GB",
    });
  });
  test("PascalCase {StatusCode, Message}", () => {
    expect(parseErrorBody({ StatusCode: 400, Message: "Package requested for installation was not found" })).toEqual({
      code: "400",
      message: "Package requested for installation was not found",
    });
    expect(parseErrorBody({ Code: "Forbidden", Message: "no" })).toEqual({ code: "Forbidden", message: "no" });
  });
  test("JSON string and plain text bodies", () => {
    expect(parseErrorBody('{"error":{"code":"X","message":"y"}}')).toEqual({ code: "X", message: "y" });
    expect(parseErrorBody("Service Unavailable")).toEqual({ message: "Service Unavailable" });
    expect(parseErrorBody(undefined)).toEqual({});
  });
});

describe("typed errors from responses", () => {
  const base = { method: "GET", url: "https://api.powerplatform.com/licensing/billingPolicies/p?api-version=2022-03-01-preview&sig=SECRET123" };
  test.each([
    [404, NotFoundError],
    [409, ConflictError],
    [429, ThrottledError],
    [401, AuthError],
    [403, AuthError],
    [400, ValidationError],
    [422, ValidationError],
    [408, TransientError],
    [500, TransientError],
    [502, TransientError],
    [503, TransientError],
    [504, TransientError],
  ])("%i → %p", (status, cls) => {
    const e = errorFromResponse({ status, data: { error: { code: "C", message: "m" } }, ...base });
    expect(e).toBeInstanceOf(cls);
    expect(e.status).toBe(status);
    expect(e.code).toBe("C");
  });

  test("request id and correlation id from headers, both in the message; path without query secrets", () => {
    const e = errorFromResponse({ status: 404, headers: { "x-ms-correlation-request-id": "corr-1", "x-ms-request-id": "req-1" }, ...base });
    expect(e.requestId).toBe("req-1");
    expect(e.correlationId).toBe("corr-1");
    expect(e.message).toMatch(/\(request id req-1, correlation id corr-1\)$/);
    expect(errorFromResponse({ status: 404, headers: { "request-id": "r-2" }, ...base }).requestId).toBe("r-2");
    expect(errorFromResponse({ status: 404, headers: { "x-ms-request-id": "r-3" }, ...base }).requestId).toBe("r-3");
    expect(e.method).toBe("GET");
    expect(e.path).toBe("/licensing/billingPolicies/p?api-version=2022-03-01-preview&sig=[REDACTED]");
    expect(e.message).not.toContain("SECRET123");
  });

  test("Retry-After parsed (seconds and HTTP date)", () => {
    expect(parseRetryAfter("5", T0)).toBe(5000);
    expect(parseRetryAfter(new Date(T0 + 30_000).toUTCString(), T0)).toBe(30_000);
    expect(parseRetryAfter(new Date(T0 - 30_000).toUTCString(), T0)).toBe(0);
    expect(parseRetryAfter("soon", T0)).toBeUndefined();
    expect(errorFromResponse({ status: 429, headers: { "retry-after": "9" }, nowMs: T0 }).retryAfterMs).toBe(9000);
  });

  test("409 OperationNotStartable is retryable, other conflicts are not", () => {
    expect((errorFromResponse({ status: 409, data: { error: { code: "OperationNotStartable" } } }) as ConflictError).retryable).toBe(true);
    expect((errorFromResponse({ status: 409, data: { error: { code: "DomainNameAlreadyInUse" } } }) as ConflictError).retryable).toBe(false);
  });
});

describe("no token or secret in errors", () => {
  test("a body echoing the bearer token is redacted in message and JSON", () => {
    const e = errorFromResponse({
      status: 401,
      data: { error: { code: "InvalidAuthenticationToken", message: `Token Bearer ${SECRET_TOKEN} expired (${SECRET_TOKEN})` } },
      method: "GET",
      url: "https://api.bap.microsoft.com/x",
    });
    expect(e.message).not.toContain(SECRET_TOKEN);
    expect(JSON.stringify(e)).not.toContain(SECRET_TOKEN);
    expect(String(e.stack)).not.toContain(SECRET_TOKEN);
  });

  test("errors thrown by the client never contain the token sent", async () => {
    const { client, transport } = harness([json(403, { error: { code: "Forbidden", message: "denied" } }, { "x-ms-request-id": "abc" })]);
    const err = await client.environments.get("env1").catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err.requestId).toBe("abc");
    // The correlation id is the one the client sent with the request.
    expect(err.correlationId).toBe(transport.requests[0]!.headers["x-ms-correlation-request-id"]);
    expect(err.message).toContain(`(request id abc, correlation id ${err.correlationId})`);
    expect(transport.requests[0]!.headers.Authorization).toContain(SECRET_TOKEN);
    expect(JSON.stringify(err)).not.toContain(SECRET_TOKEN);
    expect(err.message).not.toContain(SECRET_TOKEN);
    expect(Object.values(err).join(" ")).not.toContain(SECRET_TOKEN);
  });

  test("network errors do not keep the raw error (which holds request headers)", async () => {
    const raw = Object.assign(new Error("socket hang up"), { code: "ECONNRESET", config: { headers: { Authorization: `Bearer ${SECRET_TOKEN}` } } });
    const { client } = harness(Array.from({ length: 6 }, () => raw));
    const err = await client.environments.get("env1").catch((e) => e);
    expect(err.name).toBe("NetworkError");
    expect(JSON.stringify(err)).not.toContain(SECRET_TOKEN);
    expect(String(err.cause ?? "")).not.toContain(SECRET_TOKEN);
  });

  test("OperationFailedError carries the operation's message", () => {
    const e = new OperationFailedError("The install ended Failed: boom", { operationStatus: "Failed", operationUrl: "https://h/op?sig=abc" });
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({ name: "OperationFailedError", operationStatus: "Failed", operationUrl: "/op?sig=[REDACTED]" });
  });
});

describe("redact", () => {
  test("bearer tokens, JWTs, form and JSON secrets", () => {
    expect(redact(`Authorization: Bearer ${SECRET_TOKEN}`)).toBe("Authorization: Bearer [REDACTED]");
    expect(redact(`token ${SECRET_TOKEN} here`)).toBe("token [REDACTED] here");
    expect(redact("client_secret=s3cr3t&grant_type=client_credentials")).toBe("client_secret=[REDACTED]&grant_type=client_credentials");
    expect(redact('{"password":"hunter2","user":"u"}')).toBe('{"password":"[REDACTED]","user":"u"}');
    expect(redact("my value is xyz-secret-1", ["xyz-secret-1"])).toBe("my value is [REDACTED]");
  });
  test("headers are allow-listed", () => {
    expect(redactHeaders({ Authorization: "Bearer abc", "x-ms-correlation-request-id": "c", Cookie: "k=v", "Retry-After": "5" })).toEqual({
      authorization: "[REDACTED]",
      "x-ms-correlation-request-id": "c",
      cookie: "[REDACTED]",
      "retry-after": "5",
    });
  });
  test("safeUrlPath drops host and redacts non-allow-listed query values", () => {
    expect(safeUrlPath("https://api.powerplatform.com/a/b?api-version=1&$skiptoken=tok&$top=5")).toBe("/a/b?api-version=1&%24skiptoken=[REDACTED]&%24top=5");
  });
});
