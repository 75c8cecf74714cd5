/**
 * Which proxy a request goes through, from the environment (HTTPS_PROXY,
 * NO_PROXY, …). The token requests are sent by @azure/identity, which reads the
 * same variables; the rules here agree with its rules so that a token request
 * and an API request to a host take the same path:
 * - the proxy is HTTPS_PROXY, else ALL_PROXY, else HTTP_PROXY (each upper case,
 *   then lower case), as @azure/identity (@typespec/ts-http-runtime
 *   policies/proxyPolicy) reads them;
 * - NO_PROXY is a comma- (or space-) separated list: `host` matches that host
 *   exactly, `.example.com` (or `*.example.com`) matches example.com and every
 *   name under it. Beyond @azure/identity, and as curl and Node do: `*` matches
 *   every host, `host:port` matches that port only, and names are compared
 *   without regard to case.
 * Only https:// requests are proxied (the client sends http:// to loopback
 * only); the proxy itself may be http:// (the usual case) or https://.
 */
import { ConfigurationError } from "./errors";

export type Environment = Readonly<Record<string, string | undefined>>;

function envValue(env: Environment, name: string): string | undefined {
  const v = env[name] || env[name.toLowerCase()];
  return v && v.trim() ? v.trim() : undefined;
}

/** The proxy URL without its credentials, for messages. */
export function describeProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

/** The configured proxy (any target), validated; undefined when none is set. */
export function proxyFromEnvironment(env: Environment = process.env): URL | undefined {
  const name = ["HTTPS_PROXY", "ALL_PROXY", "HTTP_PROXY"].find((n) => envValue(env, n));
  if (!name) return undefined;
  const raw = envValue(env, name)!;
  let u: URL;
  try {
    // "proxy.corp:3128" without a scheme means http://, as curl reads it.
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new ConfigurationError(`${name}: not a valid proxy URL (expected http://host:port)`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new ConfigurationError(`${name}: proxy scheme ${u.protocol} is not supported (use http:// or https://)`);
  }
  if (!u.hostname) throw new ConfigurationError(`${name}: the proxy URL has no host`);
  return u;
}

/** The NO_PROXY entries, lower-cased. */
export function noProxyList(env: Environment = process.env): string[] {
  return (envValue(env, "NO_PROXY") ?? "")
    .split(/[\s,]+/)
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
}

/** True when a NO_PROXY entry says `hostname` (port `port`) is reached directly. */
export function bypassesProxy(hostname: string, port: number, entries: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  for (const raw of entries) {
    if (raw === "*") return true;
    let entry = raw;
    let entryPort: number | undefined;
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (m) {
      entry = m[1];
      entryPort = Number(m[2]);
    }
    entry = entry.replace(/^\[|\]$/g, "");
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entry.startsWith("*.")) entry = entry.slice(1);
    if (entry.startsWith(".")) {
      const suffix = entry.slice(1);
      if (host === suffix || host.endsWith(entry)) return true;
    } else if (host === entry) {
      return true;
    }
  }
  return false;
}

/** The proxy an https:// request to `url` goes through, or undefined for a direct connection. */
export function proxyForUrl(url: string, env: Environment = process.env): URL | undefined {
  const target = new URL(url);
  if (target.protocol !== "https:") return undefined;
  const proxy = proxyFromEnvironment(env);
  if (!proxy) return undefined;
  const port = target.port ? Number(target.port) : 443;
  return bypassesProxy(target.hostname, port, noProxyList(env)) ? undefined : proxy;
}
