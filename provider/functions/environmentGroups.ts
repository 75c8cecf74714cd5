import { membersOf } from "../resources/environmentGroup";
import { rulesOf, type EnvironmentGroupRules } from "../resources/environmentGroupRuleSet";
import { clientFor, type FunctionOptions, liftToOutput } from "./common";

/** An environment group as {@link getEnvironmentGroups} returns it, with its members. */
export interface EnvironmentGroupSummary {
  /** The group id. */
  environmentGroupId: string;
  /** The group's name. */
  displayName: string;
  /** The group's description. */
  description: string;
  /** The ids of its environments (lower case, sorted). */
  environments: string[];
  /** When it was created (ISO 8601). */
  createdTime?: string;
}

/** Filters of {@link getEnvironmentGroups}. */
export interface GetEnvironmentGroupsArgs {
  /** Only the group with this display name. */
  displayName?: string;
}

/** Every environment group of the tenant (all pages), each with its member environments. */
export async function getEnvironmentGroups(args: GetEnvironmentGroupsArgs = {}, options?: FunctionOptions): Promise<EnvironmentGroupSummary[]> {
  const client = clientFor(options);
  const [groups, environments] = await Promise.all([client.environmentGroups.list(), client.environments.list()]);
  const out: EnvironmentGroupSummary[] = [];
  for (const g of groups) {
    if (args.displayName !== undefined && g.displayName !== args.displayName) continue;
    out.push({
      environmentGroupId: g.id,
      displayName: g.displayName,
      description: g.description ?? "",
      environments: await membersOf(client, g.id, environments),
      ...(g.createdTime ? { createdTime: g.createdTime } : {}),
    });
  }
  return out;
}

/** The arguments of {@link getEnvironmentGroupRules}. */
export interface GetEnvironmentGroupRulesArgs {
  /** The environment group (a GUID). */
  environmentGroupId: string;
}

/** The rules of an environment group as {@link getEnvironmentGroupRules} returns them. */
export interface EnvironmentGroupRulesSummary {
  /** The rule set id, or undefined when the group has no rule set. */
  ruleSetId?: string;
  /** The rules, in the shape EnvironmentGroupRuleSet declares them (empty when there are none). */
  rules: EnvironmentGroupRules;
}

/** The rules of one environment group. */
export async function getEnvironmentGroupRules(args: GetEnvironmentGroupRulesArgs, options?: FunctionOptions): Promise<EnvironmentGroupRulesSummary> {
  const set = await clientFor(options).environmentGroups.getRuleSet(args.environmentGroupId);
  return set ? { ruleSetId: set.id, rules: rulesOf(set) } : { rules: {} };
}

/** {@link getEnvironmentGroups} taking Pulumi Inputs and returning an Output. */
export const getEnvironmentGroupsOutput = liftToOutput(getEnvironmentGroups);
/** {@link getEnvironmentGroupRules} taking Pulumi Inputs and returning an Output. */
export const getEnvironmentGroupRulesOutput = liftToOutput(getEnvironmentGroupRules);
