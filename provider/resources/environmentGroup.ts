import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceProps, dynamicResourceType } from "./dynamicProvider";
import { programFramesOnly } from "./sourceFrames";
import { timeoutsInput } from "./timeouts";
import { claim } from "./claims";
import { InputChecker, isUnknown } from "./validation";
import type { ResourceHandler, CheckResult, DiffResult, ReadResult } from "./handler";
import { clientFromEnvironment, isNotFound, keepIdOnFailure } from "./runtimeSupport";
import { adoptAfterUnknownOutcome, type Candidate, claimObject, ourPrincipal, refuseRecentDuplicate } from "./ownership";
import { readConfirmingGone } from "./confirmGone";
import { checkEnvironmentId } from "./flow";
import type { PowerPlatformClient } from "../client";
import type { EnvironmentGroup as EnvironmentGroupDto } from "../client/api/environmentGroups";
import type { Environment as EnvironmentDto } from "../client/api/types";

/** The arguments of an {@link EnvironmentGroup}; `check` refuses any other name. */
export interface EnvironmentGroupArgs {
  /** The group's name in the admin center (1-100 characters). Updated in place. */
  displayName: pulumi.Input<string>;
  /** What the group is for. Updated in place; default empty. */
  description?: pulumi.Input<string>;
  /**
   * Every environment of the group (environment ids): members found that are not listed are
   * removed from the group, listed ones missing are added. Each must be a Managed Environment
   * and in no other group. Left out, membership is not managed. Order does not matter.
   */
  environments?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Adopt an existing group with this id instead of creating one: `create` reads it and brings
   * its name, description and members to the declared values. (`pulumi import` does not work
   * for dynamic resources.)
   */
  adoptId?: pulumi.Input<string>;
}

/** Inputs after `check`: ids in lower case, members sorted, description defaulted. */
export interface EnvironmentGroupInputs {
  displayName: string;
  description: string;
  /** Undefined: membership is not managed. */
  environments?: string[];
  adoptId?: string;
}

/** What the state holds: the inputs as the service reports them, plus what it computes. */
export interface EnvironmentGroupOutputs extends EnvironmentGroupInputs {
  environmentGroupId: string;
  createdTime?: string;
  lastModifiedTime?: string;
}

const resourceName = "EnvironmentGroup";
const adoptHint = "set adoptId to the id of the one to manage";
const groupsDoc = "https://learn.microsoft.com/power-platform/admin/environment-groups";

/** The arguments of an EnvironmentGroup: check refuses any other name (`__` names excepted). */
export const environmentGroupArguments = ["displayName", "description", "environments", "adoptId"] as const;

const lower = (s: string | undefined | null) => (s ?? "").toLowerCase();
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => lower(x) === lower(b[i]));

function checkInputs(news: Record<string, unknown>): CheckResult<EnvironmentGroupInputs> {
  const c = new InputChecker(resourceName);
  c.knownNames(news, "", environmentGroupArguments);
  const displayName = c.displayName(news.displayName, "displayName", { required: true, maxLength: 100 });
  const description = c.displayName(news.description, "description", { maxLength: 2000, allowLineBreaks: true }) ?? "";
  let environments: string[] | undefined;
  if (news.environments !== undefined && news.environments !== null) {
    if (isUnknown(news.environments)) environments = news.environments as unknown as string[];
    else if (!Array.isArray(news.environments)) c.fail("environments", `${resourceName}: environments must be a list of environment ids`);
    else {
      const seen = new Map<string, number>();
      environments = [];
      news.environments.forEach((value, i) => {
        if (isUnknown(value)) return void environments!.push(value as string);
        const id = checkEnvironmentId(c, resourceName, value, `environments[${i}]`);
        if (id === undefined) return;
        const first = seen.get(id);
        if (first !== undefined) c.fail(`environments[${i}]`, `${resourceName}: environments[${i}] repeats environments[${first}] (${id}): list each environment once`);
        else seen.set(id, i);
        environments!.push(id);
      });
      environments.sort();
    }
  }
  const adoptId = c.guid(news.adoptId, "adoptId");
  if (c.failures.length > 0) return { failures: c.failures };
  return {
    inputs: {
      displayName: displayName!,
      description,
      ...(environments !== undefined ? { environments } : {}),
      ...(adoptId ? { adoptId } : {}),
    },
  };
}

