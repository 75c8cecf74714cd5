import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceProps, dynamicResourceType } from "./dynamicProvider";
import { programFramesOnly } from "./sourceFrames";
import { timeoutsInput } from "./timeouts";
import { claim } from "./claims";
import { InputChecker, isUnknown } from "./validation";
import type { ResourceHandler, CheckResult, DiffResult, ReadResult } from "./handler";
import { clientFromEnvironment, isNotFound } from "./runtimeSupport";
import { NotFoundError } from "../client/errors";
import { readConfirmingGone } from "./confirmGone";
import { sameJson } from "./jsonEquality";
import { declaredSpellingOf, wireSpellingOf } from "./governanceSpelling";
import { limitSharingModes, solutionCheckerModes } from "./managedEnvironment";
import type { PowerPlatformClient } from "../client";
import type { RuleSet, RuleSetParameter } from "../client/api/environmentGroups";

/**
 * How canvas apps may be shared: with anyone (`NoLimit`), or not with security groups and with at
 * most `shareMaxLimit` people (`ExcludeSharingToSecurityGroups`). The same values, spelled the same,
 * as ManagedEnvironment's `limitSharingMode` ({@link limitSharingModes}).
 */
export const ruleSetSharingModes = limitSharingModes;
/**
 * How the solution checker treats a solution import with issues: `None`, `Warn` or `Block`. The same
 * values, spelled the same, as ManagedEnvironment's `solutionCheckerMode` ({@link solutionCheckerModes}).
 */
export const ruleSetSolutionCheckerModes = solutionCheckerModes;
/** The backup retention periods (days) Managed Environments offer. */
export const backupRetentionDays = [7, 14, 21, 28] as const;

/** The group's rules, each optional: a rule left out is not part of the set (it is removed if found). */
export interface EnvironmentGroupRulesArgs {
  /** Sharing controls for canvas apps. */
  sharingControls?: pulumi.Input<{
    /** `NoLimit`, or `ExcludeSharingToSecurityGroups` (then `shareMaxLimit` applies). */
    shareMode: pulumi.Input<(typeof ruleSetSharingModes)[number]>;
    /** With `ExcludeSharingToSecurityGroups`: the most people an app can be shared with (0-10000). */
    shareMaxLimit?: pulumi.Input<number>;
  }>;
  /** Usage insights: the weekly digest of the group's environments. */
  usageInsights?: pulumi.Input<{ /** Include the environments in the digest. */ insightsEnabled: pulumi.Input<boolean> }>;
  /** Maker welcome content shown to makers of the group's environments. */
  makerWelcomeContent?: pulumi.Input<{
    /** The "learn more" link (an https URL). */
    makerOnboardingUrl?: pulumi.Input<string>;
    /** The welcome text (Markdown). */
    makerOnboardingMarkdown?: pulumi.Input<string>;
  }>;
  /** Solution checker enforcement on solution imports. */
  solutionCheckerEnforcement?: pulumi.Input<{
    /** `None`, `Warn` or `Block`. */
    solutionCheckerMode: pulumi.Input<(typeof ruleSetSolutionCheckerModes)[number]>;
    /** Do not send the validation e-mails (default false). */
    suppressValidationEmails?: pulumi.Input<boolean>;
  }>;
  /** Backup retention of the group's environments. */
  backupRetention?: pulumi.Input<{ /** 7, 14, 21 or 28. */ periodInDays: pulumi.Input<number> }>;
  /** AI-generated app descriptions. */
  aiGeneratedDescriptions?: pulumi.Input<{ /** Let Copilot describe apps. */ enabled: pulumi.Input<boolean> }>;
  /** Generative AI settings. */
  aiGenerativeSettings?: pulumi.Input<{
    /** Let Copilot data move across geographies. */
    moveDataAcrossRegionsEnabled: pulumi.Input<boolean>;
    /** Let Copilot use Bing search. */
    bingSearchEnabled: pulumi.Input<boolean>;
  }>;
}

/** The arguments of an {@link EnvironmentGroupRuleSet}; `check` refuses any other name. */
export interface EnvironmentGroupRuleSetArgs {
  /** The environment group (a GUID). Changing it replaces the rule set. */
  environmentGroupId: pulumi.Input<string>;
  /** The rules; every rule of the set that is not declared here is removed. */
  rules: pulumi.Input<EnvironmentGroupRulesArgs>;
}

