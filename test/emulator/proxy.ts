// Proxy mode: an HTTP CONNECT proxy that tunnels `CONNECT host:443` for the
// Microsoft hosts the emulator plays (microsoftHosts.ts) to the emulator's TLS
// server, and refuses (403) every other destination. It never opens a
// connection anywhere but the emulator, so a client pointed at it with
// HTTPS_PROXY cannot reach the internet through it.
//
// The TLS session runs end to end between the client and the emulator: the
// leaf certificate names the Microsoft hosts and is signed by the emulator's
// CA, which the client trusts (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, --cacert).
import * as http from "node:http";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { isPlayedMicrosoftHost } from "./microsoftHosts";

export interface ConnectProxyOptions {
  /** Port to listen on (0 = random). */
  port: number;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Where tunnels go: the emulator's TLS server. */
  target: { host: string; port: number };
  logger?: { info(msg: string): void };
}

export interface RunningConnectProxy {
  /** `http://127.0.0.1:PORT`, the value for HTTPS_PROXY. */
  url: string;
  port: number;
  /** Tunnels opened and requests refused so far (for tests and the log). */
  stats: { tunnels: number; refused: number };
  close(): Promise<void>;
}

/** `host:port` of a CONNECT request line; undefined when it is not one. */
export function parseConnectTarget(target: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]\s/]+):(\d{1,5})$/.exec(target.trim());
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1].replace(/^\[|\]$/g, "").toLowerCase(), port };
}

/** Why a CONNECT target is refused, or undefined when the emulator plays it. */
export function refusalOf(target: string): string | undefined {
  const t = parseConnectTarget(target);
  if (!t) return `'${target}' is not a host:port CONNECT target`;
  if (t.port !== 443) return `only port 443 is tunnelled (asked for ${t.port})`;
  if (!isPlayedMicrosoftHost(t.host)) return `'${t.host}' is not a Microsoft host this emulator plays; the proxy reaches nothing else`;
  return undefined;
}

function refuse(socket: Duplex, status: 400 | 403 | 405, reason: string) {
  const text = `${reason}\n`;
  const phrase = { 400: "Bad Request", 403: "Forbidden", 405: "Method Not Allowed" }[status];
  socket.end(`HTTP/1.1 ${status} ${phrase}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}

export async function startConnectProxy(options: ConnectProxyOptions): Promise<RunningConnectProxy> {
  const stats = { tunnels: 0, refused: 0 };
  const open = new Set<Duplex>();
  const server = http.createServer((req, res) => {
    // Plain (non-CONNECT) proxy requests would be http:// to the internet: never.
    stats.refused++;
    const body = `This proxy only tunnels CONNECT to the Microsoft hosts the Power Platform emulator plays; '${req.method} ${req.url}' is refused.\n`;
    res.writeHead(405, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
    res.end(body);
  });
  server.on("connect", (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
    const target = req.url ?? "";
    const why = refusalOf(target);
    client.on("error", () => undefined);
    if (why) {
      stats.refused++;
      options.logger?.info(`emulator proxy: refused CONNECT ${target}: ${why}`);
      return refuse(client, 403, `CONNECT refused: ${why}`);
    }
    const upstream = net.connect(options.target.port, options.target.host);
    open.add(client);
    open.add(upstream);
    const cleanup = () => { open.delete(client); open.delete(upstream); client.destroy(); upstream.destroy(); };
    upstream.once("error", () => {
      if (!client.destroyed && (client as net.Socket).writable) refuse(client, 403, "CONNECT refused: the emulator is not reachable");
      cleanup();
    });
    upstream.once("connect", () => {
      stats.tunnels++;
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    client.once("close", cleanup);
    upstream.once("close", cleanup);
  });
  server.on("clientError", (_e, socket) => { if (socket.writable) refuse(socket, 400, "bad request"); else socket.destroy(); });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => { server.off("error", reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== "0.0.0.0" && options.host !== "::" ? (options.host.includes(":") ? `[${options.host}]` : options.host) : "127.0.0.1";
  const url = `http://${host}:${port}`;
  options.logger?.info(`Proxy mode: CONNECT proxy on ${url} tunnels the Microsoft hosts to the emulator (HTTPS_PROXY=${url})`);
  return {
    url,
    port,
    stats,
    close: () => new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      open.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
