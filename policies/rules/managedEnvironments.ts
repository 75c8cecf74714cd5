/**
 * Managed environments: every production environment has the managed-environment features
 * on (sharing limits, solution checker enforcement, usage insights), through a
 * ManagedEnvironment resource of the same stack.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configSchema, ruleConfig } from "../config";
import { resourceLabel } from "../messages";
import { environmentSkus, isKind, type EnvironmentSku } from "../resourceTypes";
import { knownString, peek, unknown } from "../values";

export interface ProductionEnvironmentsManagedConfig {
  skus: EnvironmentSku[];
}
const productionEnvironmentsManagedDefaults: ProductionEnvironmentsManagedConfig = { skus: ["Production"] };

/**
 * True when `managed` (a ManagedEnvironment) manages `environment` (an Environment): its
 * environmentId is the environment's id, or, while that id is not known yet (preview), its
 * environmentId input depends on the environment resource itself. A ManagedEnvironment whose
 * protection level reads `Basic` (turned off by hand, seen by the drift command) manages nothing.
 */
function manages(managed: PolicyResource, environment: PolicyResource, environmentId: string | undefined): boolean {
  if (peek(() => managed.props.protectionLevel as unknown) === "Basic") return false;
  const target = peek(() => managed.props.environmentId as unknown);
  if (environmentId !== undefined && typeof target === "string" && target.toLowerCase() === environmentId.toLowerCase()) return true;
  return (managed.propertyDependencies.environmentId ?? []).some((dependency) => dependency.urn === environment.urn);
}

export const productionEnvironmentsManaged: StackValidationPolicy = {
  name: "production-environments-managed",
  description:
    "Every Production environment is a managed environment: a ManagedEnvironment in the same stack turns the features on (sharing limits, solution checker, usage insights).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: configSchema(productionEnvironmentsManagedDefaults, {
    skus: {
      type: "array",
      items: { type: "string", enum: [...environmentSkus] },
      uniqueItems: true,
      description: "Environment SKUs that must be managed environments.",
    },
  }),
  remediationSteps:
    "Declare a ManagedEnvironment with environmentId set to the environment's environmentId (in a tenant file: a `managed:` section under the environment).",
  validateStack: (args, reportViolation) => {
    const { skus } = ruleConfig(args, productionEnvironmentsManagedDefaults);
    const environments = args.resources.filter((r) => isKind(r, "Environment"));
    const managedEnvironments = args.resources.filter((r) => isKind(r, "ManagedEnvironment"));
    for (const environment of environments) {
      const sku = peek(() => environment.props.environmentSku as unknown);
      if (sku === unknown || !skus.includes(sku as EnvironmentSku)) continue;
      // Known after create (outputs), or when adopting an existing environment.
      const environmentId = knownString(() => environment.props.environmentId) ?? knownString(() => environment.props.adoptId);
      if (managedEnvironments.some((managed) => manages(managed, environment, environmentId))) continue;
      reportViolation(
        `${resourceLabel(environment.type, environment.name)} violates ${productionEnvironmentsManaged.name}: ` +
          `the ${String(sku)} environment is not a managed environment. ` +
          `Declare a ManagedEnvironment with environmentId set to this environment's environmentId (tenant file: add a managed: section to it).`,
        environment.urn,
      );
    }
  },
};
