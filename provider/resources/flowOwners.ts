import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceProps, dynamicResourceType } from "./dynamicProvider";
import { programFramesOnly } from "./sourceFrames";
import { timeoutsInput } from "./timeouts";
import { claim } from "./claims";
import { InputChecker, isUnknown } from "./validation";
import type { ResourceHandler, CheckResult, DiffResult, ReadResult } from "./handler";
import { clientFromEnvironment, isNotFound } from "./runtimeSupport";
import { checkEnvironmentId, flowListed } from "./flow";
import { readConfirmingGone } from "./confirmGone";
import type { FlowModifyPermissionsRequest, FlowPermission } from "../client/api/types";

/** The kinds of Entra principal a flow can be shared with. */
export const flowPrincipalTypes = ["User", "Group", "ServicePrincipal"] as const;
/** `User`, `Group` or `ServicePrincipal` (see {@link flowPrincipalTypes}). */
export type FlowOwnerPrincipalType = (typeof flowPrincipalTypes)[number];
/**
 * The roles {@link FlowOwners} manages: `CanEdit` (co-owner) and `CanView` (viewer); the creator's
 * `Owner` is never managed.
 */
export const flowOwnerRoles = ["CanEdit", "CanView"] as const;
/** `CanEdit` or `CanView` (see {@link flowOwnerRoles}). */
export type FlowOwnerRole = (typeof flowOwnerRoles)[number];

/** One co-owner or viewer of a flow, as declared in {@link FlowOwnersArgs.owners}. */
export interface FlowOwnerArgs {
  /** The Entra object id of the user, group or service principal (a GUID). */
  principalId: pulumi.Input<string>;
  /** What `principalId` names: `User`, `Group` or `ServicePrincipal`. */
  principalType: pulumi.Input<FlowOwnerPrincipalType>;
  /** `CanEdit` (co-owner, the default) or `CanView`. */
  role?: pulumi.Input<FlowOwnerRole>;
}

/** The arguments of a {@link FlowOwners}: the flow, and every co-owner and viewer it must have. */
export interface FlowOwnersArgs {
  /** The environment of the flow (a GUID, or `Default-<tenant id>`). Changing it replaces the resource. */
  environmentId: pulumi.Input<string>;
  /** The flow (a GUID). Changing it replaces the resource. */
  flowId: pulumi.Input<string>;
  /**
   * Every co-owner (`CanEdit`) and viewer (`CanView`) the flow has: others are removed.
   * The creator's `Owner` entry is never touched; an entry naming the creator is ignored
   * (and listed in the `ignoredOwners` output).
   */
  owners: pulumi.Input<pulumi.Input<FlowOwnerArgs>[]>;
}

/** One co-owner or viewer after `check`: GUID in lower case, role defaulted to `CanEdit`. */
export interface FlowOwner {
  /** The Entra object id, in lower case. */
  principalId: string;
  /** `User`, `Group` or `ServicePrincipal`. */
  principalType: FlowOwnerPrincipalType;
  /** `CanEdit` or `CanView`. */
  role: FlowOwnerRole;
}

export interface FlowOwnersInputs {
  environmentId: string;
  flowId: string;
  /** Sorted by principalId, GUIDs in lower case, roles defaulted. */
  owners: FlowOwner[];
}

export interface FlowOwnersOutputs extends FlowOwnersInputs {
  /** The flow's creator (its `Owner`), which this resource never changes. */
  creatorId: string;
  /** Declared entries that name the creator: ignored, since the creator's Owner role cannot change. */
  ignoredOwners: FlowOwner[];
  /**
   * The same co-owners and viewers as a map principalId → role: a principal added or
   * removed by hand shows on refresh as one added or removed key (an array diff shifts).
   */
  principalRoles: Record<string, FlowOwnerRole>;
  /** The co-owners and viewers the flow had when this resource first converged it: restored on delete. */
  ownersBefore?: FlowOwner[];
}

const resourceName = "FlowOwners";

export function sortOwners(owners: FlowOwner[]): FlowOwner[] {
  return [...owners].sort((a, b) => (a.principalId < b.principalId ? -1 : a.principalId > b.principalId ? 1 : 0));
}

