// Proxy mode, end to end: clients with FIXED Microsoft host names reach the
// emulator with nothing but HTTPS_PROXY and the emulator's CA.
// - curl (OpenSSL TLS stack) with HTTPS_PROXY and --cacert;
// - a compiled Go client (Go's own TLS stack, standard library only) with
//   HTTPS_PROXY and SSL_CERT_FILE;
// - our own client (createClient without any endpoint override) with
//   HTTPS_PROXY and NODE_EXTRA_CA_CERTS: its token requests (@azure/identity)
//   and its API requests (axios, provider/client/tunnel.ts) both go through the proxy.
// This machine cannot resolve the Microsoft names: every answer proves the tunnel.
//
// The absolute URLs the real service emits name its own hosts: token_endpoint /
// issuer https://login.microsoftonline.com/{tenant}/v2.0 (Entra OpenID
// configuration, e.g. panva/wellknown issuers/entra-common/entra-common.mjs),
// lifecycle Location on (regional) api.bap.microsoft.com hosts (issue 7 fact 1,
// recorded in microsoft/terraform-provider-power-platform
// internal/services/environment/tests/), install Operation-Location on
// api.powerplatform.com (DESIGN.md §3, same recordings).
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { execFile, execFileSync } from "node:child_process";
import { bootEmulator, Kit } from "./testkit";
import { SEED } from "./seed";
import { calledBaseUrl } from "./http";
import { isPlayedMicrosoftHost } from "./microsoftHosts";
import { refusalOf } from "./proxy";
import { createAxiosTransport } from "../../provider/client/transport";
import { NetworkError } from "../../provider/client/errors";

let kit: Kit;
let proxyUrl: string;
let work: string;
const TENANT = () => kit.emu.admin.tenantId;

