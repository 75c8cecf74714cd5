/** Power Automate connections of an environment (maker path, api-version 2016-11-01). */
import { type ApiContext, type CallOptions, list, shape } from "./common";
import { FLOW_API_VERSION, makerFlowsBase } from "./flows";
import type { Connection } from "./types";

export const decodeConnection = shape<Connection>("connection", ["name"]);

export function connectionsApi(ctx: ApiContext) {
  return {
    /** GET …/environments/{env}/connections. */
    list(environmentName: string, opts?: CallOptions): Promise<Connection[]> {
      return list(ctx, { surface: "flow", path: `${makerFlowsBase(environmentName)}/connections`, apiVersion: FLOW_API_VERSION }, decodeConnection, "connections", opts);
    },
  };
}

export type ConnectionsApi = ReturnType<typeof connectionsApi>;
