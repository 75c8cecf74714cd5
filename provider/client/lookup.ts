/**
 * Looking again before believing: the two waits a caller needs when the service's
 * answer cannot be taken at face value.
 *
 * - `confirmNotFound`: the service is eventually consistent, so one 404 on a read does
 *   not prove an object is gone. Read again after a pause, then look for it in the list.
 * - `pollFor`: after a create whose outcome is unknown (connection broken, timeout), the
 *   object may appear in the list only some time later. Look for it, bounded.
 *
 * Time goes through the injected clock: tests take no real time.
 */
import type { Clock } from "./clock";
import { NotFoundError, PowerPlatformError } from "./errors";

export interface ConfirmNotFoundOptions<T> {
  clock: Clock;
  /** Pause before the second read, ms. */
  pauseMs: number;
  /** The read that answered 404. */
  read: () => Promise<T>;
  /** Whether the object still appears in the list of its kind. */
  listed: () => Promise<boolean>;
  /** How the object is named in the error ("billing policy 1234…"). */
  what: string;
  signal?: AbortSignal;
}

/** Thrown when the reads say 404 but the list still has the object: neither gone nor readable. */
export class NotFoundUnconfirmedError extends PowerPlatformError {
  override readonly name: string = "NotFoundUnconfirmedError";
}

/**
 * Called after a read answered 404. Returns `{ gone: true }` only when a second read,
 * after `pauseMs`, also answers 404 and the list does not have the object; returns the
 * object when the second read finds it; throws NotFoundUnconfirmedError when the list
 * still has it (the caller must not treat it as gone).
 */
// Cost: one pause (safety.notFoundConfirmMs, 5 s) and 2 requests (the second read and the list),
// paid only after a 404, never on a read that finds the object; it buys never dropping from the
// state an object the service showed as missing for a moment (dropping it makes the next `up` create a duplicate).
export async function confirmNotFound<T>(o: ConfirmNotFoundOptions<T>): Promise<{ gone: true } | { gone: false; value: T }> {
  await o.clock.sleep(o.pauseMs, o.signal);
  try {
    return { gone: false, value: await o.read() };
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  if (await o.listed()) {
    throw new NotFoundUnconfirmedError(
      `${o.what} answered 404 twice but is still listed by the service: it is kept (not treated as deleted); run the command again later`,
    );
  }
  return { gone: true };
}

export interface PollForOptions<T> {
  clock: Clock;
  /** Total time to keep looking, ms (0: look once). */
  withinMs: number;
  /** Pause between looks, ms (default: a quarter of withinMs, between 1 and 10 s). */
  pauseMs?: number;
  /** One look: a value ends the wait, undefined looks again. */
  look: () => Promise<T | undefined>;
  signal?: AbortSignal;
}

/**
 * Looks until `look` returns a value or `withinMs` has passed; undefined when nothing was found.
 * Cost: about 4 looks over the window by default (a quarter of it between looks, 1–10 s), paid
 * only after a create whose answer was lost; it buys never sending a create twice.
 */
export async function pollFor<T>(o: PollForOptions<T>): Promise<T | undefined> {
  const start = o.clock.now();
  const pause = o.pauseMs ?? Math.min(10_000, Math.max(1_000, Math.floor(o.withinMs / 4)));
  for (;;) {
    const found = await o.look();
    if (found !== undefined) return found;
    if (o.clock.now() - start + pause > o.withinMs) return undefined;
    await o.clock.sleep(pause, o.signal);
  }
}
