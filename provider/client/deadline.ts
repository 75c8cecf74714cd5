/**
 * The deadline of the operation under way (for example "this create must be over in 20
 * minutes"), set once by whoever starts the operation and read by every wait inside it,
 * however deep: the waits of the client do not need a parameter threaded through each
 * API call and each resource helper.
 *
 * A scope only sets the time; what the time means for the caller (a resource's
 * `customTimeouts.create`, a script's budget) travels as a label, so that a wait that
 * runs out says which limit it ran into.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { DeadlineExceededError } from "./errors";

export interface OperationDeadline {
  /** Milliseconds since the epoch. */
  at: number;
  /** What the limit is, in the caller's words, e.g. `customTimeouts.create ("20m")`. */
  label: string;
}

const current = new AsyncLocalStorage<OperationDeadline>();

/** Runs `fn` with `deadline` as the bound of every wait it starts (no scope when undefined). */
export function withOperationDeadline<T>(deadline: OperationDeadline | undefined, fn: () => Promise<T>): Promise<T> {
  return deadline ? current.run(deadline, fn) : fn();
}

/** The deadline of the enclosing scope, if any. */
export function currentOperationDeadline(): OperationDeadline | undefined {
  return current.getStore();
}

/**
 * The deadline of one wait: the earlier of the caller's own (`explicit`) and the scope's;
 * the default (`now + defaultMs`, always bounded) only when neither is set. `scope` is
 * returned when the scope's deadline is the one that binds, so the error can name it.
 */
export function waitDeadline(
  explicit: number | undefined,
  nowMs: number,
  defaultMs: number,
): { at: number; scope?: OperationDeadline } {
  const scope = currentOperationDeadline();
  if (scope && (explicit === undefined || scope.at <= explicit)) return { at: scope.at, scope };
  return { at: explicit ?? nowMs + defaultMs };
}

/** Re-throws a deadline error of a wait bound by `scope` with the scope's label in its message. */
export function explainDeadline(error: unknown, scope: OperationDeadline | undefined): never {
  if (scope && error instanceof DeadlineExceededError) {
    throw new DeadlineExceededError(`${error.message} [the deadline was set by ${scope.label}]`, {
      operationUrl: error.operationUrl,
      lastStatus: error.lastStatus,
      status: error.status,
      code: error.code,
      requestId: error.requestId,
      correlationId: error.correlationId,
    });
  }
  throw error;
}
