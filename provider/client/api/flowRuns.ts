/**
 * Flow runs: Power Automate maker paths (api-version 2016-11-01) and the Power
 * Platform API listing (`/powerautomate/environments/{env}/flowRuns`, 204 when none).
 */
import { type ApiContext, call, type CallOptions, list, seg, shape } from "./common";
import { FLOW_API_VERSION, makerFlowsBase } from "./flows";
import type { FlowRun, PowerAutomateFlowRun } from "./types";

export const POWERAUTOMATE_API_VERSION = "2022-03-01-preview";

const runsPath = (env: string, flow: string): string => `${makerFlowsBase(env)}/flows/${seg(flow, "flowName")}/runs`;
export const decodeFlowRun = shape<FlowRun>("flow run", ["name"]);
export const decodePowerAutomateFlowRun = shape<PowerAutomateFlowRun>("flow run", []);

export function flowRunsApi(ctx: ApiContext) {
  return {
    /** GET …/environments/{env}/flows/{flow}/runs (follows nextLink). */
    list(environmentName: string, flowName: string, opts?: CallOptions): Promise<FlowRun[]> {
      return list(ctx, { surface: "flow", path: runsPath(environmentName, flowName), apiVersion: FLOW_API_VERSION }, decodeFlowRun, "flow runs", opts);
    },

    /** GET …/runs/{runId}. */
    async get(environmentName: string, flowName: string, runId: string, opts?: CallOptions): Promise<FlowRun> {
      const r = await call(
        ctx,
        { surface: "flow", method: "GET", path: `${runsPath(environmentName, flowName)}/${seg(runId, "runId")}`, apiVersion: FLOW_API_VERSION, expect: [200] },
        opts,
      );
      return decodeFlowRun(r.data);
    },

    /** POST …/runs/{runId}/cancel → 200. Cancelling twice is harmless. */
    async cancel(environmentName: string, flowName: string, runId: string, opts?: CallOptions): Promise<void> {
      await call(
        ctx,
        {
          surface: "flow",
          method: "POST",
          path: `${runsPath(environmentName, flowName)}/${seg(runId, "runId")}/cancel`,
          apiVersion: FLOW_API_VERSION,
          expect: [200, 202, 204],
          idempotent: true,
        },
        opts,
      );
    },

    /**
     * POST …/flows/{flow}/triggers/{trigger}/histories/{runId}/resubmit → 202 (the path public
     * clients use, e.g. pnp/cli-microsoft365 src/m365/flow/commands/run/run-resubmit.ts).
     * Starts a new run: never blindly retried.
     */
    async resubmit(environmentName: string, flowName: string, runId: string, triggerName: string, opts?: CallOptions): Promise<void> {
      await call(
        ctx,
        {
          surface: "flow",
          method: "POST",
          path: `${makerFlowsBase(environmentName)}/flows/${seg(flowName, "flowName")}/triggers/${seg(triggerName, "triggerName")}/histories/${seg(runId, "runId")}/resubmit`,
          apiVersion: FLOW_API_VERSION,
          expect: [200, 202],
          idempotent: false,
        },
        opts,
      );
    },

    /**
     * Power Platform API: GET /powerautomate/environments/{env}/flowRuns?workflowId=
     * → runs ([] on 204). 404 (environment without Dataverse) → NotFoundError.
     */
    listForWorkflow(environmentId: string, workflowId: string, opts?: CallOptions): Promise<PowerAutomateFlowRun[]> {
      return list(
        ctx,
        {
          surface: "powerplatform",
          path: `/powerautomate/environments/${seg(environmentId, "environmentId")}/flowRuns`,
          apiVersion: POWERAUTOMATE_API_VERSION,
          query: { workflowId },
          expect: [200, 204],
        },
        decodePowerAutomateFlowRun,
        "flow runs",
        opts,
      );
    },
  };
}

export type FlowRunsApi = ReturnType<typeof flowRunsApi>;
