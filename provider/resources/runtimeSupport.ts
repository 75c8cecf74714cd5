/**
 * What every resource implementation shares inside the dynamic-provider process:
 * one client per process (configured from the environment at call time, so nothing
 * about credentials or endpoints is ever serialized into the state), not-found
 * detection, and the partial-create protocol of the engine.
 */
import { createClient, type PowerPlatformClient } from "../client";
import { NotFoundError } from "../client/errors";

let client: PowerPlatformClient | undefined;

export async function clientFromEnvironment(): Promise<PowerPlatformClient> {
  client ??= createClient();
  return client;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof NotFoundError;
}

/**
 * Runs the part of a create that follows the moment the object exists (waiting for it
 * to settle, applying the rest of the inputs). If that part fails, the error thrown
 * carries the object's id and last known properties: the engine records the resource
 * with an initialization error instead of forgetting it, and the next `pulumi up`
 * updates it rather than creating a duplicate.
 */
export async function keepIdOnFailure<O>(
  id: string,
  knownOutputs: O,
  rest: () => Promise<{ id: string; outs: O }>,
  /** Reads the object as it now is (e.g. Failed), so that the state records that rather than the create's first view. */
  reread?: () => Promise<O>,
): Promise<{ id: string; outs: O }> {
  try {
    return await rest();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const properties = reread ? await reread().catch(() => knownOutputs) : knownOutputs;
    throw Object.assign(new Error(message), { id, properties, reasons: [message] });
  }
}