/** The rules after `check`: plain values, defaults applied. */
export interface EnvironmentGroupRules {
  /** Sharing controls for canvas apps (`shareMaxLimit` only with `ExcludeSharingToSecurityGroups`). */
  sharingControls?: { shareMode: (typeof ruleSetSharingModes)[number]; shareMaxLimit?: number };
  /** Usage insights (the weekly digest). */
  usageInsights?: { insightsEnabled: boolean };
  /** Maker welcome content (empty strings when not set). */
  makerWelcomeContent?: { makerOnboardingUrl: string; makerOnboardingMarkdown: string };
  /** Solution checker enforcement. */
  solutionCheckerEnforcement?: { solutionCheckerMode: (typeof ruleSetSolutionCheckerModes)[number]; suppressValidationEmails: boolean };
  /** Backup retention, in days. */
  backupRetention?: { periodInDays: number };
  /** AI-generated app descriptions. */
  aiGeneratedDescriptions?: { enabled: boolean };
  /** Generative AI settings. */
  aiGenerativeSettings?: { moveDataAcrossRegionsEnabled: boolean; bingSearchEnabled: boolean };
}

export interface EnvironmentGroupRuleSetInputs {
  environmentGroupId: string;
  rules: EnvironmentGroupRules;
}

/** What the state holds: the rules as the service reports them, the set's id and what this resource does not manage. */
export interface EnvironmentGroupRuleSetOutputs extends EnvironmentGroupRuleSetInputs {
  ruleSetId: string;
  /** Rule types of the set this version does not know: kept as they are on every update. */
  unmanagedRuleTypes: string[];
  lastModified?: string;
}

const resourceName = "EnvironmentGroupRuleSet";

/** The arguments of an EnvironmentGroupRuleSet: check refuses any other name (`__` names excepted). */
export const environmentGroupRuleSetArguments = ["environmentGroupId", "rules"] as const;
/** The rules an EnvironmentGroupRuleSet knows, by argument name. */
export const environmentGroupRuleNames = [
  "sharingControls",
  "usageInsights",
  "makerWelcomeContent",
  "solutionCheckerEnforcement",
  "backupRetention",
  "aiGeneratedDescriptions",
  "aiGenerativeSettings",
] as const;

/** The wire type of each rule (recorded rule sets). */
const ruleTypes: Record<(typeof environmentGroupRuleNames)[number], { type: string; resourceType: string }> = {
  sharingControls: { type: "Sharing", resourceType: "App" },
  usageInsights: { type: "AdminDigest", resourceType: "NotSpecified" },
  makerWelcomeContent: { type: "MakerOnboarding", resourceType: "NotSpecified" },
  solutionCheckerEnforcement: { type: "SolutionChecker", resourceType: "NotSpecified" },
  backupRetention: { type: "Lifecycle", resourceType: "NotSpecified" },
  aiGeneratedDescriptions: { type: "Copilot", resourceType: "App" },
  aiGenerativeSettings: { type: "GenerativeAISettings", resourceType: "NotSpecified" },
};
const knownTypes = new Set(Object.values(ruleTypes).map((t) => t.type));