function outputsFrom(dto: EnvironmentGroupDto, members: string[] | undefined, extra: Pick<EnvironmentGroupInputs, "adoptId">): EnvironmentGroupOutputs {
  return {
    displayName: dto.displayName,
    description: dto.description ?? "",
    ...(members !== undefined ? { environments: [...members].sort() } : {}),
    ...(extra.adoptId ? { adoptId: extra.adoptId } : {}),
    environmentGroupId: dto.id,
    ...(dto.createdTime ? { createdTime: dto.createdTime } : {}),
    ...(dto.lastModifiedTime ? { lastModifiedTime: dto.lastModifiedTime } : {}),
  };
}

function inputsFrom(outputs: EnvironmentGroupOutputs): EnvironmentGroupInputs {
  const { displayName, description, environments, adoptId } = outputs;
  return { displayName, description, ...(environments !== undefined ? { environments } : {}), ...(adoptId ? { adoptId } : {}) };
}

function updatedFields(olds: EnvironmentGroupInputs, news: EnvironmentGroupInputs): string[] {
  const updates: string[] = [];
  if (olds.displayName !== news.displayName) updates.push("displayName");
  if ((olds.description ?? "") !== news.description) updates.push("description");
  if (news.environments !== undefined && !sameSet(olds.environments ?? [], news.environments)) updates.push("environments");
  return updates;
}

/** The group an environment belongs to (BAP `properties.parentEnvironmentGroup.id`), or undefined. */
export function parentGroupOf(env: EnvironmentDto): string | undefined {
  const parent = (env.properties as { parentEnvironmentGroup?: { id?: string } | null }).parentEnvironmentGroup;
  return parent?.id ? parent.id.toLowerCase() : undefined;
}

/** True when the environment is a Managed Environment (`governanceConfiguration.protectionLevel` Standard). */
export function isManagedEnvironment(env: EnvironmentDto): boolean {
  return env.properties.governanceConfiguration?.protectionLevel === "Standard";
}

/** An environment id as `check` normalizes it: lower case, `Default-` kept as the service spells it. */
const normalizedId = (name: string) => (/^default-/i.test(name) ? `Default-${name.slice(8).toLowerCase()}` : name.toLowerCase());

/** The ids of the environments whose parent group is `groupId`, sorted. */
export async function membersOf(client: PowerPlatformClient, groupId: string, environments?: EnvironmentDto[]): Promise<string[]> {
  const all = environments ?? (await client.environments.list());
  return all.filter((e) => parentGroupOf(e) === lower(groupId)).map((e) => normalizedId(e.name)).sort();
}

/**
 * Brings the group's members to `wanted`: checks every environment to add first (it exists, is
 * managed, belongs to no other group) and reports every problem at once before any change; then
 * adds the missing ones and removes the extra ones.
 */
export async function syncMembers(client: PowerPlatformClient, groupId: string, wanted: string[]): Promise<void> {
  const environments = await client.environments.list();
  const byId = new Map(environments.map((e) => [lower(e.name), e]));
  const current = await membersOf(client, groupId, environments);
  const toAdd = wanted.filter((id) => !current.some((c) => lower(c) === lower(id)));
  const toRemove = current.filter((id) => !wanted.some((w) => lower(w) === lower(id)));
  const problems: string[] = [];
  const otherGroups = new Map<string, string>();
  for (const id of toAdd) {
    const env = byId.get(lower(id));
    if (!env) {
      problems.push(`environments: ${id} names no environment in this tenant`);
      continue;
    }
    const label = `environment ${env.name} ("${env.properties.displayName ?? ""}")`;
    const other = parentGroupOf(env);
    if (other) {
      if (!otherGroups.has(other)) {
        const group = await client.environmentGroups.get(other).catch(() => undefined);
        otherGroups.set(other, group ? `"${group.displayName}" (${other})` : other);
      }
      problems.push(
        `${label} belongs to environment group ${otherGroups.get(other)}, which this resource does not manage: an environment belongs to one group only, ` +
          `and it is not moved silently. Remove it from that group first (or, if that group is declared in this program too, take it out of that group's environments and run up again)`,
      );
      continue;
    }
    if (!isManagedEnvironment(env)) {
      problems.push(`${label} is not a Managed Environment: environment groups contain only Managed Environments (${groupsDoc}); make it managed first (a ManagedEnvironment resource the group depends on)`);
    }
  }
  if (problems.length > 0) throw new Error(`${resourceName} ${groupId}: ${problems.join("; ")}`);
  for (const id of toAdd) await client.environmentGroups.addEnvironment(groupId, byId.get(lower(id))!.name);
  for (const id of toRemove) await client.environmentGroups.removeEnvironment(groupId, byId.get(lower(id))?.name ?? id);
}

