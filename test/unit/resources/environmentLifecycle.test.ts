/**
 * The Environment resource through the real client, against replies shaped as the live
 * service answers (issue 7 facts 1–3, 7). Sources:
 *  - microsoft/terraform-provider-power-platform internal/services/environment/resource_environment_test.go:
 *    POST → 202 + empty body + `Location: https://europe.api.bap.microsoft.com/…/lifecycleOperations/…?api-version=2023-06-01`;
 *    `GET https://{id}.crm4.dynamics.com/api/data/v9.2/organizations` → `{"value":[{"_basecurrencyid_value":…}]}`;
 *    tests/resource/Validate_Create_And_Force_Recreate/get_transactioncurrencies_*.json → `{"value":[{"isocurrencycode":"PLN"}]}`;
 *  - same repo, api_environment.go: validateEnvironmentDetails before a create with a domain;
 *    DELETE 409 with an empty body retried; waitForDataverseMetadata;
 *  - shared/fixtures/recorded/environments/create/get_environment_*.json: no `currency` in
 *    linkedEnvironmentMetadata, no `securityGroupId`.
 */
import { harness, json, type Harness } from "../client/helpers";
import type { TransportRequest, TransportResponse } from "../../../provider/client/transport";
import { environmentHandler, type EnvironmentInputs, type EnvironmentOutputs } from "../../../provider/resources/environment";

let h: Harness;
jest.mock("../../../provider/resources/runtimeSupport", () => {
  const actual = jest.requireActual("../../../provider/resources/runtimeSupport");
  return { ...actual, clientFromEnvironment: async () => h.client };
});

const ENV_ID = "00000000-0000-0000-0000-000000000001";
const BAP = "https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform";
const OP_URL = "https://europe.api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/b03e1e6d-73db-4367-90e1-2e378bf7e2fc?api-version=2023-06-01";
const INSTANCE = `https://${ENV_ID}.crm4.dynamics.com`;
const CUR = "f3b8e0a4-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

const op = (state: string) => ({ id: "b03e1e6d-73db-4367-90e1-2e378bf7e2fc", state: { id: state }, links: { environment: { path: `/providers/Microsoft.BusinessAppPlatform/environments/${ENV_ID}` } }, stages: [] });
const environment = (withDataverse: boolean, over: Record<string, unknown> = {}) => ({
  id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${ENV_ID}`,
  name: ENV_ID,
  location: "europe",
  properties: {
    displayName: "displayname",
    description: "",
    azureRegion: "westeurope",
    environmentSku: "Sandbox",
    provisioningState: "Succeeded",
    createdTime: "2023-09-27T07:08:27.6057592Z",
    states: { management: { id: "Ready" } },
    ...(withDataverse
      ? { linkedEnvironmentMetadata: { domainName: "contoso", version: "9.2.23092.00206", instanceUrl: `${INSTANCE}/`, instanceApiUrl: `https://${ENV_ID}.api.crm4.dynamics.com`, baseLanguage: 1033, instanceState: "Ready" } }
      : {}),
    ...over,
  },
});

