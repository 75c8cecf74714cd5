// The tenant emulator: one HTTPS server for the Entra token endpoint, the Power
// Platform API, BAP and Power Automate, plus the /_emulator control API.
import * as https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { loadTlsMaterial, defaultDataDir, TlsMaterial } from "./tls";
import { Identity } from "./identity";
import { calledBaseUrl, Ctx, HttpError, match, Reply, Route } from "./http";
import { DEFAULT_SETTINGS, loadState, saveState, seedState, Settings, TenantState, tick } from "./state";
import { Faults, defaultFaultBody } from "./faults";
import { RateLimits, rateLimitReply } from "./rateLimit";
import { RequestLog, entraTemplate } from "./requestLog";
import { handleControl } from "./control";
import { powerPlatformRoutes } from "./surfaces/powerplatform";
import { bapRoutes } from "./surfaces/bap";
import { flowRoutes } from "./surfaces/flow";
import { dataverseRoutes } from "./surfaces/dataverse";
import { managedEnvironmentRoutes } from "./surfaces/managedEnvironments";
import { tenantSettingsRoutes } from "./surfaces/tenantSettings";
import { dlpPolicyRoutes } from "./surfaces/dlpPolicies";
import { environmentGroupRoutes } from "./surfaces/environmentGroups";
import { handlePipelineOidc } from "./surfaces/pipelineOidc";
import { SEED } from "./seed";
import { startConnectProxy, RunningConnectProxy } from "./proxy";

export interface EmulatorLogger { info(msg: string): void; error?(msg: string): void }

export interface EmulatorOptions {
  port?: number; // 0 (default) = random
  host?: string; // default 127.0.0.1
  stateFile?: string;
  dataDir?: string;
  seed?: "default" | "empty";
  settings?: Partial<Settings>;
  logger?: EmulatorLogger;
  /**
   * Proxy mode: also listen on this port (0 = random) as an HTTP CONNECT proxy
   * that tunnels the real Microsoft host names to the emulator.
   */
  proxyPort?: number;
}

export interface RunningEmulator {
  url: string;
  port: number;
  caCertPath: string;
  dataDir: string;
  env: Record<string, string>;
  /** Proxy mode only: the CONNECT proxy's URL (the value for HTTPS_PROXY). */
  proxyUrl?: string;
  /** Proxy mode only: the client environment with HTTPS_PROXY and the CA, and no endpoint override. */
  proxyEnv?: Record<string, string>;
  admin: { tenantId: string; clientId: string; clientSecret: string };
  stop(): Promise<void>;
}

