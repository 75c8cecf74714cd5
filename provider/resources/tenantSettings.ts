import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceProps, dynamicResourceType } from "./dynamicProvider";
import { programFramesOnly } from "./sourceFrames";
import { timeoutsInput } from "./timeouts";
import { claim } from "./claims";
import { InputChecker, isReservedName, isUnknown, nearestName } from "./validation";
import type { ResourceHandler, CheckResult, DiffResult, ReadResult } from "./handler";
import { clientFromEnvironment, keepIdOnFailure } from "./runtimeSupport";
import { knownTenantSettings, tenantSettingPaths, type TenantSettingGroup, type TenantSettingType } from "./tenantSettingNames";
import type { PowerPlatformClient } from "../client";
import type { TenantSettingsObject } from "../client/api/tenantSettings";

/** One setting's value: a boolean, a number or a string. */
export type TenantSettingValue = boolean | number | string;

/**
 * Settings as the service nests them; only the settings named are managed. E.g.
 * `{ disableTrialEnvironmentCreationByNonAdminUsers: true, powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: true } } }`.
 */
export interface TenantSettingsTree {
  [name: string]: pulumi.Input<TenantSettingValue> | TenantSettingsTree;
}

/** The arguments of a {@link TenantSettings}; `check` refuses any other name. */
export interface TenantSettingsArgs {
  /**
   * The settings to manage, nested as the service nests them (names as in `listTenantSettings`:
   * `walkMeOptOut`, `powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers`, …).
   * Settings not named here are left as they are. A name the service does not have is refused.
   */
  settings: pulumi.Input<TenantSettingsTree>;
}

/** Checked inputs: the managed settings, plus the values they had before (recorded by `check`). */
export interface TenantSettingsInputs {
  settings: TenantSettingsObject;
  /**
   * Not an argument: the values the managed settings had before this resource first set
   * them, read by `check` and carried from then on. `check`'s result is what the engine
   * records for a pending create, so these survive a run killed right after the update.
   */
  initialSettings?: TenantSettingsObject;
}

/** What the state holds: the managed settings as the service reports them, and their values before. */
export interface TenantSettingsOutputs {
  settings: TenantSettingsObject;
  /** The values the managed settings had when they became managed; restored on delete. */
  initialSettings: TenantSettingsObject;
}

const resourceName = "TenantSettings";

/** The arguments of a TenantSettings: check refuses any other name (`__` names excepted). */
export const tenantSettingsArguments = ["settings"] as const;

/** The resource id: the settings object is one per tenant. */
export const tenantSettingsId = "tenant-settings";

// ---------- settings as paths ----------

/** The settings of a nested object as dotted paths with their values (nested groups flattened). */
export function flattenSettings(tree: unknown, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!tree || typeof tree !== "object" || Array.isArray(tree)) return out;
  for (const [name, value] of Object.entries(tree as Record<string, unknown>)) {
    if (isReservedName(name) || value === undefined) continue;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [p, v] of flattenSettings(value, `${prefix}${name}.`)) out.set(p, v);
    } else out.set(`${prefix}${name}`, value);
  }
  return out;
}

/** The nested object of dotted paths and values (the inverse of {@link flattenSettings}). */
export function nestSettings(entries: Iterable<[string, unknown]>): TenantSettingsObject {
  const root: Record<string, unknown> = {};
  for (const [p, value] of entries) {
    const names = p.split(".");
    let at = root;
    for (const name of names.slice(0, -1)) {
      if (!at[name] || typeof at[name] !== "object") at[name] = {};
      at = at[name] as Record<string, unknown>;
    }
    at[names[names.length - 1]] = value;
  }
  return root as TenantSettingsObject;
}

/** The values of `paths` in the tenant's settings object (a path the service does not send is left out). */
export function settingsAt(tenant: TenantSettingsObject, paths: Iterable<string>): Map<string, unknown> {
  const all = flattenSettings(tenant);
  const out = new Map<string, unknown>();
  for (const p of paths) if (all.has(p)) out.set(p, all.get(p));
  return out;
}

// ---------- check ----------

const knownPaths = tenantSettingPaths();

/** Where else a name is a setting or group (for `did you mean` across groups). */
function elsewhere(name: string): string | undefined {
  const lower = name.toLowerCase();
  const exact = knownPaths.find(([p]) => p.split(".").pop()!.toLowerCase() === lower);
  return exact?.[0];
}

