import { clientFor, type FunctionOptions, liftToOutput } from "./common";

/** A connector as {@link getConnectors} returns it. */
export interface ConnectorSummary {
  /** The connector's name, e.g. `shared_office365`. */
  connectorId: string;
  /** The display name. */
  displayName?: string;
  /** `Standard` or `Premium`. */
  tier?: string;
  /** True for a custom connector. */
  isCustomApi: boolean;
}

/** The arguments of {@link getConnectors}: which environment. */
export interface GetConnectorsArgs {
  /** The environment (a GUID, or `Default-<tenant id>`). */
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
