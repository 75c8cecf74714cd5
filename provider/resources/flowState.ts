import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceProps, dynamicResourceType } from "./dynamicProvider";
import { programFramesOnly } from "./sourceFrames";
import { timeoutsInput } from "./timeouts";
import { claim } from "./claims";
import { InputChecker } from "./validation";
import type { ResourceHandler, CheckResult, DiffResult, ReadResult } from "./handler";
import { clientFromEnvironment, isNotFound } from "./runtimeSupport";
import { readConfirmingGone } from "./confirmGone";
import { flowListed } from "./flow";
import { isUnknown } from "./validation";
import { checkEnvironmentId, flowStates, type FlowStateName } from "./flow";
import type { Flow as FlowDto } from "../client/api/types";
import type { PowerPlatformClient } from "../client";
import { DlpViolationError } from "../client/errors";

/** The arguments of a {@link FlowState}: which flow, and the state it must be in. */
export interface FlowStateArgs {
  /** The environment of the flow (a GUID, or `Default-<tenant id>`). Changing it replaces the resource. */
  environmentId: pulumi.Input<string>;
  /** The flow (a GUID). Changing it replaces the resource. */
  flowId: pulumi.Input<string>;
  /** `Started` or `Stopped`. Applied with start/stop, only when the flow is not already in that state. */
  state: pulumi.Input<FlowStateName>;
}

export interface FlowStateInputs {
  environmentId: string;
  flowId: string;
  state: FlowStateName;
  /**
   * Not an argument: the state the flow had before this resource first changed it, read
   * by `check` and carried from then on. `check`'s result is what the engine records for a
   * pending create, so the original state survives a run killed right after start/stop.
   */
  initialState?: string;
}

export interface FlowStateOutputs extends Omit<FlowStateInputs, "state"> {
  /** The state the flow is in: `Started`, `Stopped`, or `Suspended` (set by the service). */
  state: string;
  /** The state the flow had when it became managed; restored on delete. */
  initialState: string;
  flowDisplayName: string;
}

const resourceName = "FlowState";

/** The arguments of a FlowState: check refuses any other name (`__` names excepted). */
export const flowStateArguments = ["environmentId", "flowId", "state"] as const;

function checkInputs(news: Record<string, unknown>): CheckResult<FlowStateInputs> {
  const c = new InputChecker(resourceName);
  c.knownNames(news, "", flowStateArguments);
  const environmentId = checkEnvironmentId(c, resourceName, news.environmentId);
  const flowId = c.guid(news.flowId, "flowId", { required: true });
  const state = c.oneOf(news.state, "state", flowStates);
  if (c.failures.length > 0) return { failures: c.failures };
  return { inputs: { environmentId: environmentId!, flowId: flowId!, state: state! } };
}

function outputsFrom(inputs: Pick<FlowStateInputs, "environmentId" | "flowId">, flow: FlowDto, state: string, initialState: string): FlowStateOutputs {
  return {
    environmentId: inputs.environmentId,
    flowId: inputs.flowId,
    state,
    initialState,
    flowDisplayName: flow.properties.displayName ?? "",
  };
}

async function getFlow(client: PowerPlatformClient, environmentId: string, flowId: string): Promise<FlowDto> {
  return client.flows.get(environmentId, flowId).catch((error: unknown) => {
    if (isNotFound(error)) throw new Error(`${resourceName}: there is no flow ${flowId} in environment ${environmentId}`);
    throw error;
  });
}

/**
 * Brings the flow to `state` with one start or stop, and calls neither when it is
 * already there. Returns the state the flow is then in.
 */
export async function applyFlowState(client: PowerPlatformClient, environmentId: string, flow: FlowDto, state: FlowStateName): Promise<string> {
  const current = flow.properties.state ?? "";
  if (current === state) return current;
  if (state === "Started") {
    try {
      await client.flows.start(environmentId, flow.name);
    } catch (error) {
      if (error instanceof DlpViolationError) {
        const reason = flow.properties.flowSuspensionReason ? ` (flowSuspensionReason: ${flow.properties.flowSuspensionReason})` : "";
        throw new Error(`${resourceName}: flow ${flow.name} in environment ${environmentId} cannot be turned on${reason}: ${error.message}`);
      }
      throw error;
    }
  } else await client.flows.stop(environmentId, flow.name);
  return state;
}

/**
 * Adds `initialState` to checked inputs: carried over from the old inputs of the same
 * flow, otherwise the flow's state now (before any change: only `create` changes it).
 * The read is best effort; when it fails, `create` reads the state itself.
 */
