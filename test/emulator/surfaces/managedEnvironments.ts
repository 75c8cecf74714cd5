// Managed environments (BAP): POST …/environments/{id}/governanceConfiguration (2021-04-01).
//
// As the real service answers (microsoft/terraform-provider-power-platform
// internal/services/managed_environment/resource_managed_environment_test.go, httpmock responders):
// 202 with an EMPTY body and `Location` of a lifecycle operation on the REGIONAL host
// (type EnableGovernanceConfiguration, "Enable Managed Environment": tests/resource/
// Validate_Create_And_Update/get_lifecycle.json); the configuration shows in the environment
// GET once the operation is over; 409 with an empty body while the environment cannot take it
// (another operation running: retried by the provider) and, for good, when the environment is in
// an environment group (`properties.parentEnvironmentGroup`: get_environment_in_group.json).
// Guesses (test/emulator/README.md): the answer for an environment without Dataverse
// (the provider refuses it itself before any call), the validation errors of a malformed body,
// and the turn-off operation's type (DisableGovernanceConfiguration, the name the environment's
// lifecycleOperationsEnforcement uses).
import { Ctx, Route, ok, err, requireBody, compile } from "../http";
import { newLifecycleOperation } from "../state";
import { activeOperation, getEnv, lifecycleRetryAfter, opLocation, requestedBy } from "./bap";

const V = ["2021-04-01", "2023-06-01"];
const P = "/providers/Microsoft.BusinessAppPlatform";
const LEVELS = ["Basic", "Standard"];

const setGovernance = (ctx: Ctx) => {
  const env = getEnv(ctx);
  const b = requireBody(ctx);
  if (!LEVELS.includes(b.protectionLevel)) err(400, "InvalidRequestContent", `The field 'protectionLevel' must be one of ${LEVELS.join(", ")}.`);
  const extended = b.settings?.extendedSettings;
  if (b.protectionLevel === "Standard") {
    if (extended !== undefined && (typeof extended !== "object" || extended === null || Array.isArray(extended)))
      err(400, "InvalidRequestContent", "The field 'settings.extendedSettings' must be an object.");
    for (const [k, v] of Object.entries(extended ?? {})) if (typeof v !== "string") err(400, "InvalidRequestContent", `The field 'settings.extendedSettings.${k}' must be a string.`);
  }
  if (!env.properties.linkedEnvironmentMetadata)
    err(400, "EnvironmentWithoutDataverse", `Managed Environments require Dataverse to be provisioned in the environment '${env.name}'.`);
  // Recorded: 409 with an empty body (in a group: for good; otherwise: retried).
  if (env.properties.parentEnvironmentGroup?.id || activeOperation(ctx, env)) return ok(undefined, 409);
  const enable = b.protectionLevel === "Standard";
  const op = newLifecycleOperation(ctx.state, env.name, enable ? "EnableGovernanceConfiguration" : "DisableGovernanceConfiguration", ctx.settings, requestedBy(ctx), {
    typeDisplayName: enable ? "Enable Managed Environment" : "Disable Managed Environment",
    _outcome: ctx.settings.environmentOperationOutcome,
    _governance: enable ? { protectionLevel: "Standard", settings: { extendedSettings: { ...(extended ?? {}) } } } : { protectionLevel: "Basic" },
  });
  ctx.changed = true;
  return ok(undefined, 202, { Location: opLocation(ctx, env, op.id), ...lifecycleRetryAfter(ctx) });
};

const R = (template: string, admin: boolean): Route => compile({ method: "POST", template, surface: "bap", apiVersions: V, admin, handler: setGovernance });

/** The governanceConfiguration route, on the recorded path and under scopes/admin. */
export const managedEnvironmentRoutes: Route[] = [
  R(`${P}/environments/{envId}/governanceConfiguration`, true),
  R(`${P}/scopes/admin/environments/{envId}/governanceConfiguration`, true),
];