/** The arguments of a FlowOwners: check refuses any other name (`__` names excepted). */
export const flowOwnersArguments = ["environmentId", "flowId", "owners"] as const;
const flowOwnerArguments = ["principalId", "principalType", "role"] as const;
/** Names people reach for in an owner entry (the API's own `roleName`, …). */
const flowOwnerHints: Record<string, string> = { roleName: "role", id: "principalId", type: "principalType", principal: "principalId" };

function checkInputs(news: Record<string, unknown>): CheckResult<FlowOwnersInputs> {
  const c = new InputChecker(resourceName);
  c.knownNames(news, "", flowOwnersArguments);
  const environmentId = checkEnvironmentId(c, resourceName, news.environmentId);
  const flowId = c.guid(news.flowId, "flowId", { required: true });
  let owners: FlowOwner[] = [];
  if (isUnknown(news.owners)) {
    // The whole list is computed by other resources: checked at apply, when it is known.
    owners = news.owners as unknown as FlowOwner[];
  } else if (news.owners === undefined || news.owners === null) {
    c.fail("owners", `${resourceName}: owners is required (an empty list removes every co-owner and viewer)`);
  } else if (!Array.isArray(news.owners)) {
    c.fail("owners", `${resourceName}: owners must be a list of { principalId, principalType, role }`);
  } else {
    const firstIndex = new Map<string, number>();
    news.owners.forEach((entry: unknown, i: number) => {
      const at = `owners[${i}]`;
      if (isUnknown(entry)) {
        owners.push(entry as FlowOwner);
        return;
      }
      const o = c.object(entry, at, { required: true });
      if (!o) return;
      c.knownNames(o, at, flowOwnerArguments, flowOwnerHints);
      const principalId = c.guid(o.principalId, `${at}.principalId`, { required: true });
      const principalType = c.oneOf(o.principalType, `${at}.principalType`, flowPrincipalTypes);
      const role = c.oneOf(o.role, `${at}.role`, flowOwnerRoles, "CanEdit");
      if (principalId !== undefined && !isUnknown(principalId)) {
        const first = firstIndex.get(principalId);
        if (first !== undefined) {
          c.fail(`${at}.principalId`, `${resourceName}: ${at}.principalId ${principalId} is already declared by owners[${first}]; each principal may appear once`);
        } else {
          firstIndex.set(principalId, i);
        }
      }
      if (principalId && principalType && role) owners.push({ principalId, principalType, role });
    });
  }
  if (c.failures.length > 0) return { failures: c.failures };
  return { inputs: { environmentId: environmentId!, flowId: flowId!, owners: Array.isArray(owners) ? sortOwners(owners) : owners } };
}

// ---------- the permission difference (pure) ----------

export interface PermissionChanges {
  /** The principals holding `Owner` (the creator): never modified. */
  creatorIds: string[];
  /** Principals to add, or whose role or type changes. */
  put: FlowOwner[];
  /** Principal ids of the co-owners/viewers to remove. */
  remove: string[];
  /** Declared entries naming a creator: not applied. */
  ignored: FlowOwner[];
  /** The co-owners and viewers once the changes are applied (sorted). */
  result: FlowOwner[];
}

/** The co-owners and viewers of a permission list (the `Owner` entries excluded), sorted. */
export function managedOwnersFrom(permissions: FlowPermission[]): FlowOwner[] {
  return sortOwners(
    permissions
      .filter((p) => p.properties.roleName !== "Owner")
      .map((p) => ({
        principalId: p.properties.principal.id.toLowerCase(),
        principalType: p.properties.principal.type as FlowOwnerPrincipalType,
        role: p.properties.roleName as FlowOwnerRole,
      })),
  );
}

export function creatorIdsFrom(permissions: FlowPermission[]): string[] {
  return permissions.filter((p) => p.properties.roleName === "Owner").map((p) => p.properties.principal.id.toLowerCase()).sort();
}

/**
 * What turns the flow's current permissions into the declared co-owners and viewers:
 * a put for every principal that is missing or has another role or type, a removal
 * for every co-owner or viewer not declared. Owners (the creator) are left alone.
 */