function checkRules(c: InputChecker, value: unknown): EnvironmentGroupRules | undefined {
  const rules = c.object(value, "rules", { required: true });
  if (!rules) return isUnknown(value) ? (value as EnvironmentGroupRules) : undefined;
  c.knownNames(rules, "rules", environmentGroupRuleNames);
  const out: EnvironmentGroupRules = {};
  const section = (name: (typeof environmentGroupRuleNames)[number], known: readonly string[]) => {
    const s = c.object(rules[name], `rules.${name}`);
    if (s) c.knownNames(s, `rules.${name}`, known);
    return s;
  };
  const bool = (v: unknown, at: string, required: boolean, fallback = false): boolean => {
    if ((v === undefined || v === null) && required) c.fail(at, `${resourceName}: ${at} is required (true or false)`);
    return c.boolean(v, at, fallback);
  };
  const sharing = section("sharingControls", ["shareMode", "shareMaxLimit"]);
  if (sharing) {
    const shareMode = c.oneOf(sharing.shareMode, "rules.sharingControls.shareMode", ruleSetSharingModes);
    const limit = sharing.shareMaxLimit;
    if (shareMode === "NoLimit" && limit !== undefined && limit !== null) {
      c.fail("rules.sharingControls.shareMaxLimit", `${resourceName}: rules.sharingControls.shareMaxLimit applies only with shareMode ExcludeSharingToSecurityGroups`);
    }
    if (shareMode === "ExcludeSharingToSecurityGroups" && !isUnknown(limit) && (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0 || limit > 10000)) {
      c.fail("rules.sharingControls.shareMaxLimit", `${resourceName}: rules.sharingControls.shareMaxLimit must be a whole number from 0 to 10000 with shareMode ExcludeSharingToSecurityGroups (got ${JSON.stringify(limit)})`);
    }
    if (shareMode) out.sharingControls = shareMode === "NoLimit" ? { shareMode } : { shareMode, shareMaxLimit: limit as number };
  }
  const insights = section("usageInsights", ["insightsEnabled"]);
  if (insights) out.usageInsights = { insightsEnabled: bool(insights.insightsEnabled, "rules.usageInsights.insightsEnabled", true) };
  const welcome = section("makerWelcomeContent", ["makerOnboardingUrl", "makerOnboardingMarkdown"]);
  if (welcome) {
    const url = c.string(welcome.makerOnboardingUrl, "rules.makerWelcomeContent.makerOnboardingUrl", {
      maxLength: 2000,
      pattern: /^https:\/\/[^\s]+$/,
      patternHint: "must be an https URL",
    });
    const markdown = c.displayName(welcome.makerOnboardingMarkdown, "rules.makerWelcomeContent.makerOnboardingMarkdown", { maxLength: 10000, allowLineBreaks: true });
    if (url === undefined && markdown === undefined) {
      c.fail("rules.makerWelcomeContent", `${resourceName}: rules.makerWelcomeContent needs makerOnboardingUrl or makerOnboardingMarkdown`);
    }
    out.makerWelcomeContent = { makerOnboardingUrl: url ?? "", makerOnboardingMarkdown: markdown ?? "" };
  }
  const checker = section("solutionCheckerEnforcement", ["solutionCheckerMode", "suppressValidationEmails"]);
  if (checker) {
    const mode = c.oneOf(checker.solutionCheckerMode, "rules.solutionCheckerEnforcement.solutionCheckerMode", ruleSetSolutionCheckerModes);
    const suppress = bool(checker.suppressValidationEmails, "rules.solutionCheckerEnforcement.suppressValidationEmails", false);
    if (mode) out.solutionCheckerEnforcement = { solutionCheckerMode: mode, suppressValidationEmails: suppress };
  }
  const backup = section("backupRetention", ["periodInDays"]);
  if (backup) {
    const days = backup.periodInDays;
    if (!isUnknown(days) && !(backupRetentionDays as readonly unknown[]).includes(days)) {
      c.fail("rules.backupRetention.periodInDays", `${resourceName}: rules.backupRetention.periodInDays must be one of ${backupRetentionDays.join(", ")} (got ${JSON.stringify(days)})`);
    } else out.backupRetention = { periodInDays: days as number };
  }
  const descriptions = section("aiGeneratedDescriptions", ["enabled"]);
  if (descriptions) out.aiGeneratedDescriptions = { enabled: bool(descriptions.enabled, "rules.aiGeneratedDescriptions.enabled", true) };
  const generative = section("aiGenerativeSettings", ["moveDataAcrossRegionsEnabled", "bingSearchEnabled"]);
  if (generative) {
    out.aiGenerativeSettings = {
      moveDataAcrossRegionsEnabled: bool(generative.moveDataAcrossRegionsEnabled, "rules.aiGenerativeSettings.moveDataAcrossRegionsEnabled", true),
      bingSearchEnabled: bool(generative.bingSearchEnabled, "rules.aiGenerativeSettings.bingSearchEnabled", true),
    };
  }
  return out;
}

function checkInputs(news: Record<string, unknown>): CheckResult<EnvironmentGroupRuleSetInputs> {
  const c = new InputChecker(resourceName);
  c.knownNames(news, "", environmentGroupRuleSetArguments);
  const environmentGroupId = c.guid(news.environmentGroupId, "environmentGroupId", { required: true });
  const rules = checkRules(c, news.rules);
  if (c.failures.length > 0) return { failures: c.failures };
  return { inputs: { environmentGroupId: environmentGroupId!, rules: rules! } };
}

// ---------- rules <-> wire parameters ----------

const valueOf = (p: RuleSetParameter | undefined, id: string): string | undefined => p?.value.find((v) => v.id === id)?.value;