function checkValue(c: InputChecker, value: unknown, property: string, type: TenantSettingType): void {
  if (value === null || isUnknown(value)) return;
  const ok = type === "number" ? typeof value === "number" && Number.isFinite(value) : typeof value === type;
  if (!ok) c.fail(property, `${resourceName}: ${property} must be a ${type === "boolean" ? "boolean (true or false)" : type}, got ${JSON.stringify(value)}`);
  else if (type === "number" && (!Number.isInteger(value) || (value as number) < 0)) c.fail(property, `${resourceName}: ${property} must be a whole number ≥ 0, got ${value}`);
}

function checkGroup(c: InputChecker, value: Record<string, unknown>, at: string, group: TenantSettingGroup): void {
  const known = Object.keys(group);
  for (const [name, v] of Object.entries(value)) {
    if (isReservedName(name) || v === undefined) continue;
    const property = `${at}.${name}`;
    const expected = group[name];
    if (expected === undefined) {
      // The exact name in another group first (a setting declared at the wrong level), else the nearest here.
      const other = elsewhere(name);
      const near = other ? undefined : nearestName(name, known);
      const hint = other ? ` (did you mean settings.${other}?)` : near ? ` (did you mean ${at}.${near}?)` : "";
      c.fail(property, `${resourceName}: unknown setting ${property}${hint}; known here: ${known.join(", ") || "none"}`);
      continue;
    }
    if (typeof expected === "string") {
      checkValue(c, v, property, expected);
      continue;
    }
    if (isUnknown(v)) continue;
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      c.fail(property, `${resourceName}: ${property} is a group of settings (${Object.keys(expected).join(", ") || "none known"}), not a value`);
      continue;
    }
    checkGroup(c, v as Record<string, unknown>, property, expected);
  }
}

function checkInputs(news: Record<string, unknown>): CheckResult<TenantSettingsInputs> {
  const c = new InputChecker(resourceName);
  c.knownNames(news, "", tenantSettingsArguments);
  const settings = c.object(news.settings, "settings", { required: true });
  if (settings) {
    checkGroup(c, settings, "settings", knownTenantSettings);
    if (c.failures.length === 0 && [...flattenSettings(settings).values()].every((v) => v === null))
      c.fail("settings", `${resourceName}: settings names no setting; name at least one (e.g. disableTrialEnvironmentCreationByNonAdminUsers)`);
  }
  if (c.failures.length > 0) return { failures: c.failures };
  // Settings still unknown (computed by other resources) pass through as they are.
  // A setting given as null is not declared (not managed), like one left out.
  const value = isUnknown(news.settings) ? news.settings : nestSettings([...flattenSettings(settings)].filter(([, v]) => v !== null));
  return { inputs: { settings: value as TenantSettingsObject } };
}

/**
 * Adds `initialSettings`: carried over from the old inputs for settings already managed,
 * read from the tenant now for the others (before any change: only create and update
 * change them). The read is best effort; when it fails, create or update reads them.
 */
async function withInitialSettings(olds: Record<string, unknown>, result: CheckResult<TenantSettingsInputs>): Promise<CheckResult<TenantSettingsInputs>> {
  const inputs = result.inputs;
  if (!inputs || isUnknown(inputs.settings)) return result;
  const paths = [...flattenSettings(inputs.settings).keys()];
  const carried = settingsAt((olds.initialSettings ?? {}) as TenantSettingsObject, paths);
  const missing = paths.filter((p) => !carried.has(p));
  if (missing.length > 0) {
    try {
      const client = await clientFromEnvironment();
      for (const [p, v] of settingsAt(await client.tenantSettings.get(), missing)) carried.set(p, v);
    } catch {
      // Best effort (a preview without access to the tenant): create or update reads them then.
    }
  }
  return carried.size > 0 ? { inputs: { ...inputs, initialSettings: nestSettings(carried) } } : result;
}

// ---------- apply ----------

/** The settings of `desired` whose value differs in `current`. */
function differences(current: Map<string, unknown>, desired: Map<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [p, v] of desired) if (current.get(p) !== v) out.set(p, v);
  return out;
}

/**
 * Brings the tenant to `desired` (dotted paths) with one update carrying only the settings
 * that differ, or none when all already match. Returns the tenant's settings after it.
 */
async function applySettings(client: PowerPlatformClient, current: TenantSettingsObject, desired: Map<string, unknown>): Promise<TenantSettingsObject> {
  const changes = differences(flattenSettings(current), desired);
  if (changes.size === 0) return current;
  return client.tenantSettings.update(nestSettings(changes));
}

function outputsFrom(tenant: TenantSettingsObject, paths: Iterable<string>, initial: Map<string, unknown>): TenantSettingsOutputs {
  return { settings: nestSettings(settingsAt(tenant, paths)), initialSettings: nestSettings(initial) };
}