beforeAll(async () => {
  kit = await bootEmulator({ proxyPort: 0, settings: { pageSize: 2 } });
  if (!kit.emu.proxyUrl || !kit.emu.proxyEnv) throw new Error("startEmulator({proxyPort}) returned no proxy URL / proxy env");
  proxyUrl = kit.emu.proxyUrl;
  work = fs.mkdtempSync(path.join(os.tmpdir(), "pp-proxy-mode-"));
});
afterAll(async () => {
  await kit?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Path of a program on PATH; a clear failure (not a skip) when it is missing. */
function requireTool(name: string, install: string): string {
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(`${name} is required by this test and is not on PATH: ${install}`);
  }
}

interface Run { code: number; stdout: string; stderr: string }
function run(file: string, args: string[], env: Record<string, string>, timeout = 60_000, cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout, cwd, maxBuffer: 16 * 1024 * 1024 }, (e, stdout, stderr) => {
      resolve({ code: e ? (typeof (e as { code?: unknown }).code === "number" ? (e as { code: number }).code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** A minimal environment: PATH and HOME only, plus what the test gives. */
const bareEnv = (extra: Record<string, string>): Record<string, string> => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? os.tmpdir(), ...extra });

interface CurlReply { status: number; headers: Record<string, string>; json: any; code: number; stderr: string }
/** curl through the proxy (HTTPS_PROXY) trusting the emulator CA with --cacert; nothing else configured. */
async function curl(args: string[]): Promise<CurlReply> {
  const bin = requireTool("curl", "install it (apt-get install curl)");
  const headerFile = path.join(work, `h-${Math.random().toString(36).slice(2)}`);
  const r = await run(bin, ["-sS", "--cacert", kit.emu.caCertPath, "--suppress-connect-headers", "-D", headerFile, ...args], bareEnv({ HTTPS_PROXY: proxyUrl }));
  const headers: Record<string, string> = {};
  let status = 0;
  if (fs.existsSync(headerFile)) {
    for (const line of fs.readFileSync(headerFile, "utf8").split(/\r?\n/)) {
      const s = /^HTTP\/[\d.]+ (\d{3})/.exec(line);
      if (s) { status = Number(s[1]); continue; }
      const m = /^([^:]+):\s*(.*)$/.exec(line);
      if (m) headers[m[1].toLowerCase()] = m[2];
    }
  }
  let json: any;
  try { json = r.stdout ? JSON.parse(r.stdout) : undefined; } catch { json = undefined; }
  return { status, headers, json, code: r.code, stderr: r.stderr };
}

async function curlToken(scope: string): Promise<string> {
  const r = await curl([
    `https://login.microsoftonline.com/${TENANT()}/oauth2/v2.0/token`,
    "--data-urlencode", "grant_type=client_credentials",
    "--data-urlencode", `client_id=${kit.emu.admin.clientId}`,
    "--data-urlencode", `client_secret=${kit.emu.admin.clientSecret}`,
    "--data-urlencode", `scope=${scope}`,
  ]);
  expect({ status: r.status, code: r.code, stderr: r.stderr }).toEqual({ status: 200, code: 0, stderr: "" });
  expect(typeof r.json.access_token).toBe("string");
  return r.json.access_token;
}

async function loggedHosts(): Promise<string[]> {
  const log = (await kit.control("GET", "/requests")).json;
  return [...new Set<string>(log.requests.map((x: { host?: string }) => x.host ?? ""))];
}

describe("curl with HTTPS_PROXY and --cacert against the real host names", () => {
  test("token from login.microsoftonline.com, a BAP list and a Power Platform API billing policies list", async () => {
    await kit.control("DELETE", "/requests");
    const bap = await curlToken("https://service.powerapps.com/.default");
    const envs = await curl(["-H", `Authorization: Bearer ${bap}`, "https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2023-06-01"]);
    expect(envs.status).toBe(200);
    expect(envs.json.value.length).toBe(2); // pageSize 2
    // The next link names the host the client called.
    expect(new URL(envs.json["@odata.nextLink"]).host).toBe("api.bap.microsoft.com");
    const next = await curl(["-H", `Authorization: Bearer ${bap}`, envs.json["@odata.nextLink"]]);
    expect(next.status).toBe(200);
    expect(next.json.value.length).toBeGreaterThan(0);

    const pp = await curlToken("https://api.powerplatform.com/.default");
    const policies = await curl(["-H", `Authorization: Bearer ${pp}`, "https://api.powerplatform.com/licensing/billingPolicies?api-version=2022-03-01-preview"]);
    expect(policies.status).toBe(200);
    expect(Array.isArray(policies.json.value)).toBe(true);
    expect(policies.json.value.length).toBeGreaterThan(0);

    expect((await loggedHosts()).sort()).toEqual(["api.bap.microsoft.com", "api.powerplatform.com", "login.microsoftonline.com"]);
  });

  test("an environment create answers with a lifecycle Location on a Microsoft host, which curl follows through the proxy", async () => {
    const bap = await curlToken("https://service.powerapps.com/.default");
    const domain = `proxy-${Date.now().toString(36)}`;
    const created = await curl([
      "-X", "POST", "-H", `Authorization: Bearer ${bap}`, "-H", "Content-Type: application/json",
      "--data", JSON.stringify({ location: "unitedstates", properties: { displayName: `Proxy ${domain}`, environmentSku: "Sandbox", linkedEnvironmentMetadata: { domainName: domain, baseLanguage: 1033, currency: { code: "USD" } } } }),
      "https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/environments?api-version=2023-06-01",
    ]);
    expect(created.status).toBe(202);
    const location = new URL(created.headers.location);
    expect(location.protocol).toBe("https:");
    // api.bap.microsoft.com or a regional {geo}.api.bap.microsoft.com, never the emulator's address
    expect(location.host).toMatch(/^([a-z0-9-]+\.)?api\.bap\.microsoft\.com$/);
    const op = await curl(["-H", `Authorization: Bearer ${bap}`, location.href]);
    expect([200, 202]).toContain(op.status);
    expect(op.json.id ?? op.json.name).toBeDefined();
  });

  test("an application install answers with an Operation-Location on api.powerplatform.com, which curl follows", async () => {
    const pp = await curlToken("https://api.powerplatform.com/.default");
    const install = await curl([
      "-X", "POST", "-H", `Authorization: Bearer ${pp}`,
      `https://api.powerplatform.com/appmanagement/environments/${SEED.environments.production}/applicationPackages/${SEED.packages.installable}/install?api-version=2022-03-01-preview`,
    ]);
    expect(install.status).toBe(202);
    const op = new URL(install.headers["operation-location"]);
    expect(op.origin).toBe("https://api.powerplatform.com");
    const status = await curl(["-H", `Authorization: Bearer ${pp}`, op.href]);
    expect(status.status).toBe(200);
    expect(typeof status.json.status).toBe("string");
  });

  test("OpenID metadata, instance discovery and the 401 challenge name the Microsoft host the client called", async () => {
    const meta = await curl([`https://login.microsoftonline.com/${TENANT()}/v2.0/.well-known/openid-configuration`]);
    expect(meta.status).toBe(200);
    expect(meta.json.issuer).toBe(`https://login.microsoftonline.com/${TENANT()}/v2.0`);
    expect(meta.json.token_endpoint).toBe(`https://login.microsoftonline.com/${TENANT()}/oauth2/v2.0/token`);
    expect(new URL(meta.json.jwks_uri).host).toBe("login.microsoftonline.com");
    const authz = encodeURIComponent(`https://login.microsoftonline.com/${TENANT()}/oauth2/v2.0/authorize`);
    const disc = await curl([`https://login.microsoftonline.com/common/discovery/instance?api-version=1.1&authorization_endpoint=${authz}`]);
    expect(disc.status).toBe(200);
    expect(new URL(disc.json.tenant_discovery_endpoint).host).toBe("login.microsoftonline.com");
    expect(disc.json.metadata[0].aliases).toContain("login.microsoftonline.com");
    expect(disc.json.metadata[0].preferred_network).toBe("login.microsoftonline.com");
    const unauth = await curl(["https://api.powerplatform.com/licensing/billingPolicies?api-version=2022-03-01-preview"]);
    expect(unauth.status).toBe(401);
    expect(unauth.headers["www-authenticate"]).toContain(`authorization_uri="https://login.microsoftonline.com/${TENANT()}/oauth2/authorize"`);
  });

  test("a token got through the proxy works on the direct URL too, and the direct URL keeps its own host in what it emits", async () => {
    const pp = await curlToken("https://api.powerplatform.com/.default");
    const direct = await kit.raw("GET", "/licensing/billingPolicies?api-version=2022-03-01-preview", { token: pp });
    expect(direct.status).toBe(200);
    const meta = await kit.raw("GET", `/${TENANT()}/v2.0/.well-known/openid-configuration`);
    expect(meta.json.token_endpoint).toBe(`${kit.url}/${TENANT()}/oauth2/v2.0/token`);
  });
});

/** Sends one raw request line to the proxy and returns the status line of its answer. */
function rawProxy(request: string): Promise<string> {
  const { port } = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), "127.0.0.1", () => s.write(request));
    let data = "";
    s.on("data", (c) => { data += c.toString("latin1"); });
    s.on("close", () => resolve(data.split("\r\n")[0]));
    s.on("error", reject);
    s.setTimeout(10_000, () => { s.destroy(); reject(new Error(`no answer to ${JSON.stringify(request)}`)); });
  });
}

