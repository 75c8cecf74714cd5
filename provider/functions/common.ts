/**
 * Data functions run in the program's own process (dynamic providers have no invokes):
 * they call the client directly, configured from the environment like the resources.
 * Each `getX` returns a Promise; each `getXOutput` the same as a Pulumi Output, for
 * arguments that are Outputs themselves.
 */
import * as pulumi from "@pulumi/pulumi";
import { createClient, type CreateClientOptions, type PowerPlatformClient } from "../client";

let shared: PowerPlatformClient | undefined;

/** Options every data function takes: a client to use instead of one from the environment. */
export interface FunctionOptions {
  /** A client to use (e.g. one made with `createClient` from `@powerplatform-iac/provider/client`). */
  client?: PowerPlatformClient;
  /**
   * Options for a new client, when `client` is not given; by default one shared client configured
   * from the environment.
   */
  clientOptions?: CreateClientOptions;
}

export function clientFor(options: FunctionOptions = {}): PowerPlatformClient {
  if (options.client) return options.client;
  if (options.clientOptions) return createClient(options.clientOptions);
  shared ??= createClient();
  return shared;
}

/** Lifts `fn(args)` to accept Inputs and return an Output. */
export function liftToOutput<A extends object, R>(
  fn: (args: A, options?: FunctionOptions) => Promise<R>,
): (args: { [K in keyof A]: pulumi.Input<A[K]> }, options?: FunctionOptions) => pulumi.Output<R> {
  return (args, options) =>
    pulumi.output(args as pulumi.Input<object>).apply((resolved) => fn(resolved as A, options)) as unknown as pulumi.Output<R>;
}
