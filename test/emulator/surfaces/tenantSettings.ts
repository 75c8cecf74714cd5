// BAP tenant settings: the one tenant-wide settings object.
//
// As the real service answers (recorded in microsoft/terraform-provider-power-platform
// internal/services/tenant_settings/tests/, status from the httpmock responders of
// resource_tenant_settings_test.go; test/conformance/recorded/tenant-settings/):
// `POST …/listTenantSettings` → 200 with the whole object; `POST
// …/scopes/admin/updateTenantSettings` → 200 with the whole object after the change. The
// update takes a partial body (Set-TenantSettings documents `-RequestBody @{ walkMeOptOut = $true }`):
// settings it does not name keep their value. The seed is the recorded object itself.
//
// Guesses (no recording; test/emulator/README.md): a setting name the object does not have
// is ignored (not stored, no error); a value of another JSON type than the setting's is
// refused with 400 InvalidRequestContent; the read needs no admin role, the update does.
import { Ctx, Route, ok, err, compile } from "../http";
import { recordedTenantSettings, type Obj, type TenantState } from "../state";

const V = ["2023-06-01", "2021-04-01", "2020-10-01", "2020-08-01", "2016-11-01"];
const P = "/providers/Microsoft.BusinessAppPlatform";

/** The tenant's settings object (a state saved before it existed gets the seed). */
export function tenantSettingsOf(state: TenantState): Obj {
  state.tenantSettings ??= recordedTenantSettings();
  return state.tenantSettings;
}

const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** Merges `changes` into `target`: known settings only, each keeping its JSON type. */
function mergeKnown(target: Obj, changes: Obj, at: string): void {
  for (const [name, value] of Object.entries(changes)) {
    if (!(name in target)) continue; // not a setting of the object: ignored (a guess)
    const where = at ? `${at}.${name}` : name;
    const current = target[name];
    if (kind(current) === "object") {
      if (kind(value) !== "object") err(400, "InvalidRequestContent", `The field '${where}' must be an object.`);
      mergeKnown(current, value as Obj, where);
    } else if (value !== null && kind(current) !== "null" && kind(value) !== kind(current)) {
      err(400, "InvalidRequestContent", `The field '${where}' must be a ${kind(current)}.`);
    } else target[name] = value;
  }
}

const list = (ctx: Ctx) => ok(tenantSettingsOf(ctx.state));

const update = (ctx: Ctx) => {
  const body = ctx.body;
  if (kind(body) !== "object") err(400, "InvalidRequestContent", "The request body must be a JSON object of tenant settings.");
  mergeKnown(tenantSettingsOf(ctx.state), body as Obj, "");
  ctx.changed = true;
  return ok(tenantSettingsOf(ctx.state));
};

const R = (method: string, template: string, handler: Route["handler"], admin: boolean): Route => compile({ method, template, surface: "bap", apiVersions: V, admin, handler });

export const tenantSettingsRoutes: Route[] = [
  R("POST", `${P}/listTenantSettings`, list, false),
  R("POST", `${P}/scopes/admin/updateTenantSettings`, update, true),
];