export const tenantSettingsHandler: ResourceHandler<TenantSettingsInputs, TenantSettingsOutputs> = {
  async check(olds, news) {
    return withInitialSettings(olds, checkInputs(news));
  },

  async diff(_id, olds, news): Promise<DiffResult> {
    if (isUnknown(news.settings)) return { changes: true, replaces: [] };
    const before = flattenSettings(olds.settings);
    const after = flattenSettings(news.settings);
    const changed = before.size !== after.size || [...after].some(([p, v]) => isUnknown(v) || !before.has(p) || before.get(p) !== v);
    return { changes: changed, replaces: [] };
  },

  async create(inputs) {
    const client = await clientFromEnvironment();
    const current = await client.tenantSettings.get();
    const desired = flattenSettings(inputs.settings);
    // Recorded by check before anything changed (see TenantSettingsInputs.initialSettings).
    const initial = settingsAt(inputs.initialSettings ?? {}, desired.keys());
    for (const [p, v] of settingsAt(current, desired.keys())) if (!initial.has(p)) initial.set(p, v);
    // The settings object always exists: when the update fails (or its answer is lost), the
    // resource is kept with the values before and the next `up` updates it, never losing them.
    return keepIdOnFailure(tenantSettingsId, outputsFrom(current, desired.keys(), initial), async () => {
      const after = await applySettings(client, current, desired);
      return { id: tenantSettingsId, outs: outputsFrom(after, desired.keys(), initial) };
    });
  },

  async read(id, props): Promise<ReadResult<TenantSettingsInputs, TenantSettingsOutputs>> {
    const client = await clientFromEnvironment();
    const tenant = await client.tenantSettings.get();
    const paths = [...flattenSettings(props.settings).keys()];
    // An imported pending create has its inputs (with initialSettings) as props.
    const initial = settingsAt(props.initialSettings ?? {}, paths);
    const outs = outputsFrom(tenant, paths, initial);
    return {
      id,
      props: outs,
      inputs: { settings: outs.settings, ...(initial.size > 0 ? { initialSettings: outs.initialSettings } : {}) },
    };
  },

  async update(_id, olds, news) {
    const client = await clientFromEnvironment();
    const current = await client.tenantSettings.get();
    const desired = flattenSettings(news.settings);
    const oldInitial = flattenSettings(olds.initialSettings);
    // Settings no longer named go back to the values they had before they were managed.
    const target = new Map<string, unknown>();
    for (const p of flattenSettings(olds.settings).keys()) if (!desired.has(p) && oldInitial.has(p)) target.set(p, oldInitial.get(p));
    for (const [p, v] of desired) target.set(p, v);
    const initial = settingsAt(news.initialSettings ?? {}, desired.keys());
    for (const p of desired.keys()) if (!initial.has(p) && oldInitial.has(p)) initial.set(p, oldInitial.get(p));
    for (const [p, v] of settingsAt(current, desired.keys())) if (!initial.has(p)) initial.set(p, v);
    const after = await applySettings(client, current, target);
    return { outs: outputsFrom(after, desired.keys(), initial) };
  },

  async delete(_id, props) {
    const client = await clientFromEnvironment();
    const current = await client.tenantSettings.get();
    await applySettings(client, current, flattenSettings(props.initialSettings));
  },
};

/**
 * The tenant-wide settings (admin center › Settings; `Get-TenantSettings`), declared
 * partially: only the settings named in `settings` are managed, the others are left as they
 * are. The values the managed settings had before are recorded and restored on delete (and
 * when a setting leaves `settings`). A change made by hand shows as drift on `pulumi
 * refresh`. One per tenant: a second `TenantSettings` in a program is an error. There is
 * nothing to adopt: the settings object always exists.
 */
export class TenantSettings extends pulumi.CustomResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/powerplatform:TenantSettings";

  /** The managed settings, as the service reports them. */
  declare readonly settings: pulumi.Output<TenantSettingsObject>;
  /** The values the managed settings had when they became managed; restored on delete. */
  declare readonly initialSettings: pulumi.Output<TenantSettingsObject>;

  constructor(name: string, args: TenantSettingsArgs, opts?: pulumi.CustomResourceOptions) {
    claim(resourceName, name, "tenant settings", ["(one object per tenant)"]);
    const endProgramFrames = programFramesOnly();
    try {
      super(
        dynamicResourceType(resourceName),
        name,
        dynamicResourceProps(resourceName, { ...args, ...timeoutsInput(opts) }, ["settings", "initialSettings"]),
        opts,
      );
    } finally {
      endProgramFrames();
    }
  }
}