/** What ownership checks need to know about a group. */
export function environmentGroupCandidate(g: EnvironmentGroupDto): Candidate {
  return { id: g.id, name: g.displayName, creatorId: g.createdBy?.id?.toLowerCase(), createdTime: g.createdTime };
}

/** The groups with the declared display name. */
export async function matchingGroups(client: PowerPlatformClient, inputs: EnvironmentGroupInputs): Promise<EnvironmentGroupDto[]> {
  return (await client.environmentGroups.list()).filter((g) => g.displayName === inputs.displayName);
}

/**
 * POSTs the group. A POST is never repeated blindly: a group left behind by an interrupted run
 * of this principal stops the create; when the POST may have been applied (no answer), only the
 * group provably made by it is adopted (resources/ownership.ts).
 */
async function createOrFindApplied(client: PowerPlatformClient, inputs: EnvironmentGroupInputs): Promise<EnvironmentGroupDto> {
  const principalId = await ourPrincipal(client, "powerplatform");
  await refuseRecentDuplicate({
    kind: resourceName,
    client,
    principalId,
    matching: async () => (await matchingGroups(client, inputs)).map(environmentGroupCandidate),
    adoptHint,
  });
  const startedMs = client.http.clock.now();
  try {
    const created = await client.environmentGroups.create({ displayName: inputs.displayName, description: inputs.description });
    claimObject(resourceName, created.id);
    return created;
  } catch (error) {
    if (!(error as { maybeApplied?: boolean }).maybeApplied) throw error;
    return adoptAfterUnknownOutcome({
      kind: resourceName,
      error,
      client,
      principalId,
      startedMs,
      matching: async () => (await matchingGroups(client, inputs)).map((g) => ({ candidate: environmentGroupCandidate(g), value: g })),
      adoptHint,
    });
  }
}

async function settle(client: PowerPlatformClient, id: string, inputs: EnvironmentGroupInputs, dto: EnvironmentGroupDto): Promise<EnvironmentGroupOutputs> {
  let group = dto;
  if (group.displayName !== inputs.displayName || (group.description ?? "") !== inputs.description) {
    group = await client.environmentGroups.update(id, { displayName: inputs.displayName, description: inputs.description });
  }
  if (inputs.environments !== undefined) await syncMembers(client, id, inputs.environments);
  const members = inputs.environments !== undefined ? await membersOf(client, id) : undefined;
  return outputsFrom(group, members, inputs);
}