/** The timestamp format the service records for maker welcome content (RFC 1123, GMT). */
const welcomeTimestamp = (now: number) => new Date(now).toUTCString();

/**
 * The wire parameters of `rules`, as the Terraform provider sends them (`hasStagedChanges`),
 * plus the parameters of the current set whose type this version does not know (kept as they are).
 */
export function parametersOf(rules: EnvironmentGroupRules, current: RuleSet | undefined, now: number): RuleSetParameter[] {
  const param = (name: (typeof environmentGroupRuleNames)[number], values: Array<[string, string]>): RuleSetParameter => ({
    ...ruleTypes[name],
    value: values.map(([id, value]) => ({ id, value })),
    hasStagedChanges: true,
  });
  const out: RuleSetParameter[] = [];
  const r = rules;
  if (r.sharingControls) {
    const open = r.sharingControls.shareMode === "NoLimit";
    out.push(
      param("sharingControls", [
        ["CanShareWithSecurityGroups", wireSpellingOf(r.sharingControls.shareMode)],
        ["IsGroupSharingDisabled", open ? "false" : "true"],
        ["MaximumShareLimit", open ? "-1" : String(r.sharingControls.shareMaxLimit ?? 0)],
      ]),
    );
  }
  if (r.usageInsights) {
    out.push(param("usageInsights", [["IncludeOnHomePageInsights", "false"], ["ExcludeEnvironmentFromAnalysis", String(!r.usageInsights.insightsEnabled)]]));
  }
  if (r.makerWelcomeContent) {
    const before = current?.parameters.find((p) => p.type === ruleTypes.makerWelcomeContent.type);
    const same =
      valueOf(before, "makerOnboardingUrl") === r.makerWelcomeContent.makerOnboardingUrl &&
      valueOf(before, "makerOnboardingMarkdown") === r.makerWelcomeContent.makerOnboardingMarkdown;
    // The timestamp tells makers when the content changed: it moves only when the content does.
    const stamp = (same && valueOf(before, "makerOnboardingTimestamp")) || welcomeTimestamp(now);
    out.push(
      param("makerWelcomeContent", [
        ["makerOnboardingUrl", r.makerWelcomeContent.makerOnboardingUrl],
        ["makerOnboardingMarkdown", r.makerWelcomeContent.makerOnboardingMarkdown],
        ["makerOnboardingTimestamp", stamp],
      ]),
    );
  }
  if (r.solutionCheckerEnforcement) {
    const before = current?.parameters.find((p) => p.type === ruleTypes.solutionCheckerEnforcement.type);
    out.push(
      param("solutionCheckerEnforcement", [
        ["solutionCheckerMode", wireSpellingOf(r.solutionCheckerEnforcement.solutionCheckerMode)],
        ["suppressValidationEmails", String(r.solutionCheckerEnforcement.suppressValidationEmails)],
        // Rule overrides are not managed: the value found is kept.
        ["solutionCheckerRuleOverrides", valueOf(before, "solutionCheckerRuleOverrides") ?? ""],
      ]),
    );
  }
  if (r.backupRetention) out.push(param("backupRetention", [["RetentionPeriod", `${r.backupRetention.periodInDays}.00:00:00`]]));
  if (r.aiGeneratedDescriptions) out.push(param("aiGeneratedDescriptions", [["DisableAiGeneratedDescriptions", String(!r.aiGeneratedDescriptions.enabled)]]));
  if (r.aiGenerativeSettings) {
    out.push(
      param("aiGenerativeSettings", [
        ["crossGeoCopilotDataMovementEnabled", String(r.aiGenerativeSettings.moveDataAcrossRegionsEnabled)],
        ["bingChatEnabled", String(r.aiGenerativeSettings.bingSearchEnabled)],
      ]),
    );
  }
  for (const p of current?.parameters ?? []) if (!knownTypes.has(p.type)) out.push(p);
  return out;
}

