import * as pulumi from "@pulumi/pulumi";
import { canonicalJson, sameJson } from "./jsonEquality";
import { dynamicResourceProps, dynamicResourceType } from "./dynamicProvider";
import { programFramesOnly } from "./sourceFrames";
import { timeoutsInput } from "./timeouts";
import { claim } from "./claims";
import { InputChecker, isUnknown, refuseKeysPulumiCannotCarry } from "./validation";
import type { ResourceHandler, CheckResult, DiffResult, ReadResult } from "./handler";
import { clientFromEnvironment, isNotFound, keepIdOnFailure } from "./runtimeSupport";
import type { Flow as FlowDto, FlowConnectionReference } from "../client/api/types";
import type { PowerPlatformClient } from "../client";
import { AuthError, DlpViolationError } from "../client/errors";
import { adoptAfterUnknownOutcome, type Candidate, claimObject, ourPrincipal, refuseRecentDuplicate } from "./ownership";
import { readConfirmingGone } from "./confirmGone";

/** The states a flow can be put in through start/stop (`Suspended` is set by the service only). */
export const flowStates = ["Started", "Stopped"] as const;
/** `Started` or `Stopped` (see {@link flowStates}). */
export type FlowStateName = (typeof flowStates)[number];

// ---------- helpers shared by Flow, FlowState and FlowOwners ----------

