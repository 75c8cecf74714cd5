/**
 * What the runtime shows of the client's work (issue 10, "visible progress"): the cadence
 * of progress lines, retries and throttling said once per operation, request lines only
 * with POWERPLATFORM_LOG=debug, nothing secret. The client's events are real: a billing
 * policy waited for through the one poller with a fake clock.
 */
import type { LogEntry } from "../../../provider/client/http";
import {
  createProgressLogger,
  debugLoggingRequested,
  withOperationScope,
  withProgressScopes,
} from "../../../provider/resources/progress";
import type { ResourceHandler } from "../../../provider/resources/handler";
import { harness, json, SECRET_TOKEN } from "../client/helpers";

const policy = (status: string) => ({
  id: "p1",
  name: "payg",
  location: "europe",
  status,
  billingInstrument: { id: "bi", subscriptionId: "s", resourceGroup: "rg" },
});

function collect(debug = false) {
  const lines: string[] = [];
  return { lines, logger: createProgressLogger({ sink: (l) => lines.push(l), debug }) };
}

describe("progress of a long wait", () => {
  test("silent before 10 s, then every 30 s and on a status change, and once when it ends", async () => {
    const { lines, logger } = collect();
    // Polls every 5 s (Retry-After 5): Provisioning until the 12th poll (60 s), then Enabled.
    const replies = [...Array.from({ length: 11 }, () => json(200, policy("Provisioning"), { "retry-after": "5" })), json(200, policy("Enabled"))];
    const { client } = harness(replies, { logger });
    await withOperationScope('creating BillingPolicy "payg"', () => client.billingPolicies.waitUntilProvisioned("p1", { initial: policy("Provisioning") as never }));
    expect(lines).toEqual([
      'creating BillingPolicy "payg": waiting for the billing policy provisioning, status Provisioning, 10 s elapsed',
      'creating BillingPolicy "payg": waiting for the billing policy provisioning, status Provisioning, 40 s elapsed',
      'creating BillingPolicy "payg": billing policy provisioning over after 60 s (Enabled)',
    ]);
  });

  test("a wait that ends within 10 s shows nothing", async () => {
    const { lines, logger } = collect();
    const { client } = harness([json(200, policy("Provisioning"), { "retry-after": "5" }), json(200, policy("Enabled"))], { logger });
    await client.billingPolicies.waitUntilProvisioned("p1", { initial: policy("Provisioning") as never });
    expect(lines).toEqual([]);
  });

  test("a status change after the first line is shown at once", () => {
    const { lines, logger } = collect();
    const wait = (phase: LogEntry["phase"], operationStatus: string | undefined, elapsedMs: number): LogEntry => ({
      event: "wait",
      phase,
      operation: "environment lifecycle operation",
      operationStatus,
      elapsedMs,
    });
    logger(wait("start", "NotStarted", 0));
    logger(wait("poll", "Running", 2_000));
    logger(wait("poll", "Running", 12_000));
    logger(wait("poll", "Validating", 15_000));
    logger(wait("poll", "Validating", 20_000));
    logger(wait("end", "Succeeded", 25_000));
    expect(lines).toEqual([
      "powerplatform: waiting for the environment lifecycle operation, status Running, 12 s elapsed",
      "powerplatform: waiting for the environment lifecycle operation, status Validating, 15 s elapsed",
      "powerplatform: environment lifecycle operation over after 25 s (Succeeded)",
    ]);
  });
});