export function permissionChanges(current: FlowPermission[], desired: FlowOwner[]): PermissionChanges {
  const creatorIds = creatorIdsFrom(current);
  const existing = new Map(managedOwnersFrom(current).map((o) => [o.principalId, o]));
  const ignored: FlowOwner[] = [];
  const wanted = new Map<string, FlowOwner>();
  for (const o of desired) {
    const id = o.principalId.toLowerCase();
    if (creatorIds.includes(id)) ignored.push({ ...o, principalId: id });
    else wanted.set(id, { ...o, principalId: id });
  }
  const put = sortOwners(
    [...wanted.values()].filter((o) => {
      const now = existing.get(o.principalId);
      return !now || now.role !== o.role || now.principalType !== o.principalType;
    }),
  );
  const remove = [...existing.keys()].filter((id) => !wanted.has(id)).sort();
  return { creatorIds, put, remove, ignored: sortOwners(ignored), result: sortOwners([...wanted.values()]) };
}

/** The one modifyPermissions body carrying the whole difference, or undefined when there is none. */
export function modifyPermissionsBody(changes: Pick<PermissionChanges, "put" | "remove">): FlowModifyPermissionsRequest | undefined {
  if (changes.put.length === 0 && changes.remove.length === 0) return undefined;
  return {
    ...(changes.put.length > 0
      ? { put: changes.put.map((o) => ({ properties: { principal: { id: o.principalId, type: o.principalType }, roleName: o.role } })) }
      : {}),
    ...(changes.remove.length > 0 ? { delete: changes.remove.map((id) => ({ id })) } : {}),
  };
}

export function principalRolesOf(owners: FlowOwner[]): Record<string, FlowOwnerRole> {
  return Object.fromEntries(sortOwners(owners).map((o) => [o.principalId, o.role]));
}

const ownersKey = (owners: FlowOwner[]) => JSON.stringify(sortOwners(owners).map((o) => [o.principalId, o.principalType, o.role]));

/** The declared list as the state reproduces it: the managed owners plus the ignored creator entries. */
function declaredOwners(outs: Pick<FlowOwnersOutputs, "owners" | "ignoredOwners">): FlowOwner[] {
  return sortOwners([...(outs.owners ?? []), ...(outs.ignoredOwners ?? [])]);
}

/**
 * What turns the flow back into what this resource found: each managed principal gets
 * its former role back (or is removed when it had none), each principal it removed is
 * put back. Principals it never managed are left alone.
 */
export function restoreChanges(current: FlowPermission[], managed: FlowOwner[], before: FlowOwner[]): Pick<PermissionChanges, "put" | "remove"> {
  const creators = creatorIdsFrom(current);
  const now = new Map(managedOwnersFrom(current).map((o) => [o.principalId, o]));
  const was = new Map(before.map((o) => [o.principalId.toLowerCase(), o]));
  const put: FlowOwner[] = [];
  const remove: string[] = [];
  for (const o of before) {
    const id = o.principalId.toLowerCase();
    if (creators.includes(id)) continue;
    const present = now.get(id);
    if (!present || present.role !== o.role || present.principalType !== o.principalType) put.push({ ...o, principalId: id });
  }
  for (const o of managed) {
    const id = o.principalId.toLowerCase();
    if (!was.has(id) && now.has(id)) remove.push(id);
  }
  return { put: sortOwners(put), remove: remove.sort() };
}

/** Reads the permissions (one GET), applies the difference (at most one modifyPermissions). */
async function converge(inputs: FlowOwnersInputs, ownersBefore: FlowOwner[] | "record" | undefined): Promise<FlowOwnersOutputs> {
  const client = await clientFromEnvironment();
  const current = await client.flows.listPermissions(inputs.environmentId, inputs.flowId).catch((error: unknown) => {
    if (isNotFound(error)) throw new Error(`${resourceName}: there is no flow ${inputs.flowId} in environment ${inputs.environmentId}`);
    throw error;
  });
  const changes = permissionChanges(current, inputs.owners);
  const body = modifyPermissionsBody(changes);
  if (body) await client.flows.modifyPermissions(inputs.environmentId, inputs.flowId, body);
  return {
    environmentId: inputs.environmentId,
    flowId: inputs.flowId,
    owners: changes.result,
    creatorId: changes.creatorIds[0] ?? "",
    ignoredOwners: changes.ignored,
    principalRoles: principalRolesOf(changes.result),
    // The first convergence (create) records what the flow had before anything was changed.
    ...(ownersBefore === "record" ? { ownersBefore: managedOwnersFrom(current) } : ownersBefore ? { ownersBefore } : {}),
  };
}

