/**
 * The client against the answers the real service gives (issue 7, facts 4, 5, 6) for
 * application installs, billing policies and flows, and the operation deadline that
 * bounds every wait (customTimeouts).
 */
import { withOperationDeadline } from "../../../provider/client/deadline";
import {
  AuthError,
  classifyFailure,
  DeadlineExceededError,
  DlpViolationError,
  NotFoundError,
  OperationFailedError,
} from "../../../provider/client/index";
import { INSTALL_POLL_INTERVAL_MS } from "../../../provider/client/api/applicationPackages";
import { harness, json, T0 } from "./helpers";

const ENV = "e1000000-0000-4000-8000-000000000001";
const PP = "https://api.powerplatform.com";
const FLOW_API = "https://api.flow.microsoft.com";
// The Operation-Location of an install, as recorded (issue 7, fact 4; DESIGN §3).
const OP_URL = `${PP}/appmanagement/environments/${ENV}/operations/0b6c1d2e-0000-4000-8000-000000000001?api-version=1`;

describe("application package install (recorded: 202, empty body, Operation-Location with api-version=1, no Retry-After)", () => {
  test("polls the operation URL as given (api-version=1, none added) at the install API's own interval", async () => {
    const { client, transport, clock } = harness([
      { status: 202, headers: { "operation-location": OP_URL }, data: undefined },
      json(200, { operationId: "op", status: "Running", statusMessage: "" }),
      json(200, { operationId: "op", status: "Succeeded", statusMessage: "" }),
    ]);
    const op = await client.applicationPackages.installAndWait(ENV, "MicrosoftFormsPro");
    expect(op.status).toBe("Succeeded");
    const polls = transport.requests.slice(1).map((r) => r.url);
    expect(polls).toEqual([OP_URL, OP_URL]);
    for (const url of polls) expect(new URL(url).searchParams.getAll("api-version")).toEqual(["1"]);
    // No Retry-After anywhere: every wait is the install API's declared default.
    expect(clock.sleeps).toEqual([INSTALL_POLL_INTERVAL_MS, INSTALL_POLL_INTERVAL_MS]);
  });

  test("a failed operation whose error.errorCode is an integer fails with that code", async () => {
    const { client } = harness([
      { status: 202, headers: { "operation-location": OP_URL }, data: undefined },
      json(200, { operationId: "op", status: "Failed", statusMessage: "", error: { errorCode: 2, message: "solution import failed" } }),
    ]);
    const error = await client.applicationPackages.installAndWait(ENV, "MicrosoftFormsPro").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationFailedError);
    expect((error as OperationFailedError).code).toBe("2");
    expect((error as Error).message).toContain("solution import failed");
  });

  test("a package whose errorDetails.errorCode is a number reports it", async () => {
    const { client } = harness([
      json(200, { value: [{ uniqueName: "MicrosoftFormsPro", state: "InstallFailed", errorDetails: { errorCode: 80048033, message: "import error" } }] }),
    ]);
    const error = await client.applicationPackages
      .waitForPackageState(ENV, "MicrosoftFormsPro", { initial: { uniqueName: "MicrosoftFormsPro", state: "Installing" } })
      .catch((e: unknown) => e);
    expect((error as OperationFailedError).code).toBe("80048033");
  });
});