/** CONNECT host:443 through the proxy, then a TLS handshake that checks the certificate against the emulator CA and the host name. */
function tlsThroughProxy(host: string): Promise<{ status: string; authorized: boolean; issuer?: string }> {
  const { port } = new URL(proxyUrl);
  const ca = fs.readFileSync(kit.emu.caCertPath, "utf8");
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), "127.0.0.1", () => s.write(`CONNECT ${host}:443 HTTP/1.1\r\nHost: ${host}:443\r\n\r\n`));
    s.setTimeout(10_000, () => { s.destroy(); reject(new Error(`no tunnel to ${host}`)); });
    let data = "";
    const onData = (c: Buffer) => {
      data += c.toString("latin1");
      if (!data.includes("\r\n\r\n")) return;
      s.off("data", onData);
      s.setTimeout(0);
      const status = data.split("\r\n")[0];
      if (!status.includes(" 200 ")) { s.destroy(); return resolve({ status, authorized: false }); }
      const t = tls.connect({ socket: s, servername: host, ca }, () => {
        const issuer = t.getPeerCertificate().issuer?.CN;
        resolve({ status, authorized: t.authorized, issuer: Array.isArray(issuer) ? issuer[0] : issuer });
        t.destroy();
      });
      t.on("error", reject);
    };
    s.on("data", onData);
    s.on("error", reject);
  });
}

