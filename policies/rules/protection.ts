/**
 * Protection: resources whose deletion loses data cannot be deleted by a `pulumi up`
 * or `destroy` by accident.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, ruleConfig } from "../config";
import { violation } from "../messages";
import { environmentSkus, isKind, type EnvironmentProps, type EnvironmentSku } from "../resourceTypes";

export interface ProtectedEnvironmentsConfig {
  skus: EnvironmentSku[];
}
const protectedEnvironmentsDefaults: ProtectedEnvironmentsConfig = { skus: ["Production"] };

export const productionEnvironmentsProtected: ResourceValidationPolicy = {
  name: "production-environments-protected",
  description: "Production environments are declared with `protect: true`: deleting one deletes its Dataverse database, apps and flows.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: configSchema(protectedEnvironmentsDefaults, {
    skus: {
      type: "array",
      items: { type: "string", enum: [...environmentSkus] },
      uniqueItems: true,
      description: "Environment SKUs that must be protected.",
    },
  }),
  remediationSteps: "Add `{ protect: true }` to the environment's resource options (a policy cannot set resource options).",
  validateResource: (args, reportViolation) => {
    if (!isKind(args, "Environment")) return;
    const { skus } = ruleConfig(args, protectedEnvironmentsDefaults);
    const sku = (args.props as EnvironmentProps).environmentSku;
    if (!skus.includes(sku) || args.opts.protect) return;
    reportViolation(violation(productionEnvironmentsProtected.name, args.type, args.name,
      `the ${sku} environment is not protected, so a destroy or a replacement would delete it with its data`,
      `Add \`protect: true\` to its resource options.`));
  },
};
