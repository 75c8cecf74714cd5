import { clientFor, type FunctionOptions, liftToOutput } from "./common";

export interface ConnectorSummary {
  connectorId: string;
  displayName?: string;
  tier?: string;
  isCustomApi: boolean;
}

export interface GetConnectorsArgs {
  environmentId: string;
}

/** The connectors available in an environment. */
export async function getConnectors(args: GetConnectorsArgs, options?: FunctionOptions): Promise<ConnectorSummary[]> {
  return (await clientFor(options).connectors.list(args.environmentId)).map((c) => ({
    connectorId: c.name,
    ...(c.properties?.displayName ? { displayName: c.properties.displayName } : {}),
    ...(c.properties?.tier ? { tier: c.properties.tier } : {}),
    isCustomApi: c.properties?.isCustomApi === true,
  }));
}

export const getConnectorsOutput = liftToOutput(getConnectors);
