/**
 * What a user sees of the client's work in `pulumi up`'s output, on the runtime side of
 * the one-way flow: the client emits redacted events to the logger it was given
 * (client/http.ts LogEntry); this module turns them into lines for Pulumi's log.
 *
 * - A long wait says what it waits for, the service's own status and the time elapsed:
 *   first after 10 s, then every 30 s, and on every change of status once it has been
 *   shown (a wait that ends within 10 s stays silent), and once more when it ends.
 * - Retries are said once per resource operation, not per attempt; throttling once per host
 *   for the whole process (the rate limiter it shares paces every operation together).
 * - With POWERPLATFORM_LOG=debug every HTTP exchange is logged: method, path (allow-listed
 *   query only), status, duration, the service's request id and the correlation id.
 *
 * Each resource operation (create, update, delete, read) runs in a scope that names it,
 * so the lines of resources worked on in parallel can be told apart.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { LogEntry, Logger } from "../client/http";
import type { ResourceHandler } from "./handler";

export const FIRST_PROGRESS_AFTER_MS = 10_000;
export const PROGRESS_EVERY_MS = 30_000;

interface WaitState {
  shown: boolean;
  lastShownAtMs: number;
  lastStatus?: string;
}

interface OperationScope {
  /** E.g. `creating Environment "Sales"`. */
  label: string;
  /** Notices already given in this operation ("retry"; in the global scope "throttle <host>"). */
  said: Set<string>;
  waits: Map<string, WaitState>;
}

const scopes = new AsyncLocalStorage<OperationScope>();

/** Runs one resource operation in a scope named `label`. */
export function withOperationScope<T>(label: string, fn: () => Promise<T>): Promise<T> {
  return scopes.run({ label, said: new Set(), waits: new Map() }, fn);
}

export interface ProgressLoggerOptions {
  /** Where the lines go (the runtime passes pulumi.log.info). */
  sink: (line: string) => void;
  /** Log every HTTP exchange (POWERPLATFORM_LOG=debug). */
  debug: boolean;
}

/** Whether the environment asks for request logs: `POWERPLATFORM_LOG=debug`. */
export function debugLoggingRequested(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return (env.POWERPLATFORM_LOG ?? "").trim().toLowerCase() === "debug";
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function ids(e: LogEntry): string {
  const parts = [e.requestId ? `request id ${e.requestId}` : undefined, e.correlationId ? `correlation id ${e.correlationId}` : undefined].filter(Boolean);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

/** The logger the runtime gives the client. */
export function createProgressLogger(options: ProgressLoggerOptions): Logger {
  const { sink, debug } = options;
  // Outside any resource operation (check, diff): a global scope.
  const global: OperationScope = { label: "powerplatform", said: new Set(), waits: new Map() };
  return (e: LogEntry) => {
    const scope = scopes.getStore() ?? global;
    const say = (text: string) => sink(`${scope.label}: ${text}`);
    switch (e.event) {
      case "response":
        if (debug) sink(`[powerplatform] ${e.method} ${e.path} → ${e.status} in ${e.durationMs} ms${ids(e)}`);
        return;
      case "network-error":
        if (debug) sink(`[powerplatform] ${e.method} ${e.path} → no response after ${e.durationMs} ms: ${e.message}${ids(e)}`);
        return;
      case "throttle": {
        // Once per host for the whole process: the limiter paces every operation together.
        const key = `throttle ${e.host}`;
        if (global.said.has(key)) return;
        global.said.add(key);
        say(
          `the service is throttling requests (HTTP ${e.status}) to ${e.host}; from now on every request to it waits its turn ` +
            `(at most ${e.concurrency} at a time, one every ${((e.intervalMs ?? 0) / 1000).toFixed(1)} s, after the ${seconds(e.delayMs ?? 0)} pause it asked for) instead of failing (said once)${ids(e)}`,
        );
        return;
      }
      case "retry": {
        // A throttled attempt is said by the throttle event, once.
        if (e.status === 429) return;
        if (scope.said.has("retry")) return;
        scope.said.add("retry");
        say(`${e.method} ${e.path} failed (${e.status !== undefined ? `HTTP ${e.status}` : "no response"}); retrying in ${seconds(e.delayMs ?? 0)} (said once per operation)${ids(e)}`);
        return;
      }
      case "wait":
        reportWait(scope, e, say);
        return;
      default:
        return;
    }
  };
}

function reportWait(scope: OperationScope, e: LogEntry, say: (text: string) => void): void {
  const name = e.operation ?? "operation";
  const elapsed = e.elapsedMs ?? 0;
  const status = e.operationStatus ? `status ${e.operationStatus}` : "status not reported yet";
  if (e.phase === "start") {
    scope.waits.set(name, { shown: false, lastShownAtMs: 0, lastStatus: e.operationStatus });
    return;
  }
  const state = scope.waits.get(name) ?? { shown: false, lastShownAtMs: 0 };
  scope.waits.set(name, state);
  if (e.phase === "end") {
    if (state.shown) say(`${name} over after ${seconds(elapsed)}${e.operationStatus ? ` (${e.operationStatus})` : ""}`);
    scope.waits.delete(name);
    return;
  }
  const changed = e.operationStatus !== undefined && e.operationStatus !== state.lastStatus;
  if (e.operationStatus !== undefined) state.lastStatus = e.operationStatus;
  const due = state.shown
    ? changed || elapsed - state.lastShownAtMs >= PROGRESS_EVERY_MS
    : elapsed >= FIRST_PROGRESS_AFTER_MS;
  if (!due) return;
  state.shown = true;
  state.lastShownAtMs = elapsed;
  say(`waiting for the ${name}, ${status}, ${seconds(elapsed)} elapsed`);
}

function nameOf(inputs: unknown): string | undefined {
  const o = (inputs ?? {}) as Record<string, unknown>;
  for (const key of ["displayName", "name", "uniqueName", "flowId"]) {
    if (typeof o[key] === "string" && o[key]) return o[key] as string;
  }
  return undefined;
}

/** Wraps a handler so that create, update, delete and read each run in a named scope. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function withProgressScopes<H extends ResourceHandler<any, any>>(kind: string, handler: H): H {
  const named = (id: string | undefined, inputs: unknown) => {
    const name = nameOf(inputs);
    return `${kind}${name ? ` "${name}"` : ""}${id ? ` (${id})` : ""}`;
  };
  return {
    ...handler,
    create: (inputs) => withOperationScope(`creating ${named(undefined, inputs)}`, () => handler.create(inputs)),
    update: (id, olds, news) => withOperationScope(`updating ${named(id, news)}`, () => handler.update(id, olds, news)),
    delete: (id, props) => withOperationScope(`deleting ${named(id, props)}`, () => handler.delete(id, props)),
    read: (id, props) => withOperationScope(`reading ${named(id, props)}`, () => handler.read(id, props)),
  };
}