const ROUTES: Route[] = [...powerPlatformRoutes, ...bapRoutes, ...flowRoutes, ...dataverseRoutes, ...environmentGroupRoutes, ...tenantSettingsRoutes, ...managedEnvironmentRoutes, ...dlpPolicyRoutes];
const API_PREFIX = /^\/(licensing|appmanagement|powerautomate|providers|api\/data|environmentmanagement|governance)(\/|$)/i;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Emulator {
  state: TenantState;
  settings: Settings;
  readonly faults = new Faults();
  readonly rateLimits = new RateLimits();
  readonly requestLog = new RequestLog();
  latencyMs = 0;
  url = "";
  readonly identity: Identity;
  private lastSaved = "";

  constructor(private opts: EmulatorOptions, readonly tls: TlsMaterial) {
    this.settings = { ...DEFAULT_SETTINGS, ...(opts.settings ?? {}) };
    this.identity = new Identity(tls, () => this.url);
    this.identity.tokenLifetime = () => this.settings.tokenLifetimeSeconds;
    const loaded = opts.stateFile ? loadState(opts.stateFile) : undefined;
    this.state = loaded ?? seedState(opts.seed ?? "default");
    this.changed();
  }

  reset(seed: "default" | "empty") {
    this.state = seedState(seed);
    this.settings = { ...DEFAULT_SETTINGS, ...(this.opts.settings ?? {}) };
    this.faults.clear();
    this.rateLimits.reset();
    this.latencyMs = 0;
    this.requestLog.clear();
    this.changed();
  }

  /** Persists the state when a state file is configured and the state changed. */
  changed() {
    if (!this.opts.stateFile) return;
    const json = JSON.stringify(this.state);
    if (json === this.lastSaved) return;
    saveState(this.opts.stateFile, json);
    this.lastSaved = json;
  }

  async handle(req: IncomingMessage, res: ServerResponse) {
    const started = Date.now();
    const base = calledBaseUrl(req, this.url);
    const url = new URL(req.url ?? "/", base);
    const method = (req.method ?? "GET").toUpperCase();
    const path = url.pathname;
    const requestId = randomUUID();
    const correlation = String(req.headers["x-ms-correlation-request-id"] ?? req.headers["x-ms-client-request-id"] ?? req.headers["client-request-id"] ?? randomUUID());
    res.setHeader("x-ms-request-id", requestId);
    res.setHeader("x-ms-correlation-request-id", correlation);
    res.setHeader("request-id", requestId);
    if (req.headers["client-request-id"]) res.setHeader("client-request-id", String(req.headers["client-request-id"]));
    const rawBody = await readBody(req);

    if (/^\/_emulator(\/|$)/.test(path)) {
      let body: any;
      try { body = rawBody ? JSON.parse(rawBody) : undefined; } catch { return send(res, { status: 400, body: { error: { code: "InvalidControlRequest", message: "invalid JSON body" } } }); }
      let reply: Reply;
      try { reply = handleControl(this, method, path, body); } catch (e) { reply = { status: 500, body: { error: { code: "InternalServerError", message: (e as Error).message } } }; }
      this.changed();
      return send(res, reply);
    }

    const isApi = API_PREFIX.test(path);
    const m = isApi ? match(ROUTES, method, path) : { route: undefined, params: {}, pathMatched: false };
    const surface = isApi ? (m.route?.surface ?? surfaceOfPath(path)) : "entra";
    const template = m.route?.template ?? (isApi ? path : entraTemplate(path));
    const log = (status: number, fault?: string) => this.requestLog.add({ time: new Date(started).toISOString(), method, host: url.host, path, query: Object.fromEntries(url.searchParams), status, surface, template, durationMs: Date.now() - started, ...(fault ? { fault } : {}) });

    const fault = this.faults.take(method, path);
    if (fault) {
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.drop) { log(0, fault.id); req.socket.destroy(); return; }
      if (fault.status) {
        const headers: Record<string, string> = { ...(fault.headers ?? {}) };
        if (fault.retryAfter !== undefined) headers["Retry-After"] = String(fault.retryAfter);
        log(fault.status, fault.id);
        return send(res, { status: fault.status, body: fault.body ?? defaultFaultBody(fault.status), headers });
      }
    }
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    if (isApi) {
      const hit = this.rateLimits.admit(this.settings.rateLimits, { surface, host: url.host }, Date.now());
      if (hit) { log(429, "rateLimit"); return send(res, rateLimitReply(hit, surface)); }
    }

    let reply: Reply;
    if (!isApi) {
      reply = this.identity.handle(method, path, url.searchParams, rawBody, base) ?? handlePipelineOidc(this, method, path, url.searchParams, req.headers.authorization) ?? { status: 404, body: { error: "not_found", error_description: `AADSTS90002: no such endpoint ${path}` } };
    } else {
      reply = this.api(req, res, method, path, url, rawBody, m, requestId, base);
    }
    this.changed();
    if (fault?.dropResponse) { log(0, fault.id); req.socket.destroy(); return; }
    log(reply.status);
    return send(res, reply);
  }

  private api(req: IncomingMessage, res: ServerResponse, method: string, path: string, url: URL, rawBody: string, m: ReturnType<typeof match>, requestId: string, base: string): Reply {
    const errorReply = (status: number, code: string, message: string, headers: Record<string, string> = {}): Reply => ({ status, body: { error: { code, message } }, headers });
    if (!m.route) {
      if (m.pathMatched) return errorReply(405, "MethodNotAllowed", `The HTTP method '${method}' is not supported for '${path}'.`);
      return errorReply(404, "ResourceNotFound", `No API operation matches '${method} ${path}'.`);
    }
    const route = m.route;
    const who = this.identity.authenticate(req.headers.authorization, route.surface, base);
    if ("error" in who) {
      const authz = `${this.identity.authorityFor(base)}/${this.state.tenant.id}/oauth2/authorize`;
      return errorReply(401, "InvalidAuthenticationToken", who.error, { "WWW-Authenticate": `Bearer authorization_uri="${authz}", error="invalid_token", error_description="${who.error.replace(/"/g, "'")}"` });
    }
    if (route.apiVersions) {
      const v = url.searchParams.get("api-version");
      if (!v) return errorReply(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
      if (!route.apiVersions.includes(v)) return errorReply(400, "InvalidApiVersionParameter", `The api-version '${v}' is invalid. The supported versions are '${route.apiVersions.join(",")}'.`);
    }
    if (route.admin && !who.isAdmin)
      return errorReply(403, "Forbidden", `The caller '${who.objectId}' does not have permission to perform '${method} ${route.template}'; a Power Platform administrator role is required.`);
    let body: any;
    if (rawBody.trim()) {
      try { body = JSON.parse(rawBody); } catch (e) { return errorReply(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: ${(e as Error).message}`); }
    }
    tick(this.state);
    const ctx: Ctx = { req, res, method, path, url, query: url.searchParams, params: m.params, body, rawBody, baseUrl: base, state: this.state, settings: this.settings, principal: who, requestId, route, changed: false };
    try {
      const r = route.handler(ctx) as Reply;
      return r;
    } catch (e) {
      if (e instanceof HttpError) return errorReply(e.status, e.code, e.message, e.headers);
      this.opts.logger?.error?.(`emulator: ${method} ${path} failed: ${(e as Error).stack}`);
      return errorReply(500, "InternalServerError", `The emulator failed: ${(e as Error).message}`);
    }
  }
}

function surfaceOfPath(path: string): "powerplatform" | "bap" | "flow" | "dataverse" {
  if (/^\/api\/data\//i.test(path)) return "dataverse";
  if (/^\/providers\/Microsoft\.BusinessAppPlatform/i.test(path)) return "bap";
  if (/^\/providers\/PowerPlatform\.Governance/i.test(path)) return "bap";
  if (/^\/providers\//i.test(path)) return "flow";
  return "powerplatform";
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => { size += c.length; if (size > 10 * 1024 * 1024) { req.destroy(); reject(new Error("body too large")); } else chunks.push(c); });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, r: Reply) {
  if (res.destroyed) return;
  for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
  if (r.body === undefined || r.status === 204 || r.status === 304) {
    res.statusCode = r.status;
    if (r.status !== 204 && r.status !== 304) res.setHeader("Content-Length", "0");
    res.end();
    return;
  }
  const json = JSON.stringify(r.body);
  res.statusCode = r.status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(json));
  res.end(json);
}

export function envFor(url: string, caCertPath: string): Record<string, string> {
  const u = new URL(url);
  const apiUrl = u.hostname === "127.0.0.1" || u.hostname === "[::1]" ? `https://localhost:${u.port}` : url;
  return {
    AZURE_AUTHORITY_HOST: url,
    AZURE_TENANT_ID: SEED.tenantId,
    AZURE_CLIENT_ID: SEED.admin.clientId,
    AZURE_CLIENT_SECRET: SEED.admin.clientSecret,
    // The API surfaces by name (`localhost`, not the IP): the emulator answers long-running
    // operations on regional hosts of the host called (`europe.localhost:PORT`) and serves
    // Dataverse at `{domain}.crm.localhost:PORT`, which the client reaches by family.
    POWERPLATFORM_API_URL: apiUrl,
    POWERPLATFORM_BAP_URL: apiUrl,
    POWERPLATFORM_FLOW_URL: apiUrl,
    NODE_EXTRA_CA_CERTS: caCertPath,
  };
}

/**
 * The client environment of proxy mode: the real host names stay (no endpoint
 * override); HTTPS_PROXY sends them to the emulator, the CA variables make
 * Node, OpenSSL-based tools (curl, Python), Go and .NET trust its certificate,
 * and NO_PROXY keeps the emulator's own control URL (loopback) direct.
 */
export function proxyEnvFor(proxyUrl: string, caCertPath: string): Record<string, string> {
  return {
    AZURE_TENANT_ID: SEED.tenantId,
    AZURE_CLIENT_ID: SEED.admin.clientId,
    AZURE_CLIENT_SECRET: SEED.admin.clientSecret,
    HTTPS_PROXY: proxyUrl,
    https_proxy: proxyUrl,
    NO_PROXY: "localhost,127.0.0.1,::1",
    no_proxy: "localhost,127.0.0.1,::1",
    NODE_EXTRA_CA_CERTS: caCertPath,
    SSL_CERT_FILE: caCertPath,
    CURL_CA_BUNDLE: caCertPath,
  };
}

export function toDotenv(env: Record<string, string>): string {
  return Object.entries(env).map(([k, v]) => `${k}=${/[\s#"']/.test(v) ? JSON.stringify(v) : v}`).join("\n") + "\n";
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const dataDir = options.dataDir ?? defaultDataDir();
  const tls = await loadTlsMaterial(dataDir);
  const emu = new Emulator(options, tls);
  const server = https.createServer({ key: tls.serverKeyPem, cert: tls.serverCertPem, keepAlive: true } as https.ServerOptions, (req, res) => {
    emu.handle(req, res).catch((e) => {
      options.logger?.error?.(`emulator: ${(e as Error).stack}`);
      if (!res.headersSent) { res.statusCode = 500; res.end(); } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => { server.off("error", reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== "0.0.0.0" && options.host !== "::" ? (options.host.includes(":") ? `[${options.host}]` : options.host) : "127.0.0.1";
  emu.url = `https://${host}:${port}`;
  options.logger?.info(`Power Platform tenant emulator listening on ${emu.url} (data dir ${dataDir}${options.stateFile ? `, state ${options.stateFile}` : ""})`);
  let proxy: RunningConnectProxy | undefined;
  if (options.proxyPort !== undefined) {
    try {
      proxy = await startConnectProxy({ port: options.proxyPort, host: options.host, target: { host: options.host && options.host !== "0.0.0.0" && options.host !== "::" ? options.host : "127.0.0.1", port }, logger: options.logger });
    } catch (e) {
      server.close();
      server.closeAllConnections();
      throw e;
    }
  }
  let stopped = false;
  return {
    url: emu.url,
    port,
    caCertPath: tls.caCertPath,
    dataDir,
    env: envFor(emu.url, tls.caCertPath),
    ...(proxy ? { proxyUrl: proxy.url, proxyEnv: proxyEnvFor(proxy.url, tls.caCertPath) } : {}),
    admin: { tenantId: SEED.tenantId, clientId: SEED.admin.clientId, clientSecret: SEED.admin.clientSecret },
    stop: () => new Promise<void>((resolve) => {
      if (stopped) return resolve();
      stopped = true;
      emu.changed();
      const closing = proxy ? proxy.close() : Promise.resolve();
      server.close(() => { closing.then(() => resolve(), () => resolve()); });
      server.closeAllConnections();
    }),
  };
}