async function withInitialState(olds: Record<string, unknown>, result: CheckResult<FlowStateInputs>): Promise<CheckResult<FlowStateInputs>> {
  const inputs = result.inputs;
  if (!inputs || isUnknown(inputs.flowId) || isUnknown(inputs.environmentId)) return result;
  const sameFlow = olds.flowId === inputs.flowId && olds.environmentId === inputs.environmentId;
  if (sameFlow && typeof olds.initialState === "string" && olds.initialState) return { inputs: { ...inputs, initialState: olds.initialState } };
  try {
    const client = await clientFromEnvironment();
    // From the environment's flow list (one per process): a preview of many new FlowState reads it once.
    const flow = await client.reads.flow(inputs.environmentId, inputs.flowId);
    return flow?.properties?.state ? { inputs: { ...inputs, initialState: flow.properties.state } } : result;
  } catch {
    // Best effort (a preview without access to the tenant, a flow not there yet): create reads it then.
    return result;
  }
}

export const flowStateHandler: ResourceHandler<FlowStateInputs, FlowStateOutputs> = {
  async check(olds, news) {
    return withInitialState(olds, checkInputs(news));
  },

  async diff(_id, olds, news): Promise<DiffResult> {
    const replaces: string[] = [];
    if (olds.environmentId !== news.environmentId) replaces.push("environmentId");
    if (olds.flowId !== news.flowId) replaces.push("flowId");
    return {
      changes: replaces.length > 0 || olds.state !== news.state,
      replaces,
      deleteBeforeReplace: true,
    };
  },

  async create(inputs) {
    const client = await clientFromEnvironment();
    const flow = await getFlow(client, inputs.environmentId, inputs.flowId);
    // Recorded by check before anything changed (see FlowStateInputs.initialState).
    const initialState = inputs.initialState ?? flow.properties.state ?? "";
    const state = await applyFlowState(client, inputs.environmentId, flow, inputs.state);
    return { id: inputs.flowId, outs: outputsFrom(inputs, flow, state, initialState) };
  },

  async read(id, props): Promise<ReadResult<FlowStateInputs, FlowStateOutputs>> {
    const client = await clientFromEnvironment();
    // The admin flow list carries state and display name: one list per environment serves
    // every FlowState there; a flow it does not have is read by id (and a 404 confirmed).
    // create, update and delete read the flow by id: they decide on a start or stop from it.
    const flow = await readConfirmingGone(
      client,
      `flow ${id}`,
      () => client.reads.flow(props.environmentId, id),
      () => flowListed(client, props.environmentId, id),
    );
    if (!flow) return { id: "", props: {} as FlowStateOutputs };
    const state = flow.properties.state ?? "";
    // An imported pending create has its inputs (with initialState) as props.
    const initialState = props.initialState ?? (props as Partial<FlowStateInputs>).initialState ?? "";
    const outs = outputsFrom({ environmentId: props.environmentId, flowId: props.flowId ?? id }, flow, state, initialState);
    return {
      id,
      props: outs,
      inputs: { environmentId: outs.environmentId, flowId: outs.flowId, state: state as FlowStateName, ...(initialState ? { initialState } : {}) },
    };
  },

  async update(id, olds, news) {
    const client = await clientFromEnvironment();
    // Read first: start/stop is never sent to a flow already in the declared state.
    const flow = await getFlow(client, news.environmentId, id);
    const state = await applyFlowState(client, news.environmentId, flow, news.state);
    return { outs: outputsFrom(news, flow, state, olds.initialState) };
  },

  async delete(id, props) {
    const client = await clientFromEnvironment();
    let flow: FlowDto;
    try {
      flow = await client.flows.get(props.environmentId, id);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    // A flow the service had suspended cannot be suspended again by a client: it is left stopped.
    const restore: FlowStateName = props.initialState === "Started" ? "Started" : "Stopped";
    await applyFlowState(client, props.environmentId, flow, restore);
  },
};

/**
 * Whether an existing flow is on or off. The flow itself is not managed: on delete,
 * the state it had when it became managed (`initialState`) is restored. Turning the
 * flow on or off by hand shows as drift on `pulumi refresh`; a flow deleted by hand
 * drops the resource from the state.
 */
export class FlowState extends pulumi.CustomResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/powerplatform:FlowState";

  /** The environment of the flow. */
  declare readonly environmentId: pulumi.Output<string>;
  /** The flow whose state is managed. */
  declare readonly flowId: pulumi.Output<string>;
  /** `Started`, `Stopped` or `Suspended`. */
  declare readonly state: pulumi.Output<string>;
  /** The state the flow had when it became managed; restored on delete. */
  declare readonly initialState: pulumi.Output<string>;
  /** The flow's display name, as the service reports it. */
  declare readonly flowDisplayName: pulumi.Output<string>;

  constructor(name: string, args: FlowStateArgs, opts?: pulumi.CustomResourceOptions) {
    claim(resourceName, name, "on/off state of flow", [args.flowId]);
    const endProgramFrames = programFramesOnly();
    try {
      super(dynamicResourceType(resourceName), name, dynamicResourceProps(resourceName, { ...args, ...timeoutsInput(opts) }, ["environmentId", "flowId", "state", "initialState", "flowDisplayName"]), opts);
    } finally {
      endProgramFrames();
    }
  }
}
