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

export function responseOf(r: Recording): TransportResponse {
  const headers = Object.fromEntries(Object.entries(r.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
  if (r.body !== undefined) headers["content-type"] ??= "application/json; charset=utf-8";
  return { status: r.response.status, headers, data: r.body };
}

export interface Replay extends Harness {
  /** Ids of the recordings that answered a request, in order. */
  served: string[];
}

/**
 * A client whose transport answers from the given recordings. A recording is used once
 * when a later one in the list answers the same request (e.g. 409 then 202 on the same
 * POST), otherwise as often as asked (e.g. a poll). A request no recording answers fails.
 * `rewrite` changes a recording's request URL before matching (to replay a body recorded
 * for one id under another).
 */
export function replay(ids: string[], rewrite: Record<string, string> = {}): Replay {
  const entries = ids.map((id) => {
    const r = recording(id);
    return { r, key: keyOf(r.request.method, rewrite[id] ?? r.request.url) };
  });
  const served: string[] = [];
  const h = harness();
  h.transport.router = (req: TransportRequest) => {
    const key = keyOf(req.method, req.url);
    const i = entries.findIndex((e) => e.key === key);
    if (i < 0) throw new Error(`no recording answers ${req.method} ${req.url}`);
    const entry = entries[i]!;
    if (entries.slice(i + 1).some((e) => e.key === key)) entries.splice(i, 1);
    served.push(entry.r.id);
    return responseOf(entry.r);
  };
  return { ...h, served };
}