type Route = (req: TransportRequest) => TransportResponse | undefined;
/** Answers by "METHOD url-prefix"; each route may be a list consumed in order (the last one repeats). */
function serve(routes: Record<string, TransportResponse | TransportResponse[] | Route>): void {
  const queues = new Map(Object.entries(routes).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
  h.transport.router = (req) => {
    for (const [key, v] of queues) {
      const [method, prefix] = key.split(" ");
      if (req.method !== method || !req.url.startsWith(prefix!)) continue;
      if (typeof v === "function") return v(req);
      if (Array.isArray(v)) return v.length > 1 ? v.shift()! : v[0]!;
      return v;
    }
    throw new Error(`unexpected ${req.method} ${req.url}`);
  };
}
const inputs = async (over: Record<string, unknown> = {}): Promise<EnvironmentInputs> =>
  (await environmentHandler.check({}, { displayName: "displayname", location: "europe", environmentSku: "Sandbox", dataverse: { currencyCode: "PLN", domainName: "contoso" }, ...over })).inputs!;
const dataverseReplies = (code = "PLN") => ({
  [`GET ${INSTANCE}/api/data/v9.2/organizations`]: json(200, { value: [{ _basecurrencyid_value: CUR }] }),
  [`GET ${INSTANCE}/api/data/v9.2/transactioncurrencies`]: json(200, { value: [{ isocurrencycode: code }] }),
});

beforeEach(() => {
  // One environment's replies: reads go to its GET (the read cache off; reads served from the list are in listedReads.test.ts).
  h = harness([], { readCacheMs: 0 });
});

describe("create", () => {
  test("202 + empty body + regional Location: id from the operation, Dataverse metadata re-read, currency from Dataverse", async () => {
    serve({
      [`POST ${BAP}/validateEnvironmentDetails`]: json(200),
      [`POST ${BAP}/environments`]: json(202, undefined, { location: OP_URL }),
      [`GET ${OP_URL}`]: [json(200, op("Running")), json(200, op("Succeeded"))],
      // The first GET after Succeeded lacks linkedEnvironmentMetadata (recorded).
      [`GET ${BAP}/scopes/admin/environments/${ENV_ID}`]: [json(200, environment(false)), json(200, environment(true))],
      ...dataverseReplies("PLN"),
    });
    const result = await environmentHandler.create(await inputs());
    expect(result.id).toBe(ENV_ID);
    expect(result.outs.dataverse).toMatchObject({ currencyCode: "PLN", domainName: "contoso", instanceUrl: `${INSTANCE}/` });
    const calls = h.transport.requests.map((r) => `${r.method} ${r.url.split("?")[0]}`);
    expect(calls[0]).toBe(`POST ${BAP}/validateEnvironmentDetails`); // before the create
    expect(calls[1]).toBe(`POST ${BAP}/environments`);
    expect(calls).toContain(`GET ${INSTANCE}/api/data/v9.2/organizations`);
    // Nothing to change after the create: no PATCH.
    expect(calls.some((c) => c.startsWith("PATCH"))).toBe(false);
    // And the next diff proposes nothing.
    expect(await environmentHandler.diff(ENV_ID, result.outs, await inputs())).toMatchObject({ changes: false, replaces: [] });
  });

  test("a taken domain name fails before the POST, naming the field", async () => {
    serve({ [`POST ${BAP}/validateEnvironmentDetails`]: json(409, { error: { code: "DomainNameAlreadyInUse", message: "The domain name 'contoso' is already in use." } }) });
    await expect(environmentHandler.create(await inputs())).rejects.toThrow(/dataverse\.domainName "contoso" cannot be used in europe/);
    expect(h.transport.requests.some((r) => r.method === "POST" && r.url.startsWith(`${BAP}/environments`))).toBe(false);
  });

  test("an operation that ends Failed still hands Pulumi the id", async () => {
    serve({
      [`POST ${BAP}/environments`]: json(202, undefined, { location: OP_URL }),
      [`GET ${OP_URL}`]: [json(200, op("Running")), json(200, { ...op("Failed"), error: { code: "ProvisioningFailed", message: "no capacity in westeurope" } })],
    });
    const error = await environmentHandler.create(await inputs({ dataverse: undefined })).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ id: ENV_ID, message: expect.stringMatching(/ended Failed: no capacity/) });
    expect((error as { properties: EnvironmentOutputs }).properties.environmentId).toBe(ENV_ID);
  });

  test("a wait that passes its deadline after the id is known still hands Pulumi the id", async () => {
    h = harness([], { operationDeadlineMs: 60_000, readCacheMs: 0 });
    serve({
      [`POST ${BAP}/environments`]: json(202, undefined, { location: OP_URL }),
      [`GET ${OP_URL}`]: json(200, op("Running")),
    });
    await expect(environmentHandler.create(await inputs({ dataverse: undefined }))).rejects.toMatchObject({ id: ENV_ID, name: "Error" });
  });

  test("Dataverse metadata that never appears fails with the id", async () => {
    serve({
      [`POST ${BAP}/validateEnvironmentDetails`]: json(200),
      [`POST ${BAP}/environments`]: json(202, undefined, { location: OP_URL }),
      [`GET ${OP_URL}`]: json(200, op("Succeeded")),
      [`GET ${BAP}/scopes/admin/environments/${ENV_ID}`]: json(200, environment(false)),
    });
    await expect(environmentHandler.create(await inputs())).rejects.toMatchObject({ id: ENV_ID, message: expect.stringMatching(/no Dataverse metadata/) });
  });
});

