// Which requests go through HTTPS_PROXY and which go direct (NO_PROXY).
// The variable rules follow @azure/identity's (the token requests), read from
// @typespec/ts-http-runtime policies/proxyPolicy (HTTPS_PROXY || ALL_PROXY ||
// HTTP_PROXY, upper case first; `.suffix` matches the domain and its
// subdomains; a bare name matches that host only); `*`, `host:port` and case
// folding follow curl (https://curl.se/docs/manpage.html#--noproxy) and Node's
// built-in proxy support.
import { bypassesProxy, noProxyList, proxyForUrl, proxyFromEnvironment, describeProxy } from "../../../provider/client/proxy";
import { ConfigurationError } from "../../../provider/client/errors";
import { createAxiosTransport, networkErrorFrom } from "../../../provider/client/transport";
import { PROXY_TUNNEL_ERROR } from "../../../provider/client/tunnel";

const PROXY = "http://proxy.corp.example:3128";

describe("proxy variables", () => {
  test("HTTPS_PROXY, then ALL_PROXY, then HTTP_PROXY; upper case before lower case", () => {
    expect(proxyFromEnvironment({})).toBeUndefined();
    expect(proxyFromEnvironment({ HTTPS_PROXY: " " })).toBeUndefined();
    expect(proxyFromEnvironment({ https_proxy: PROXY })?.href).toBe(`${PROXY}/`);
    expect(proxyFromEnvironment({ HTTP_PROXY: "http://h:1", ALL_PROXY: "http://a:2" })?.host).toBe("a:2");
    expect(proxyFromEnvironment({ HTTP_PROXY: "http://h:1" })?.host).toBe("h:1");
    expect(proxyFromEnvironment({ HTTPS_PROXY: "http://upper:1", https_proxy: "http://lower:2" })?.host).toBe("upper:1");
    expect(proxyFromEnvironment({ HTTPS_PROXY: "proxy.corp.example:3128" })?.href).toBe(`${PROXY}/`);
  });

  test("a malformed or unsupported proxy is a configuration error naming the variable, never echoing credentials", () => {
    const bad = () => proxyFromEnvironment({ HTTPS_PROXY: "http://user:s3cret@[bad" });
    expect(bad).toThrow(ConfigurationError);
    expect(bad).toThrow(/HTTPS_PROXY/);
    try { bad(); } catch (e) { expect(String((e as Error).message)).not.toContain("s3cret"); }
    expect(() => proxyFromEnvironment({ ALL_PROXY: "socks5://user:s3cret@h:1080" })).toThrow(/ALL_PROXY: proxy scheme socks5: is not supported/);
  });

  test("the transport refuses a malformed proxy variable when it is created, before any request", () => {
    const saved = process.env.HTTPS_PROXY;
    process.env.HTTPS_PROXY = "ftp://proxy.corp.example:21";
    try {
      expect(() => createAxiosTransport()).toThrow(ConfigurationError);
      expect(() => createAxiosTransport()).toThrow(/HTTPS_PROXY: proxy scheme ftp: is not supported/);
    } finally {
      if (saved === undefined) delete process.env.HTTPS_PROXY;
      else process.env.HTTPS_PROXY = saved;
    }
  });

  test("the proxy is described without its credentials", () => {
    expect(describeProxy(new URL("http://user:s3cret@proxy:3128"))).toBe("http://proxy:3128");
  });
});

describe("NO_PROXY matching", () => {
  const list = (v: string) => noProxyList({ NO_PROXY: v });
  test.each([
    // [NO_PROXY, host, port, bypassed]
    ["localhost,127.0.0.1", "localhost", 443, true],
    ["localhost,127.0.0.1", "127.0.0.1", 8443, true],
    ["localhost,127.0.0.1", "api.bap.microsoft.com", 443, false],
    ["::1", "[::1]", 443, true],
    ["[::1]:8443", "::1", 8443, true],
    ["[::1]:8443", "::1", 443, false],
    // suffixes: the domain itself and every name under it
    [".microsoft.com", "api.bap.microsoft.com", 443, true],
    [".microsoft.com", "microsoft.com", 443, true],
    [".microsoft.com", "notmicrosoft.com", 443, false],
    ["*.microsoft.com", "europe.api.bap.microsoft.com", 443, true],
    ["*.microsoft.com", "microsoft.com", 443, true],
    // a bare name is that host only (as @azure/identity reads it)
    ["microsoft.com", "api.bap.microsoft.com", 443, false],
    ["api.bap.microsoft.com", "api.bap.microsoft.com", 443, true],
    // case, spaces, trailing dots, empty entries
    [" API.BAP.Microsoft.COM , ,", "api.bap.microsoft.com", 443, true],
    ["api.bap.microsoft.com", "API.bap.microsoft.com.", 443, true],
    // ports
    ["api.powerplatform.com:8443", "api.powerplatform.com", 443, false],
    ["api.powerplatform.com:443", "api.powerplatform.com", 443, true],
    // everything
    ["*", "login.microsoftonline.com", 443, true],
    ["", "login.microsoftonline.com", 443, false],
  ])("NO_PROXY=%j: %s:%d bypassed=%s", (noProxy, host, port, bypassed) => {
    expect(bypassesProxy(host, port, list(noProxy))).toBe(bypassed);
  });

  test("lower-case no_proxy is read when NO_PROXY is not set", () => {
    expect(noProxyList({ no_proxy: "a.example,.b.example" })).toEqual(["a.example", ".b.example"]);
  });
});

describe("proxyForUrl: the decision per request", () => {
  const env = { HTTPS_PROXY: PROXY, NO_PROXY: "localhost,127.0.0.1,.internal.example" };
  test.each([
    ["https://api.bap.microsoft.com/providers/x?api-version=1", `${PROXY}/`],
    ["https://europe.api.bap.microsoft.com/lifecycleOperations/1", `${PROXY}/`],
    ["https://login.microsoftonline.com/t/oauth2/v2.0/token", `${PROXY}/`],
    ["https://127.0.0.1:8443/licensing/billingPolicies", undefined],
    ["https://localhost:8443/x", undefined],
    ["https://pp.internal.example/x", undefined],
    // plain http (the client allows it to loopback only) is never proxied
    ["http://api.example/x", undefined],
  ])("%s → %s", (url, expected) => {
    expect(proxyForUrl(url, env)?.href).toBe(expected);
  });

  test("no proxy variable: every request is direct", () => {
    expect(proxyForUrl("https://api.bap.microsoft.com/x", {})).toBeUndefined();
  });
});

describe("a tunnel the proxy refused or could not open", () => {
  test("is a NetworkError whose request provably never reached the service", () => {
    const raw = Object.assign(new Error("the proxy http://proxy:3128 refused the tunnel to api.bap.microsoft.com:443: 403 Forbidden"), { code: PROXY_TUNNEL_ERROR });
    const e = networkErrorFrom(raw, "POST", "https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/environments");
    expect(e.requestSent).toBe(false);
    expect(e.errno).toBe(PROXY_TUNNEL_ERROR);
    expect(e.message).toContain("refused the tunnel");
  });
});
