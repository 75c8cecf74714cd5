/** Power Automate connectors ("apis") of an environment (maker paths, api-version 2016-11-01). */
import { type ApiContext, call, type CallOptions, list, seg, shape } from "./common";
import { FLOW_API_VERSION, makerFlowsBase } from "./flows";
import type { Connector } from "./types";

export const decodeConnector = shape<Connector>("connector", ["name"]);

export function connectorsApi(ctx: ApiContext) {
  return {
    /** GET …/environments/{env}/apis. */
    list(environmentName: string, opts?: CallOptions): Promise<Connector[]> {
      return list(ctx, { surface: "flow", path: `${makerFlowsBase(environmentName)}/apis`, apiVersion: FLOW_API_VERSION }, decodeConnector, "connectors", opts);
    },
    /** GET …/environments/{env}/apis/{apiName}. */
    async get(environmentName: string, apiName: string, opts?: CallOptions): Promise<Connector> {
      const r = await call(
        ctx,
        { surface: "flow", method: "GET", path: `${makerFlowsBase(environmentName)}/apis/${seg(apiName, "apiName")}`, apiVersion: FLOW_API_VERSION, expect: [200] },
        opts,
      );
      return decodeConnector(r.data);
    },
  };
}

export type ConnectorsApi = ReturnType<typeof connectorsApi>;