describe("read and diff rest only on what the service reports", () => {
  const stored = async (): Promise<EnvironmentOutputs> => {
    serve({ [`GET ${BAP}/scopes/admin/environments/${ENV_ID}`]: json(200, environment(true)), ...dataverseReplies("PLN") });
    const r = await environmentHandler.read(ENV_ID, {} as EnvironmentOutputs);
    return r.props;
  };

  test("the currency is read from Dataverse; the BAP environment has none", async () => {
    const outs = await stored();
    expect(outs.dataverse?.currencyCode).toBe("PLN");
    expect(await environmentHandler.diff(ENV_ID, outs, await inputs())).toMatchObject({ changes: false, replaces: [] });
    expect((await environmentHandler.diff(ENV_ID, outs, await inputs({ dataverse: { currencyCode: "EUR", domainName: "contoso" } }))).replaces).toEqual(["dataverse.currencyCode"]);
  });

  test("an unreadable currency keeps the last known one, and an unknown one proposes no replace", async () => {
    const denied = json(403, { error: { code: "0x80072560", message: "The user is not a member of the organization." } });
    serve({ [`GET ${BAP}/scopes/admin/environments/${ENV_ID}`]: json(200, environment(true)), [`GET ${INSTANCE}/api/data/v9.2/organizations`]: denied });
    const previous = { ...(await inputsAsOutputs()), dataverse: { ...(await inputsAsOutputs()).dataverse!, currencyCode: "PLN" } };
    const kept = await environmentHandler.read(ENV_ID, previous);
    expect(kept.props.dataverse?.currencyCode).toBe("PLN");
    const unknown = await environmentHandler.read(ENV_ID, {} as EnvironmentOutputs);
    expect(unknown.props.dataverse?.currencyCode).toBe("");
    expect(await environmentHandler.diff(ENV_ID, unknown.props, await inputs())).toMatchObject({ changes: false, replaces: [] });
  });

  test("a security group the service does not report keeps the last known one: no perpetual update", async () => {
    const GROUP = "aaaaaaaa-1111-2222-3333-444444444444";
    serve({ [`GET ${BAP}/scopes/admin/environments/${ENV_ID}`]: json(200, environment(true)), ...dataverseReplies("PLN") });
    const previous = { ...(await inputsAsOutputs()), securityGroupId: GROUP };
    const r = await environmentHandler.read(ENV_ID, previous);
    expect(r.props.securityGroupId).toBe(GROUP);
    expect(await environmentHandler.diff(ENV_ID, r.props, await inputs({ securityGroupId: GROUP }))).toMatchObject({ changes: false });
  });

  async function inputsAsOutputs(): Promise<EnvironmentOutputs> {
    const i = await inputs();
    return { ...i, azureRegion: "westeurope", dataverse: { ...i.dataverse!, domainName: "contoso", instanceUrl: `${INSTANCE}/`, version: "9.2" }, environmentId: ENV_ID, provisioningState: "Succeeded", state: "Ready", createdTime: "" };
  }
});

describe("update and delete", () => {
  test("a PATCH answered 204 (nothing changed) needs no wait", async () => {
    serve({
      [`GET ${BAP}/scopes/admin/environments/${ENV_ID}`]: json(200, environment(true)),
      [`PATCH ${BAP}/scopes/admin/environments/${ENV_ID}`]: json(204),
    });
    const olds = (await environmentHandler.read(ENV_ID, {} as EnvironmentOutputs)).props;
    await environmentHandler.update(ENV_ID, olds, await inputs({ displayName: "Renamed" }));
    expect(h.transport.requests.filter((r) => r.method === "PATCH")).toHaveLength(1);
    expect(h.transport.requests.some((r) => r.url.includes("lifecycleOperations"))).toBe(false);
  });

  test("modifySku: 202 + regional Operation-Location, waited on", async () => {
    serve({
      [`GET ${BAP}/scopes/admin/environments/${ENV_ID}`]: json(200, environment(false)),
      [`POST ${BAP}/scopes/admin/environments/${ENV_ID}/modifySku`]: json(202, undefined, { "operation-location": OP_URL }),
      [`GET ${OP_URL}`]: [json(200, op("Running")), json(200, op("Succeeded"))],
    });
    const olds = (await environmentHandler.read(ENV_ID, {} as EnvironmentOutputs)).props;
    await environmentHandler.update(ENV_ID, olds, await inputs({ dataverse: undefined, environmentSku: "Production" }));
    expect(h.transport.requests.filter((r) => r.url.startsWith(OP_URL))).toHaveLength(2);
  });

  test("delete: a 409 with an empty body is retried; a 404 on the lifecycle poll means done", async () => {
    serve({
      [`DELETE ${BAP}/scopes/admin/environments/${ENV_ID}`]: [json(409), json(202, undefined, { location: OP_URL })],
      [`GET ${OP_URL}`]: [json(200, op("Running")), json(404)],
    });
    await environmentHandler.delete(ENV_ID, {} as EnvironmentOutputs);
    expect(h.transport.requests.map((r) => r.method)).toEqual(["DELETE", "DELETE", "GET", "GET"]);
  });
});
