// Log of API and Entra requests (control calls excluded), with counts per route template.
export interface LoggedRequest {
  seq: number;
  time: string;
  method: string;
  /** The host the client called (Host header): 127.0.0.1:PORT directly, api.bap.microsoft.com through the proxy. */
  host?: string;
  path: string;
  query: Record<string, string>;
  status: number;
  surface: "powerplatform" | "bap" | "flow" | "dataverse" | "entra" | "unknown";
  template: string;
  durationMs: number;
  fault?: string;
}

export class RequestLog {
  private seq = 0;
  private items: LoggedRequest[] = [];
  constructor(private max = 10_000) {}

  add(r: Omit<LoggedRequest, "seq">) {
    this.items.push({ seq: ++this.seq, ...r });
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
  }
  view() {
    const counts: Record<string, number> = {};
    for (const r of this.items) counts[`${r.method} ${r.template}`] = (counts[`${r.method} ${r.template}`] ?? 0) + 1;
    return { requests: this.items, counts };
  }
  clear() { this.items = []; }
}

/** Template of an Entra path, so that counts group them. */
export function entraTemplate(path: string): string {
  return path
    .replace(/^\/[^/]+\/oauth2\/v2\.0\/token\/?$/i, "/{tenant}/oauth2/v2.0/token")
    .replace(/^\/[^/]+\/(v2\.0\/)?\.well-known\/openid-configuration\/?$/i, (_m, v) => `/{tenant}/${v ?? ""}.well-known/openid-configuration`)
    .replace(/^\/[^/]+\/discovery\/(v2\.0\/)?keys\/?$/i, (_m, v) => `/{tenant}/discovery/${v ?? ""}keys`)
    .replace(/^\/[^/]+\/discovery\/instance\/?$/i, "/{tenant}/discovery/instance")
    .replace(/^\/common\/userrealm\/[^/]+$/i, "/common/userrealm/{username}");
}