describe("the proxy reaches nothing but the emulator", () => {
  test.each([
    ["a host the emulator does not play", "CONNECT www.example.com:443 HTTP/1.1\r\nHost: www.example.com:443\r\n\r\n", "HTTP/1.1 403 Forbidden"],
    ["a played host on another port", "CONNECT api.bap.microsoft.com:80 HTTP/1.1\r\nHost: api.bap.microsoft.com:80\r\n\r\n", "HTTP/1.1 403 Forbidden"],
    ["an IP address", "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n", "HTTP/1.1 403 Forbidden"],
    ["a name two labels under a wildcard", "CONNECT a.b.api.bap.microsoft.com:443 HTTP/1.1\r\nHost: a.b.api.bap.microsoft.com:443\r\n\r\n", "HTTP/1.1 403 Forbidden"],
    ["a look-alike suffix", "CONNECT api.bap.microsoft.com.evil.example:443 HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 403 Forbidden"],
    ["a plain http:// proxy request", "GET http://www.example.com/ HTTP/1.1\r\nHost: www.example.com\r\n\r\n", "HTTP/1.1 405 Method Not Allowed"],
  ])("%s is refused", async (_what, request, statusLine) => {
    expect(await rawProxy(request)).toBe(statusLine);
  });

  test("curl to an unplayed https host fails at the CONNECT with 403", async () => {
    const r = await curl(["https://www.example.com/"]);
    expect(r.code).toBe(56); // CURLE_RECV_ERROR: "CONNECT tunnel failed, response 403"
    expect(r.stderr).toContain("403");
  });

  test.each([
    "login.microsoftonline.com", "login.windows.net", "api.bap.microsoft.com", "europe.api.bap.microsoft.com", "api.powerplatform.com",
    "api.flow.microsoft.com", "emea.api.flow.microsoft.com", "contoso.crm.dynamics.com", "contoso.crm4.dynamics.com", "contoso.api.crm4.dynamics.com", "contoso.crm21.dynamics.com",
  ])("%s: tunnelled, and the emulator's certificate is valid for it (CA-signed, name checked)", async (host) => {
    expect(await tlsThroughProxy(host)).toEqual({ status: "HTTP/1.1 200 Connection Established", authorized: true, issuer: "Power Platform Tenant Emulator Local CA" });
  });
});

describe("a compiled Go client (standard library TLS, SSL_CERT_FILE) through HTTPS_PROXY", () => {
  test("token, BAP list and billing policies list", async () => {
    const go = requireTool("go", "install Go (the project's machines have it in /usr/local/go/bin)");
    const bin = path.join(work, "proxy-go-client");
    const build = await run(go, ["build", "-o", bin, "main.go"], { ...(process.env as Record<string, string>), GOTOOLCHAIN: "local" }, 170_000, path.join(__dirname, "proxyGoClient"));
    if (build.code !== 0) throw new Error(`go build failed: ${build.stderr}`);
    const r = await run(bin, [], bareEnv({
      HTTPS_PROXY: proxyUrl,
      SSL_CERT_FILE: kit.emu.caCertPath,
      AZURE_TENANT_ID: TENANT(),
      AZURE_CLIENT_ID: kit.emu.admin.clientId,
      AZURE_CLIENT_SECRET: kit.emu.admin.clientSecret,
    }));
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({ ok: true, tokenType: "Bearer", environments: 2, billingPolicies: expect.any(Number), proxyUsed: new URL(proxyUrl).host });
    expect(out.billingPolicies).toBeGreaterThan(0);
  }, 180_000);
});