export const flowOwnersHandler: ResourceHandler<FlowOwnersInputs, FlowOwnersOutputs> = {
  async check(_olds, news) {
    return checkInputs(news);
  },

  async diff(_id, olds, news): Promise<DiffResult> {
    const replaces: string[] = [];
    if (olds.environmentId !== news.environmentId) replaces.push("environmentId");
    if (olds.flowId !== news.flowId) replaces.push("flowId");
    const ownersChanged = ownersKey(declaredOwners(olds)) !== ownersKey(news.owners);
    return {
      changes: replaces.length > 0 || ownersChanged,
      replaces,
      deleteBeforeReplace: true,
    };
  },

  async create(inputs) {
    return { id: inputs.flowId, outs: await converge(inputs, "record") };
  },

  async read(id, props): Promise<ReadResult<FlowOwnersInputs, FlowOwnersOutputs>> {
    const client = await clientFromEnvironment();
    {
      const permissions = await readConfirmingGone(
        client,
        `flow ${id}`,
        () => client.flows.listPermissions(props.environmentId, id),
        () => flowListed(client, props.environmentId, id),
      );
      if (!permissions) return { id: "", props: {} as FlowOwnersOutputs };
      const creatorIds = creatorIdsFrom(permissions);
      // Ignored entries stay ignored while their principal is still the creator.
      const ignoredOwners = (props.ignoredOwners ?? []).filter((o) => creatorIds.includes(o.principalId));
      const owners = managedOwnersFrom(permissions);
      const outs: FlowOwnersOutputs = {
        environmentId: props.environmentId,
        flowId: props.flowId,
        owners,
        creatorId: creatorIds[0] ?? "",
        ignoredOwners,
        principalRoles: principalRolesOf(owners),
        ...(props.ownersBefore ? { ownersBefore: props.ownersBefore } : {}),
      };
      return {
        id,
        props: outs,
        inputs: { environmentId: outs.environmentId, flowId: outs.flowId, owners: declaredOwners(outs) },
      };
    }
  },

  async update(_id, olds, news) {
    return { outs: await converge(news, olds.ownersBefore) };
  },

  async delete(id, props) {
    const client = await clientFromEnvironment();
    let current: FlowPermission[];
    try {
      current = await client.flows.listPermissions(props.environmentId, id);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    // Restores what the flow had before (a state from before ownersBefore was recorded: nothing to restore).
    const body = modifyPermissionsBody(restoreChanges(current, props.owners ?? [], props.ownersBefore ?? []));
    if (body) await client.flows.modifyPermissions(props.environmentId, id, body);
  },
};

/**
 * The co-owners (`CanEdit`) and viewers (`CanView`) of an existing flow, declared
 * authoritatively: principals added by hand are removed by `up`, removed ones are added
 * back, each convergence in one `modifyPermissions` call. The creator's `Owner` role is
 * never touched. Delete removes the declared co-owners and viewers.
 */
export class FlowOwners extends pulumi.CustomResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/powerplatform:FlowOwners";

  /** The environment of the flow. */
  declare readonly environmentId: pulumi.Output<string>;
  /** The flow whose co-owners and viewers are managed. */
  declare readonly flowId: pulumi.Output<string>;
  /** The co-owners and viewers, sorted by principalId. */
  declare readonly owners: pulumi.Output<FlowOwner[]>;
  /** The flow's creator (its `Owner`). */
  declare readonly creatorId: pulumi.Output<string>;
  /** Declared entries naming the creator, which were ignored. */
  declare readonly ignoredOwners: pulumi.Output<FlowOwner[]>;
  /** The co-owners and viewers as a map principalId → role. */
  declare readonly principalRoles: pulumi.Output<Record<string, FlowOwnerRole>>;

  constructor(name: string, args: FlowOwnersArgs, opts?: pulumi.CustomResourceOptions) {
    claim(resourceName, name, "co-owners of flow", [args.flowId]);
    const endProgramFrames = programFramesOnly();
    try {
      super(dynamicResourceType(resourceName), name, dynamicResourceProps(resourceName, { ...args, ...timeoutsInput(opts) }, ["environmentId", "flowId", "owners", "creatorId", "ignoredOwners", "principalRoles"]), opts);
    } finally {
      endProgramFrames();
    }
  }
}
