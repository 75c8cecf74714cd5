/**
 * The wire: one function that sends one HTTP request and returns status,
 * headers and parsed body for ANY status (the caller decides what is accepted).
 * The default transport is axios with keep-alive agents and a per-request
 * timeout; tests inject a fake transport. https:// requests honour
 * HTTPS_PROXY / NO_PROXY (proxy.ts) through a CONNECT tunnel (tunnel.ts), as
 * @azure/identity does for the token requests.
 */
import * as dns from "node:dns";
import * as http from "node:http";
import * as https from "node:https";
import type { LookupFunction } from "node:net";
import { abortReason } from "./clock";
import { NetworkError } from "./errors";
import { proxyForUrl, proxyFromEnvironment } from "./proxy";
import { PROXY_TUNNEL_ERROR, ProxyTunnelAgent } from "./tunnel";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One HTTP request as the transport sends it (headers complete, token included). */
export interface TransportRequest {
  method: HttpMethod;
  /** Absolute URL including the query string. */
  url: string;
  headers: Record<string, string>;
  /** JSON-serialisable body (already an object; the transport serialises it). */
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** What came back: status, headers, parsed body. */
export interface TransportResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON, a string when not JSON, undefined when empty. */
  data: unknown;
}

/** The wire: sends one request, nothing more (no retry, no auth); tests inject fakes. */
export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
  /** Releases sockets. */
  close?(): void;
}

/** Errors codes that prove the request never reached the server. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  PROXY_TUNNEL_ERROR,
]);

/** Maps a low-level failure (no HTTP response) to a NetworkError without keeping the raw error (it holds headers). */
export function networkErrorFrom(e: unknown, method: string, url: string): NetworkError {
  const err = e as { code?: string; message?: string; cause?: { code?: string } };
  let code = err?.code ?? err?.cause?.code;
  const message = err?.message ?? String(e);
  if (code === "ECONNABORTED" && /timeout/i.test(message)) code = "ETIMEDOUT";
  if (!code && /socket hang up/i.test(message)) code = "ECONNRESET";
  const requestSent = !(code && NOT_SENT_CODES.has(code));
  return new NetworkError(`${method} request failed without a response${code ? ` (${code})` : ""}: ${message}`, {
    method,
    url,
    requestSent,
    errno: code,
  });
}

function normaliseHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const obj =
    h && typeof (h as { toJSON?: unknown }).toJSON === "function"
      ? ((h as { toJSON: () => Record<string, unknown> }).toJSON() as Record<string, unknown>)
      : (h as Record<string, unknown> | undefined);
  for (const [k, v] of Object.entries(obj ?? {})) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
  }
  return out;
}

function normaliseBody(data: unknown): unknown {
  if (data === "" || data === undefined || data === null) return undefined;
  if (typeof data === "string") {
    const t = data.trim();
    if (t.startsWith("{") || t.startsWith("[")) {
      try {
        return JSON.parse(t);
      } catch {
        return data;
      }
    }
  }
  return data;
}

/**
 * Name resolution of the transport: `localhost` and every `*.localhost` name go to
 * the loopback address (RFC 6761 §6.3: such names always resolve to loopback; Node's
 * resolver only knows `localhost` itself from /etc/hosts). The emulator answers on
 * `europe.localhost:PORT`, `contoso.crm.localhost:PORT`…; everything else uses the
 * system resolver.
 */
export const loopbackAwareLookup: LookupFunction = (hostname, options, callback) => {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) {
    const family = options.family === 6 || options.family === "IPv6" ? 6 : 4;
    const address = family === 6 ? "::1" : "127.0.0.1";
    if (options.all) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
    return;
  }
  dns.lookup(hostname, options, callback as (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void);
};

/** The part of an axios instance the transport uses. */
interface AxiosLike {
  request(config: Record<string, unknown>): Promise<{ status: number; headers: unknown; data: unknown }>;
}

export interface AxiosTransportOptions {
  /** Max sockets per host (default 16). */
  maxSockets?: number;
}

/** The default transport: axios (loaded on first use) with keep-alive agents. */
export function createAxiosTransport(options: AxiosTransportOptions = {}): Transport {
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 16, lookup: loopbackAwareLookup });
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 16, lookup: loopbackAwareLookup });
  // A malformed proxy variable is a configuration error now, before any request (token requests included).
  proxyFromEnvironment();
  // One tunnelling agent per proxy URL; the proxy is chosen per request from the environment.
  const tunnelAgents = new Map<string, ProxyTunnelAgent>();
  const httpsAgentFor = (url: string): https.Agent => {
    const proxy = proxyForUrl(url);
    if (!proxy) return httpsAgent;
    let agent = tunnelAgents.get(proxy.href);
    if (!agent) {
      agent = new ProxyTunnelAgent(proxy, { keepAlive: true, maxSockets: options.maxSockets ?? 16 });
      tunnelAgents.set(proxy.href, agent);
    }
    return agent;
  };
  let instance: Promise<AxiosLike> | undefined;
  const getInstance = (): Promise<AxiosLike> => {
    instance ??= import("axios").then((m): AxiosLike => {
      const axios = m.default ?? (m as unknown as typeof m.default);
      return axios.create({
        httpAgent,
        httpsAgent,
        proxy: false,
        maxRedirects: 0,
        validateStatus: () => true,
        responseType: "text",
        transformResponse: [(d: unknown) => d],
        decompress: true,
      }) as unknown as AxiosLike;
    });
    return instance;
  };
  return {
    async send(req: TransportRequest): Promise<TransportResponse> {
      const ax = await getInstance();
      const agent = httpsAgentFor(req.url);
      try {
        const res = await ax.request({
          method: req.method,
          url: req.url,
          headers: req.headers,
          data: req.body === undefined ? undefined : JSON.stringify(req.body),
          timeout: req.timeoutMs,
          signal: req.signal,
          // axios's own `proxy` option does not tunnel https (CONNECT): it stays off, the agent tunnels.
          httpsAgent: agent,
        });
        return { status: res.status, headers: normaliseHeaders(res.headers), data: normaliseBody(res.data) };
      } catch (e) {
        if (req.signal?.aborted) throw abortReason(req.signal);
        throw networkErrorFrom(e, req.method, req.url);
      }
    },
    close(): void {
      httpsAgent.destroy();
      httpAgent.destroy();
      for (const agent of tunnelAgents.values()) agent.destroy();
      tunnelAgents.clear();
    },
  };
}

export { normaliseBody as parseBody, normaliseHeaders };