/** The rules a rule set holds, as this resource declares them. */
export function rulesOf(set: Pick<RuleSet, "parameters">): EnvironmentGroupRules {
  const find = (name: (typeof environmentGroupRuleNames)[number]) => set.parameters.find((p) => p.type === ruleTypes[name].type);
  const rules: EnvironmentGroupRules = {};
  const sharing = find("sharingControls");
  if (sharing) {
    const shareMode = declaredSpellingOf(valueOf(sharing, "CanShareWithSecurityGroups") ?? "noLimit", ruleSetSharingModes);
    rules.sharingControls = shareMode === "NoLimit" ? { shareMode } : { shareMode, shareMaxLimit: Number(valueOf(sharing, "MaximumShareLimit") ?? 0) };
  }
  const insights = find("usageInsights");
  if (insights) rules.usageInsights = { insightsEnabled: valueOf(insights, "ExcludeEnvironmentFromAnalysis") !== "true" };
  const welcome = find("makerWelcomeContent");
  if (welcome) {
    rules.makerWelcomeContent = {
      makerOnboardingUrl: valueOf(welcome, "makerOnboardingUrl") ?? "",
      makerOnboardingMarkdown: valueOf(welcome, "makerOnboardingMarkdown") ?? "",
    };
  }
  const checker = find("solutionCheckerEnforcement");
  if (checker) {
    rules.solutionCheckerEnforcement = {
      solutionCheckerMode: declaredSpellingOf(valueOf(checker, "solutionCheckerMode") ?? "none", ruleSetSolutionCheckerModes),
      suppressValidationEmails: valueOf(checker, "suppressValidationEmails") === "true",
    };
  }
  const backup = find("backupRetention");
  if (backup) rules.backupRetention = { periodInDays: Number.parseInt(valueOf(backup, "RetentionPeriod") ?? "0", 10) };
  const descriptions = find("aiGeneratedDescriptions");
  if (descriptions) rules.aiGeneratedDescriptions = { enabled: valueOf(descriptions, "DisableAiGeneratedDescriptions") !== "true" };
  const generative = find("aiGenerativeSettings");
  if (generative) {
    rules.aiGenerativeSettings = {
      moveDataAcrossRegionsEnabled: valueOf(generative, "crossGeoCopilotDataMovementEnabled") === "true",
      bingSearchEnabled: valueOf(generative, "bingChatEnabled") === "true",
    };
  }
  return rules;
}

function outputsFrom(set: RuleSet, environmentGroupId: string): EnvironmentGroupRuleSetOutputs {
  return {
    environmentGroupId,
    rules: rulesOf(set),
    ruleSetId: set.id,
    unmanagedRuleTypes: set.parameters.filter((p) => !knownTypes.has(p.type)).map((p) => p.type),
    ...(set.lastModified ? { lastModified: set.lastModified } : {}),
  };
}

const sameRules = (a: EnvironmentGroupRules | undefined, b: EnvironmentGroupRules) => sameJson(a ?? {}, b);

/** The group's rule set, read back (the create's answer has no id). */
async function readSet(client: PowerPlatformClient, environmentGroupId: string): Promise<RuleSet> {
  const set = await client.environmentGroups.getRuleSet(environmentGroupId);
  if (!set) throw new NotFoundError(`environment group ${environmentGroupId} has no rule set`);
  return set;
}

/**
 * Creates the group's rule set, or takes the one it has (a group has one rule set: the
 * service's own, made in the admin center, is the one this resource manages). A create whose
 * answer was lost is never repeated before the group is read again.
 */
/**
 * Makes the group's rule set, or takes over the one it has: updated only when its rules differ
 * from those declared. A create whose answer was lost is not sent twice.
 */
export async function createOrTake(client: PowerPlatformClient, inputs: EnvironmentGroupRuleSetInputs): Promise<RuleSet> {
  const group = inputs.environmentGroupId;
  const existing = await client.environmentGroups.getRuleSet(group).catch((error: unknown) => {
    if (isNotFound(error)) throw new Error(`${resourceName}: environmentGroupId ${group} names no environment group in this tenant`);
    throw error;
  });
  const now = client.http.clock.now();
  // Taking over the group's set: no write when it already holds what is declared (an exported group adopts with zero writes).
  if (existing) return sameRules(rulesOf(existing), inputs.rules) ? existing : client.environmentGroups.updateRuleSet(existing.id, group, parametersOf(inputs.rules, existing, now));
  try {
    await client.environmentGroups.createRuleSet(group, parametersOf(inputs.rules, undefined, now));
  } catch (error) {
    if (!(error as { maybeApplied?: boolean }).maybeApplied) throw error;
    // The answer was lost: a set the group has now is the one that create made.
    const after = await client.environmentGroups.getRuleSet(group);
    if (!after) await client.environmentGroups.createRuleSet(group, parametersOf(inputs.rules, undefined, now));
  }
  const set = await readSet(client, group);
  return sameRules(rulesOf(set), inputs.rules) ? set : client.environmentGroups.updateRuleSet(set.id, group, parametersOf(inputs.rules, set, now));
}

