// Injected faults: answer N matching requests with a status (and Retry-After),
// delay them, drop the connection before acting, or act and then drop the answer.
import { randomUUID } from "node:crypto";

export interface FaultSpec {
  method?: string;
  /** RegExp source matched (case-insensitive) against the request path */
  path: string;
  status?: number;
  times?: number;
  retryAfter?: number | string;
  delayMs?: number;
  drop?: boolean;
  /**
   * The request is applied as usual, then its connection is closed without an answer:
   * the client cannot know whether it was applied (a response lost on the way back).
   */
  dropResponse?: boolean;
  body?: unknown;
  headers?: Record<string, string>;
}
export interface Fault extends FaultSpec { id: string; remaining: number; hits: number; regex: RegExp }

export class Faults {
  private list: Fault[] = [];

  add(spec: FaultSpec): Fault {
    if (!spec || typeof spec.path !== "string" || !spec.path) throw new Error("'path' (a RegExp source) is required");
    let regex: RegExp;
    try { regex = new RegExp(spec.path, "i"); } catch (e) { throw new Error(`'path' is not a valid RegExp: ${(e as Error).message}`); }
    if (spec.status !== undefined && !(Number.isInteger(spec.status) && spec.status >= 100 && spec.status <= 599)) throw new Error("'status' must be an HTTP status code");
    if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times > 0)) throw new Error("'times' must be a positive integer");
    if (spec.delayMs !== undefined && !(typeof spec.delayMs === "number" && spec.delayMs >= 0)) throw new Error("'delayMs' must be a non-negative number");
    if (spec.status === undefined && !spec.drop && !spec.dropResponse && spec.delayMs === undefined) throw new Error("a fault needs 'status', 'drop', 'dropResponse' or 'delayMs'");
    if (spec.dropResponse && (spec.status !== undefined || spec.drop)) throw new Error("'dropResponse' applies the request: it cannot go with 'status' or 'drop'");
    const f: Fault = { ...spec, method: spec.method?.toUpperCase(), id: randomUUID(), remaining: spec.times ?? 1, hits: 0, regex };
    this.list.push(f);
    return f;
  }

  /** Takes (consumes one use of) the first fault matching the request. */
  take(method: string, path: string): Fault | undefined {
    const f = this.list.find((x) => x.remaining > 0 && (!x.method || x.method === method) && x.regex.test(path));
    if (!f) return undefined;
    f.remaining--;
    f.hits++;
    if (f.remaining === 0) this.list = this.list.filter((x) => x !== f);
    return f;
  }

  view() { return this.list.map(({ regex: _r, ...rest }) => rest); }
  remove(id: string): boolean { const n = this.list.length; this.list = this.list.filter((f) => f.id !== id); return this.list.length !== n; }
  clear() { this.list = []; }
}

export function defaultFaultBody(status: number): unknown {
  const codes: Record<number, string> = { 429: "TooManyRequests", 500: "InternalServerError", 502: "BadGateway", 503: "ServiceUnavailable", 504: "GatewayTimeout", 408: "RequestTimeout", 409: "Conflict" };
  return { error: { code: codes[status] ?? `Http${status}`, message: `Injected fault (HTTP ${status}) from the tenant emulator.` } };
}
