/**
 * Tenant settings (BAP, api-version 2023-06-01): the one tenant-wide settings object.
 *
 * As the real service answers (recorded in microsoft/terraform-provider-power-platform
 * internal/services/tenant_settings/tests/ with the status of the httpmock responders in
 * resource_tenant_settings_test.go): `POST …/listTenantSettings` → 200 with the whole object;
 * `POST …/scopes/admin/updateTenantSettings` with the settings to change → 200 with the whole
 * object after the change. The update takes a partial body (Microsoft's Set-TenantSettings
 * documents `-RequestBody @{ walkMeOptOut = $true }`): settings it does not name keep their value.
 */
import { type ApiContext, asObject, call, type CallOptions } from "./common";

export const TENANT_SETTINGS_API_VERSION = "2023-06-01";
const S = "bap" as const;
const P = "/providers/Microsoft.BusinessAppPlatform";

/** The path of the read (a POST that changes nothing). */
export const listTenantSettingsPath = `${P}/listTenantSettings`;
/** The path of the update. */
export const updateTenantSettingsPath = `${P}/scopes/admin/updateTenantSettings`;

/** A settings value: a boolean, number or string setting, or a nested group of settings. */
export type TenantSettingsValue = boolean | number | string | null | TenantSettingsObject;

/**
 * The tenant settings object as the service sends it (`walkMeOptOut`,
 * `disableTrialEnvironmentCreationByNonAdminUsers`, `powerPlatform.governance.…`, …), or
 * a part of it (an update sends only the settings to change).
 */
export interface TenantSettingsObject {
  [name: string]: TenantSettingsValue;
}

/** Decodes a settings answer: a JSON object (anything else is an unexpected response). */
export function decodeTenantSettings(v: unknown): TenantSettingsObject {
  return asObject(v, "tenant settings") as TenantSettingsObject;
}

/** The typed tenant settings API: read the whole object, change some settings. */
export function tenantSettingsApi(ctx: ApiContext) {
  return {
    /** POST /providers/Microsoft.BusinessAppPlatform/listTenantSettings → 200, the whole object. Changes nothing: retried like a GET. */
    async get(opts?: CallOptions): Promise<TenantSettingsObject> {
      const r = await call(
        ctx,
        { surface: S, method: "POST", path: listTenantSettingsPath, apiVersion: TENANT_SETTINGS_API_VERSION, expect: [200], idempotent: true },
        opts,
      );
      return decodeTenantSettings(r.data);
    },

    /**
     * POST /providers/Microsoft.BusinessAppPlatform/scopes/admin/updateTenantSettings with the
     * settings to change (a partial object) → 200, the whole object after the change. Sets
     * values, so repeating it is harmless: retried when the answer is lost.
     */
    async update(changes: TenantSettingsObject, opts?: CallOptions): Promise<TenantSettingsObject> {
      const r = await call(
        ctx,
        { surface: S, method: "POST", path: updateTenantSettingsPath, apiVersion: TENANT_SETTINGS_API_VERSION, body: changes, expect: [200], idempotent: true },
        opts,
      );
      return decodeTenantSettings(r.data);
    },
  };
}