describe("our client through HTTPS_PROXY (no endpoint override)", () => {
  test("createClient() in a process with only HTTPS_PROXY, NODE_EXTRA_CA_CERTS and AZURE_* lists policies, environments and flows", async () => {
    await kit.control("DELETE", "/requests");
    const tsx = path.join(__dirname, "..", "..", "node_modules", ".bin", "tsx");
    const env = bareEnv({
      HTTPS_PROXY: proxyUrl,
      NODE_EXTRA_CA_CERTS: kit.emu.caCertPath,
      AZURE_TENANT_ID: TENANT(),
      AZURE_CLIENT_ID: kit.emu.admin.clientId,
      AZURE_CLIENT_SECRET: kit.emu.admin.clientSecret,
    });
    const r = await run(tsx, [path.join(__dirname, "proxyClientProbe.ts")], env, 90_000);
    const out = JSON.parse(r.stdout || "{}");
    if (!out.ok) throw new Error(`client failed: ${r.stdout} ${r.stderr}`);
    expect(out.endpoints).toEqual({
      authority: "https://login.microsoftonline.com",
      powerplatform: "https://api.powerplatform.com",
      bap: "https://api.bap.microsoft.com",
      flow: "https://api.flow.microsoft.com",
    });
    expect(out.billingPolicies).toBeGreaterThan(0);
    expect(out.environments).toBeGreaterThan(2); // more than one page of 2: the client followed next links on the Microsoft host
    const log = (await kit.control("GET", "/requests")).json.requests as { host: string; surface: string }[];
    expect([...new Set(log.map((x) => `${x.surface} ${x.host}`))].sort()).toEqual([
      "bap api.bap.microsoft.com",
      "entra login.microsoftonline.com",
      "flow api.flow.microsoft.com",
      "powerplatform api.powerplatform.com",
    ]);
  }, 120_000);
});

describe("the client's transport and HTTPS_PROXY / NO_PROXY (in process)", () => {
  const saved: Record<string, string | undefined> = {};
  const setEnv = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (!(k in saved)) saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; delete saved[k]; }
  });
  const base = { HTTPS_PROXY: undefined, https_proxy: undefined, ALL_PROXY: undefined, all_proxy: undefined, HTTP_PROXY: undefined, http_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined };

  test("a Microsoft host goes through the tunnel; a NO_PROXY host goes direct; without NO_PROXY the proxy refuses it", async () => {
    const token = await kit.token("pp");
    const headers = { authorization: `Bearer ${token}` };
    const q = "/licensing/billingPolicies?api-version=2022-03-01-preview";
    setEnv({ ...base, HTTPS_PROXY: proxyUrl, NO_PROXY: "localhost,127.0.0.1" });
    const t = createAxiosTransport();
    try {
      await kit.control("DELETE", "/requests");
      const viaProxy = await t.send({ method: "GET", url: `https://api.powerplatform.com${q}`, headers, timeoutMs: 10_000 });
      expect(viaProxy.status).toBe(200);
      const direct = await t.send({ method: "GET", url: `${kit.url}${q}`, headers, timeoutMs: 10_000 });
      expect(direct.status).toBe(200);
      expect((await kit.control("GET", "/requests")).json.requests.map((x: { host: string }) => x.host)).toEqual(["api.powerplatform.com", new URL(kit.url).host]);

      setEnv({ NO_PROXY: undefined });
      const refused = await t.send({ method: "GET", url: `${kit.url}${q}`, headers, timeoutMs: 10_000 }).then(() => undefined, (e) => e);
      expect(refused).toBeInstanceOf(NetworkError);
      expect(refused.requestSent).toBe(false);
      expect(refused.errno).toBe("ERR_PROXY_TUNNEL");
      expect(refused.message).toContain(`the proxy ${proxyUrl} refused the tunnel to 127.0.0.1:${new URL(kit.url).port}: 403`);
    } finally {
      t.close?.();
    }
  });

  test("proxy credentials travel as Proxy-Authorization and never appear in an error", async () => {
    let seen = "";
    const fake = net.createServer((s) => {
      s.once("data", (c) => {
        seen = c.toString("latin1");
        s.end("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
      });
    });
    await new Promise<void>((r) => fake.listen(0, "127.0.0.1", () => r()));
    const port = (fake.address() as net.AddressInfo).port;
    setEnv({ ...base, HTTPS_PROXY: `http://corp%5Cuser:p%40ss-s3cret@127.0.0.1:${port}` });
    const t = createAxiosTransport();
    try {
      const e = await t.send({ method: "POST", url: "https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/environments?api-version=2023-06-01", headers: {}, body: {}, timeoutMs: 10_000 }).then(() => undefined, (x) => x);
      expect(seen.split("\r\n")[0]).toBe("CONNECT api.bap.microsoft.com:443 HTTP/1.1");
      expect(seen).toContain(`proxy-authorization: Basic ${Buffer.from("corp\\user:p@ss-s3cret").toString("base64")}`);
      expect(e).toBeInstanceOf(NetworkError);
      expect(e.requestSent).toBe(false);
      expect(e.message).toContain(`the proxy http://127.0.0.1:${port} refused the tunnel to api.bap.microsoft.com:443: 407`);
      expect(JSON.stringify({ m: e.message, e })).not.toMatch(/s3cret|p%40ss|p@ss/);
    } finally {
      t.close?.();
      await new Promise<void>((r) => fake.close(() => r()));
    }
  });

  test("a proxy that is not listening: the request was never sent", async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    setEnv({ ...base, https_proxy: `http://127.0.0.1:${port}` });
    const t = createAxiosTransport();
    try {
      const e = await t.send({ method: "GET", url: "https://api.powerplatform.com/licensing/billingPolicies", headers: {}, timeoutMs: 10_000 }).then(() => undefined, (x) => x);
      expect(e).toBeInstanceOf(NetworkError);
      expect(e.requestSent).toBe(false);
      expect(e.message).toContain(`could not reach the proxy http://127.0.0.1:${port} (HTTPS_PROXY) for api.powerplatform.com:443: ECONNREFUSED`);
    } finally {
      t.close?.();
    }
  });
});

