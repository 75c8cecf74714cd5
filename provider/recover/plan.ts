/**
 * What to do with each pending create an interrupted `pulumi up` left in a stack's
 * checkpoint. The engine records a *pending create* (with its checked inputs) before it
 * calls `create`; when the run is killed, the next `up` drops it and creates again, which
 * makes a second object. Instead, each pending create is resolved here:
 *
 * - BillingPolicy, Environment, Flow, EnvironmentGroup: the one tenant object this principal created
 *   recently that matches the pending inputs and is not in the stack's state is imported
 *   (`--import-pending-creates URN ID`); none: the pending create is cleared (nothing was
 *   made); several: refused, naming them (a person decides).
 * - FlowState, FlowOwners: their id is the flow's: imported when the flow exists (a
 *   FlowState's pending inputs carry the state the flow had before, so `destroy` still
 *   restores it).
 * - BillingPolicyEnvironment: imported when the link exists, cleared otherwise.
 * - TenantSettings: always imported (the settings object always exists; its pending inputs
 *   carry the values the settings had before).
 * - ManagedEnvironment: its id is the environment's: imported when the environment exists
 *   (its pending inputs carry the configuration the environment had before, so `destroy`
 *   still puts that back rather than what the interrupted run applied).
 * - DataLossPreventionPolicy: the one policy with the pending display name made during the
 *   window and not in the state is imported (its creator is named by display name only).
 * - any other kind: cleared (its next create checks the tenant itself).
 *
 * The decisions are applied to the checkpoint itself (`applyDecisions`: an imported
 * pending create becomes a resource with that id, its inputs as its last known outputs;
 * a cleared one is dropped), loaded back with `pulumi stack import`, and a `pulumi refresh`
 * then reads each imported object. (`pulumi refresh --import-pending-creates` of Pulumi
 * 3.259 drops the pending create without adding the resource: checked on the real engine.)
 */
import type { PowerPlatformClient } from "../client";
import { billingPolicyCandidate, matchingBillingPolicies, type BillingPolicyInputs } from "../resources/billingPolicy";
import { environmentGroupCandidate, matchingGroups, type EnvironmentGroupInputs } from "../resources/environmentGroup";
import { environmentCandidate, matchingEnvironments, type EnvironmentInputs } from "../resources/environment";
import { flowCandidate, matchingFlows, type FlowInputs } from "../resources/flow";
import { type Candidate, describeCandidates, provablyOurs } from "../resources/ownership";
import { isNotFound } from "../resources/runtimeSupport";
import { tenantSettingsId } from "../resources/tenantSettings";

export interface PendingCreate {
  urn: string;
  type: string;
  inputs: Record<string, unknown>;
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
}

export type Decision =
  | { action: "import"; urn: string; id: string; reason: string }
  | { action: "clear"; urn: string; reason: string }
  | { action: "refuse"; urn: string; reason: string };

/** The pending creates and resources of a `pulumi stack export` document. */
export function readCheckpoint(exported: string): { pending: PendingCreate[]; resources: StateResource[] } {
  const doc = JSON.parse(exported) as {
    deployment?: {
      resources?: Array<{ urn: string; type: string; id?: string }>;
      pending_operations?: Array<{ type: string; resource: { urn: string; type: string; inputs?: Record<string, unknown> } }>;
    };
  };
  const d = doc.deployment ?? {};
  return {
    pending: (d.pending_operations ?? [])
      .filter((op) => op.type === "creating")
      .map((op) => ({ urn: op.resource.urn, type: op.resource.type, inputs: op.resource.inputs ?? {} })),
    resources: (d.resources ?? []).map((r) => ({ urn: r.urn, type: r.type, ...(r.id ? { id: r.id } : {}) })),
  };
}

/** `pulumi-nodejs:dynamic/powerplatform:BillingPolicy` → `BillingPolicy`. */
export function kindOf(type: string): string {
  return type.split(":").pop() ?? type;
}

export interface PlanContext {
  client: PowerPlatformClient;
  /** How far back an object may have been created by the interrupted run, ms. */
  withinMs: number;
  now: number;
}

