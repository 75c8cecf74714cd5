import { clientFor, type FunctionOptions, liftToOutput } from "./common";

/** A connection as {@link getConnections} returns it. */
export interface ConnectionSummary {
  /** The connection's name. */
  connectionId: string;
  /** The display name. */
  displayName?: string;
  /** The connector it belongs to (the last segment of its API id). */
  connectorId?: string;
  /** When it was created (ISO 8601). */
  createdTime?: string;
}

/** The arguments of {@link getConnections}: which environment. */
export interface GetConnectionsArgs {
  /** The environment (a GUID, or `Default-<tenant id>`). */
  environmentId: string;
}

/** The connections in an environment. */
export async function getConnections(args: GetConnectionsArgs, options?: FunctionOptions): Promise<ConnectionSummary[]> {
  return (await clientFor(options).connections.list(args.environmentId)).map((c) => ({
    connectionId: c.name,
    ...(c.properties?.displayName ? { displayName: c.properties.displayName } : {}),
    ...(c.properties?.apiId ? { connectorId: c.properties.apiId.split("/").pop() } : {}),
    ...(c.properties?.createdTime ? { createdTime: c.properties.createdTime } : {}),
  }));
}

/** {@link getConnections} taking Pulumi Inputs and returning an Output. */
export const getConnectionsOutput = liftToOutput(getConnections);
