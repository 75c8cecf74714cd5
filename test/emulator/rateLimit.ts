// The emulator's rate limits (setting `rateLimits`): calls per window, per surface or
// host, counted smoothly (sliding window) or in bursts (fixed window); a call over a
// limit gets 429 with Retry-After, as the real services answer.
//
// Evidence (Microsoft Learn, "Service protection API limits",
// https://learn.microsoft.com/power-apps/developer/data-platform/api-limits): Dataverse
// answers a Web API call over its limits with 429 Too Many Requests and a Retry-After
// header in seconds, evaluates the limits over a sliding window (5 minutes), and names
// the request-count limit with error code 0x80072322, "Number of requests exceeded the
// limit of 6000 over time window of 300 seconds." DESIGN.md §3: the admin APIs publish no
// numeric limits; the Power Automate / Power Apps admin connectors allow 100 calls per
// connection per 60 s. The body of a 429 on the Power Platform API, BAP and Power
// Automate is not recorded anywhere public we found: it is a guess in the services'
// usual error shape ({error:{code,message}}, code TooManyRequests), listed in README.md.
import type { Reply } from "./http";

export type RateLimitSurface = "powerplatform" | "bap" | "flow" | "dataverse";
const SURFACES: readonly RateLimitSurface[] = ["powerplatform", "bap", "flow", "dataverse"];

/** One limit. A call must fit every limit that matches it; refused calls do not count. */
export interface RateLimitRule {
  /** Which calls count: those of one surface; every API call when absent. */
  surface?: RateLimitSurface;
  /** Only calls to this host (`host[:port]`, case-insensitive), e.g. a regional host. */
  host?: string;
  /** Calls accepted per window. */
  calls: number;
  windowSeconds: number;
  /**
   * `sliding` (smooth): at most `calls` in any window of `windowSeconds`, as Dataverse
   * documents its service protection limits. `fixed` (bursty): `calls` per window, a
   * window starting with the first call after the previous one ended, so up to twice
   * as many can pass across a window's edge.
   */
  mode: "sliding" | "fixed";
}

/** Checks a `rateLimits` setting; throws an Error naming the bad field. */
export function parseRateLimitRules(value: unknown): RateLimitRule[] {
  if (!Array.isArray(value)) throw new Error("setting 'rateLimits' must be an array of {calls, windowSeconds, mode, surface?, host?}");
  return value.map((raw, i) => {
    const where = `rateLimits[${i}]`;
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error(`${where} must be an object`);
    const r = raw as Record<string, unknown>;
    const known = ["surface", "host", "calls", "windowSeconds", "mode"];
    for (const k of Object.keys(r)) if (!known.includes(k)) throw new Error(`${where}: unknown field '${k}'; known: ${known.join(", ")}`);
    if (!Number.isInteger(r.calls) || (r.calls as number) < 1) throw new Error(`${where}.calls must be a positive integer`);
    if (typeof r.windowSeconds !== "number" || !(r.windowSeconds > 0) || !Number.isFinite(r.windowSeconds)) throw new Error(`${where}.windowSeconds must be a positive number`);
    if (r.mode !== "sliding" && r.mode !== "fixed") throw new Error(`${where}.mode must be 'sliding' (smooth) or 'fixed' (bursty)`);
    if (r.surface !== undefined && !SURFACES.includes(r.surface as RateLimitSurface)) throw new Error(`${where}.surface must be one of ${SURFACES.join(", ")}`);
    if (r.host !== undefined && (typeof r.host !== "string" || !r.host)) throw new Error(`${where}.host must be a non-empty string (host[:port])`);
    return { ...(r.surface ? { surface: r.surface as RateLimitSurface } : {}), ...(r.host ? { host: (r.host as string).toLowerCase() } : {}), calls: r.calls as number, windowSeconds: r.windowSeconds, mode: r.mode };
  });
}

/**
 * One limit written on the command line: `CALLS/SECONDS[:sliding|fixed][@SURFACE]`, e.g.
 * `100/60` (100 calls per minute, sliding), `20/10:fixed@bap`.
 */
