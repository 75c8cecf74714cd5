import type { TenantSettingsObject } from "../client/api/tenantSettings";
import { clientFor, type FunctionOptions, liftToOutput } from "./common";

/** The arguments of {@link getTenantSettings}; all optional. */
export interface GetTenantSettingsArgs {
  /**
   * Only these settings, as dotted paths (`powerPlatform.governance.disableAdminDigest`, or a
   * group such as `powerPlatform.governance`); all of them when absent.
   */
  paths?: string[];
}

function at(settings: TenantSettingsObject, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((node, name) => (node && typeof node === "object" ? (node as Record<string, unknown>)[name] : undefined), settings);
}

/**
 * The tenant's settings object as the service returns it (every setting, nested under
 * `powerPlatform.*`), or only the settings named in `paths` (same nesting; a path the
 * service does not send is left out).
 */
export async function getTenantSettings(args: GetTenantSettingsArgs = {}, options?: FunctionOptions): Promise<TenantSettingsObject> {
  const settings = await clientFor(options).tenantSettings.get();
  if (!args.paths) return settings;
  const picked: Record<string, unknown> = {};
  for (const dotted of args.paths) {
    const value = at(settings, dotted);
    if (value === undefined) continue;
    const names = dotted.split(".");
    let node = picked;
    for (const name of names.slice(0, -1)) node = (node[name] ??= {}) as Record<string, unknown>;
    node[names[names.length - 1]] = value;
  }
  return picked as TenantSettingsObject;
}

/** {@link getTenantSettings} taking Pulumi Inputs and returning an Output. */
export const getTenantSettingsOutput = liftToOutput(getTenantSettings);
