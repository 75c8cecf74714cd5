import * as pulumi from "@pulumi/pulumi";
import { sameJson } from "./jsonEquality";
import { dynamicResourceProps, dynamicResourceType } from "./dynamicProvider";
import { programFramesOnly } from "./sourceFrames";
import { timeoutsInput } from "./timeouts";
import { claim } from "./claims";
import { InputChecker, isUnknown, nearestName } from "./validation";
import type { ResourceHandler, CheckResult, DiffResult, ReadResult } from "./handler";
import { clientFromEnvironment, isNotFound } from "./runtimeSupport";
import { readConfirmingGone } from "./confirmGone";
import { solutionCheckerRules } from "./solutionCheckerRules";
import { checkEnvironmentId } from "./flow";
import { declaredSpellingOf, wireSpellingOf } from "./governanceSpelling";
import { environmentGroupOf, governanceOf, type GovernanceConfiguration, type GovernanceExtendedSettings } from "../client/api/managedEnvironments";
import type { Environment as EnvironmentDto } from "../client/api/types";
import type { PowerPlatformClient } from "../client";

/** How widely canvas apps can be shared: with anyone (`NoLimit`), or not with security groups. */
export const limitSharingModes = ["NoLimit", "ExcludeSharingToSecurityGroups"] as const;
/** `NoLimit` or `ExcludeSharingToSecurityGroups` (see {@link limitSharingModes}). */
export type LimitSharingMode = (typeof limitSharingModes)[number];
/** Solution checker enforcement on solution import: none, warn, or block solutions with critical issues. */
export const solutionCheckerModes = ["None", "Warn", "Block"] as const;
/** `None`, `Warn` or `Block` (see {@link solutionCheckerModes}). */
export type SolutionCheckerMode = (typeof solutionCheckerModes)[number];
/** The protection level of a managed environment: `Standard` (the only one a declaration asks for; `Basic` means not managed). */
export const managedProtectionLevels = ["Standard"] as const;

/** The arguments of a {@link ManagedEnvironment}; `check` refuses any other name. */
export interface ManagedEnvironmentArgs {
  /** The environment to manage (a GUID, or `Default-<tenant id>`); it must have Dataverse. Changing it replaces the resource. */
  environmentId: pulumi.Input<string>;
  /** `Standard` (default): the managed-environment features are on. A hand-made turn-off shows as drift of this property. */
  protectionLevel?: pulumi.Input<"Standard">;
  /** Sharing limits of canvas apps: `NoLimit` (default) or `ExcludeSharingToSecurityGroups`. Updated in place. */
  limitSharingMode?: pulumi.Input<LimitSharingMode>;
  /** When true, canvas apps cannot be shared with security groups (default false). Updated in place. */
  groupSharingDisabled?: pulumi.Input<boolean>;
  /**
   * The most users a canvas app can be shared with; `-1` (default) for no limit. A limit
   * applies only when `groupSharingDisabled` is true. Updated in place.
   */
  maxLimitUserSharing?: pulumi.Input<number>;
  /** When true, the environment is left out of the weekly usage-insights digest (default false). Updated in place. */
  usageInsightsDisabled?: pulumi.Input<boolean>;
  /** Solution checker enforcement on solution import: `None` (default), `Warn` or `Block`. Updated in place. */
  solutionCheckerMode?: pulumi.Input<SolutionCheckerMode>;
  /** When true, emails are sent only when a solution is blocked, not on warnings (default false). Updated in place. */
  suppressValidationEmails?: pulumi.Input<boolean>;
  /** Solution checker rules excluded from enforcement, by name (e.g. `meta-remove-dup-reg`); order does not matter. Updated in place. */
  solutionCheckerRuleOverrides?: pulumi.Input<pulumi.Input<string>[]>;
  /** The welcome content first-time makers see in Power Apps studio (Markdown; default empty). Updated in place. */
  makerOnboardingMarkdown?: pulumi.Input<string>;
  /** The "Learn more" link of the welcome content (an https URL; default empty). Updated in place. */
  makerOnboardingUrl?: pulumi.Input<string>;
}

