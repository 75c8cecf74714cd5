/**
 * Replays recorded responses to the real client: a transport that answers each request
 * with the recording whose method, host and path match it (query strings are not
 * compared), with the recorded status, headers and body.
 */
import type { TransportRequest, TransportResponse } from "../../provider/client/transport";
import { harness, type Harness } from "../unit/client/helpers";
import { recording, type Recording } from "./recordings";

const keyOf = (method: string, url: string): string => {
  const u = new URL(url);
  return `${method.toUpperCase()} ${u.host.toLowerCase()}${decodeURIComponent(u.pathname).replace(/\/+$/, "").toLowerCase()}`;
};

export function responseOf(r: Pick<Recording, "response" | "body">): TransportResponse {
  const headers = Object.fromEntries(Object.entries(r.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
  if (r.body !== undefined) headers["content-type"] ??= "application/json; charset=utf-8";
  return { status: r.response.status, headers, data: r.body };
}

export interface Replay extends Harness {
  /** Ids of the recordings that answered a request, in order. */
  served: string[];
}

/** One answer of a replay: the request it answers and the response (from a recording). */
export interface Served {
  id: string;
  method: string;
  url: string;
  response: TransportResponse;
}

/** A served answer made of a recording, optionally under another URL or with another body. */
export function served(id: string, change: { url?: string; body?: unknown } = {}): Served {
  const r = recording(id);
  const response = responseOf(change.body === undefined ? r : { ...r, body: change.body });
  return { id, method: r.request.method, url: change.url ?? r.request.url, response };
}

/**
 * A client whose transport answers from the given recordings. An answer is used once
 * when a later one in the list answers the same request (e.g. 409 then 202 on the same
 * POST), otherwise as often as asked (e.g. a poll). A request no recording answers fails.
 * `rewrite` replays a recording under another URL (e.g. a flow recorded on the maker path
 * served on the admin path).
 */
export function replay(items: Array<string | Served>, rewrite: Record<string, string> = {}): Replay {
  const entries = items.map((item) => {
    const s = typeof item === "string" ? served(item, { url: rewrite[item] }) : item;
    return { s, key: keyOf(s.method, s.url) };
  });
  const servedIds: string[] = [];
  const h = harness();
  h.transport.router = (req: TransportRequest) => {
    const key = keyOf(req.method, req.url);
    const i = entries.findIndex((e) => e.key === key);
    if (i < 0) throw new Error(`no recording answers ${req.method} ${req.url}`);
    const entry = entries[i]!;
    if (entries.slice(i + 1).some((e) => e.key === key)) entries.splice(i, 1);
    servedIds.push(entry.s.id);
    return { ...entry.s.response, headers: { ...entry.s.response.headers } };
  };
  return { ...h, served: servedIds };
}
