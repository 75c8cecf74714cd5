import { DeadlineExceededError, OperationFailedError } from "../../../provider/client/errors";
import {
  AppManagementOperation,
  BapLifecycleOperation,
  BillingPolicyProvisioning,
  pollOperation,
  type PollResponse,
} from "../../../provider/client/poller";
import { FakeClock, harness, json, T0 } from "./helpers";

const OP_URL = "https://api.powerplatform.com/appmanagement/environments/env1/operations/op1?api-version=2022-03-01-preview";
const intervals = { defaultIntervalMs: 5000, minIntervalMs: 1000, maxIntervalMs: 60_000 };

function scriptedGet(replies: PollResponse[]) {
  const urls: string[] = [];
  const get = async (url: string): Promise<PollResponse> => {
    urls.push(url);
    const r = replies.shift();
    if (!r) throw new Error("no more replies");
    return r;
  };
  return { get, urls };
}
const r = (status: number, data?: unknown, headers: Record<string, string> = {}): PollResponse => ({ status, data, headers });

describe("pollOperation (pure state machine)", () => {
  test("follows Operation-Location, interval from each reply's Retry-After", async () => {
    const clock = new FakeClock();
    const { get, urls } = scriptedGet([
      r(200, { status: "Running" }, { "retry-after": "3" }),
      r(200, { status: "Running" }, { "retry-after": "10" }),
      r(200, { status: "Succeeded", operationId: "op1" }),
    ]);
    const res = await pollOperation({
      kind: AppManagementOperation,
      initial: r(202, undefined, { "operation-location": OP_URL, "retry-after": "2", location: "https://api.powerplatform.com/ignored" }),
      get,
      clock,
      deadline: T0 + 600_000,
      ...intervals,
    });
    expect(res.status).toBe("Succeeded");
    expect(urls).toEqual([OP_URL, OP_URL, OP_URL]);
    expect(clock.sleeps).toEqual([2000, 3000, 10_000]);
  });

  test("falls back to Location; BAP's own schedule when no Retry-After; clamps tiny and huge values", async () => {
    const clock = new FakeClock();
    const loc = "https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/l1";
    const { get, urls } = scriptedGet([
      r(202, { id: "l1", state: { id: "Running" } }, { "retry-after": "0" }),
      r(202, { id: "l1", state: { id: "Running" } }, { "retry-after": "9999" }),
      r(200, { id: "l1", state: { id: "Succeeded" } }),
    ]);
    const saved: string[] = [];
    await pollOperation({
      kind: BapLifecycleOperation,
      initial: r(202, undefined, { location: loc }),
      get,
      clock,
      deadline: T0 + 3_600_000,
      onOperationUrl: (u) => saved.push(u),
      ...intervals,
    });
    expect(urls[0]).toBe(loc);
    expect(saved).toEqual([loc]);
    // No Retry-After on the 202: the BAP lifecycle schedule's first wait (1 s), not the generic default (5 s).
    expect(clock.sleeps).toEqual([1000, 1000, 60_000]);
  });

  test("body status: billing policy Provisioning → Enabled by re-reading the resource", async () => {
    const clock = new FakeClock();
    const url = "https://api.powerplatform.com/licensing/billingPolicies/p1?api-version=2022-03-01-preview";
    const { get, urls } = scriptedGet([r(200, { id: "p1", status: "Provisioning" }), r(200, { id: "p1", status: "Enabled" })]);
    const res = await pollOperation({
      kind: BillingPolicyProvisioning,
      initial: r(201, { id: "p1", status: "Provisioning" }),
      url,
      get,
      clock,
      deadline: T0 + 600_000,
      ...intervals,
    });
    expect(res.status).toBe("Enabled");
    expect(urls).toEqual([url, url]);
    expect(clock.sleeps).toEqual([5000, 5000]);
  });

  test("an initial body already terminal returns without polling", async () => {
    const { get, urls } = scriptedGet([]);
    const res = await pollOperation({ kind: BillingPolicyProvisioning, initial: r(201, { status: "Disabled" }), get, clock: new FakeClock(), deadline: T0 + 1, ...intervals });
    expect(res.status).toBe("Disabled");
    expect(urls).toEqual([]);
  });

  test("a 409 on a poll means keep polling", async () => {
    const clock = new FakeClock();
    const { get } = scriptedGet([r(409, { error: { code: "Conflict" } }, { "retry-after": "4" }), r(200, { status: "Succeeded" })]);
    const res = await pollOperation({ kind: AppManagementOperation, initial: r(202, undefined, { "operation-location": OP_URL }), get, clock, deadline: T0 + 600_000, ...intervals });
    expect(res.status).toBe("Succeeded");
    expect(clock.sleeps).toEqual([5000, 4000]);
  });

  test("Failed → OperationFailedError with the operation's own message", async () => {
    const { get } = scriptedGet([r(200, { status: "Failed", statusMessage: "", error: { code: "InstallFailed", message: "Solution import failed: missing dependency X" } })]);
    const err = await pollOperation({
      kind: AppManagementOperation,
      initial: r(202, undefined, { "operation-location": OP_URL }),
      get,
      clock: new FakeClock(),
      deadline: T0 + 600_000,
      ...intervals,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(OperationFailedError);
    expect(err.message).toContain("Solution import failed: missing dependency X");
    expect(err.code).toBe("InstallFailed");
    expect(err.operationStatus).toBe("Failed");
    expect(err.operationUrl).toBe(OP_URL);
  });

  test("Canceled and BAP Failed and ProvisioningFailed are failures", async () => {
    const mk = (kind: typeof AppManagementOperation, body: unknown) =>
      pollOperation({ kind, initial: r(202, undefined, { location: OP_URL }), get: scriptedGet([r(200, body)]).get, clock: new FakeClock(), deadline: T0 + 600_000, ...intervals });
    await expect(mk(AppManagementOperation, { status: "Canceled", statusMessage: "cancelled by admin" })).rejects.toThrow("cancelled by admin");
    await expect(mk(BapLifecycleOperation, { id: "x", state: { id: "Failed" }, error: { code: "E", message: "env failed" } })).rejects.toThrow("env failed");
    await expect(mk(BillingPolicyProvisioning, { status: "ProvisioningFailed" })).rejects.toBeInstanceOf(OperationFailedError);
  });

  test("deadline → DeadlineExceededError carrying the operation URL", async () => {
    const clock = new FakeClock();
    const replies = Array.from({ length: 100 }, () => r(200, { status: "Running" }, { "retry-after": "10" }));
    const err = await pollOperation({
      kind: AppManagementOperation,
      initial: r(202, undefined, { "operation-location": OP_URL, "retry-after": "10" }),
      get: scriptedGet(replies).get,
      clock,
      deadline: T0 + 35_000,
      ...intervals,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(err.operationUrl).toBe(OP_URL);
    expect(err.lastStatus).toBe("Running");
    expect(clock.sleeps).toEqual([10_000, 10_000, 10_000]);
  });

  test("abort stops the wait", async () => {
    const clock = new FakeClock();
    const ac = new AbortController();
    clock.onSleep = () => ac.abort(new Error("user cancelled"));
    const { get, urls } = scriptedGet([r(200, { status: "Running" })]);
    await expect(
      pollOperation({ kind: AppManagementOperation, initial: r(202, undefined, { "operation-location": OP_URL }), get, clock, signal: ac.signal, deadline: T0 + 600_000, ...intervals }),
    ).rejects.toThrow("user cancelled");
    expect(urls).toEqual([]);
  });

  test("resume from a saved operation URL: polls at once", async () => {
    const clock = new FakeClock();
    const { get, urls } = scriptedGet([r(200, { status: "Running" }), r(200, { status: "Succeeded" })]);
    const res = await pollOperation({ kind: AppManagementOperation, url: OP_URL, get, clock, deadline: T0 + 600_000, ...intervals });
    expect(res.status).toBe("Succeeded");
    expect(urls).toEqual([OP_URL, OP_URL]);
    expect(clock.sleeps).toEqual([5000]);
  });

  test("a poll reply without status: 202 keeps polling, 200 means done", async () => {
    const clock = new FakeClock();
    const { get } = scriptedGet([r(202, undefined), r(200, undefined)]);
    const res = await pollOperation({ kind: BapLifecycleOperation, initial: r(202, undefined, { location: OP_URL }), get, clock, deadline: T0 + 600_000, ...intervals });
    expect(res.httpStatus).toBe(200);
  });
});

describe("poller wired through the client", () => {
  test("app install: 202 + Operation-Location, polls via HTTP with Retry-After, same host enforced", async () => {
    const { client, transport, clock } = harness([
      json(202, undefined, { "Operation-Location": OP_URL, "Retry-After": "2" }),
      json(409, { error: { code: "Conflict", message: "not yet" } }, { "Retry-After": "3" }),
      json(200, { operationId: "op1", status: "Running" }, { "Retry-After": "4" }),
      json(200, { operationId: "op1", status: "Succeeded", createdDateTime: "x", lastActionDateTime: "y", statusMessage: "" }),
    ]);
    const op = await client.applicationPackages.installAndWait("env1", "MicrosoftFormsPro");
    expect(op.status).toBe("Succeeded");
    expect(transport.requests.map((q) => q.method)).toEqual(["POST", "GET", "GET", "GET"]);
    expect(transport.requests[0]!.url).toBe(
      "https://api.powerplatform.com/appmanagement/environments/env1/applicationPackages/MicrosoftFormsPro/install?api-version=2022-03-01-preview",
    );
    expect(clock.sleeps).toEqual([2000, 3000, 4000]);
    // one correlation id per request call, a token on every request
    for (const q of transport.requests) expect(q.headers.Authorization).toMatch(/^Bearer /);
  });

  test("resume an install from a saved URL after a deadline", async () => {
    const h = harness([json(202, undefined, { "operation-location": OP_URL, "retry-after": "10" }), ...Array.from({ length: 5 }, () => json(200, { operationId: "op1", status: "Running" }, { "retry-after": "10" }))]);
    const started = await h.client.applicationPackages.install("env1", "pkg");
    const err = await h.client.applicationPackages.waitForInstall(started, { deadline: h.clock.now() + 25_000 }).catch((e) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    const saved = err.operationUrl as string;
    expect(saved).toBe(OP_URL);

    const h2 = harness([json(200, { operationId: "op1", status: "Succeeded" })]);
    const op = await h2.client.applicationPackages.waitForInstall({ operationUrl: saved });
    expect(op.status).toBe("Succeeded");
    expect(h2.clock.sleeps).toEqual([]);
  });

  test("an operation URL on a foreign host is refused (no token leaves)", async () => {
    const { client, transport } = harness([json(202, undefined, { "operation-location": "https://evil.example.com/op" })]);
    const started = await client.applicationPackages.install("env1", "pkg");
    await expect(client.applicationPackages.waitForInstall(started)).rejects.toThrow(/Refusing to send/);
    expect(transport.requests).toHaveLength(1);
  });

  test("environment create 202 → lifecycle → environment id from links.environment.path", async () => {
    const loc = "https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/b03e?api-version=2023-06-01";
    const { client, transport } = harness([
      json(202, undefined, { location: loc, "retry-after": "5" }),
      json(200, { id: "b03e", state: { id: "Running" }, links: {} }, { "retry-after": "10" }),
      json(200, { id: "b03e", state: { id: "Succeeded" }, links: { environment: { path: "/providers/Microsoft.BusinessAppPlatform/environments/env-42" } } }),
      json(200, { id: "/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/env-42", name: "env-42", location: "europe", properties: { displayName: "d" } }),
    ]);
    const env = await client.environments.createAndWait({ location: "europe", properties: { displayName: "d", environmentSku: "Sandbox" } });
    expect(env.name).toBe("env-42");
    expect(transport.requests[3]!.url).toBe("https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/env-42?api-version=2023-06-01");
  });

  test("billing policy create then waitUntilProvisioned", async () => {
    const base = { id: "p1", name: "n", location: "europe", billingInstrument: { subscriptionId: "s", resourceGroup: "rg" } };
    const { client, transport } = harness([json(201, { ...base, status: "Provisioning" }), json(200, { ...base, status: "Provisioning" }), json(200, { ...base, status: "Enabled" })]);
    const created = await client.billingPolicies.create({ name: "n", location: "europe", billingInstrument: { subscriptionId: "s", resourceGroup: "rg" } });
    const ready = await client.billingPolicies.waitUntilProvisioned(created.id, { initial: created });
    expect(ready.status).toBe("Enabled");
    expect(transport.requests[1]!.url).toBe("https://api.powerplatform.com/licensing/billingPolicies/p1?api-version=2022-03-01-preview");
  });
});
