/**
 * Environment groups and their rule sets (Power Platform API).
 *
 * Groups: `environmentmanagement/environmentGroups` (api-version 2022-03-01-preview, Microsoft
 * Learn "Environment Groups - Create Environment Group"; the add/remove paths are those of the
 * Power Platform for Admins V2 connector). Membership is read from the environments themselves:
 * a member carries `properties.parentEnvironmentGroup.id` in BAP reads (the filter
 * microsoft/terraform-provider-power-platform sends).
 *
 * Rule sets: `governance/environmentGroups/{groupId}/ruleSets` and `governance/ruleSets/{id}`
 * (api-version 2021-10-01-preview, requests and recorded bodies of
 * microsoft/terraform-provider-power-platform internal/services/environment_group_rule_set).
 */
import { type ApiContext, asObject, call, type CallOptions, list, seg, shape } from "./common";
import { UnexpectedResponseError } from "../errors";

/** The api-version of the environment group operations. */
export const ENVIRONMENT_GROUPS_API_VERSION = "2022-03-01-preview";
/** The api-version of the governance rule-set operations. */
export const RULE_SETS_API_VERSION = "2021-10-01-preview";
const S = "powerplatform" as const;

/** A principal as the service reports who created or changed a group. */
export interface EnvironmentGroupPrincipal {
  id?: string;
  type?: string;
  displayName?: string;
  [k: string]: unknown;
}

/** An environment group as the service returns it. */
export interface EnvironmentGroup {
  id: string;
  displayName: string;
  description?: string | null;
  parentGroupId?: string | null;
  childrenGroupIds?: string[] | null;
  createdTime?: string;
  createdBy?: EnvironmentGroupPrincipal | null;
  lastModifiedTime?: string;
  lastModifiedBy?: EnvironmentGroupPrincipal | null;
  [k: string]: unknown;
}

/** The body of a group create or update: its display name and description. */
export interface EnvironmentGroupRequest {
  displayName: string;
  description: string;
}

/** One value of a rule-set parameter (`{id, value}`, the value always a string). */
export interface RuleSetValue {
  id: string;
  value: string;
}

/** One rule of a rule set: its type (`Sharing`, `Lifecycle`, …), resource type and values. */
export interface RuleSetParameter {
  type: string;
  resourceType: string;
  value: RuleSetValue[];
  hasStagedChanges?: boolean;
  [k: string]: unknown;
}

/** A rule set as the governance API returns it (recorded shape). */
export interface RuleSet {
  id: string;
  lastModified?: string;
  parameters: RuleSetParameter[];
  environmentFilter?: { type: string; values: Array<{ id: string; type: string }> };
  [k: string]: unknown;
}

/** The body of a rule-set create or update. */
export interface RuleSetRequest {
  id?: string;
  parameters: RuleSetParameter[];
  environmentFilter: { type: "Include"; values: Array<{ id: string; type: "EnvironmentGroup" }> };
}

export const environmentGroupPath = (id?: string): string =>
  id === undefined ? "/environmentmanagement/environmentGroups" : `/environmentmanagement/environmentGroups/${seg(id, "environmentGroupId")}`;

export const decodeEnvironmentGroup = shape<EnvironmentGroup>("environment group", ["id", "displayName"]);

/** Decodes the parameters of a rule set (each with a type and an array of values); the create's answer has nothing else. */
export function decodeRuleSetParameters(v: unknown): { parameters: RuleSetParameter[] } {
  const o = asObject(v, "rule set");
  if (!Array.isArray(o.parameters)) throw new UnexpectedResponseError(`rule set: "parameters" is not an array`);
  for (const p of o.parameters) {
    const param = asObject(p, "rule set parameter");
    if (typeof param.type !== "string" || !Array.isArray(param.value)) {
      throw new UnexpectedResponseError(`rule set: a parameter lacks "type" or its "value" array`);
    }
  }
  return o as { parameters: RuleSetParameter[] };
}

/** Decodes a rule set as GET and PUT return it: an id and its parameters. */
export function decodeRuleSet(v: unknown): RuleSet {
  const o = decodeRuleSetParameters(v) as Record<string, unknown>;
  if (typeof o.id !== "string") throw new UnexpectedResponseError(`rule set: "id" is missing or not a string`);
  return o as unknown as RuleSet;
}

/** The request body of a rule set for a group. */
export function ruleSetRequest(environmentGroupId: string, parameters: RuleSetParameter[], id?: string): RuleSetRequest {
  return {
    ...(id ? { id } : {}),
    parameters,
    environmentFilter: { type: "Include", values: [{ id: environmentGroupId, type: "EnvironmentGroup" }] },
  };
}

