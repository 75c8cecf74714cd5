import { clientFor, type FunctionOptions, liftToOutput } from "./common";

/** One run of a flow, as {@link getFlowRuns} returns it. */
export interface FlowRunSummary {
  /** The run id. */
  runId: string;
  /** `Succeeded`, `Failed`, `Running`, `Cancelled`, … */
  status?: string;
  /** When the run started (ISO 8601). */
  startTime?: string;
  /** When the run ended (ISO 8601), absent while it runs. */
  endTime?: string;
  /** The trigger that started the run. */
  triggerName?: string;
}

/** The arguments of {@link getFlowRuns}: which flow, and optionally which runs. */
export interface GetFlowRunsArgs {
  /** The environment of the flow. */
  environmentId: string;
  /** The flow (a GUID). */
  flowId: string;
  /** Only runs with this status (Succeeded, Failed, Running, Cancelled, …). */
  status?: string;
}

/** The run history of a flow (all pages). */
export async function getFlowRuns(args: GetFlowRunsArgs, options?: FunctionOptions): Promise<FlowRunSummary[]> {
  const runs = await clientFor(options).flowRuns.list(args.environmentId, args.flowId);
  return runs
    .map((run) => ({
      runId: run.name,
      ...(run.properties?.status ? { status: run.properties.status } : {}),
      ...(run.properties?.startTime ? { startTime: run.properties.startTime } : {}),
      ...(run.properties?.endTime ? { endTime: run.properties.endTime } : {}),
      ...(run.properties?.trigger?.name ? { triggerName: run.properties.trigger.name } : {}),
    }))
    .filter((r) => !args.status || r.status === args.status);
}

/** {@link getFlowRuns} taking Pulumi Inputs and returning an Output. */
export const getFlowRunsOutput = liftToOutput(getFlowRuns);
