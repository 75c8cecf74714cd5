/** Environment writes added for the Environment resource: modifySku, the id from a 202 create, waiting on provisioningState. */
import { harness, json } from "./helpers";

const BAPH = "https://api.bap.microsoft.com";
const ENV_PATH = "/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/e1";
const OP = `${BAPH}/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/op1`;

describe("environments.modifySku", () => {
  test("POSTs the target type to modifySku with api-version 2021-04-01 and returns the operation to wait on", async () => {
    const h = harness([json(202, undefined, { location: OP, "retry-after": "3" })]);
    const result = await h.client.environments.modifySku("e1", "Production");
    expect(h.transport.requests).toHaveLength(1);
    const req = h.transport.requests[0]!;
    expect(`${req.method} ${req.url}`).toBe(`POST ${BAPH}${ENV_PATH}/modifySku?api-version=2021-04-01`);
    expect(req.body).toEqual({ environmentSku: "Production" });
    expect(result).toEqual({ httpStatus: 202, operationUrl: OP });
  });

  test("a 200 (already of that type) has no operation", async () => {
    const h = harness([json(200, { name: "e1", properties: {} })]);
    expect(await h.client.environments.modifySku("e1", "Sandbox")).toEqual({ httpStatus: 200, operationUrl: undefined });
  });

  test("409 OperationNotStartable is waited out and retried", async () => {
    const busy = json(409, { error: { code: "OperationNotStartable", message: "another operation is running" } }, { "retry-after": "5" });
    const h = harness([busy, busy, json(202, undefined, { location: OP })]);
    const result = await h.client.environments.modifySku("e1", "Production");
    expect(h.transport.requests).toHaveLength(3);
    expect(h.clock.sleeps).toEqual([5000, 5000]);
    expect(result.operationUrl).toBe(OP);
  });

  test("a refused conversion is final", async () => {
    const h = harness([json(400, { error: { code: "EnvironmentSkuChangeNotSupported", message: "Developer cannot be converted" } })]);
    await expect(h.client.environments.modifySku("e1", "Production")).rejects.toMatchObject({ status: 400, code: "EnvironmentSkuChangeNotSupported" });
    expect(h.transport.requests).toHaveLength(1);
  });
});

describe("environments.create (202)", () => {
  test("takes the environment id from a 202 body that carries the lifecycle operation", async () => {
    const h = harness([
      json(202, { id: "op1", state: { id: "NotStarted" }, links: { environment: { path: "/providers/Microsoft.BusinessAppPlatform/environments/new-env" } } }, { location: OP }),
    ]);
    const started = await h.client.environments.create({ location: "europe", properties: { displayName: "d", environmentSku: "Sandbox" } });
    expect(started).toMatchObject({ httpStatus: 202, operationUrl: OP, environmentId: "new-env" });
    expect(started.environment).toBeUndefined();
  });

  test("a 202 without a body leaves the id to the operation", async () => {
    const h = harness([json(202, undefined, { location: OP })]);
    const started = await h.client.environments.create({ location: "europe", properties: { displayName: "d", environmentSku: "Sandbox" } });
    expect(started.environmentId).toBeUndefined();
    expect(started.operationUrl).toBe(OP);
  });
});

describe("environments.waitUntilProvisioned", () => {
  const env = (state: string) => ({ id: "/x/e1", name: "e1", location: "europe", properties: { provisioningState: state } });

  test("re-reads the environment until provisioningState is Succeeded, honouring Retry-After", async () => {
    const h = harness([json(200, env("Creating"), { "retry-after": "4" }), json(200, env("Creating"), { "retry-after": "4" }), json(200, env("Succeeded"))]);
    const result = await h.client.environments.waitUntilProvisioned("e1");
    expect(result.properties.provisioningState).toBe("Succeeded");
    expect(h.transport.requests.map((r) => `${r.method} ${r.url}`)).toEqual(Array(3).fill(`GET ${BAPH}${ENV_PATH}?api-version=2023-06-01`));
    expect(h.clock.sleeps).toEqual([4000, 4000]);
  });

  test("Failed ends the wait with an error", async () => {
    const h = harness([json(200, env("Failed"))]);
    await expect(h.client.environments.waitUntilProvisioned("e1")).rejects.toMatchObject({ name: "OperationFailedError", operationStatus: "Failed" });
  });

  test("the deadline bounds the wait", async () => {
    const h = harness();
    h.transport.router = () => json(200, env("Creating"), { "retry-after": "10" });
    await expect(h.client.environments.waitUntilProvisioned("e1", { deadline: Date.parse("2026-01-01T00:00:30Z") })).rejects.toMatchObject({
      name: "DeadlineExceededError",
      lastStatus: "Creating",
    });
  });
});
