import { clientFor, type FunctionOptions, liftToOutput } from "./common";

/** A connection as {@link getConnections} returns it. */
export interface ConnectionSummary {
  connectionId: string;
  displayName?: string;
  connectorId?: string;
  createdTime?: string;
}

/** The arguments of {@link getConnections}: which environment. */
export interface GetConnectionsArgs {
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
