import { clientFor, type FunctionOptions, liftToOutput } from "./common";

/** A connector as {@link getConnectors} returns it. */
export interface ConnectorSummary {
  connectorId: string;
  displayName?: string;
  tier?: string;
  isCustomApi: boolean;
}

/** The arguments of {@link getConnectors}: which environment. */
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

/** {@link getConnectors} taking Pulumi Inputs and returning an Output. */
export const getConnectorsOutput = liftToOutput(getConnectors);