async function principalFor(client: PowerPlatformClient, kind: string): Promise<string | undefined> {
  const surface = kind === "BillingPolicy" || kind === "EnvironmentGroup" ? "powerplatform" : kind === "Flow" ? "flow" : "bap";
  return client.http.callerObjectId(surface);
}

async function candidatesFor(client: PowerPlatformClient, kind: string, inputs: Record<string, unknown>): Promise<Candidate[] | undefined> {
  switch (kind) {
    case "BillingPolicy":
      return (await matchingBillingPolicies(client, inputs as unknown as BillingPolicyInputs)).map(billingPolicyCandidate);
    case "Environment":
      return (await matchingEnvironments(client, inputs as unknown as EnvironmentInputs)).map(environmentCandidate);
    case "Flow":
      return (await matchingFlows(client, inputs as unknown as FlowInputs)).map(flowCandidate);
    case "EnvironmentGroup":
      return (await matchingGroups(client, inputs as unknown as EnvironmentGroupInputs)).map(environmentGroupCandidate);
    default:
      return undefined;
  }
}

async function exists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** Decides, for each pending create, whether to import it (with which id), clear it, or refuse. */
export async function planRecovery(pending: PendingCreate[], resources: StateResource[], ctx: PlanContext): Promise<Decision[]> {
  const inState = new Set(resources.filter((r) => r.id).map((r) => `${kindOf(r.type)}:${r.id!.toLowerCase()}`));
  const taken = new Set<string>();
  const decisions: Decision[] = [];
  for (const p of pending) {
    const kind = kindOf(p.type);
    const i = p.inputs;
    if (i.adoptId && typeof i.adoptId === "string") {
      decisions.push({ action: "import", urn: p.urn, id: i.adoptId, reason: `adoptId ${i.adoptId} names the object` });
      continue;
    }
    const candidates = await candidatesFor(ctx.client, kind, i);
    if (candidates) {
      const principalId = await principalFor(ctx.client, kind);
      const ours = candidates.filter(
        (c) =>
          !inState.has(`${kind}:${c.id.toLowerCase()}`) &&
          !taken.has(`${kind}:${c.id.toLowerCase()}`) &&
          provablyOurs(c, principalId, ctx.now - ctx.withinMs, ctx.now, ctx.client.config.safety.clockSkewMs),
      );
      if (ours.length === 1) {
        taken.add(`${kind}:${ours[0].id.toLowerCase()}`);
        decisions.push({ action: "import", urn: p.urn, id: ours[0].id, reason: `made by the interrupted run: ${describeCandidates(ours)}` });
      } else if (ours.length === 0) {
        decisions.push({ action: "clear", urn: p.urn, reason: "no object made by this principal matches it: the create never happened" });
      } else {
        decisions.push({
          action: "refuse",
          urn: p.urn,
          reason: `${ours.length} objects made by this principal match it and none is in the stack: ${describeCandidates(ours)}; import the right one with \`pulumi refresh --import-pending-creates ${p.urn} <id>\` and delete the others`,
        });
      }
      continue;
    }
    const environmentId = String(i.environmentId ?? "");
    const flowId = String(i.flowId ?? "");
    if ((kind === "FlowState" || kind === "FlowOwners") && flowId) {
      const found = await exists(() => ctx.client.flows.get(environmentId, flowId));
      decisions.push(
        found
          ? { action: "import", urn: p.urn, id: flowId, reason: `flow ${flowId} exists (its id is the resource's)` }
          : { action: "clear", urn: p.urn, reason: `flow ${flowId} does not exist` },
      );
      continue;
    }
    if (kind === "ManagedEnvironment" && environmentId) {
      const found = await exists(() => ctx.client.environments.get(environmentId));
      decisions.push(
        found
          ? { action: "import", urn: p.urn, id: environmentId, reason: `environment ${environmentId} exists (its id is the resource's)` }
          : { action: "clear", urn: p.urn, reason: `environment ${environmentId} does not exist` },
      );
      continue;
    }
    if (kind === "DataLossPreventionPolicy" && typeof i.displayName === "string") {
      decisions.push(await dlpPolicyDecision(ctx, p.urn, i.displayName, inState, taken));
      continue;
    }
    if (kind === "BillingPolicyEnvironment" && i.billingPolicyId && i.environmentId) {
      const policy = await ctx.client.billingPolicies.getForEnvironment(String(i.environmentId)).catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
      const linked = !!policy && policy.id.toLowerCase() === String(i.billingPolicyId).toLowerCase();
      decisions.push(
        linked
          ? { action: "import", urn: p.urn, id: `${i.billingPolicyId}/${i.environmentId}`, reason: "the link exists" }
          : { action: "clear", urn: p.urn, reason: "the link does not exist" },
      );
      continue;
    }
    if (kind === "TenantSettings") {
      // The settings object always exists; the pending inputs carry the values it had before.
      decisions.push({ action: "import", urn: p.urn, id: tenantSettingsId, reason: "the tenant's settings always exist (the pending inputs keep the values they had before, so destroy still restores them)" });
      continue;
    }
    decisions.push({ action: "clear", urn: p.urn, reason: `${kind}: its next create checks the tenant itself` });
  }
  return decisions;
}

