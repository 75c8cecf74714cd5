/**
 * The client against the real service's answers (issue 7 facts 1–3):
 *  - lifecycle URLs on regional hosts of the same cloud's family, nothing else;
 *  - DELETE 409 with an empty body retried; a 404 on a lifecycle poll ends the wait;
 *  - create: 202 + empty body, id from the operation's links.environment.path;
 *  - Dataverse metadata re-read after a create; the currency read from Dataverse.
 * Sources: microsoft/terraform-provider-power-platform internal/services/environment/
 * resource_environment_test.go (mocked live replies: `https://europe.api.bap.microsoft.com/
 * providers/Microsoft.BusinessAppPlatform/lifecycleOperations/b03e1e6d-…?api-version=2023-06-01`,
 * `https://{id}.crm4.dynamics.com/api/data/v9.2/organizations` → `_basecurrencyid_value`),
 * api_environment.go (deleteEnvironmentWithRetry, waitForDataverseMetadata), and
 * tests/resource/Validate_Create_And_Force_Recreate/get_transactioncurrencies_*.json.
 */
import { harness, json } from "./helpers";
import { loopbackAwareLookup } from "../../../provider/client/transport";
import { bapLifecyclePollInterval } from "../../../provider/client/poller";

const BAPH = "https://api.bap.microsoft.com";
const REGIONAL_OP = "https://europe.api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/b03e1e6d-73db-4367-90e1-2e378bf7e2fc?api-version=2023-06-01";
const ENV_ID = "00000000-0000-0000-0000-000000000001";
const ENV_PATH = `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${ENV_ID}`;
const op = (state: string, withLink = true) => ({
  id: "b03e1e6d-73db-4367-90e1-2e378bf7e2fc",
  state: { id: state },
  ...(withLink ? { links: { environment: { path: `/providers/Microsoft.BusinessAppPlatform/environments/${ENV_ID}` } } } : {}),
});
/**
 * Trimmed from recorded replies (microsoft/terraform-provider-power-platform
 * internal/services/environment/tests/resource/Validate_Create/get_lifecycle.json and
 * get_environment_00000000-0000-0000-0000-000000000001.json, also kept in
 * shared/fixtures/recorded/environments/create/): the fields the client reads.
 */
const RECORDED_CREATE_OPERATION = {
  id: "b03e1e6d-73db-4367-90e1-2e378bf7e2fc",
  links: {
    self: { path: "/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/b03e1e6d-73db-4367-90e1-2e378bf7e2fc" },
    environment: { path: "/providers/Microsoft.BusinessAppPlatform/environments/00000000-0000-0000-0000-000000000001" },
  },
  type: { id: "Create" },
  typeDisplayName: "Create",
  state: { id: "Succeeded" },
  createdDateTime: "2023-10-11T07:45:25.3761337Z",
  lastActionDateTime: "2023-10-11T07:45:43.4915067Z",
  stages: [{ id: "Validate", name: "Validate", state: { id: "Succeeded" } }, { id: "Finalize", name: "Finalize", state: { id: "Succeeded" } }],
};
const RECORDED_ENVIRONMENT = {
  id: "/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/00000000-0000-0000-0000-000000000001",
  type: "Microsoft.BusinessAppPlatform/scopes/environments",
  location: "europe",
  name: "00000000-0000-0000-0000-000000000001",
  properties: {
    azureRegion: "westeurope",
    displayName: "displayname",
    provisioningState: "Succeeded",
    environmentSku: "Sandbox",
    billingPolicy: { id: "" },
    linkedEnvironmentMetadata: {
      resourceId: "orgid",
      domainName: "00000000-0000-0000-0000-000000000001",
      version: "9.2.23092.00206",
      instanceUrl: "https://00000000-0000-0000-0000-000000000001.crm4.dynamics.com/",
      instanceApiUrl: "https://00000000-0000-0000-0000-000000000001.api.crm4.dynamics.com",
      baseLanguage: 1033,
      instanceState: "Ready",
    },
    states: { management: { id: "Ready" }, runtime: { id: "Enabled" } },
  },
};

