/**
 * An https.Agent that reaches its targets through an HTTP CONNECT proxy: it
 * asks the proxy for a tunnel to host:port, then runs TLS to the target inside
 * it (the proxy sees only the target's name, never the request). Keep-alive
 * pooling works as with a direct agent: sockets are pooled per target.
 *
 * Built on node:http / node:tls (no dependency). Failures carry the code
 * ERR_PROXY_TUNNEL (the request never reached the service) and name the proxy
 * without its credentials.
 */
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as tls from "node:tls";
import type { Duplex } from "node:stream";
import { describeProxy } from "./proxy";

export const PROXY_TUNNEL_ERROR = "ERR_PROXY_TUNNEL";

export interface TunnelAgentOptions extends https.AgentOptions {
  /** How long to wait for the proxy to open the tunnel (default 30 s). */
  connectTimeoutMs?: number;
}

type ConnectCallback = (err: Error | null, socket?: Duplex) => void;

function tunnelError(message: string, cause?: unknown): Error {
  return Object.assign(new Error(message), { code: PROXY_TUNNEL_ERROR }, cause ? { cause } : {});
}

export class ProxyTunnelAgent extends https.Agent {
  private readonly connectTimeoutMs: number;

  constructor(
    readonly proxy: URL,
    options: TunnelAgentOptions = {},
  ) {
    super(options);
    this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
  }

  /** Called by the agent for each new socket; answers through the callback once the tunnel is up. */
  override createConnection(options: tls.ConnectionOptions & { host?: string; port?: number | string }, callback: ConnectCallback): undefined {
    const host = String(options.host ?? "localhost");
    const port = Number(options.port) || 443;
    const authority = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
    const via = describeProxy(this.proxy);
    const headers: Record<string, string> = { host: authority };
    if (this.proxy.username || this.proxy.password) {
      const user = decodeURIComponent(this.proxy.username);
      const pass = decodeURIComponent(this.proxy.password);
      headers["proxy-authorization"] = `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
    }
    const proxyHost = this.proxy.hostname.replace(/^\[|\]$/g, "");
    const proxyPort = this.proxy.port ? Number(this.proxy.port) : this.proxy.protocol === "https:" ? 443 : 80;
    const request = (this.proxy.protocol === "https:" ? https : http).request({
      host: proxyHost,
      port: proxyPort,
      method: "CONNECT",
      path: authority,
      headers,
      agent: false,
      timeout: this.connectTimeoutMs,
      ...(this.proxy.protocol === "https:" && !net.isIP(proxyHost) ? { servername: proxyHost } : {}),
    });
    let settled = false;
    const settle = (err: Error | null, socket?: Duplex) => {
      if (settled) {
        socket?.destroy();
        return;
      }
      settled = true;
      callback(err, socket);
    };
    request.once("connect", (res: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        settle(tunnelError(`the proxy ${via} refused the tunnel to ${authority}: ${res.statusCode} ${res.statusMessage ?? ""}`.trim()));
        return;
      }
      socket.setTimeout(0);
      if (head.length) socket.unshift(head);
      const secure = tls.connect({
        ...options,
        socket,
        host,
        servername: options.servername ?? (net.isIP(host) ? undefined : host),
      });
      settle(null, secure);
    });
    request.once("timeout", () => {
      request.destroy(tunnelError(`the proxy ${via} did not open a tunnel to ${authority} within ${this.connectTimeoutMs} ms`));
    });
    request.once("error", (e: Error & { code?: string }) => {
      if (e.code === PROXY_TUNNEL_ERROR) return settle(e);
      settle(tunnelError(`could not reach the proxy ${via} (HTTPS_PROXY) for ${authority}: ${e.code ?? e.message}`, e));
    });
    request.end();
    return undefined;
  }
}