const environmentIdPattern = /^(default-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An environment name as the flow API takes it: a GUID, or `Default-<tenant GUID>` for
 * the default environment. Normalized like the service spells it (GUID in lower case).
 */
export function checkEnvironmentId(c: InputChecker, resource: string, value: unknown, property = "environmentId"): string | undefined {
  const text = c.string(value, property, { required: true });
  if (text === undefined) return undefined;
  if (!environmentIdPattern.test(text)) {
    c.fail(property, `${resource}: ${property} must be an environment name: a GUID, or Default-<tenant id> (got "${text}")`);
    return undefined;
  }
  return /^default-/i.test(text) ? `Default-${text.slice(8).toLowerCase()}` : text.toLowerCase();
}

// ---------- Flow ----------

/** The arguments of a {@link Flow}; `check` refuses any other name. */
export interface FlowArgs {
  /** The environment of the flow (a GUID, or `Default-<tenant id>`). Changing it replaces the flow. */
  environmentId: pulumi.Input<string>;
  /** Display name. Updated in place. */
  displayName: pulumi.Input<string>;
  /** The workflow definition (Logic Apps schema: `triggers`, `actions`, …). Updated in place; key order does not matter. */
  definition: pulumi.Input<Record<string, unknown>>;
  /** Connection references by name (`{ shared_office365: { connectionName, source, id } }`). Updated in place. */
  connectionReferences?: pulumi.Input<Record<string, unknown>>;
  /** `Stopped` (default) or `Started`; applied with start/stop. */
  state?: pulumi.Input<FlowStateName>;
  /**
   * Take over an existing flow with this id instead of creating one: `create` reads it,
   * verifies it is in `environmentId`, then brings display name, definition, connection
   * references and state to the declared values. (`pulumi import` does not work for
   * dynamic resources.)
   */
  adoptId?: pulumi.Input<string>;
}

/** Inputs after `check`: validated and normalized (canonical JSON, defaults applied). */
export interface FlowInputs {
  environmentId: string;
  displayName: string;
  definition: Record<string, unknown>;
  connectionReferences?: Record<string, FlowConnectionReference>;
  state: FlowStateName;
  adoptId?: string;
}

export interface FlowOutputs extends Omit<FlowInputs, "state"> {
  /** `Started`, `Stopped`, or `Suspended` (set by the service, e.g. for a broken connection). */
  state: string;
  /**
   * Whether the last read saw the definition. The admin API never returns a flow's
   * definition; the maker API returns it only to a principal with a permission on the flow.
   * When false, `definition` is the last one this resource wrote (or adopted), and a
   * definition edited outside Pulumi cannot be detected.
   */
  definitionReadable: boolean;
  /** Why the service turned the flow off (`None` when it did not), e.g. `CompanyDlpViolation`. */
  suspensionReason?: string;
  flowId: string;
  createdTime?: string;
  lastModifiedTime?: string;
  creatorId: string;
}

const resourceName = "Flow";

/** The arguments of a Flow: check refuses any other name (`__` names excepted). */
export const flowArguments = ["environmentId", "displayName", "definition", "connectionReferences", "state", "adoptId"] as const;

function checkInputs(news: Record<string, unknown>): CheckResult<FlowInputs> {
  const c = new InputChecker(resourceName);
  c.knownNames(news, "", flowArguments);
  const environmentId = checkEnvironmentId(c, resourceName, news.environmentId);
  const displayName = c.displayName(news.displayName, "displayName", { required: true, maxLength: 256 });
  const definition = c.object(news.definition, "definition", { required: true });
  if (definition && !isUnknown(news.definition)) {
    const triggers = definition.triggers;
    if (isUnknown(triggers)) {
      // computed by another resource: checked at apply
    } else if (triggers === undefined || triggers === null || typeof triggers !== "object" || Array.isArray(triggers) || Object.keys(triggers).length === 0) {
      c.fail("definition.triggers", `${resourceName}: definition.triggers must be an object with at least one trigger`);
    }
    const actions = definition.actions;
    if (actions !== undefined && !isUnknown(actions) && (actions === null || typeof actions !== "object" || Array.isArray(actions))) {
      c.fail("definition.actions", `${resourceName}: definition.actions must be an object`);
    }
  }
  const connectionReferences = c.object(news.connectionReferences, "connectionReferences");
  if (connectionReferences) {
    for (const [name, ref] of Object.entries(connectionReferences)) {
      if (!isUnknown(ref) && (ref === null || typeof ref !== "object" || Array.isArray(ref))) {
        c.fail(`connectionReferences.${name}`, `${resourceName}: connectionReferences.${name} must be an object`);
      }
    }
  }
  const state = c.oneOf(news.state, "state", flowStates, "Stopped");
  const adoptId = c.guid(news.adoptId, "adoptId");
  if (c.failures.length > 0) return { failures: c.failures };
  return {
    inputs: {
      environmentId: environmentId!,
      displayName: displayName!,
      definition: (isUnknown(news.definition) ? news.definition : canonicalJson(definition)) as Record<string, unknown>,
      ...(connectionReferences && Object.keys(connectionReferences).length > 0
        ? { connectionReferences: canonicalJson(connectionReferences) as Record<string, FlowConnectionReference> }
        : {}),
      state: state!,
      ...(adoptId ? { adoptId } : {}),
    },
  };
}

/** What is known of the flow's content when a read does not carry it (the last value written, or the state's). */
interface KnownContent {
  displayName?: string;
  definition?: Record<string, unknown>;
  connectionReferences?: Record<string, FlowConnectionReference>;
  state?: string;
  /** Whether the definition was last seen in a read (kept when a reply carries none). */
  definitionReadable?: boolean;
}

const hasKey = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/**
 * The outputs from a read. A field the read does not carry (the admin GET never carries the
 * definition) keeps its known value: an absent field never shows as a change.
 */
function outputsFrom(environmentId: string, dto: FlowDto, extra: Pick<FlowInputs, "adoptId">, known: KnownContent = {}): FlowOutputs {
  const p = dto.properties;
  const readDefinition = p.definition && typeof p.definition === "object" && !Array.isArray(p.definition) ? (p.definition as Record<string, unknown>) : undefined;
  const definition = readDefinition ?? known.definition ?? {};
  const refsRead = hasKey(p, "connectionReferences") ? p.connectionReferences : known.connectionReferences;
  const refs = refsRead && Object.keys(refsRead).length > 0 ? refsRead : undefined;
  const suspension = typeof p.flowSuspensionReason === "string" && p.flowSuspensionReason ? p.flowSuspensionReason : undefined;
  return {
    environmentId,
    displayName: p.displayName ?? known.displayName ?? "",
    definition: canonicalJson(definition) as Record<string, unknown>,
    ...(refs ? { connectionReferences: canonicalJson(refs) as Record<string, FlowConnectionReference> } : {}),
    state: p.state ?? known.state ?? "",
    definitionReadable: readDefinition !== undefined || (known.definitionReadable ?? false),
    ...(suspension ? { suspensionReason: suspension } : {}),
    ...(extra.adoptId ? { adoptId: extra.adoptId } : {}),
    flowId: dto.name.toLowerCase(),
    ...(p.createdTime ? { createdTime: p.createdTime } : {}),
    ...(p.lastModifiedTime ? { lastModifiedTime: p.lastModifiedTime } : {}),
    creatorId: (p.creator?.objectId ?? "").toLowerCase(),
  };
}

/**
 * Reads a flow as fully as this principal may: the admin view (every flow of the
 * environment, without its definition), then the maker GET for the definition (shown only
 * to a principal with a permission on the flow). The admin view wins for state and
 * suspension; the maker reply adds the definition (and connection references). A refresh
 * (`fromList`) takes the admin view from the environment's admin flow list, shared by every
 * flow there (client/listedReads.ts; a flow not listed: its admin GET); adopting reads the GET.
 */
async function readFlow(client: PowerPlatformClient, environmentId: string, flowName: string, fromList = false): Promise<FlowDto> {
  const admin = fromList ? await client.reads.flow(environmentId, flowName) : await client.flows.get(environmentId, flowName);
  const maker = await client.flows.getWithDefinition(environmentId, admin.name);
  if (!maker) return admin;
  const properties: FlowDto["properties"] = { ...admin.properties, definition: maker.properties.definition };
  if (!hasKey(admin.properties, "connectionReferences") && hasKey(maker.properties, "connectionReferences")) {
    properties.connectionReferences = maker.properties.connectionReferences;
  }
  return { ...admin, properties };
}

/** Turns a DLP refusal into an error that names the flow and says what to do. */
function explainStartFailure(error: unknown, environmentId: string, flowName: string): never {
  if (error instanceof DlpViolationError) {
    throw new Error(`${resourceName}: flow ${flowName} in environment ${environmentId} cannot be turned on: ${error.message}`);
  }
  throw error;
}

function inputsFrom(outputs: FlowOutputs): FlowInputs {
  const { environmentId, displayName, definition, connectionReferences, state, adoptId } = outputs;
  return {
    environmentId,
    displayName,
    definition,
    ...(connectionReferences ? { connectionReferences } : {}),
    state: state as FlowStateName,
    ...(adoptId ? { adoptId } : {}),
  };
}

/** The content fields (PATCHed) that differ; state is applied separately with start/stop. */
function changedContent(olds: Omit<FlowInputs, "state">, news: FlowInputs): Array<"displayName" | "definition" | "connectionReferences"> {
  const changed: Array<"displayName" | "definition" | "connectionReferences"> = [];
  if (olds.displayName !== news.displayName) changed.push("displayName");
  if (!sameJson(olds.definition ?? {}, news.definition)) changed.push("definition");
  if (!sameJson(olds.connectionReferences ?? {}, news.connectionReferences ?? {})) changed.push("connectionReferences");
  return changed;
}

function contentPatch(news: FlowInputs, fields: string[]): { properties: Record<string, unknown> } {
  const properties: Record<string, unknown> = {};
  if (fields.includes("displayName")) properties.displayName = news.displayName;
  if (fields.includes("definition")) properties.definition = news.definition;
  if (fields.includes("connectionReferences")) properties.connectionReferences = news.connectionReferences ?? {};
  return { properties };
}

/** Starts or stops the flow when (and only when) its state is not the declared one; returns the flow as it then is. */
async function settleState(client: PowerPlatformClient, environmentId: string, flow: FlowDto, state: FlowStateName): Promise<FlowDto> {
  if (flow.properties.state === state) return flow;
  if (state === "Started") {
    try {
      await client.flows.start(environmentId, flow.name);
    } catch (error) {
      explainStartFailure(error, environmentId, flow.name);
    }
  } else await client.flows.stop(environmentId, flow.name);
  // start/stop answer without a body and change lastModifiedTime: read the flow once more
  // (the admin GET: the content is already known, only state and times change).
  return client.flows.get(environmentId, flow.name);
}

/** What ownership checks need to know about a flow. */
export function flowCandidate(f: FlowDto): Candidate {
  return {
    id: f.name.toLowerCase(),
    name: f.properties?.displayName ?? "",
    creatorId: f.properties?.creator?.objectId?.toLowerCase(),
    createdTime: f.properties?.createdTime,
  };
}

/**
 * The flows of the environment with the declared display name, each with its creator
 * and creation time (read with a GET when the list does not carry them).
 */
export async function matchingFlows(client: PowerPlatformClient, inputs: Pick<FlowInputs, "environmentId" | "displayName">): Promise<FlowDto[]> {
  const named = (await client.flows.list(inputs.environmentId)).filter((f) => f.properties?.displayName === inputs.displayName);
  const out: FlowDto[] = [];
  for (const f of named) {
    if (f.properties?.creator?.objectId && f.properties?.createdTime) out.push(f);
    else out.push(await client.flows.get(inputs.environmentId, f.name));
  }
  return out;
}

const adoptHint = "set adoptId to the id of the flow to manage";

/** Whether the flow is in its environment's list (false when the environment itself is gone). */
export async function flowListed(client: PowerPlatformClient, environmentId: string, flowId: string): Promise<boolean> {
  try {
    return (await client.flows.list(environmentId)).some((f) => f.name.toLowerCase() === flowId.toLowerCase());
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/**
 * POSTs the flow. Never repeated blindly: before it, a flow of the same name left behind
 * by an interrupted run of this principal stops the create; when the POST may have been
 * applied (no answer), only the flow provably made by it is adopted (resources/ownership.ts).
 */
async function createOrFindApplied(client: PowerPlatformClient, inputs: FlowInputs): Promise<FlowDto> {
  const principalId = await ourPrincipal(client, "flow");
  const matching = () => matchingFlows(client, inputs);
  await refuseRecentDuplicate({ kind: resourceName, client, principalId, matching: async () => (await matching()).map(flowCandidate), adoptHint });
  const startedMs = client.http.clock.now();
  try {
    const created = await client.flows.create(inputs.environmentId, {
      properties: {
        displayName: inputs.displayName,
        definition: inputs.definition,
        state: inputs.state,
        ...(inputs.connectionReferences ? { connectionReferences: inputs.connectionReferences } : {}),
      },
    });
    claimObject(resourceName, created.name);
    return created;
  } catch (error) {
    if (error instanceof AuthError && error.status === 403) {
      // The create is a maker action: Microsoft documents service principals as supported for
      // administrative flow actions only (https://learn.microsoft.com/power-platform/admin/powershell-create-service-principal).
      throw new Error(
        `${resourceName}: the service refused to create flow "${inputs.displayName}" in environment ${inputs.environmentId}: ${error.message}. ` +
          `Creating a flow is a maker action, which Microsoft supports for users, not for service principals (those are supported ` +
          `for administrative flow actions only). Create the flow as a user, then let this resource manage it with adoptId.`,
      );
    }
    if (!(error as { maybeApplied?: boolean }).maybeApplied) throw error;
    const found = await adoptAfterUnknownOutcome({
      kind: resourceName,
      error,
      client,
      principalId,
      startedMs,
      matching: async () => (await matching()).map((f) => ({ candidate: flowCandidate(f), value: f })),
      adoptHint,
    });
    // The maker GET carries the definition (the principal that made the flow may read it).
    return (await client.flows.getWithDefinition(inputs.environmentId, found.name)) ?? (await client.flows.get(inputs.environmentId, found.name));
  }
}

export const flowHandler: ResourceHandler<FlowInputs, FlowOutputs> = {
  async check(_olds, news) {
    return checkInputs(news);
  },

  async diff(id, olds, news): Promise<DiffResult> {
    // The object is this stack's: no create of this run may take it for its own.
    if (id) claimObject(resourceName, id);
    const replaces = olds.environmentId !== news.environmentId ? ["environmentId"] : [];
    const updates = changedContent(olds, news);
    const stateChanged = olds.state !== news.state;
    return {
      changes: replaces.length > 0 || updates.length > 0 || stateChanged,
      replaces,
      deleteBeforeReplace: false,
    };
  },

  async create(inputs) {
    const client = await clientFromEnvironment();
    let flow: FlowDto;
    if (inputs.adoptId) {
      flow = await readFlow(client, inputs.environmentId, inputs.adoptId).catch((error: unknown) => {
        if (isNotFound(error)) {
          throw new Error(`${resourceName}: adoptId ${inputs.adoptId} names no flow in environment ${inputs.environmentId}`);
        }
        throw error;
      });
      claimObject(resourceName, flow.name);
    } else {
      flow = await createOrFindApplied(client, inputs);
    }
    const first = outputsFrom(inputs.environmentId, flow, inputs);
    return keepIdOnFailure(flow.name.toLowerCase(), first, async () => {
      // What the flow holds from here on: what was read, then what is written. (An adopted flow
      // whose definition this principal cannot read gets the declared one written.)
      let known: KnownContent = { ...first };
      const fields = changedContent(first, inputs);
      if (fields.length > 0) {
        flow = await client.flows.update(inputs.environmentId, flow.name, contentPatch(inputs, fields));
        known = { ...known, displayName: inputs.displayName, definition: inputs.definition, connectionReferences: inputs.connectionReferences ?? {} };
      }
      flow = await settleState(client, inputs.environmentId, flow, inputs.state);
      return { id: flow.name.toLowerCase(), outs: outputsFrom(inputs.environmentId, flow, inputs, known) };
    });
  },

  async read(id, props): Promise<ReadResult<FlowInputs, FlowOutputs>> {
    const client = await clientFromEnvironment();
    const flow = await readConfirmingGone(
      client,
      `flow ${id}`,
      () => readFlow(client, props.environmentId, id, true),
      () => flowListed(client, props.environmentId, id),
    );
    if (!flow) return { id: "", props: {} as FlowOutputs };
    // What the read cannot see keeps the value in the state: never a change from an absent field.
    // (definitionReadable says what this read saw.)
    const outs = outputsFrom(props.environmentId, flow, { adoptId: props.adoptId }, { ...props, definitionReadable: false });
    return { id: outs.flowId, props: outs, inputs: inputsFrom(outs) };
  },

  async update(id, olds, news) {
    const client = await clientFromEnvironment();
    const fields = changedContent(olds, news);
    // The PATCH answers with the flow (the admin reply: no definition); without a PATCH the admin
    // GET gives state and times. The content is known either way: the state's, or what was written.
    let flow = fields.length > 0
      ? await client.flows.update(news.environmentId, id, contentPatch(news, fields))
      : await client.flows.get(news.environmentId, id);
    flow = await settleState(client, news.environmentId, flow, news.state);
    const known: KnownContent = fields.length > 0
      ? { ...olds, displayName: news.displayName, definition: news.definition, connectionReferences: news.connectionReferences ?? {} }
      : olds;
    return { outs: outputsFrom(news.environmentId, flow, news, known) };
  },

  async delete(id, props) {
    const client = await clientFromEnvironment();
    // false when the flow is already gone (404): nothing left to do.
    await client.flows.delete(props.environmentId, id);
  },
};

/**
 * A Power Automate cloud flow whose definition is kept in git.
 *
 * `displayName`, `definition` and `connectionReferences` update in place (PATCH);
 * `state` is applied with start/stop; `environmentId` replaces the flow. A definition
 * edited by hand shows as drift on `pulumi refresh` (key order never does) when the
 * principal can read it: the admin API never returns a definition, the maker API returns it
 * to a principal with a permission on the flow (the creator, co-owners, viewers). A flow this
 * principal created is always readable; for an adopted flow without a permission,
 * `definitionReadable` is false and the definition in the state is the last one written.
 */
export class Flow extends pulumi.CustomResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/powerplatform:Flow";

  /** The flow id (its name in the API; also the resource id). */
  declare readonly flowId: pulumi.Output<string>;
  /** The environment of the flow. */
  declare readonly environmentId: pulumi.Output<string>;
  /** The display name, as the service reports it. */
  declare readonly displayName: pulumi.Output<string>;
  /** The flow's definition (Logic Apps workflow definition language). */
  declare readonly definition: pulumi.Output<Record<string, unknown>>;
  /** The connection references the definition uses, by name. */
  declare readonly connectionReferences: pulumi.Output<Record<string, unknown> | undefined>;
  /** `Started`, `Stopped` or `Suspended`. */
  declare readonly state: pulumi.Output<string>;
  /** False when this principal cannot read the definition (no permission on the flow): definition drift is then not detected. */
  declare readonly definitionReadable: pulumi.Output<boolean>;
  /** Why the service turned the flow off (`None` when it did not), e.g. `CompanyDlpViolation`. */
  declare readonly suspensionReason: pulumi.Output<string | undefined>;
  /** When the flow was created (ISO 8601). */
  declare readonly createdTime: pulumi.Output<string | undefined>;
  /** When the flow last changed (ISO 8601). */
  declare readonly lastModifiedTime: pulumi.Output<string | undefined>;
  /** The Entra object id of the flow's creator (its `Owner`). */
  declare readonly creatorId: pulumi.Output<string>;

  constructor(name: string, args: FlowArgs, opts?: pulumi.CustomResourceOptions) {
    refuseKeysPulumiCannotCarry(resourceName, name, args.definition, "definition");
    refuseKeysPulumiCannotCarry(resourceName, name, args.connectionReferences, "connectionReferences");
    claim(resourceName, name, "definition of flow", [args.adoptId]);
    // A Flow declares its state too (Stopped by default).
    claim(resourceName, name, "on/off state of flow", [args.adoptId]);
    const endProgramFrames = programFramesOnly();
    try {
      super(dynamicResourceType(resourceName), name, dynamicResourceProps(resourceName, { ...args, ...timeoutsInput(opts) }, ["flowId", "environmentId", "displayName", "definition", "connectionReferences", "state", "definitionReadable", "suspensionReason", "createdTime", "lastModifiedTime", "creatorId"]), opts);
    } finally {
      endProgramFrames();
    }
  }
}