describe("lifecycle URLs: the same cloud's host family, and nothing else", () => {
  test("a regional Location is followed, with the BAP token", async () => {
    const h = harness([json(200, op("Succeeded"))]);
    const done = await h.client.environments.waitForLifecycle({ operationUrl: REGIONAL_OP });
    expect(done?.state.id).toBe("Succeeded");
    expect(h.transport.requests[0]!.url).toBe(REGIONAL_OP);
    expect(h.tokens.calls.map((c) => c.scope)).toEqual(["https://service.powerapps.com/.default"]);
  });

  test.each([
    ["another host", "https://evil.example.com/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/x"],
    ["a look-alike suffix", "https://api.bap.microsoft.com.evil.com/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/x"],
    ["a look-alike prefix", "https://evilapi.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/x"],
    ["plain http", "http://europe.api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/x"],
    ["another port", "https://europe.api.bap.microsoft.com:8443/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/x"],
    ["another surface's family", "https://europe.api.flow.microsoft.com/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/x"],
    ["credentials in the URL", "https://user:pw@europe.api.bap.microsoft.com/providers/x"],
  ])("%s is refused before any request or token", async (_what, url) => {
    const h = harness();
    await expect(h.client.environments.waitForLifecycle({ operationUrl: url })).rejects.toThrow(/Refusing to send a request \(and a token\)/);
    expect(h.transport.requests).toHaveLength(0);
    expect(h.tokens.calls).toHaveLength(0);
  });

  test("a sovereign cloud follows its own family only", async () => {
    const h = harness([json(200, op("Succeeded"))], { cloud: "usgovhigh" });
    await h.client.environments.waitForLifecycle({ operationUrl: "https://usgovhigh.high.api.bap.microsoft.us/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/x" });
    expect(h.tokens.calls.map((c) => c.scope)).toEqual(["https://high.service.powerapps.us/.default"]);
    await expect(h.client.environments.waitForLifecycle({ operationUrl: REGIONAL_OP })).rejects.toThrow(/Refusing/);
  });

  test("with an endpoint override (the emulator) the family is the override host and its subdomains, same scheme and port", async () => {
    const h = harness([json(200, op("Succeeded"))], { endpoints: { bap: "https://localhost:8443" } });
    await h.client.environments.waitForLifecycle({ operationUrl: "https://europe.localhost:8443/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/x" });
    expect(h.transport.requests).toHaveLength(1);
    for (const url of ["https://europe.localhost:9443/x", "http://europe.localhost:8443/x", "https://localhost.evil.com:8443/x", REGIONAL_OP]) {
      await expect(h.client.environments.waitForLifecycle({ operationUrl: url })).rejects.toThrow(/Refusing/);
    }
  });

  test("an IP-literal override has no subdomains", async () => {
    const h = harness([], { endpoints: { bap: "https://127.0.0.1:8443" } });
    await expect(h.client.environments.waitForLifecycle({ operationUrl: "https://europe.localhost:8443/x" })).rejects.toThrow(/Refusing/);
  });
});

describe("lifecycle polls: no Retry-After, 404 means over", () => {
  test("without Retry-After each wait is a fifth of the time waited so far, at least 1 s, at most 30 s", async () => {
    expect([0, 1000, 5000, 10_000, 60_000, 150_000, 7_200_000].map(bapLifecyclePollInterval)).toEqual([1000, 1000, 1000, 2000, 12_000, 30_000, 30_000]);
    const h = harness([json(200, op("Running")), json(200, op("Running")), json(200, op("Succeeded"))]);
    await h.client.environments.waitForLifecycle({ operationUrl: REGIONAL_OP, initial: { status: 202, headers: { location: REGIONAL_OP }, data: undefined } });
    expect(h.clock.sleeps).toEqual([1000, 1000, 1000]);
  });

  test("an operation is seen done at most a fifth (or 1 s) after it ended, at a poll count that grows with the log of its length", async () => {
    // The recorded create took 18 s (07:45:25 → 07:45:43); a conversion can take two hours.
    for (const [lastsMs, maxPolls] of [[18_000, 14], [120_000, 26], [7_200_000, 270]] as const) {
      const h = harness();
      const started = h.clock.now();
      h.transport.router = () => json(200, op(h.clock.now() - started >= lastsMs ? "Succeeded" : "Running"));
      await h.client.environments.waitForLifecycle({ operationUrl: REGIONAL_OP, initial: { status: 202, headers: { location: REGIONAL_OP }, data: undefined } }, { deadline: started + 3 * 3600_000 });
      const seenAfter = h.clock.now() - started;
      expect(seenAfter).toBeGreaterThanOrEqual(lastsMs);
      expect(seenAfter).toBeLessThanOrEqual(Math.max(lastsMs * 1.2, lastsMs + 1000));
      expect(h.transport.requests.length).toBeLessThanOrEqual(maxPolls);
    }
  });

  test("a 404 on a poll ends the wait (the service forgets finished operations)", async () => {
    const h = harness([json(200, op("Running")), json(404, { error: { code: "NotFound", message: "gone" } })]);
    const result = await h.client.environments.waitForLifecycle({ operationUrl: REGIONAL_OP });
    expect(result).toBeUndefined();
    expect(h.transport.requests).toHaveLength(2);
  });

  test("a Sandbox → Production conversion may take two hours: the modifySku wait allows it", async () => {
    const h = harness();
    h.transport.router = () => json(200, op("Running"));
    const started = h.clock.now();
    await expect(h.client.environments.waitForSkuChange(REGIONAL_OP)).rejects.toMatchObject({ name: "DeadlineExceededError" });
    expect(h.clock.now() - started).toBeGreaterThanOrEqual(2 * 3600_000);
  });
});

