// Managed environments in the emulator's state: an environment's `governanceConfiguration`
// and the lifecycle operations its `lifecycleOperationsEnforcement` then allows.
//
// As recorded (microsoft/terraform-provider-power-platform internal/services/managed_environment/
// tests/resource/Validate_Create_And_Update/): a managed environment reads
// `{protectionLevel:"Standard", settings:{extendedSettings:{…every value a string…}}}`
// (get_environment_create_response.json) and lists DisableGovernanceConfiguration and
// UpdateGovernanceConfiguration as allowed, EnableGovernanceConfiguration as disallowed with
// reason type GovernanceConfig; one that is not managed reads `{protectionLevel:"Basic"}`
// and nothing else (get_environment_create_response_not_managed.json).
import type { Obj } from "./state";

const GOVERNANCE_OPERATIONS = ["EnableGovernanceConfiguration", "DisableGovernanceConfiguration", "UpdateGovernanceConfiguration"];

/** Whether the environment is managed (protection level Standard). */
export const isManaged = (env: Obj): boolean => env.properties?.governanceConfiguration?.protectionLevel === "Standard";

/** Sets the configuration (what a finished Enable/Disable operation does) and the operations it allows. */
export function applyGovernance(env: Obj, governance: Obj): void {
  env.properties.governanceConfiguration =
    governance.protectionLevel === "Standard"
      ? { protectionLevel: "Standard", settings: { extendedSettings: { ...(governance.settings?.extendedSettings ?? {}) } } }
      : { protectionLevel: "Basic" };
  const enforcement = env.properties.lifecycleOperationsEnforcement;
  if (!enforcement) return;
  const managed = isManaged(env);
  const reason = (id: string) => ({ message: `${id} cannot be performed on Power Platform environment because of the governance configuration.`, type: "GovernanceConfig" });
  const others = (list: Obj[] | undefined) => (list ?? []).filter((o) => !GOVERNANCE_OPERATIONS.includes(o.type?.id));
  const allowed = managed ? ["DisableGovernanceConfiguration", "UpdateGovernanceConfiguration"] : ["EnableGovernanceConfiguration"];
  const disallowed = GOVERNANCE_OPERATIONS.filter((id) => !allowed.includes(id));
  enforcement.allowedOperations = [...others(enforcement.allowedOperations), ...allowed.map((id) => ({ type: { id } }))];
  enforcement.disallowedOperations = [...others(enforcement.disallowedOperations), ...disallowed.map((id) => ({ type: { id }, reason: reason(id) }))];
}