describe("billing policies", () => {
  test("an unknown id: 404 BillingPolicyNotFound is a NotFoundError with the service's code and message", async () => {
    // issue 7, fact 5
    const { client } = harness([
      json(404, { error: { code: "BillingPolicyNotFound", message: "The billing policy 'b0000000-0000-4000-8000-000000000000' could not be found." } }),
    ]);
    const error = await client.billingPolicies.get("b0000000-0000-4000-8000-000000000000").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe("BillingPolicyNotFound");
    expect((error as Error).message).toContain("could not be found");
  });

  test("a create refused with 403 says that a service principal cannot create billing policies and what to do", async () => {
    const { client, transport } = harness([json(403, { error: { code: "Forbidden", message: "not allowed" } })]);
    const error = await client.billingPolicies
      .create({ name: "p", location: "europe", status: "Enabled", billingInstrument: { subscriptionId: "5b0c0000-0000-4000-8000-000000000001", resourceGroup: "rg" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/not allowed/);
    expect((error as Error).message).toMatch(/creating billing policies with a service principal is not supported/);
    expect((error as Error).message).toMatch(/adoptId/);
    expect(transport.requests).toHaveLength(1);
  });
});

describe("flows", () => {
  const flow = (withDefinition: boolean) => ({
    name: "f1",
    properties: { displayName: "F", state: "Stopped", ...(withDefinition ? { definition: { triggers: { manual: {} } } } : {}) },
  });

  test("getWithDefinition reads the maker path and returns the flow with its definition", async () => {
    const { client, transport } = harness([json(200, flow(true))]);
    const got = await client.flows.getWithDefinition(ENV, "f1");
    expect(got?.properties.definition).toEqual({ triggers: { manual: {} } });
    expect(transport.requests[0]!.url).toBe(`${FLOW_API}/providers/Microsoft.ProcessSimple/environments/${ENV}/flows/f1?api-version=2016-11-01`);
  });

  test.each([403, 404])("getWithDefinition: %i (no permission on the flow) means not visible, not an error", async (status) => {
    const { client } = harness([json(status, { error: { code: "X", message: "no" } })]);
    expect(await client.flows.getWithDefinition(ENV, "f1")).toBeUndefined();
  });

  test("start of a DLP-suspended flow: the recorded 403 DlpViolation is a DlpViolationError that says a DLP policy blocks the flow, never retried", async () => {
    const body = { error: { code: "DlpViolation", message: "Flow 'f1' cannot be activated due to admin API policies." } };
    const { client, transport } = harness([json(403, body)]);
    const error = await client.flows.start(ENV, "f1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DlpViolationError);
    expect((error as DlpViolationError).status).toBe(403);
    expect((error as DlpViolationError).code).toBe("DlpViolation");
    expect((error as Error).message).toMatch(/data loss prevention \(DLP\) policy of the tenant blocks this flow/);
    expect((error as Error).message).toContain("Flow 'f1' cannot be activated due to admin API policies.");
    expect(transport.requests).toHaveLength(1);
    expect(classifyFailure(error, true).retry).toBe(false);
  });

  test("resubmit posts to …/triggers/{trigger}/histories/{run}/resubmit", async () => {
    const { client, transport } = harness([json(202)]);
    await client.flowRuns.resubmit(ENV, "f1", "r1", "manual");
    expect(transport.requests[0]!.url).toBe(
      `${FLOW_API}/providers/Microsoft.ProcessSimple/environments/${ENV}/flows/f1/triggers/manual/histories/r1/resubmit?api-version=2016-11-01`,
    );
  });
});

describe("the operation deadline (customTimeouts) bounds every wait inside it", () => {
  const provisioning = () => json(200, { id: "b1", name: "p", status: "Provisioning", location: "europe", billingInstrument: { subscriptionId: "s" } });

  test("a wait that runs past the scope's deadline fails with a deadline error naming the limit", async () => {
    const { client, clock } = harness(Array.from({ length: 10 }, provisioning));
    const error = await withOperationDeadline({ at: T0 + 12_000, label: 'customTimeouts.create ("12s")' }, () =>
      client.billingPolicies.waitUntilProvisioned("b1"),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toContain('the deadline was set by customTimeouts.create ("12s")');
    expect((error as DeadlineExceededError).lastStatus).toBe("Provisioning");
    expect(clock.now()).toBeLessThanOrEqual(T0 + 12_000);
  });

  test("a scope longer than the client's default deadline replaces it (a conversion may take two hours)", async () => {
    const replies = [...Array.from({ length: 3 }, provisioning), json(200, { id: "b1", name: "p", status: "Enabled", location: "europe", billingInstrument: { subscriptionId: "s" } })];
    const { client, clock } = harness(replies, { operationDeadlineMs: 1_000 });
    const policy = await withOperationDeadline({ at: T0 + 2 * 3_600_000, label: "customTimeouts.update (2h)" }, () => client.billingPolicies.waitUntilProvisioned("b1"));
    expect(policy.status).toBe("Enabled");
    expect(clock.now()).toBeGreaterThan(T0 + 1_000);
  });

  test("the caller's own earlier deadline wins over the scope's, and its error names no scope", async () => {
    const { client } = harness(Array.from({ length: 10 }, provisioning));
    const error = await withOperationDeadline({ at: T0 + 3_600_000, label: "customTimeouts.create (1h)" }, () =>
      client.billingPolicies.waitUntilProvisioned("b1", { deadline: T0 + 6_000 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).not.toContain("customTimeouts");
  });

  test("without a scope the client's default deadline still bounds the wait", async () => {
    const { client } = harness(Array.from({ length: 10 }, provisioning), { operationDeadlineMs: 11_000 });
    await expect(client.billingPolicies.waitUntilProvisioned("b1")).rejects.toBeInstanceOf(DeadlineExceededError);
  });
});