describe("DELETE while another operation runs", () => {
  test("409 with an empty body is retried until the DELETE is accepted (regional Location)", async () => {
    const h = harness([json(409), json(409), json(202, undefined, { location: REGIONAL_OP })]);
    const r = await h.client.environments.delete(ENV_ID);
    expect(r).toEqual({ httpStatus: 202, operationUrl: REGIONAL_OP, alreadyGone: false });
    expect(h.transport.requests.map((x) => `${x.method} ${x.url}`)).toEqual(Array(3).fill(`DELETE ${BAPH}${ENV_PATH}?api-version=2023-06-01`));
    expect(h.clock.sleeps).toEqual([1000, 1000]);
  });

  test("any other 409 is final", async () => {
    const h = harness([json(409, { error: { code: "EnvironmentLocked", message: "locked by policy" } })]);
    await expect(h.client.environments.delete(ENV_ID)).rejects.toMatchObject({ status: 409, code: "EnvironmentLocked" });
    expect(h.transport.requests).toHaveLength(1);
  });

  test("bounded: a 409 that never ends fails at the deadline with a clear message", async () => {
    const h = harness();
    h.transport.router = () => json(409);
    await expect(h.client.environments.delete(ENV_ID, { deadline: h.clock.now() + 60_000 })).rejects.toThrow(/kept answering 409 .* run the delete again/);
  });

  test("404 and 204: already gone", async () => {
    expect((await harness([json(404, { error: { code: "EnvironmentNotFound", message: "x" } })]).client.environments.delete(ENV_ID)).alreadyGone).toBe(true);
    expect((await harness([json(204)]).client.environments.delete(ENV_ID)).alreadyGone).toBe(true);
  });
});

describe("create: 202, empty body, id from the lifecycle operation", () => {
  test("the id is handed over at the first poll that names it, before the operation ends", async () => {
    const h = harness([json(202, undefined, { location: REGIONAL_OP }), json(200, op("Running")), json(200, op("Succeeded"))]);
    const started = await h.client.environments.create({ location: "europe", properties: { displayName: "d", environmentSku: "Sandbox" } });
    expect(started).toMatchObject({ httpStatus: 202, operationUrl: REGIONAL_OP });
    expect(started.environmentId).toBeUndefined();
    const seen: Array<{ id: string; polls: number }> = [];
    const done = await h.client.environments.waitForCreate(started.operationUrl!, { onEnvironmentId: (id) => seen.push({ id, polls: h.transport.requests.length - 1 }) });
    expect(seen).toEqual([{ id: ENV_ID, polls: 1 }]);
    expect(done.environmentId).toBe(ENV_ID);
  });

  test("the recorded lifecycle operation of a create names the environment", async () => {
    const h = harness([json(200, RECORDED_CREATE_OPERATION)]);
    expect((await h.client.environments.waitForCreate(REGIONAL_OP)).environmentId).toBe(ENV_ID);
  });

  test("an operation that is over (404) before naming the environment is an error, not a silent success", async () => {
    const h = harness([json(404)]);
    await expect(h.client.environments.waitForCreate(REGIONAL_OP)).rejects.toThrow(/never named the new environment/);
  });

  test("Dataverse metadata: re-read until linkedEnvironmentMetadata is there", async () => {
    const { linkedEnvironmentMetadata: _lem, ...propsWithout } = RECORDED_ENVIRONMENT.properties;
    const without = { ...RECORDED_ENVIRONMENT, properties: propsWithout };
    const h = harness([json(200, without), json(200, without), json(200, RECORDED_ENVIRONMENT)]);
    const env = await h.client.environments.waitForDataverseMetadata(ENV_ID);
    expect(env.properties.linkedEnvironmentMetadata?.instanceUrl).toBe(`https://${ENV_ID}.crm4.dynamics.com/`);
    expect(h.clock.sleeps).toEqual([1000, 1000]);
  });

  test("Dataverse metadata: bounded by a deadline", async () => {
    const h = harness();
    h.transport.router = () => json(200, { name: ENV_ID, location: "europe", properties: { provisioningState: "Succeeded" } });
    await expect(h.client.environments.waitForDataverseMetadata(ENV_ID, { deadline: h.clock.now() + 20_000 })).rejects.toThrow(/still reports no Dataverse metadata/);
  });

  test("a taken domain name fails the validation before any create", async () => {
    const h = harness([json(409, { error: { code: "DomainNameAlreadyInUse", message: "taken" } })]);
    await expect(h.client.environments.validateDomainName("contoso", "europe")).rejects.toMatchObject({ status: 409, code: "DomainNameAlreadyInUse" });
    const req = h.transport.requests[0]!;
    expect(`${req.method} ${req.url}`).toBe(`POST ${BAPH}/providers/Microsoft.BusinessAppPlatform/validateEnvironmentDetails?api-version=2021-04-01`);
    expect(req.body).toEqual({ domainName: "contoso", environmentLocation: "europe" });
  });
});