/**
 * A DLP policy names its creator by display name only, so none can be proven this
 * principal's: the one policy with the pending display name, created within the window and
 * in no resource of the stack, is imported (the create refuses a namesake nobody manages, so
 * it can only be the interrupted run's); none: cleared; several: refused.
 */
async function dlpPolicyDecision(ctx: PlanContext, urn: string, displayName: string, inState: Set<string>, taken: Set<string>): Promise<Decision> {
  const kind = "DataLossPreventionPolicy";
  const skew = ctx.client.config.safety.clockSkewMs;
  const recent = (await ctx.client.dlpPolicies.list()).filter((policy) => {
    const id = (policy.policyDefinition.name ?? "").toLowerCase();
    const created = Date.parse(policy.policyDefinition.createdTime ?? "");
    return (
      policy.policyDefinition.displayName === displayName &&
      !inState.has(`${kind}:${id}`) &&
      !taken.has(`${kind}:${id}`) &&
      Number.isFinite(created) &&
      created >= ctx.now - ctx.withinMs - skew &&
      created <= ctx.now + skew
    );
  });
  const described = recent.map((policy) => `${policy.policyDefinition.name} (created ${policy.policyDefinition.createdTime})`).join("; ");
  if (recent.length === 1) {
    const id = recent[0].policyDefinition.name!;
    taken.add(`${kind}:${id.toLowerCase()}`);
    return { action: "import", urn, id, reason: `the one DLP policy named "${displayName}" made during the window and in no resource of the stack: ${described}` };
  }
  if (recent.length === 0) return { action: "clear", urn, reason: `no DLP policy named "${displayName}" was made during the window: the create never happened` };
  return {
    action: "refuse",
    urn,
    reason: `${recent.length} DLP policies named "${displayName}" were made during the window and none is in the stack: ${described}; import the right one with \`pulumi refresh --import-pending-creates ${urn} <id>\` and delete the others`,
  };
}

/**
 * The checkpoint with the decisions applied: imported pending creates become resources
 * (their inputs, which hold the serialized provider, as outputs until the refresh reads the
 * object), cleared ones disappear. Refused ones stay pending.
 */
export function applyDecisions(exported: string, decisions: Decision[]): string {
  const doc = JSON.parse(exported) as {
    deployment: {
      resources?: Array<Record<string, unknown>>;
      pending_operations?: Array<{ type: string; resource: Record<string, unknown> & { urn: string; inputs?: Record<string, unknown> } }>;
    };
  };
  const byUrn = new Map(decisions.map((d) => [d.urn, d]));
  const resources = [...(doc.deployment.resources ?? [])];
  const pending: NonNullable<typeof doc.deployment.pending_operations> = [];
  for (const op of doc.deployment.pending_operations ?? []) {
    const d = op.type === "creating" ? byUrn.get(op.resource.urn) : undefined;
    if (!d || d.action === "refuse") {
      pending.push(op);
      continue;
    }
    if (d.action === "import") {
      const inputs = op.resource.inputs ?? {};
      resources.push({ ...op.resource, id: d.id, inputs, outputs: { ...inputs } });
    }
  }
  doc.deployment.resources = resources;
  doc.deployment.pending_operations = pending;
  return JSON.stringify(doc, null, 2);
}
