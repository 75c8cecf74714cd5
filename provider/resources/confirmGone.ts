/**
 * A read that does not take one 404 for an answer. The service is eventually
 * consistent: an object can answer 404 for a moment and be back the next. Dropping it
 * from the state on such a 404 makes the next `up` create it a second time, so a 404 is
 * believed only when a second read, after a pause, says the same and the list of its
 * kind does not have it either (provider/client/lookup.ts).
 */
import type { PowerPlatformClient } from "../client";
import { confirmNotFound } from "../client/lookup";
import { isNotFound } from "./runtimeSupport";

/** The object, or undefined when it is confirmed gone. Throws when the answers disagree. */
export async function readConfirmingGone<T>(
  client: PowerPlatformClient,
  what: string,
  read: () => Promise<T>,
  listed: () => Promise<boolean>,
): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const result = await confirmNotFound({
    clock: client.http.clock,
    pauseMs: client.config.safety.notFoundConfirmMs,
    read,
    listed,
    what,
  });
  return result.gone ? undefined : result.value;
}