describe("the host the client called (pure functions)", () => {
  const FALLBACK = "https://127.0.0.1:8443";
  test.each([
    ["api.bap.microsoft.com", "https://api.bap.microsoft.com"],
    ["API.BAP.Microsoft.com:443", "https://api.bap.microsoft.com"],
    ["127.0.0.1:8443", "https://127.0.0.1:8443"],
    ["localhost:8443", "https://localhost:8443"],
    ["[::1]:8443", "https://[::1]:8443"],
    ["", FALLBACK],
    ["evil.example/path", FALLBACK],
    ["user@evil.example", FALLBACK],
    ["a b", FALLBACK],
  ])("Host %j → %s", (host, base) => {
    expect(calledBaseUrl({ headers: host ? { host } : {} }, FALLBACK)).toBe(base);
  });

  test.each([
    ["login.microsoftonline.com:443", undefined],
    ["LOGIN.MICROSOFTONLINE.COM:443", undefined],
    ["unitedstates.api.bap.microsoft.com:443", undefined],
    ["api.bap.microsoft.com", "'api.bap.microsoft.com' is not a host:port CONNECT target"],
    ["api.bap.microsoft.com:8443", "only port 443 is tunnelled (asked for 8443)"],
    ["graph.microsoft.com:443", "'graph.microsoft.com' is not a Microsoft host this emulator plays; the proxy reaches nothing else"],
    ["-x.api.bap.microsoft.com:443", "'-x.api.bap.microsoft.com' is not a Microsoft host this emulator plays; the proxy reaches nothing else"],
  ])("CONNECT %s → %s", (target, why) => {
    expect(refusalOf(target)).toBe(why);
  });

  test("one wildcard label, never two, never a bare suffix", () => {
    expect(isPlayedMicrosoftHost("org.crm.dynamics.com")).toBe(true);
    expect(isPlayedMicrosoftHost("crm.dynamics.com")).toBe(false);
    expect(isPlayedMicrosoftHost("a.org.crm.dynamics.com")).toBe(false);
    expect(isPlayedMicrosoftHost("0000000000000001.23.environment.api.powerplatform.com")).toBe(false);
  });
});
