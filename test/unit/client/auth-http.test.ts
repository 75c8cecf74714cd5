import { CachingTokenProvider, chooseCredentialKind, createTokenProvider } from "../../../provider/client/auth";
import { AuthError } from "../../../provider/client/errors";
import { resolveConfig } from "../../../provider/client/config";
import { CLIENT_VERSION } from "../../../provider/client/version";
import { FakeClock, harness, json, SECRET_TOKEN } from "./helpers";

describe("token cache", () => {
  test("caches per scope until shortly before expiry, single-flight", async () => {
    const clock = new FakeClock();
    let calls = 0;
    const source = {
      getToken: async (scope: string | string[]) => {
        calls++;
        await Promise.resolve();
        return { token: `tok-${calls}-${String(scope)}`, expiresOnTimestamp: clock.now() + 60 * 60_000 };
      },
    };
    const p = new CachingTokenProvider(async () => source, { now: () => clock.now(), refreshMarginMs: 5 * 60_000 });
    const [a, b] = await Promise.all([p.getToken("s1"), p.getToken("s1")]);
    expect(a).toBe(b);
    expect(calls).toBe(1);
    await p.getToken("s2");
    expect(calls).toBe(2);
    clock.t += 50 * 60_000;
    await p.getToken("s1");
    expect(calls).toBe(2); // still 10 min left
    clock.t += 6 * 60_000;
    await p.getToken("s1");
    expect(calls).toBe(3); // within the 5 min margin: refreshed
    await p.getToken("s1", { forceRefresh: true });
    expect(calls).toBe(4);
  });

  test("tokens for several scopes at once: the first request goes alone, the others follow it", async () => {
    const started: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const firstDone = new Promise<void>((resolve) => (releaseFirst = resolve));
    const source = {
      getToken: async (scope: string | string[]) => {
        started.push(String(scope));
        if (started.length === 1) await firstDone;
        return { token: `tok-${String(scope)}`, expiresOnTimestamp: Date.now() + 60 * 60_000 };
      },
    };
    const p = new CachingTokenProvider(async () => source);
    const all = Promise.all([p.getToken("s1"), p.getToken("s2"), p.getToken("s3")]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(["s1"]); // s2 and s3 wait: the credential reads the authority's metadata once
    releaseFirst();
    expect(await all).toEqual(["tok-s1", "tok-s2", "tok-s3"]);
    expect(started.sort()).toEqual(["s1", "s2", "s3"]);
  });

  test("a failed first request does not block the other scopes", async () => {
    const source = {
      getToken: async (scope: string | string[]) => {
        if (scope === "bad") throw new Error("no");
        return { token: `tok-${String(scope)}`, expiresOnTimestamp: Date.now() + 60 * 60_000 };
      },
    };
    const p = new CachingTokenProvider(async () => source);
    const [bad, good] = await Promise.allSettled([p.getToken("bad"), p.getToken("good")]);
    expect(bad.status).toBe("rejected");
    expect(good).toEqual({ status: "fulfilled", value: "tok-good" });
  });

  test("credential failures become AuthError without secrets", async () => {
    const p = new CachingTokenProvider(async () => ({
      getToken: async () => {
        throw new Error(`AADSTS7000215: Invalid client secret provided. client_secret=abc123 Bearer ${SECRET_TOKEN}`);
      },
    }));
    const err = await p.getToken("s").catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain("AADSTS7000215");
    expect(err.message).not.toContain("abc123");
    expect(JSON.stringify(err)).not.toContain(SECRET_TOKEN);
  });

  test("credential choice follows the usual Azure order", () => {
    const c = (env: Record<string, string>) => chooseCredentialKind(resolveConfig({ env }).credential);
    expect(c({ AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_CLIENT_SECRET: "s" })).toBe("clientSecret");
    expect(c({ AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_CLIENT_CERTIFICATE_PATH: "/x.pem" })).toBe("clientCertificate");
    expect(c({ AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_FEDERATED_TOKEN_FILE: "/t" })).toBe("workloadIdentity");
    expect(c({ AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_USERNAME: "u", AZURE_PASSWORD: "p" })).toBe("usernamePassword");
    expect(c({})).toBe("chain");
    expect(chooseCredentialKind(resolveConfig({ env: {}, credential: "azureCli" }).credential)).toBe("azureCli");
  });

  test("an injected credential is used for the scope of each surface", async () => {
    const scopes: string[] = [];
    const cfg = resolveConfig({ env: {} });
    const p = createTokenProvider(cfg, { getToken: async (s) => (scopes.push(String(s)), { token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) });
    await p.getToken(cfg.scopes.bap);
    expect(scopes).toEqual(["https://service.powerapps.com/.default"]);
  });
});

describe("HTTP request", () => {
  test("headers: bearer, accept, json, correlation id, user agent", async () => {
    const { client, transport, tokens } = harness([json(200, { id: "p", name: "n", status: "Enabled", location: "europe", billingInstrument: { subscriptionId: "s", resourceGroup: "r" } })]);
    await client.billingPolicies.update("p", { name: "n", status: "Enabled" }, { correlationId: "11111111-2222-3333-4444-555555555555" });
    const req = transport.requests[0]!;
    expect(req.method).toBe("PUT");
    expect(req.url).toBe("https://api.powerplatform.com/licensing/billingPolicies/p?api-version=2022-03-01-preview");
    expect(req.headers).toMatchObject({
      Authorization: `Bearer ${SECRET_TOKEN}`,
      Accept: "application/json",
      "Content-Type": "application/json",
      "User-Agent": `powerplatform-iac/${CLIENT_VERSION}`,
      "x-ms-correlation-request-id": "11111111-2222-3333-4444-555555555555",
    });
    expect(req.body).toEqual({ name: "n", status: "Enabled" });
    expect(tokens.calls[0]!.scope).toBe("https://api.powerplatform.com/.default");
  });

  test("one correlation id per call, kept across retries; a fresh one per call", async () => {
    const { client, transport } = harness([json(503), json(200, { value: [] }), json(200, { value: [] })]);
    await client.environments.list();
    await client.environments.list();
    const ids = transport.requests.map((r) => r.headers["x-ms-correlation-request-id"]);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  test("a 401 refreshes the token once", async () => {
    const { client, transport, tokens } = harness([json(401, { error: { code: "ExpiredAuthenticationToken" } }), json(200, { value: [] })]);
    await client.environments.list();
    expect(tokens.calls.map((c) => !!c.forceRefresh)).toEqual([false, true]);
    expect(transport.requests[1]!.headers.Authorization).not.toBe(transport.requests[0]!.headers.Authorization);
    expect(tokens.calls[0]!.scope).toBe("https://service.powerapps.com/.default");
  });

  test("a second 401 is an AuthError (not retried further)", async () => {
    const { client, transport } = harness([json(401), json(401), json(200, { value: [] })]);
    await expect(client.environments.list()).rejects.toBeInstanceOf(AuthError);
    expect(transport.requests).toHaveLength(2);
  });

  test("path segments are encoded", async () => {
    const { client, transport } = harness([json(200, { name: "f", properties: {} })]);
    await client.flows.get("Default-abc", "a/b c?");
    expect(transport.requests[0]!.url).toBe(
      "https://api.flow.microsoft.com/providers/Microsoft.ProcessSimple/scopes/admin/environments/Default-abc/flows/a%2Fb%20c%3F?api-version=2016-11-01",
    );
  });

  test("endpoint overrides with a base path and the flow scope", async () => {
    const { client, transport, tokens } = harness([json(200, { value: [] })], { env: { POWERPLATFORM_FLOW_URL: "https://127.0.0.1:8443/flow" } });
    await client.flows.list("env");
    expect(transport.requests[0]!.url).toBe("https://127.0.0.1:8443/flow/providers/Microsoft.ProcessSimple/scopes/admin/environments/env/v2/flows?api-version=2016-11-01");
    expect(tokens.calls[0]!.scope).toBe("https://service.flow.microsoft.com/.default");
  });

  test("logger sees redacted headers only", async () => {
    const lines: string[] = [];
    const { client } = harness([json(200, { value: [] })], { logger: (e) => lines.push(JSON.stringify(e)) });
    await client.environments.list();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toContain(SECRET_TOKEN);
    expect(lines.join("\n")).toContain("[REDACTED]");
  });

  test("close() releases the transport", () => {
    const { client, transport } = harness();
    client.close();
    expect(transport.closed).toBe(true);
  });
});
