// Helpers for the emulator's own tests (and for other suites that start it).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { startEmulator, EmulatorOptions, RunningEmulator } from "./server";

const trusted = new Set<string>();
/** Makes this process trust the emulator's CA (fetch/undici and https, MSAL included). */
export function trustCa(caCertPath: string) {
  const pem = fs.readFileSync(caCertPath, "utf8");
  if (trusted.has(pem)) return;
  trusted.add(pem);
  tls.setDefaultCACertificates([...tls.getCACertificates("default"), ...trusted]);
}

export interface Res { status: number; headers: Headers; json: any; text: string }

export class Kit {
  private tokens = new Map<string, string>();
  constructor(readonly emu: RunningEmulator, readonly dataDir: string) {}
  get url() { return this.emu.url; }

  async raw(method: string, p: string, opts: { token?: string; body?: unknown; headers?: Record<string, string>; form?: Record<string, string> } = {}): Promise<Res> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    let body: string | undefined;
    if (opts.form) { body = new URLSearchParams(opts.form).toString(); headers["content-type"] = "application/x-www-form-urlencoded"; }
    else if (opts.body !== undefined) { body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body); headers["content-type"] = "application/json"; }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const r = await fetch(p.startsWith("http") ? p : `${this.url}${p}`, { method, headers, body });
    const text = await r.text();
    let json: any;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: r.status, headers: r.headers, json, text };
  }

  async token(resource: "pp" | "bap" | "flow", who: "admin" | "maker" | "adminUser" = "admin"): Promise<string> {
    const key = `${resource}:${who}`;
    const cached = this.tokens.get(key);
    if (cached) return cached;
    const scope = { pp: "https://api.powerplatform.com/.default", bap: "https://service.powerapps.com/.default", flow: "https://service.flow.microsoft.com/.default" }[resource];
    const creds = (await this.raw("GET", "/_emulator/credentials")).json;
    const form: Record<string, string> = who === "admin"
      ? { grant_type: "client_credentials", client_id: creds.admin.clientId, client_secret: creds.admin.clientSecret, scope }
      : { grant_type: "password", client_id: creds.publicClientId, username: creds.users[who === "maker" ? 1 : 0].username, password: creds.users[who === "maker" ? 1 : 0].password, scope };
    const r = await this.raw("POST", `/${this.emu.admin.tenantId}/oauth2/v2.0/token`, { form });
    if (r.status !== 200) throw new Error(`token failed: ${r.text}`);
    this.tokens.set(key, r.json.access_token);
    return r.json.access_token;
  }

  /** API call with an admin token for the surface implied by the path. */
  async api(method: string, p: string, body?: unknown, who: "admin" | "maker" | "adminUser" = "admin"): Promise<Res> {
    const pathOnly = p.replace(/^https:\/\/[^/]+/, "");
    const res = /^\/providers\/(Microsoft\.BusinessAppPlatform|PowerPlatform\.Governance)/i.test(pathOnly) ? "bap" : /^\/providers\//i.test(pathOnly) ? "flow" : "pp";
    return this.raw(method, p, { token: await this.token(res, who), body });
  }

  control(method: string, p: string, body?: unknown) { return this.raw(method, `/_emulator${p}`, { body }); }
  clearTokens() { this.tokens.clear(); }
  async stop() { await this.emu.stop(); }
}

let sharedDataDir: string | undefined;
/** Starts an in-process emulator on a random port with a private data dir. */
export async function bootEmulator(opts: EmulatorOptions = {}): Promise<Kit> {
  const dataDir = opts.dataDir ?? (sharedDataDir ??= fs.mkdtempSync(path.join(os.tmpdir(), "pp-emulator-test-")));
  const settings = { billingPolicyProvisioningMs: 300, installDurationMs: 400, environmentOperationMs: 400, retryAfterSeconds: 0, ...(opts.settings ?? {}) };
  const emu = await startEmulator({ port: 0, ...opts, dataDir, settings });
  trustCa(emu.caCertPath);
  return new Kit(emu, dataDir);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until pred holds (or throws after timeoutMs). */
export async function until<T>(fn: () => Promise<T>, pred: (v: T) => boolean, timeoutMs = 5000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (pred(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(v).slice(0, 500)}`);
    await sleep(everyMs);
  }
}