/** Inputs after `check`: validated, defaults applied, rule overrides sorted. */
export interface ManagedEnvironmentInputs {
  environmentId: string;
  protectionLevel: string;
  limitSharingMode: LimitSharingMode;
  groupSharingDisabled: boolean;
  maxLimitUserSharing: number;
  usageInsightsDisabled: boolean;
  solutionCheckerMode: SolutionCheckerMode;
  suppressValidationEmails: boolean;
  solutionCheckerRuleOverrides: string[];
  makerOnboardingMarkdown: string;
  makerOnboardingUrl: string;
  /**
   * Not an argument: the environment's governance configuration before this resource first
   * changed it, read by `check` (so a pending create carries it) and kept from then on.
   * `delete` puts it back: an environment that was managed before stays managed, with its
   * former settings; one that was not is turned back to `Basic`.
   */
  initialGovernance?: GovernanceConfiguration;
}

/** What the state holds: the settings as the service reports them, and the environment's name. */
export interface ManagedEnvironmentOutputs extends ManagedEnvironmentInputs {
  environmentDisplayName: string;
}

const resourceName = "ManagedEnvironment";

/** The arguments of a ManagedEnvironment: check refuses any other name (`__` names excepted). */
export const managedEnvironmentArguments = [
  "environmentId",
  "protectionLevel",
  "limitSharingMode",
  "groupSharingDisabled",
  "maxLimitUserSharing",
  "usageInsightsDisabled",
  "solutionCheckerMode",
  "suppressValidationEmails",
  "solutionCheckerRuleOverrides",
  "makerOnboardingMarkdown",
  "makerOnboardingUrl",
] as const;

/** The settings a ManagedEnvironment decides (every argument but the environment). */
export const managedEnvironmentSettings = managedEnvironmentArguments.filter((n) => n !== "environmentId");

function checkRuleOverrides(c: InputChecker, value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (isUnknown(value)) return value as string[];
  if (!Array.isArray(value)) {
    c.fail("solutionCheckerRuleOverrides", `${resourceName}: solutionCheckerRuleOverrides must be a list of rule names`);
    return undefined;
  }
  const rules: string[] = [];
  value.forEach((rule, i) => {
    const at = `solutionCheckerRuleOverrides[${i}]`;
    if (isUnknown(rule)) return void rules.push(rule as string);
    if (typeof rule !== "string" || !(solutionCheckerRules as readonly string[]).includes(rule)) {
      const nearest = typeof rule === "string" ? nearestRule(rule) : undefined;
      c.fail(at, `${resourceName}: ${at} is not a solution checker rule (got ${JSON.stringify(rule)}${nearest ? `; did you mean ${nearest}?` : ""})`);
      return;
    }
    if (rules.includes(rule)) {
      c.fail(at, `${resourceName}: ${at} names ${rule} twice`);
      return;
    }
    rules.push(rule);
  });
  return rules.every((r) => !isUnknown(r)) ? [...rules].sort() : rules;
}

const nearestRule = (rule: string): string | undefined => nearestName(rule, solutionCheckerRules);

function checkInteger(c: InputChecker, value: unknown, property: string, fallback: number): number {
  if (value === undefined || value === null || isUnknown(value)) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < -1 || value === 0 || value > 100_000) {
    c.fail(property, `${resourceName}: ${property} must be -1 (no limit) or a whole number of users from 1 to 100000 (got ${JSON.stringify(value)})`);
    return fallback;
  }
  return value;
}

/** The value each argument takes when it is not declared (`check` applies them; the export leaves them out of the tenant file). */
export const managedEnvironmentDefaults = {
  protectionLevel: "Standard",
  limitSharingMode: "NoLimit",
  groupSharingDisabled: false,
  maxLimitUserSharing: -1,
  usageInsightsDisabled: false,
  solutionCheckerMode: "None",
  suppressValidationEmails: false,
  makerOnboardingMarkdown: "",
  makerOnboardingUrl: "",
} as const;