/** The client's environment group and rule-set operations. */
export function environmentGroupsApi(ctx: ApiContext) {
  return {
    /** GET /environmentmanagement/environmentGroups (follows nextLink). */
    list(opts?: CallOptions): Promise<EnvironmentGroup[]> {
      return list(ctx, { surface: S, path: environmentGroupPath(), apiVersion: ENVIRONMENT_GROUPS_API_VERSION }, decodeEnvironmentGroup, "environment groups", opts);
    },

    /** GET …/environmentGroups/{id} → 200 (404 → NotFoundError). */
    async get(id: string, opts?: CallOptions): Promise<EnvironmentGroup> {
      const r = await call(ctx, { surface: S, method: "GET", path: environmentGroupPath(id), apiVersion: ENVIRONMENT_GROUPS_API_VERSION, expect: [200] }, opts);
      return decodeEnvironmentGroup(r.data);
    },

    /**
     * POST …/environmentGroups → 200 (documented; 201 accepted). Not retried once it may have
     * reached the server: errors then carry maybeApplied (re-read by name and adopt).
     */
    async create(body: EnvironmentGroupRequest, opts?: CallOptions): Promise<EnvironmentGroup> {
      const r = await call(
        ctx,
        { surface: S, method: "POST", path: environmentGroupPath(), apiVersion: ENVIRONMENT_GROUPS_API_VERSION, body, expect: [200, 201], idempotent: false },
        opts,
      );
      return decodeEnvironmentGroup(r.data);
    },

    /** PUT …/environmentGroups/{id} with {displayName, description} → 200. Idempotent. */
    async update(id: string, body: EnvironmentGroupRequest, opts?: CallOptions): Promise<EnvironmentGroup> {
      const r = await call(
        ctx,
        { surface: S, method: "PUT", path: environmentGroupPath(id), apiVersion: ENVIRONMENT_GROUPS_API_VERSION, body, expect: [200] },
        opts,
      );
      return decodeEnvironmentGroup(r.data);
    },

    /** DELETE …/environmentGroups/{id} → 200/204. Returns false when it was already gone (404). */
    async delete(id: string, opts?: CallOptions): Promise<boolean> {
      const r = await call(
        ctx,
        { surface: S, method: "DELETE", path: environmentGroupPath(id), apiVersion: ENVIRONMENT_GROUPS_API_VERSION, expect: [200, 202, 204, 404] },
        opts,
      );
      return r.status !== 404;
    },

    /** POST …/environmentGroups/{id}/addEnvironment/{environmentId} (no body). Adding a member again is harmless: retried. */
    async addEnvironment(id: string, environmentId: string, opts?: CallOptions): Promise<void> {
      await call(
        ctx,
        {
          surface: S,
          method: "POST",
          path: `${environmentGroupPath(id)}/addEnvironment/${seg(environmentId, "environmentId")}`,
          apiVersion: ENVIRONMENT_GROUPS_API_VERSION,
          expect: [200, 202, 204],
          idempotent: true,
        },
        opts,
      );
    },

    /** POST …/environmentGroups/{id}/removeEnvironment/{environmentId} (no body). Idempotent. */
    async removeEnvironment(id: string, environmentId: string, opts?: CallOptions): Promise<void> {
      await call(
        ctx,
        {
          surface: S,
          method: "POST",
          path: `${environmentGroupPath(id)}/removeEnvironment/${seg(environmentId, "environmentId")}`,
          apiVersion: ENVIRONMENT_GROUPS_API_VERSION,
          expect: [200, 202, 204],
          idempotent: true,
        },
        opts,
      );
    },

    /**
     * GET /governance/environmentGroups/{groupId}/ruleSets → the group's rule set, or undefined
     * when it has none (204, or an empty list: both are how the service says so).
     */
    async getRuleSet(environmentGroupId: string, opts?: CallOptions): Promise<RuleSet | undefined> {
      const r = await call<{ value?: unknown[] }>(
        ctx,
        {
          surface: S,
          method: "GET",
          path: `/governance/environmentGroups/${seg(environmentGroupId, "environmentGroupId")}/ruleSets`,
          apiVersion: RULE_SETS_API_VERSION,
          expect: [200, 204],
        },
        opts,
      );
      if (r.status === 204 || r.data === undefined) return undefined;
      const value = asObject(r.data, "rule sets").value;
      if (!Array.isArray(value)) throw new UnexpectedResponseError(`rule sets: "value" is not an array`);
      return value.length === 0 ? undefined : decodeRuleSet(value[0]);
    },

    /**
     * POST /governance/environmentGroups/{groupId}/ruleSets → 201 with the parameters (recorded: no id;
     * read the set back with getRuleSet). Not retried blindly (re-read instead).
     */
    async createRuleSet(environmentGroupId: string, parameters: RuleSetParameter[], opts?: CallOptions): Promise<{ parameters: RuleSetParameter[]; id?: string }> {
      const r = await call(
        ctx,
        {
          surface: S,
          method: "POST",
          path: `/governance/environmentGroups/${seg(environmentGroupId, "environmentGroupId")}/ruleSets`,
          apiVersion: RULE_SETS_API_VERSION,
          body: ruleSetRequest(environmentGroupId, parameters),
          expect: [200, 201],
          idempotent: false,
        },
        opts,
      );
      return decodeRuleSetParameters(r.data);
    },

    /** PUT /governance/ruleSets/{id} with the whole set → 200. Idempotent. */
    async updateRuleSet(ruleSetId: string, environmentGroupId: string, parameters: RuleSetParameter[], opts?: CallOptions): Promise<RuleSet> {
      const r = await call(
        ctx,
        {
          surface: S,
          method: "PUT",
          path: `/governance/ruleSets/${seg(ruleSetId, "ruleSetId")}`,
          apiVersion: RULE_SETS_API_VERSION,
          body: ruleSetRequest(environmentGroupId, parameters, ruleSetId),
          expect: [200],
        },
        opts,
      );
      return decodeRuleSet(r.data);
    },

    /** DELETE /governance/ruleSets/{id} → 200. Returns false when it was already gone (404). */
    async deleteRuleSet(ruleSetId: string, opts?: CallOptions): Promise<boolean> {
      const r = await call(
        ctx,
        { surface: S, method: "DELETE", path: `/governance/ruleSets/${seg(ruleSetId, "ruleSetId")}`, apiVersion: RULE_SETS_API_VERSION, expect: [200, 204, 404] },
        opts,
      );
      return r.status !== 404;
    },
  };
}

/** The type of {@link environmentGroupsApi}'s result. */
export type EnvironmentGroupsApi = ReturnType<typeof environmentGroupsApi>;
