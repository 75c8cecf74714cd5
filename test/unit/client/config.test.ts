import { CLOUDS, CLOUD_NAMES, SURFACES } from "../../../provider/client/clouds";
import { isLoopbackHost, resolveConfig, validateEndpointUrl } from "../../../provider/client/config";
import { ConfigurationError } from "../../../provider/client/errors";

describe("clouds table", () => {
  test("every cloud has https hosts and .default scopes for the three surfaces and an authority", () => {
    for (const name of CLOUD_NAMES) {
      const c = CLOUDS[name];
      expect(c.authorityHost).toMatch(/^https:\/\/[a-z0-9.-]+$/);
      for (const s of SURFACES) {
        expect(c.surfaces[s].baseUrl).toMatch(/^https:\/\/[a-z0-9.-]+$/);
        expect(c.surfaces[s].scope).toMatch(/^https:\/\/[a-z0-9.-]+\/\.default$/);
      }
    }
  });
  test("public cloud matches the design table", () => {
    const cfg = resolveConfig({ env: {} });
    expect(cfg.cloud).toBe("public");
    expect(cfg.endpoints).toEqual({ powerplatform: "https://api.powerplatform.com", bap: "https://api.bap.microsoft.com", flow: "https://api.flow.microsoft.com" });
    expect(cfg.scopes).toEqual({
      powerplatform: "https://api.powerplatform.com/.default",
      bap: "https://service.powerapps.com/.default",
      flow: "https://service.flow.microsoft.com/.default",
    });
    expect(cfg.authorityHost).toBe("https://login.microsoftonline.com");
  });
  test.each([
    ["usgov", "https://gov.api.bap.microsoft.us", "https://login.microsoftonline.com"],
    ["gcc", "https://gov.api.bap.microsoft.us", "https://login.microsoftonline.com"],
    ["usgovhigh", "https://high.api.bap.microsoft.us", "https://login.microsoftonline.us"],
    ["dod", "https://api.bap.appsplatform.us", "https://login.microsoftonline.us"],
    ["china", "https://api.bap.partner.microsoftonline.cn", "https://login.chinacloudapi.cn"],
  ])("POWERPLATFORM_CLOUD=%s", (cloud, bap, authority) => {
    const cfg = resolveConfig({ env: { POWERPLATFORM_CLOUD: cloud } });
    expect(cfg.endpoints.bap).toBe(bap);
    expect(cfg.authorityHost).toBe(authority);
  });
  test("unknown cloud is refused", () => {
    expect(() => resolveConfig({ env: { POWERPLATFORM_CLOUD: "mars" } })).toThrow(ConfigurationError);
  });
});

describe("config resolution", () => {
  test("env overrides endpoints and authority; scopes stay the cloud's", () => {
    const cfg = resolveConfig({
      env: {
        POWERPLATFORM_CLOUD: "usgov",
        POWERPLATFORM_API_URL: "https://127.0.0.1:8443/",
        POWERPLATFORM_BAP_URL: "https://localhost:8443/bap",
        POWERPLATFORM_FLOW_URL: "http://[::1]:9000",
        AZURE_AUTHORITY_HOST: "https://127.0.0.1:8443",
        AZURE_TENANT_ID: "t",
        AZURE_CLIENT_ID: "c",
        AZURE_CLIENT_SECRET: "s3cr3t-value",
      },
    });
    expect(cfg.endpoints).toEqual({ powerplatform: "https://127.0.0.1:8443", bap: "https://localhost:8443/bap", flow: "http://[::1]:9000" });
    expect(cfg.scopes.bap).toBe("https://service.powerapps.us/.default");
    expect(cfg.authorityHost).toBe("https://127.0.0.1:8443");
    expect(cfg.credential.tenantId).toBe("t");
    expect(cfg.credential.clientSecret).toBe("s3cr3t-value");
    // secrets never serialised
    expect(JSON.stringify(cfg)).not.toContain("s3cr3t-value");
  });

  test("explicit options win over the environment", () => {
    const cfg = resolveConfig({
      cloud: "china",
      endpoints: { bap: "https://bap.example.test" },
      tenantId: "opt-tenant",
      requestTimeoutMs: 1234,
      retry: { maxAttempts: 3, maxTotalMs: 10_000 },
      operationDeadlineMs: 99_000,
      env: { POWERPLATFORM_CLOUD: "public", POWERPLATFORM_BAP_URL: "https://other.example.test", AZURE_TENANT_ID: "env-tenant" },
    });
    expect(cfg.cloud).toBe("china");
    expect(cfg.endpoints.bap).toBe("https://bap.example.test");
    expect(cfg.endpoints.powerplatform).toBe("https://api.powerplatform.partner.microsoftonline.cn");
    expect(cfg.credential.tenantId).toBe("opt-tenant");
    expect(cfg.requestTimeoutMs).toBe(1234);
    expect(cfg.retry).toMatchObject({ maxAttempts: 3, maxTotalMs: 10_000, maxRetryAfterMs: 60_000 });
    expect(cfg.operationDeadlineMs).toBe(99_000);
  });

  test("defaults: 6 attempts, 120 s, Retry-After capped at 60 s", () => {
    expect(resolveConfig({ env: {} }).retry).toMatchObject({ maxAttempts: 6, maxTotalMs: 120_000, maxRetryAfterMs: 60_000 });
  });

  test("plain http:// is refused except for loopback", () => {
    expect(() => resolveConfig({ env: { POWERPLATFORM_API_URL: "http://api.powerplatform.com" } })).toThrow(/plain http:\/\/ is refused/);
    expect(() => resolveConfig({ env: { AZURE_AUTHORITY_HOST: "http://login.example.com" } })).toThrow(ConfigurationError);
    // @azure/identity needs an https authority even on loopback
    expect(() => resolveConfig({ env: { AZURE_AUTHORITY_HOST: "http://127.0.0.1:8443" } })).toThrow(/authority must use https/);
    expect(() => resolveConfig({ endpoints: { flow: "http://10.0.0.1:8080" }, env: {} })).toThrow(/endpoints.flow/);
    expect(resolveConfig({ env: { POWERPLATFORM_API_URL: "http://127.0.0.5:8080" } }).endpoints.powerplatform).toBe("http://127.0.0.5:8080");
    expect(resolveConfig({ env: { POWERPLATFORM_API_URL: "http://localhost:8080" } }).endpoints.powerplatform).toBe("http://localhost:8080");
  });

  test("URLs are validated", () => {
    expect(() => validateEndpointUrl("not a url", "x")).toThrow(/not a valid absolute URL/);
    expect(() => validateEndpointUrl("ftp://h", "x")).toThrow(/scheme/);
    expect(() => validateEndpointUrl("https://u:p@h", "x")).toThrow(/credentials/);
    expect(() => validateEndpointUrl("https://h/?a=1", "x")).toThrow(/query/);
  });

  test("loopback detection", () => {
    for (const h of ["localhost", "127.0.0.1", "127.1.2.3", "[::1]", "::1"]) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ["10.0.0.1", "example.com", "128.0.0.1", "localhost.example.com"]) expect(isLoopbackHost(h)).toBe(false);
  });

  test("bad numbers are refused", () => {
    expect(() => resolveConfig({ env: {}, retry: { maxAttempts: 0 } })).toThrow(ConfigurationError);
    expect(() => resolveConfig({ env: {}, requestTimeoutMs: -1 })).toThrow(ConfigurationError);
  });
});