export const environmentGroupRuleSetHandler: ResourceHandler<EnvironmentGroupRuleSetInputs, EnvironmentGroupRuleSetOutputs> = {
  async check(_olds, news) {
    return checkInputs(news);
  },

  async diff(_id, olds, news): Promise<DiffResult> {
    const replaces = (olds.environmentGroupId ?? "").toLowerCase() !== news.environmentGroupId.toLowerCase() ? ["environmentGroupId"] : [];
    const changed = !sameRules(olds.rules, news.rules);
    // A group has one rule set: the old one goes before the new group's is made.
    return { changes: replaces.length > 0 || changed, replaces, deleteBeforeReplace: false };
  },

  async create(inputs) {
    const client = await clientFromEnvironment();
    const set = await createOrTake(client, inputs);
    return { id: set.id, outs: outputsFrom(set, inputs.environmentGroupId) };
  },

  async read(id, props): Promise<ReadResult<EnvironmentGroupRuleSetInputs, EnvironmentGroupRuleSetOutputs>> {
    const client = await clientFromEnvironment();
    const group = props?.environmentGroupId;
    if (!group) throw new Error(`${resourceName}: cannot read rule set ${id} without its environmentGroupId (the service lists rule sets per group)`);
    const lookup = async () => {
      const set = await readSet(client, group);
      if (set.id.toLowerCase() !== id.toLowerCase()) throw new NotFoundError(`rule set ${id} is no longer the rule set of environment group ${group}`);
      return set;
    };
    const set = await readConfirmingGone(client, `rule set ${id} of environment group ${group}`, lookup, async () => {
      const now = await client.environmentGroups.getRuleSet(group).catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
      return now?.id.toLowerCase() === id.toLowerCase();
    });
    if (!set) return { id: "", props: {} as EnvironmentGroupRuleSetOutputs };
    const outs = outputsFrom(set, group);
    return { id: set.id, props: outs, inputs: { environmentGroupId: outs.environmentGroupId, rules: outs.rules } };
  },

  async update(id, _olds, news) {
    const client = await clientFromEnvironment();
    const current = await readSet(client, news.environmentGroupId);
    const set = await client.environmentGroups.updateRuleSet(current.id ?? id, news.environmentGroupId, parametersOf(news.rules, current, client.http.clock.now()));
    return { outs: outputsFrom(set, news.environmentGroupId) };
  },

  async delete(id) {
    const client = await clientFromEnvironment();
    // A set already gone (404) counts as deleted.
    await client.environmentGroups.deleteRuleSet(id);
  },
};

/**
 * The rules of an environment group (the governance API's rule set): sharing controls, usage
 * insights, maker welcome content, solution checker enforcement, backup retention, AI-generated
 * descriptions and generative AI settings. All rules apply to every environment of the group.
 *
 * The declared rules are the set: a rule found that is not declared is removed; rule types this
 * version does not know are kept as they are (`unmanagedRuleTypes`). A group has one rule set:
 * `create` takes the one the group already has. Changing the group replaces the resource.
 */
export class EnvironmentGroupRuleSet extends pulumi.CustomResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/powerplatform:EnvironmentGroupRuleSet";

  /** The rule set id (also the resource id). */
  declare readonly ruleSetId: pulumi.Output<string>;
  /** The group the rules apply to. */
  declare readonly environmentGroupId: pulumi.Output<string>;
  /** The rules, as the service reports them. */
  declare readonly rules: pulumi.Output<EnvironmentGroupRules>;
  /** Rule types of the set this version does not manage (kept as they are). */
  declare readonly unmanagedRuleTypes: pulumi.Output<string[]>;
  /** When the set last changed (ISO 8601), as the service reports it. */
  declare readonly lastModified: pulumi.Output<string | undefined>;

  constructor(name: string, args: EnvironmentGroupRuleSetArgs, opts?: pulumi.CustomResourceOptions) {
    claim(resourceName, name, "rules of environment group", [args.environmentGroupId]);
    const endProgramFrames = programFramesOnly();
    try {
      super(
        dynamicResourceType(resourceName),
        name,
        dynamicResourceProps(resourceName, { ...args, ...timeoutsInput(opts) }, ["ruleSetId", "environmentGroupId", "rules", "unmanagedRuleTypes", "lastModified"]),
        opts,
      );
    } finally {
      endProgramFrames();
    }
  }
}
