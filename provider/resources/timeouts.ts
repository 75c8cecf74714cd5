/**
 * Pulumi's `customTimeouts` resource option for the dynamic resources.
 *
 * The engine never hands customTimeouts to a dynamic provider, so each resource class
 * passes them on as a reserved input, `__timeouts` ({create?, update?, delete?}, Go-style
 * durations as Pulumi takes them: "30m", "1h30m", "90s"). The runtime validates them in
 * `check`, keeps them out of every diff (changing a timeout is never a change), and runs
 * create, update and delete inside an operation deadline (client/deadline.ts) that bounds
 * every wait of that operation. Without a timeout the client's default deadline applies,
 * so every wait stays bounded.
 *
 * The value a delete uses is the one recorded in the state by the last create or update
 * (a delete runs without the program): a changed `customTimeouts.delete` takes effect once
 * the resource has been created or updated with it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { type OperationDeadline, withOperationDeadline } from "../client/deadline";
import type { ResourceHandler } from "./handler";
import type { CheckFailure } from "./validation";

/** The reserved input name (names starting with `__` are never user arguments). */
export const timeoutsInputName = "__timeouts";

export const timedOperations = ["create", "update", "delete"] as const;
export type TimedOperation = (typeof timedOperations)[number];
export type TimeoutsInput = Partial<Record<TimedOperation, string>>;

const unitMs: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  "μs": 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a duration the way Go's time.ParseDuration does (what Pulumi documents for
 * customTimeouts): a sequence of decimal numbers with a unit each, e.g. "300ms", "1.5h",
 * "2h45m". Returns milliseconds, or undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (t === "0") return 0;
  if (!/^((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(t)) return undefined;
  let total = 0;
  for (const part of t.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * unitMs[part[2]!]!;
  }
  return total;
}

/** The reserved input for a resource's options: `{ __timeouts: {...} }`, or nothing when no timeout is set. */
export function timeoutsInput(opts: pulumi.CustomResourceOptions | undefined): Record<string, TimeoutsInput> {
  const custom = opts?.customTimeouts;
  if (!custom) return {};
  const timeouts: TimeoutsInput = {};
  for (const operation of timedOperations) {
    const value = custom[operation];
    if (value !== undefined && value !== null && value !== "") timeouts[operation] = value;
  }
  return Object.keys(timeouts).length > 0 ? { [timeoutsInputName]: timeouts } : {};
}

/** Problems with a `__timeouts` value, by the option's own name (`customTimeouts.create`). */
export function checkTimeouts(value: unknown): CheckFailure[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== "object" || Array.isArray(value)) {
    return [{ property: "customTimeouts", reason: "customTimeouts must be an object with create, update and/or delete durations" }];
  }
  const failures: CheckFailure[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(timedOperations as readonly string[]).includes(key)) {
      failures.push({ property: `customTimeouts.${key}`, reason: `customTimeouts.${key} is not supported: only create, update and delete are timed` });
      continue;
    }
    const ms = typeof v === "string" ? parseDuration(v) : undefined;
    if (ms === undefined || ms <= 0) {
      failures.push({
        property: `customTimeouts.${key}`,
        reason: `customTimeouts.${key} must be a positive duration such as "30s", "20m" or "1h30m" (got ${JSON.stringify(v)})`,
      });
    }
  }
  return failures;
}

function timeoutsOf(props: unknown): TimeoutsInput | undefined {
  const value = (props as Record<string, unknown> | undefined)?.[timeoutsInputName];
  return value && typeof value === "object" && !Array.isArray(value) ? (value as TimeoutsInput) : undefined;
}

/** The deadline of one operation from the resource's timeouts, starting now; undefined when none is set. */
export function operationDeadline(timeouts: TimeoutsInput | undefined, operation: TimedOperation, nowMs = Date.now()): OperationDeadline | undefined {
  const text = timeouts?.[operation];
  const ms = text === undefined ? undefined : parseDuration(text);
  if (ms === undefined || ms <= 0) return undefined;
  return { at: nowMs + ms, label: `customTimeouts.${operation} (${text})` };
}

function withTimeoutsOf<T extends object>(target: T, timeouts: TimeoutsInput | undefined): T {
  return timeouts ? { ...target, [timeoutsInputName]: timeouts } : target;
}

function without<T extends object>(props: T): T {
  if (!(timeoutsInputName in props)) return props;
  const copy = { ...props } as Record<string, unknown>;
  delete copy[timeoutsInputName];
  return copy as T;
}

/**
 * Wraps a resource's handler: `__timeouts` is validated and kept through check, hidden
 * from the resource's own code (its check, diff and API calls never see it), recorded in
 * the outputs (for delete), and turned into the operation deadline of create, update and
 * delete.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function withTimeouts(handler: ResourceHandler<any, any>): ResourceHandler<any, any> {
  return {
    async check(olds, news) {
      const timeouts = timeoutsOf(news);
      const failures = checkTimeouts(timeouts ?? news[timeoutsInputName]);
      const result = await handler.check(without(olds), without(news));
      if (failures.length > 0) return { failures: [...(result.failures ?? []), ...failures] };
      return result.inputs ? { ...result, inputs: withTimeoutsOf(result.inputs, timeouts) } : result;
    },

    diff(id, olds, news) {
      return handler.diff(id, without(olds), without(news));
    },

    async create(inputs) {
      const timeouts = timeoutsOf(inputs);
      try {
        const created = await withOperationDeadline(operationDeadline(timeouts, "create"), () => handler.create(without(inputs)));
        return { id: created.id, outs: withTimeoutsOf(created.outs, timeouts) };
      } catch (error) {
        // A partial create (the error carries the id): the recorded properties keep the timeouts too.
        const partial = error as { id?: unknown; properties?: unknown };
        if (partial && typeof partial.id === "string" && partial.properties && typeof partial.properties === "object") {
          partial.properties = withTimeoutsOf(partial.properties as object, timeouts);
        }
        throw error;
      }
    },

    async read(id, props) {
      const timeouts = timeoutsOf(props);
      const result = await handler.read(id, without(props));
      if (!result.id) return result;
      return {
        ...result,
        props: withTimeoutsOf(result.props, timeouts),
        ...(result.inputs ? { inputs: withTimeoutsOf(result.inputs, timeouts) } : {}),
      };
    },

    async update(id, olds, news) {
      const timeouts = timeoutsOf(news);
      const updated = await withOperationDeadline(operationDeadline(timeouts, "update"), () => handler.update(id, without(olds), without(news)));
      return { outs: withTimeoutsOf(updated.outs, timeouts) };
    },

    delete(id, props) {
      return withOperationDeadline(operationDeadline(timeoutsOf(props), "delete"), () => handler.delete(id, without(props)));
    },
  };
}