function checkInputs(news: Record<string, unknown>): CheckResult<ManagedEnvironmentInputs> {
  const c = new InputChecker(resourceName);
  c.knownNames(news, "", managedEnvironmentArguments);
  const environmentId = checkEnvironmentId(c, resourceName, news.environmentId);
  const protectionLevel = c.oneOf(news.protectionLevel, "protectionLevel", managedProtectionLevels, managedEnvironmentDefaults.protectionLevel);
  const limitSharingMode = c.oneOf(news.limitSharingMode, "limitSharingMode", limitSharingModes, managedEnvironmentDefaults.limitSharingMode);
  const groupSharingDisabled = c.boolean(news.groupSharingDisabled, "groupSharingDisabled", managedEnvironmentDefaults.groupSharingDisabled);
  const maxLimitUserSharing = checkInteger(c, news.maxLimitUserSharing, "maxLimitUserSharing", managedEnvironmentDefaults.maxLimitUserSharing);
  if (maxLimitUserSharing !== -1 && !isUnknown(news.groupSharingDisabled) && groupSharingDisabled !== true) {
    c.fail(
      "maxLimitUserSharing",
      `${resourceName}: maxLimitUserSharing limits sharing only when sharing with security groups is excluded: set groupSharingDisabled: true, or maxLimitUserSharing: -1`,
    );
  }
  const usageInsightsDisabled = c.boolean(news.usageInsightsDisabled, "usageInsightsDisabled", managedEnvironmentDefaults.usageInsightsDisabled);
  const solutionCheckerMode = c.oneOf(news.solutionCheckerMode, "solutionCheckerMode", solutionCheckerModes, managedEnvironmentDefaults.solutionCheckerMode);
  const suppressValidationEmails = c.boolean(news.suppressValidationEmails, "suppressValidationEmails", managedEnvironmentDefaults.suppressValidationEmails);
  const solutionCheckerRuleOverrides = checkRuleOverrides(c, news.solutionCheckerRuleOverrides);
  const makerOnboardingMarkdown = c.string(news.makerOnboardingMarkdown, "makerOnboardingMarkdown", { maxLength: 10_000 }) ?? managedEnvironmentDefaults.makerOnboardingMarkdown;
  const makerOnboardingUrl =
    c.string(news.makerOnboardingUrl, "makerOnboardingUrl", {
      maxLength: 2048,
      pattern: /^https?:\/\/[^\s/$.?#][^\s]*$/i,
      patternHint: "must be an http(s) URL, e.g. https://contoso.sharepoint.com/makers",
    }) ?? managedEnvironmentDefaults.makerOnboardingUrl;
  if (c.failures.length > 0) return { failures: c.failures };
  return {
    inputs: {
      environmentId: environmentId!,
      protectionLevel: protectionLevel!,
      limitSharingMode: limitSharingMode!,
      groupSharingDisabled,
      maxLimitUserSharing,
      usageInsightsDisabled,
      solutionCheckerMode: solutionCheckerMode!,
      suppressValidationEmails,
      solutionCheckerRuleOverrides: solutionCheckerRuleOverrides!,
      makerOnboardingMarkdown,
      makerOnboardingUrl,
    },
  };
}

// ---------- between the declaration and the service's strings ----------


/** The extendedSettings the service stores for these inputs (every value a string, as recorded). */
export function extendedSettingsOf(inputs: ManagedEnvironmentInputs): GovernanceExtendedSettings {
  return {
    excludeEnvironmentFromAnalysis: String(inputs.usageInsightsDisabled),
    isGroupSharingDisabled: String(inputs.groupSharingDisabled),
    maxLimitUserSharing: String(inputs.maxLimitUserSharing),
    limitSharingMode: wireSpellingOf(inputs.limitSharingMode),
    solutionCheckerMode: wireSpellingOf(inputs.solutionCheckerMode),
    suppressValidationEmails: String(inputs.suppressValidationEmails),
    solutionCheckerRuleOverrides: inputs.solutionCheckerRuleOverrides.join(","),
    makerOnboardingUrl: inputs.makerOnboardingUrl,
    makerOnboardingMarkdown: inputs.makerOnboardingMarkdown,
  };
}

/**
 * The body of the POST: `Standard` and the declared settings, over the settings this resource
 * does not manage as the environment has them now (the two Microsoft's Terraform provider sends
 * as "false" when there are none).
 */
export function governanceBody(inputs: ManagedEnvironmentInputs, current: GovernanceConfiguration): GovernanceConfiguration {
  const kept = current.protectionLevel === "Standard" ? (current.settings?.extendedSettings ?? {}) : {};
  return {
    protectionLevel: "Standard",
    settings: {
      extendedSettings: {
        disableAiGeneratedDescriptions: "false",
        includeOnHomepageInsights: "false",
        ...kept,
        ...extendedSettingsOf(inputs),
      },
    },
  };
}

/**
 * The settings as the service reports them. `Basic` (not managed) reports no settings: the last
 * known ones stand (`known`), so only `protectionLevel` shows the change.
 */
export function settingsFrom(governance: GovernanceConfiguration, known: Partial<ManagedEnvironmentInputs>): Omit<ManagedEnvironmentInputs, "environmentId" | "initialGovernance"> {
  const x = governance.settings?.extendedSettings;
  const flag = (v: unknown, fallback: boolean | undefined) => (typeof v === "string" ? v.toLowerCase() === "true" : (fallback ?? false));
  const max = x && typeof x.maxLimitUserSharing === "string" && /^-?\d+$/.test(x.maxLimitUserSharing) ? Number(x.maxLimitUserSharing) : (known.maxLimitUserSharing ?? -1);
  const rules = typeof x?.solutionCheckerRuleOverrides === "string" ? x.solutionCheckerRuleOverrides.split(",").map((r) => r.trim()).filter(Boolean).sort() : (known.solutionCheckerRuleOverrides ?? []);
  return {
    protectionLevel: governance.protectionLevel ?? "Basic",
    limitSharingMode: (x ? declaredSpellingOf(String(x.limitSharingMode ?? ""), limitSharingModes) : undefined) ?? known.limitSharingMode ?? "NoLimit",
    groupSharingDisabled: x ? flag(x.isGroupSharingDisabled, known.groupSharingDisabled) : (known.groupSharingDisabled ?? false),
    maxLimitUserSharing: max,
    usageInsightsDisabled: x ? flag(x.excludeEnvironmentFromAnalysis, known.usageInsightsDisabled) : (known.usageInsightsDisabled ?? false),
    solutionCheckerMode: (x ? declaredSpellingOf(String(x.solutionCheckerMode ?? ""), solutionCheckerModes) : undefined) ?? known.solutionCheckerMode ?? "None",
    suppressValidationEmails: x ? flag(x.suppressValidationEmails, known.suppressValidationEmails) : (known.suppressValidationEmails ?? false),
    solutionCheckerRuleOverrides: rules,
    makerOnboardingMarkdown: typeof x?.makerOnboardingMarkdown === "string" ? x.makerOnboardingMarkdown : (known.makerOnboardingMarkdown ?? ""),
    makerOnboardingUrl: typeof x?.makerOnboardingUrl === "string" ? x.makerOnboardingUrl : (known.makerOnboardingUrl ?? ""),
  };
}

function outputsFrom(
  environmentId: string,
  env: EnvironmentDto,
  governance: GovernanceConfiguration,
  known: Partial<ManagedEnvironmentInputs>,
): ManagedEnvironmentOutputs {
  return {
    environmentId,
    ...settingsFrom(governance, known),
    ...(known.initialGovernance ? { initialGovernance: known.initialGovernance } : {}),
    environmentDisplayName: env.properties.displayName ?? "",
  };
}

function inputsFrom(outs: ManagedEnvironmentOutputs): ManagedEnvironmentInputs {
  const { environmentDisplayName: _name, ...inputs } = outs;
  return inputs;
}

/** The settings whose declared value differs from `olds` (rule overrides compared as sets). */
export function changedSettings(olds: Partial<ManagedEnvironmentInputs>, news: ManagedEnvironmentInputs): string[] {
  return managedEnvironmentSettings.filter((name) => {
    const a = olds[name];
    const b = news[name];
    if (name === "solutionCheckerRuleOverrides") {
      const x = [...((a as string[] | undefined) ?? [])].sort();
      const y = [...((b as string[] | undefined) ?? [])].sort();
      return x.length !== y.length || x.some((v, i) => v !== y[i]);
    }
    return a !== b;
  });
}

/** Refuses, before any change, an environment managed environments cannot apply to. */
function refuseUnsupported(env: EnvironmentDto, environmentId: string): void {
  if (!env.properties.linkedEnvironmentMetadata) {
    throw new Error(
      `${resourceName}: environment ${environmentId} (${env.properties.displayName ?? "no name"}) has no Dataverse: managed environments require Dataverse to be provisioned in the environment`,
    );
  }
  const group = environmentGroupOf(env);
  if (group) {
    throw new Error(
      `${resourceName}: environment ${environmentId} is in an environment group (${group}): the group's rules set its managed-environment configuration; ` +
        `declare the settings in the group's rules, or take the environment out of the group`,
    );
  }
}

async function readEnvironment(client: PowerPlatformClient, environmentId: string): Promise<EnvironmentDto> {
  return client.environments.get(environmentId).catch((error: unknown) => {
    if (isNotFound(error)) throw new Error(`${resourceName}: there is no environment ${environmentId} in this tenant`);
    throw error;
  });
}

/**
 * Sends the declared configuration (unless the environment has it already) and reads it back.
 * `current`: the environment when the caller has just read it (not read a second time).
 */
async function apply(client: PowerPlatformClient, inputs: ManagedEnvironmentInputs, current?: EnvironmentDto): Promise<ManagedEnvironmentOutputs> {
  const env = current ?? (await readEnvironment(client, inputs.environmentId));
  refuseUnsupported(env, inputs.environmentId);
  const governance = governanceOf(env);
  const isApplied = (g: GovernanceConfiguration) =>
    g.protectionLevel === "Standard" && changedSettings(settingsFrom(g, {}), inputs).length === 0;
  if (isApplied(governance)) return outputsFrom(inputs.environmentId, env, governance, inputs);
  const after = await client.managedEnvironments.setAndWait(inputs.environmentId, governanceBody(inputs, governance), { isApplied });
  return outputsFrom(inputs.environmentId, after.environment, after.governance, inputs);
}

/**
 * Adds `initialGovernance` to checked inputs: carried over from the old inputs of the same
 * environment, otherwise the environment's configuration now (before any change: only
 * `create` changes it). Best effort: when the read fails, `create` reads it itself.
 */
async function withInitialGovernance(olds: Record<string, unknown>, result: CheckResult<ManagedEnvironmentInputs>): Promise<CheckResult<ManagedEnvironmentInputs>> {
  const inputs = result.inputs;
  if (!inputs || isUnknown(inputs.environmentId)) return result;
  if (olds.environmentId === inputs.environmentId && olds.initialGovernance && typeof olds.initialGovernance === "object") {
    return { inputs: { ...inputs, initialGovernance: olds.initialGovernance as GovernanceConfiguration } };
  }
  try {
    const client = await clientFromEnvironment();
    const { governance } = await client.managedEnvironments.get(inputs.environmentId);
    return { inputs: { ...inputs, initialGovernance: governance } };
  } catch {
    // A preview without access to the tenant, an environment not created yet: create reads it then.
    return result;
  }
}

/** The ManagedEnvironment implementation the dynamic provider's stub calls (runtime.ts loads it by kind name). */
export const managedEnvironmentHandler: ResourceHandler<ManagedEnvironmentInputs, ManagedEnvironmentOutputs> = {
  async check(olds, news) {
    return withInitialGovernance(olds, checkInputs(news));
  },

  async diff(_id, olds, news): Promise<DiffResult> {
    const replaces = olds.environmentId !== news.environmentId ? ["environmentId"] : [];
    const updates = changedSettings(olds, news);
    return { changes: replaces.length > 0 || updates.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(inputs) {
    const client = await clientFromEnvironment();
    // One read of the environment gives both the configuration to restore on delete (when check
    // could not record it: an environment made in the same run) and the state to apply against.
    const env = await readEnvironment(client, inputs.environmentId);
    const initialGovernance = inputs.initialGovernance ?? governanceOf(env);
    const outs = await apply(client, { ...inputs, initialGovernance }, env);
    return { id: inputs.environmentId, outs };
  },

  async read(id, props): Promise<ReadResult<ManagedEnvironmentInputs, ManagedEnvironmentOutputs>> {
    const client = await clientFromEnvironment();
    const environmentId = props?.environmentId ?? id;
    const env = await readConfirmingGone(
      client,
      `environment ${environmentId}`,
      () => client.environments.get(environmentId),
      async () => (await client.environments.list()).some((e) => e.name.toLowerCase() === environmentId.toLowerCase()),
    );
    if (!env) return { id: "", props: {} as ManagedEnvironmentOutputs };
    const governance = governanceOf(env);
    const outs = outputsFrom(environmentId, env, governance, props ?? {});
    return { id, props: outs, inputs: inputsFrom(outs) };
  },

  async update(_id, olds, news) {
    const client = await clientFromEnvironment();
    const outs = await apply(client, { ...news, ...(olds.initialGovernance ? { initialGovernance: olds.initialGovernance } : {}) });
    return { outs };
  },

  async delete(id, props) {
    const client = await clientFromEnvironment();
    const environmentId = props.environmentId ?? id;
    let env: EnvironmentDto;
    try {
      env = await client.environments.get(environmentId);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    if (environmentGroupOf(env)) return; // the group's rules decide from now on
    const initial = props.initialGovernance;
    const restore: GovernanceConfiguration =
      initial?.protectionLevel === "Standard" && initial.settings ? { protectionLevel: "Standard", settings: initial.settings } : { protectionLevel: "Basic" };
    const isApplied = (g: GovernanceConfiguration) =>
      restore.protectionLevel === "Basic" ? g.protectionLevel !== "Standard" : sameJson(g.settings ?? {}, restore.settings ?? {});
    if (isApplied(governanceOf(env))) return;
    await client.managedEnvironments.setAndWait(environmentId, restore, { isApplied });
  },
};

/**
 * The managed-environment features of an environment (protection level `Standard`) and their
 * settings: sharing limits, solution checker enforcement, usage insights and maker welcome
 * content, through the environment's `governanceConfiguration`.
 *
 * Every setting updates in place; `environmentId` replaces the resource. The environment
 * must have Dataverse and not be in an environment group (whose rules set these). On delete,
 * the configuration the environment had before is put back: turned off (`Basic`) when it was
 * not managed. Settings changed by hand, or the features turned off, show as drift.
 */
export class ManagedEnvironment extends pulumi.CustomResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/powerplatform:ManagedEnvironment";

  /** The managed environment (also the resource id). */
  declare readonly environmentId: pulumi.Output<string>;
  /** `Standard` when managed; `Basic` when the features were turned off outside Pulumi. */
  declare readonly protectionLevel: pulumi.Output<string>;
  /** `NoLimit` or `ExcludeSharingToSecurityGroups`, as the service reports it. */
  declare readonly limitSharingMode: pulumi.Output<LimitSharingMode>;
  /** Whether sharing with security groups is excluded. */
  declare readonly groupSharingDisabled: pulumi.Output<boolean>;
  /** The most users a canvas app can be shared with (`-1`: no limit). */
  declare readonly maxLimitUserSharing: pulumi.Output<number>;
  /** Whether the environment is left out of the usage-insights digest. */
  declare readonly usageInsightsDisabled: pulumi.Output<boolean>;
  /** `None`, `Warn` or `Block`. */
  declare readonly solutionCheckerMode: pulumi.Output<SolutionCheckerMode>;
  /** Whether validation emails are sent only for blocked solutions. */
  declare readonly suppressValidationEmails: pulumi.Output<boolean>;
  /** The solution checker rules excluded from enforcement, sorted. */
  declare readonly solutionCheckerRuleOverrides: pulumi.Output<string[]>;
  /** The maker welcome content (Markdown). */
  declare readonly makerOnboardingMarkdown: pulumi.Output<string>;
  /** The maker welcome content's "Learn more" URL. */
  declare readonly makerOnboardingUrl: pulumi.Output<string>;
  /** The configuration the environment had before this resource managed it; restored on delete. */
  declare readonly initialGovernance: pulumi.Output<Record<string, unknown> | undefined>;
  /** The environment's display name, as the service reports it. */
  declare readonly environmentDisplayName: pulumi.Output<string>;

  constructor(name: string, args: ManagedEnvironmentArgs, opts?: pulumi.CustomResourceOptions) {
    claim(resourceName, name, "managed-environment configuration of environment", [args.environmentId]);
    const endProgramFrames = programFramesOnly();
    try {
      super(
        dynamicResourceType(resourceName),
        name,
        dynamicResourceProps(resourceName, { ...args, ...timeoutsInput(opts) }, [...managedEnvironmentArguments, "initialGovernance", "environmentDisplayName"]),
        opts,
      );
    } finally {
      endProgramFrames();
    }
  }
}
