import type { Flow, FlowPermission } from "../client/api/types";
import { clientFor, type FunctionOptions, liftToOutput } from "./common";

/** A cloud flow as {@link getFlows} returns it. */
export interface FlowSummary {
  /** The flow id (a GUID). */
  flowId: string;
  /** The display name. */
  displayName: string;
  /** `Started`, `Stopped` or `Suspended`. */
  state?: string;
  /** The Entra object id of the flow's creator (its Owner). */
  creatorId?: string;
  /** When the flow was created (ISO 8601). */
  createdTime?: string;
  /** When the flow last changed (ISO 8601). */
  lastModifiedTime?: string;
}

function summarize(flow: Flow): FlowSummary {
  const p = flow.properties;
  return {
    flowId: flow.name,
    displayName: p.displayName ?? flow.name,
    ...(p.state ? { state: String(p.state) } : {}),
    ...(p.creator?.objectId ? { creatorId: p.creator.objectId } : {}),
    ...(p.createdTime ? { createdTime: p.createdTime } : {}),
    ...(p.lastModifiedTime ? { lastModifiedTime: p.lastModifiedTime } : {}),
  };
}

/** The arguments of {@link getFlows}. */
export interface GetFlowsArgs {
  /** The environment (a GUID, or `Default-<tenant id>`). */
  environmentId: string;
  /** Only flows in this state: Started, Stopped or Suspended. */
  state?: string;
}

/** The cloud flows of an environment (admin view, all pages). */
export async function getFlows(args: GetFlowsArgs, options?: FunctionOptions): Promise<FlowSummary[]> {
  return (await clientFor(options).flows.list(args.environmentId)).map(summarize).filter((f) => !args.state || f.state === args.state);
}

/** One principal with a role on a flow, as {@link getFlowOwners} returns it. */
export interface FlowOwnerSummary {
  /** The Entra object id of the user, group or service principal. */
  principalId: string;
  /** `User`, `Group` or `ServicePrincipal`. */
  principalType: string;
  /** `Owner` (the creator), `CanEdit` or `CanView`. */
  role: string;
  /** The principal's display name, when the service gives it. */
  displayName?: string;
}

function summarizePermission(permission: FlowPermission): FlowOwnerSummary {
  const { principal, roleName } = permission.properties;
  return {
    principalId: principal.id,
    principalType: String(principal.type),
    role: String(roleName),
    ...(principal.displayName ? { displayName: principal.displayName } : {}),
  };
}

/** The arguments of {@link getFlowOwners}: which flow. */
export interface GetFlowOwnersArgs {
  /** The environment of the flow. */
  environmentId: string;
  /** The flow (a GUID). */
  flowId: string;
}

/** Everyone with a role on a flow: the creator (Owner), co-owners (CanEdit) and viewers (CanView). */
export async function getFlowOwners(args: GetFlowOwnersArgs, options?: FunctionOptions): Promise<FlowOwnerSummary[]> {
  const permissions = await clientFor(options).flows.listPermissions(args.environmentId, args.flowId);
  return permissions.map(summarizePermission).sort((a, b) => a.principalId.localeCompare(b.principalId));
}

/** {@link getFlows} taking Pulumi Inputs and returning an Output. */
export const getFlowsOutput = liftToOutput(getFlows);
/** {@link getFlowOwners} taking Pulumi Inputs and returning an Output. */
export const getFlowOwnersOutput = liftToOutput(getFlowOwners);
