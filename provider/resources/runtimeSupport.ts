/**
 * What every resource implementation shares inside the dynamic-provider process:
 * one client per process (configured at call time from the `powerplatform:*` stack
 * configuration the engine hands to `configure()`, over the environment, so nothing
 * about credentials or endpoints is ever serialized into the state), its events
 * forwarded to Pulumi's log, not-found detection, and the partial-create protocol of
 * the engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { createClient, type PowerPlatformClient } from "../client";
import type { ClientOptions } from "../client/config";
import { NotFoundError } from "../client/errors";
import { createProgressLogger, debugLoggingRequested } from "./progress";
import { clientOptionsFromStackConfig, sameOptions, type StackConfigSource } from "./stackConfig";

let client: PowerPlatformClient | undefined;
let stackOptions: ClientOptions = {};
/** A stack configuration that could not be read: every later call fails with it too. */
let configurationError: unknown;

/**
 * The dynamic provider's `configure()`: keeps the stack's `powerplatform:*` settings for
 * the client (a later call with other settings replaces the client). Pulumi calls it once
 * per provider and caches the provider even when it throws, so a bad value is kept and
 * thrown again by every call instead of letting them run on the environment alone.
 */
export async function configureFromStack(config: StackConfigSource): Promise<void> {
  let options: ClientOptions;
  try {
    options = clientOptionsFromStackConfig(config);
    configurationError = undefined;
  } catch (error) {
    configurationError = error;
    throw error;
  }
  if (sameOptions(options, stackOptions)) return;
  stackOptions = options;
  client?.close();
  client = undefined;
}

export async function clientFromEnvironment(): Promise<PowerPlatformClient> {
  if (configurationError !== undefined) throw configurationError;
  client ??= createClient({
    ...stackOptions,
    // Non-enumerable in stackOptions (a spread would drop it): passed on explicitly.
    clientSecret: stackOptions.clientSecret,
    logger: createProgressLogger({ sink: (line) => void pulumi.log.info(line), debug: debugLoggingRequested() }),
  });
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
