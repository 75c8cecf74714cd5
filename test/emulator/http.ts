// Small HTTP toolkit shared by the surfaces: request context, JSON replies,
// error shapes, a case-insensitive route table and paging.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TenantState, Settings, Obj } from "./state";

export type Surface = "powerplatform" | "bap" | "flow" | "dataverse" | "entra" | "control";

export interface Principal {
  kind: "app" | "user";
  objectId: string;
  appId: string;
  isAdmin: boolean;
  type: "User" | "ServicePrincipal";
  displayName?: string;
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string; // decoded, without query
  url: URL;
  query: URLSearchParams;
  params: Record<string, string>;
  body: any; // parsed JSON (undefined when no body)
  rawBody: string;
  baseUrl: string;
  state: TenantState;
  settings: Settings;
  principal?: Principal;
  requestId: string;
  route?: Route;
  /** set by handlers that changed the tenant */
  changed: boolean;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export class HttpError extends Error {
  constructor(public status: number, public code: string, message: string, public headers: Record<string, string> = {}) {
    super(message);
  }
}

export const ok = (body: unknown, status = 200, headers: Record<string, string> = {}): Reply => ({ status, body, headers });
export const err = (status: number, code: string, message: string): never => { throw new HttpError(status, code, message); };
export const notFound = (what: string, id: string): never =>
  err(404, "NotFound", `The ${what} '${id}' was not found.`);

export interface Route {
  method: string;
  template: string;
  surface: Exclude<Surface, "entra" | "control">;
  /** accepted api-version values (required when set) */
  apiVersions?: string[];
  admin?: boolean;
  handler: (ctx: Ctx) => Reply | Promise<Reply>;
  regex?: RegExp;
  keys?: string[];
}

export function compile(r: Route): Route {
  const keys: string[] = [];
  const src = r.template
    .split("/")
    .map((seg) => {
      const m = /^\{(\w+)\}$/.exec(seg);
      if (m) { keys.push(m[1]); return "([^/]+)"; }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { ...r, regex: new RegExp(`^${src}/?$`, "i"), keys };
}

export function match(routes: Route[], method: string, path: string): { route?: Route; params: Record<string, string>; pathMatched: boolean } {
  let pathMatched = false;
  for (const r of routes) {
    const m = r.regex!.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (r.method !== method) continue;
    const params: Record<string, string> = {};
    r.keys!.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
    return { route: r, params, pathMatched };
  }
  return { params: {}, pathMatched };
}

// ---------- absolute URLs ----------
/** A Host header value: a DNS name or an IPv4 address, or a bracketed IPv6 address, with an optional port. */
const HOST_HEADER = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The origin (`https://host[:port]`) the client called, from its Host header, so
 * that every absolute URL the emulator emits (LRO headers, next links, OpenID
 * metadata) names the host the client used: `https://127.0.0.1:8443` directly,
 * `https://api.bap.microsoft.com` through the proxy. Falls back to the
 * emulator's own URL when the header is missing or malformed.
 */
export function calledBaseUrl(req: Pick<IncomingMessage, "headers">, fallback: string): string {
  const host = String(req.headers.host ?? "").trim();
  if (!HOST_HEADER.test(host)) return fallback;
  return `https://${host.toLowerCase().replace(/:443$/, "")}`;
}

// ---------- validation helpers ----------
export function requireBody(ctx: Ctx): Obj {
  if (ctx.body === undefined || ctx.body === null || typeof ctx.body !== "object" || Array.isArray(ctx.body))
    err(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: a JSON object body is required.");
  return ctx.body;
}
export function reqString(o: Obj, field: string, where = ""): string {
  const v = o?.[field];
  if (typeof v !== "string" || !v.trim())
    err(400, "InvalidRequestContent", `The field '${where}${field}' is required and must be a non-empty string.`);
  return v;
}
export function optEnum(o: Obj, field: string, values: string[], where = ""): string | undefined {
  const v = o?.[field];
  if (v === undefined || v === null) return undefined;
  const hit = values.find((x) => typeof v === "string" && x.toLowerCase() === v.toLowerCase());
  if (!hit) err(400, "InvalidRequestContent", `The field '${where}${field}' has an invalid value '${String(v)}'; allowed: ${values.join(", ")}.`);
  return hit;
}

// ---------- paging ----------
export function page<T>(ctx: Ctx, items: T[], opts: { top?: number } = {}): Obj {
  const size = Math.max(1, Math.min(opts.top ?? Infinity, ctx.settings.pageSize));
  const token = ctx.query.get("$skiptoken") ?? ctx.query.get("$skipToken");
  let offset = 0;
  if (token) {
    const n = Number(Buffer.from(token, "base64url").toString("utf8").replace(/^skip:/, ""));
    if (!Number.isInteger(n) || n < 0) err(400, "InvalidSkipToken", "The $skiptoken is invalid.");
    offset = n;
  }
  const slice = items.slice(offset, offset + size);
  const out: Obj = { value: slice };
  if (offset + size < items.length) {
    const next = new URL(ctx.url.toString());
    next.searchParams.set("$skiptoken", Buffer.from(`skip:${offset + size}`).toString("base64url"));
    out["@odata.nextLink"] = `${ctx.baseUrl}${next.pathname}${next.search}`;
  }
  return out;
}

export function retryAfter(ctx: Ctx): Record<string, string> {
  return { "Retry-After": String(ctx.settings.retryAfterSeconds) };
}

// ---------- absolute URLs from the host the client called ----------
/** The host (with port) the client called: the Host header, else the emulator's own URL. */
export function hostOf(ctx: Pick<Ctx, "baseUrl">): string {
  // ctx.baseUrl is calledBaseUrl(): the host the client called (Host header), or the emulator's own.
  return new URL(ctx.baseUrl).host;
}
/** True for `127.0.0.1:8443`, `[::1]:8443`: no subdomain can be built on an IP literal. */
export function isIpHost(host: string): boolean {
  const name = host.startsWith("[") ? host : host.replace(/:\d+$/, "");
  return name.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(name);
}
/** `https://{host}{path}`. */
export function absoluteUrl(host: string, path: string): string {
  return `https://${host}${path.startsWith("/") ? path : `/${path}`}`;
}
/**
 * The regional host of a service family: `{geo}.{host called}` when that is a DNS name
 * (`api.bap.microsoft.com` → `europe.api.bap.microsoft.com`, `localhost:8443` →
 * `europe.localhost:8443`), the same host for an IP literal.
 */
export function regionalHost(ctx: Pick<Ctx, "baseUrl">, geo: string): string {
  const host = hostOf(ctx);
  if (isIpHost(host)) return host;
  const port = /:\d+$/.exec(host)?.[0] ?? "";
  const name = host.slice(0, host.length - port.length);
  if (name === "localhost" || name.endsWith(".localhost")) return `${geo}.localhost${port}`;
  return `${geo}.${name.replace(/^[a-z0-9-]+\.(?=api\.bap\.)/, "")}${port}`; // already regional: one geography label
}
/** True when the called host is a local name (`localhost`, `*.localhost`) or an IP literal, not a Microsoft host name. */
export function isLocalHost(host: string): boolean {
  const name = host.replace(/:\d+$/, "");
  return isIpHost(host) || name === "localhost" || name.endsWith(".localhost");
}