export const environmentGroupHandler: ResourceHandler<EnvironmentGroupInputs, EnvironmentGroupOutputs> = {
  async check(_olds, news) {
    return checkInputs(news);
  },

  async diff(id, olds, news): Promise<DiffResult> {
    if (id) claimObject(resourceName, id);
    const updates = updatedFields(olds, news);
    return { changes: updates.length > 0, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs) {
    const client = await clientFromEnvironment();
    let created: EnvironmentGroupDto;
    if (inputs.adoptId) {
      created = await client.environmentGroups.get(inputs.adoptId).catch((error: unknown) => {
        if (isNotFound(error)) throw new Error(`${resourceName}: adoptId ${inputs.adoptId} names no environment group in this tenant`);
        throw error;
      });
      claimObject(resourceName, created.id);
    } else {
      created = await createOrFindApplied(client, inputs);
    }
    return keepIdOnFailure(
      created.id,
      outputsFrom(created, inputs.environments !== undefined ? [] : undefined, inputs),
      async () => ({ id: created.id, outs: await settle(client, created.id, inputs, created) }),
      async () => outputsFrom(await client.environmentGroups.get(created.id), inputs.environments !== undefined ? await membersOf(client, created.id) : undefined, inputs),
    );
  },

  async read(id, props): Promise<ReadResult<EnvironmentGroupInputs, EnvironmentGroupOutputs>> {
    const client = await clientFromEnvironment();
    const dto = await readConfirmingGone(
      client,
      `environment group ${id}`,
      () => client.environmentGroups.get(id),
      async () => (await client.environmentGroups.list()).some((g) => lower(g.id) === lower(id)),
    );
    if (!dto) return { id: "", props: {} as EnvironmentGroupOutputs };
    // Membership is read when managed, or when the state is not known yet (an import): then it shows.
    const managesMembers = !props || props.environments !== undefined;
    const outs = outputsFrom(dto, managesMembers ? await membersOf(client, dto.id) : undefined, { adoptId: props?.adoptId });
    return { id: dto.id, props: outs, inputs: inputsFrom(outs) };
  },

  async update(id, olds, news) {
    const client = await clientFromEnvironment();
    const current = await client.environmentGroups.get(id);
    const outs = await settle(client, id, news, current);
    return { outs: { ...outs, ...(olds.createdTime && !outs.createdTime ? { createdTime: olds.createdTime } : {}) } };
  },

  async delete(id) {
    const client = await clientFromEnvironment();
    // The service refuses to delete a group that still has environments: they leave it first.
    let members: string[];
    try {
      await client.environmentGroups.get(id);
      members = await membersOf(client, id);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    for (const environmentId of members) await client.environmentGroups.removeEnvironment(id, environmentId);
    await client.environmentGroups.delete(id);
  },
};

/**
 * An environment group: a folder of Managed Environments that share the rules of its
 * {@link EnvironmentGroupRuleSet}.
 *
 * `displayName` and `description` update in place. `environments`, when given, is the group's
 * whole membership: extra members are removed, missing ones added; an environment that belongs
 * to a group this resource does not manage is an error, never moved silently. Deleting the
 * group removes its members from it first (the service refuses to delete a group with members).
 */
export class EnvironmentGroup extends pulumi.CustomResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/powerplatform:EnvironmentGroup";

  /** The group id (also the resource id). */
  declare readonly environmentGroupId: pulumi.Output<string>;
  /** The group's name, as the service reports it. */
  declare readonly displayName: pulumi.Output<string>;
  /** The group's description, as the service reports it. */
  declare readonly description: pulumi.Output<string>;
  /** The ids of the group's environments (sorted), when membership is managed. */
  declare readonly environments: pulumi.Output<string[] | undefined>;
  /** When the group was created (ISO 8601), as the service reports it. */
  declare readonly createdTime: pulumi.Output<string | undefined>;
  /** When the group last changed (ISO 8601), as the service reports it. */
  declare readonly lastModifiedTime: pulumi.Output<string | undefined>;

  constructor(name: string, args: EnvironmentGroupArgs, opts?: pulumi.CustomResourceOptions) {
    claim(resourceName, name, "environment group", [args.adoptId]);
    // One group per environment in a program: a second group listing it fails, naming both.
    if (Array.isArray(args.environments)) {
      for (const id of args.environments) claim(resourceName, name, "group membership of environment", [id]);
    } else if (args.environments !== undefined) {
      pulumi.output(args.environments).apply((ids) => {
        for (const id of ids ?? []) if (typeof id === "string" && id) claim(resourceName, name, "group membership of environment", [id]);
      });
    }
    const endProgramFrames = programFramesOnly();
    try {
      super(
        dynamicResourceType(resourceName),
        name,
        dynamicResourceProps(resourceName, { ...args, ...timeoutsInput(opts) }, ["environmentGroupId", "displayName", "description", "environments", "createdTime", "lastModifiedTime"]),
        opts,
      );
    } finally {
      endProgramFrames();
    }
  }
}