describe("retries and throttling", () => {
  test("retries said once per operation; throttling once per host for the whole process", async () => {
    const { lines, logger } = collect();
    const throttled = () => json(429, { error: { code: "TooManyRequests", message: "slow down" } }, { "retry-after": "2", "x-ms-request-id": "req-429" });
    const busy = () => json(503, { error: { code: "ServerBusy" } }, { "x-ms-request-id": "req-503" });
    const { client } = harness([throttled(), throttled(), throttled(), busy(), busy(), json(200, policy("Enabled")), throttled(), json(200, policy("Enabled")), busy(), json(200, policy("Enabled"))], { logger });
    await withOperationScope("reading BillingPolicy (p1)", async () => {
      await client.billingPolicies.get("p1");
      await client.billingPolicies.get("p1");
    });
    await withOperationScope("reading BillingPolicy (p2)", () => client.billingPolicies.get("p1"));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^reading BillingPolicy \(p1\): the service is throttling requests \(HTTP 429\) to api\.powerplatform\.com; from now on every request to it waits its turn \(at most \d+ at a time, one every [\d.]+ s, after the 2 s pause it asked for\) instead of failing \(said once\) \(request id req-429, correlation id [0-9a-f-]{36}\)$/,
    );
    expect(lines[1]).toMatch(/^reading BillingPolicy \(p1\): GET \/licensing\/billingPolicies\/p1\?api-version=[\w-]+ failed \(HTTP 503\); retrying in \d+ s/);
    expect(lines[2]).toMatch(/^reading BillingPolicy \(p2\): GET \/licensing\/billingPolicies\/p1\?api-version=[\w-]+ failed \(HTTP 503\)/);
  });
});

describe("POWERPLATFORM_LOG=debug", () => {
  test("only the value debug turns request logs on", () => {
    expect(debugLoggingRequested({ POWERPLATFORM_LOG: "debug" })).toBe(true);
    expect(debugLoggingRequested({ POWERPLATFORM_LOG: " DEBUG " })).toBe(true);
    expect(debugLoggingRequested({ POWERPLATFORM_LOG: "info" })).toBe(false);
    expect(debugLoggingRequested({})).toBe(false);
  });

  test("every request: method, path, status, duration, request id, correlation id; no token, no secret query value", async () => {
    const { lines, logger } = collect(true);
    const { client } = harness([json(200, policy("Enabled"), { "x-ms-request-id": "req-1", "set-cookie": `session=${SECRET_TOKEN}` })], { logger });
    await client.billingPolicies.get("p1");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[powerplatform\] GET \/licensing\/billingPolicies\/p1\?api-version=[\w-]+ → 200 in 0 ms \(request id req-1, correlation id [0-9a-f-]{36}\)$/);
    expect(lines.join("\n")).not.toContain(SECRET_TOKEN);
  });

  test("off: no request line", async () => {
    const { lines, logger } = collect(false);
    const { client } = harness([json(200, policy("Enabled"))], { logger });
    await client.billingPolicies.get("p1");
    expect(lines).toEqual([]);
  });
});

describe("operation scopes of a handler", () => {
  test("create, update, delete and read are named by kind, name and id", async () => {
    const seen: string[] = [];
    const probe = (): Promise<void> => {
      // A retry event from inside the operation shows which scope is current.
      const lines: string[] = [];
      createProgressLogger({ sink: (l) => lines.push(l), debug: false })({ event: "retry", method: "GET", path: "/x", status: 503, delayMs: 1000 });
      seen.push(lines[0]!.split(":")[0]!);
      return Promise.resolve();
    };
    type Props = Record<string, unknown>;
    const handler = withProgressScopes<ResourceHandler<Props, Props>>("Environment", {
      check: async () => ({}),
      diff: async () => ({ changes: false }),
      create: async () => (await probe(), { id: "e1", outs: {} }),
      read: async () => (await probe(), { id: "e1", props: {} }),
      update: async () => (await probe(), { outs: {} }),
      delete: async () => probe(),
    });
    await handler.create({ displayName: "Sales" });
    await handler.update("e1", {}, { displayName: "Sales" });
    await handler.delete("e1", { displayName: "Sales" });
    await handler.read("e1", {});
    expect(seen).toEqual(['creating Environment "Sales"', 'updating Environment "Sales" (e1)', 'deleting Environment "Sales" (e1)', "reading Environment (e1)"]);
  });
});
