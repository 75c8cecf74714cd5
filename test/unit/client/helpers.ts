/** Fakes for the client unit tests: a clock that never sleeps, a scripted transport, a token provider. */
import type { TokenProvider } from "../../../provider/client/auth";
import type { Clock } from "../../../provider/client/clock";
import { createClient, type CreateClientOptions, type PowerPlatformClient } from "../../../provider/client/index";
import { networkErrorFrom, type Transport, type TransportRequest, type TransportResponse } from "../../../provider/client/transport";

export const T0 = Date.parse("2026-01-01T00:00:00Z");

export class FakeClock implements Clock {
  t: number;
  readonly sleeps: number[] = [];
  /** Called on every sleep (e.g. to abort mid-wait). */
  onSleep?: (ms: number) => void;
  constructor(start = T0) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.t += ms;
    this.onSleep?.(ms);
    signal?.throwIfAborted();
  }
}

export type Reply = Partial<TransportResponse> & { status: number } | Error | ((req: TransportRequest) => TransportResponse | Error);

/** A transport that answers from a script (in order) or a router; records every request. */
export class FakeTransport implements Transport {
  readonly requests: TransportRequest[] = [];
  private readonly script: Reply[];
  router?: (req: TransportRequest) => TransportResponse | Error | undefined;
  closed = false;
  constructor(script: Reply[] = []) {
    this.script = [...script];
  }
  push(...r: Reply[]): this {
    this.script.push(...r);
    return this;
  }
  async send(req: TransportRequest): Promise<TransportResponse> {
    this.requests.push({ ...req, headers: { ...req.headers } });
    let r: Reply | TransportResponse | undefined = this.router?.(req);
    if (r === undefined) r = this.script.shift();
    if (r === undefined) throw new Error(`FakeTransport: no reply scripted for ${req.method} ${req.url}`);
    if (typeof r === "function") r = r(req);
    if (r instanceof Error) throw networkErrorFrom(r, req.method, req.url);
    return { status: r.status, headers: lower(r.headers ?? {}), data: r.data };
  }
  close(): void {
    this.closed = true;
  }
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

export const SECRET_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0LXNlY3JldCJ9.c2lnbmF0dXJlLXNlY3JldA";

export class FakeTokens implements TokenProvider {
  calls: Array<{ scope: string; forceRefresh?: boolean }> = [];
  n = 0;
  async getToken(scope: string, options?: { forceRefresh?: boolean }): Promise<string> {
    this.calls.push({ scope, forceRefresh: options?.forceRefresh });
    this.n++;
    return this.n === 1 ? SECRET_TOKEN : `${SECRET_TOKEN}${this.n}`;
  }
}

export interface Harness {
  client: PowerPlatformClient;
  transport: FakeTransport;
  clock: FakeClock;
  tokens: FakeTokens;
}

export function harness(script: Reply[] = [], options: CreateClientOptions = {}): Harness {
  const transport = new FakeTransport(script);
  const clock = new FakeClock();
  const tokens = new FakeTokens();
  const client = createClient({
    env: {},
    transport,
    clock,
    tokenProvider: tokens,
    random: () => 0,
    retry: { baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 60_000, maxAttempts: 6, maxTotalMs: 120_000 },
    ...options,
  });
  return { client, transport, clock, tokens };
}

/** A network error as Node/axios raise it. */
export function netError(code: string, message = `connect ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

export const json = (status: number, data?: unknown, headers: Record<string, string> = {}): TransportResponse => ({
  status,
  headers: data === undefined ? headers : { "content-type": "application/json", ...headers },
  data,
});