export function parseRateLimitFlag(text: string): RateLimitRule {
  const m = /^(\d+)\/(\d+(?:\.\d+)?)s?(?::(\w+))?(?:@(\w+))?$/.exec(text.trim());
  if (!m) throw new Error(`--rate-limit: '${text}' is not CALLS/SECONDS[:sliding|fixed][@SURFACE], e.g. 100/60 or 20/10:fixed@bap`);
  const [, calls, seconds, mode, surface] = m;
  return parseRateLimitRules([{ calls: Number(calls), windowSeconds: Number(seconds), mode: mode ?? "sliding", ...(surface ? { surface } : {}) }])[0]!;
}

/** A call refused by a limit: which one, and when to come back. */
export interface RateLimitHit {
  rule: RateLimitRule;
  retryAfterSeconds: number;
}

interface Counter {
  /** sliding: times of the accepted calls still in the window. */
  accepted: number[];
  /** fixed: the current window's start and count. */
  windowStart?: number;
  inWindow: number;
}

/** The counters of the limits in force (kept per rule; reset when the setting changes). */
export class RateLimits {
  private counters = new Map<string, Counter>();

  reset(): void {
    this.counters.clear();
  }

  /** Admits the call (and counts it against every matching limit) or says which limit refuses it. */
  admit(rules: readonly RateLimitRule[], call: { surface: string; host: string }, nowMs: number): RateLimitHit | undefined {
    const matching = rules.filter((r) => (!r.surface || r.surface === call.surface) && (!r.host || r.host === call.host.toLowerCase()));
    if (matching.length === 0) return undefined;
    let worst: RateLimitHit | undefined;
    for (const rule of matching) {
      const waitMs = this.waitMs(rule, nowMs);
      if (waitMs > 0 && (!worst || waitMs / 1000 > worst.retryAfterSeconds)) worst = { rule, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    if (worst) return worst;
    for (const rule of matching) this.count(rule, nowMs);
    return undefined;
  }

  private counter(rule: RateLimitRule): Counter {
    const key = JSON.stringify(rule);
    let c = this.counters.get(key);
    if (!c) {
      c = { accepted: [], inWindow: 0 };
      this.counters.set(key, c);
    }
    return c;
  }

  /** 0 when the call fits the limit now, else how long until it would. */
  private waitMs(rule: RateLimitRule, now: number): number {
    const c = this.counter(rule);
    const windowMs = rule.windowSeconds * 1000;
    if (rule.mode === "fixed") {
      if (c.windowStart === undefined || now >= c.windowStart + windowMs) return 0;
      return c.inWindow < rule.calls ? 0 : c.windowStart + windowMs - now;
    }
    c.accepted = c.accepted.filter((t) => t > now - windowMs);
    if (c.accepted.length < rule.calls) return 0;
    return c.accepted[c.accepted.length - rule.calls]! + windowMs - now;
  }

  private count(rule: RateLimitRule, now: number): void {
    const c = this.counter(rule);
    if (rule.mode === "fixed") {
      if (c.windowStart === undefined || now >= c.windowStart + rule.windowSeconds * 1000) {
        c.windowStart = now;
        c.inWindow = 0;
      }
      c.inWindow++;
      return;
    }
    c.accepted.push(now);
  }
}

/**
 * The 429 of a call over a limit: Retry-After in whole seconds (documented for Dataverse);
 * Dataverse's documented error code and message, the other surfaces' body a guess.
 */
export function rateLimitReply(hit: RateLimitHit, surface: string): Reply {
  const headers = { "Retry-After": String(hit.retryAfterSeconds) };
  if (surface === "dataverse") {
    return {
      status: 429,
      headers,
      body: { error: { code: "0x80072322", message: `Number of requests exceeded the limit of ${hit.rule.calls} over time window of ${hit.rule.windowSeconds} seconds.` } },
    };
  }
  return {
    status: 429,
    headers,
    body: { error: { code: "TooManyRequests", message: `Rate limit is exceeded. Try again in ${hit.retryAfterSeconds} seconds.` } },
  };
}