describe("Dataverse currency (read where it lives)", () => {
  const INSTANCE = `https://${ENV_ID}.crm4.dynamics.com/`;
  const CUR = "f3b8e0a4-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

  test("organizations → transactioncurrencies, with a token for the instance's audience; recorded reply parsed", async () => {
    // Recorded by microsoft/terraform-provider-power-platform:
    // tests/resource/Validate_Create_And_Force_Recreate/get_transactioncurrencies_00000000-0000-0000-0000-000000000002.json
    const recordedCurrencies = { value: [{ isocurrencycode: "PLN" }] };
    const h = harness([json(200, { value: [{ _basecurrencyid_value: CUR }] }), json(200, recordedCurrencies)]);
    expect(await h.client.dataverse.baseCurrencyCode(INSTANCE)).toBe("PLN");
    expect(h.transport.requests.map((r) => r.url)).toEqual([
      `https://${ENV_ID}.crm4.dynamics.com/api/data/v9.2/organizations?$select=_basecurrencyid_value`,
      `https://${ENV_ID}.crm4.dynamics.com/api/data/v9.2/transactioncurrencies?$select=isocurrencycode&$filter=transactioncurrencyid%20eq%20${CUR}`,
    ]);
    expect(h.tokens.calls.map((c) => c.scope)).toEqual([`https://${ENV_ID}.crm4.dynamics.com/.default`, `https://${ENV_ID}.crm4.dynamics.com/.default`]);
  });

  test.each([
    ["not a Dataverse host", "https://evil.example.com/"],
    ["a look-alike", "https://org.crm4.dynamics.com.evil.com/"],
    ["plain http", "http://org.crm4.dynamics.com/"],
  ])("an instance URL that is %s gets no request and no token", async (_w, url) => {
    const h = harness();
    await expect(h.client.dataverse.baseCurrencyCode(url)).rejects.toThrow(/Refusing/);
    expect(h.tokens.calls).toHaveLength(0);
  });

  test("each cloud has its own Dataverse hosts", async () => {
    const gov = harness([json(200, { value: [{ _basecurrencyid_value: CUR }] })], { cloud: "usgovhigh" });
    await expect(gov.client.dataverse.baseCurrencyCode(INSTANCE)).rejects.toThrow(/Refusing/);
    expect(await gov.client.dataverse.baseCurrencyId("https://org.crm.microsoftdynamics.us/")).toBe(CUR);
  });

  test("a base currency id that is not a GUID is never put into a $filter", async () => {
    const h = harness([json(200, { value: [{ _basecurrencyid_value: "x' or 1 eq 1" }] })]);
    await expect(h.client.dataverse.baseCurrencyCode(INSTANCE)).rejects.toThrow(/not a GUID/);
    expect(h.transport.requests).toHaveLength(1);
  });

  test("with BAP overridden (the emulator), instances on the override's subdomains are reached", async () => {
    const h = harness([json(200, { value: [{ _basecurrencyid_value: CUR }] })], { endpoints: { bap: "https://localhost:8443" } });
    expect(await h.client.dataverse.baseCurrencyId("https://contoso.crm.localhost:8443/")).toBe(CUR);
    await expect(h.client.dataverse.baseCurrencyId(INSTANCE)).rejects.toThrow(/Refusing/);
  });
});

describe("transport: *.localhost is loopback (RFC 6761 §6.3)", () => {
  const lookup = (host: string, family: 4 | 6 = 4) =>
    new Promise<{ address: string; family: number }>((resolve, reject) =>
      loopbackAwareLookup(host, { family }, (err, address, fam) => (err ? reject(err) : resolve({ address: address as string, family: fam as number }))),
    );
  test("europe.localhost and contoso.crm.localhost resolve to loopback without asking DNS", async () => {
    expect(await lookup("europe.localhost")).toEqual({ address: "127.0.0.1", family: 4 });
    expect(await lookup("Contoso.CRM.localhost.")).toEqual({ address: "127.0.0.1", family: 4 });
    expect(await lookup("europe.localhost", 6)).toEqual({ address: "::1", family: 6 });
  });
});
