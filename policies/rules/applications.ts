/**
 * Application packages: only the packages the tenant has approved are installed.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, ruleConfig, stringList } from "../config";
import { violation } from "../messages";
import { isKind, type ApplicationInstallProps } from "../resourceTypes";

export interface ApprovedPackagesConfig {
  approvedPackages: string[];
}
const approvedPackagesDefaults: ApprovedPackagesConfig = { approvedPackages: [] };

export const approvedApplicationPackages: ResourceValidationPolicy = {
  name: "approved-application-packages",
  description: "Only approved application packages are installed in environments.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: configSchema(approvedPackagesDefaults, {
    approvedPackages: stringList("Unique names of the application packages that may be installed (e.g. msdyn_AppDeploymentAnchor). Empty: any package (rule not configured)."),
  }),
  remediationSteps: "Remove the ApplicationInstall, or have the package approved and added to approvedPackages.",
  validateResource: (args, reportViolation) => {
    if (!isKind(args, "ApplicationInstall")) return;
    const { approvedPackages } = ruleConfig(args, approvedPackagesDefaults);
    if (approvedPackages.length === 0) return;
    const uniqueName = (args.props as ApplicationInstallProps).uniqueName;
    const approved = approvedPackages.map((p) => p.toLowerCase());
    if (!approved.includes(String(uniqueName).toLowerCase())) {
      reportViolation(violation(approvedApplicationPackages.name, args.type, args.name,
        `application package "${uniqueName}" is not approved`,
        `Remove this ApplicationInstall, or add "${uniqueName}" to approvedPackages once it is approved.`));
    }
  },
};
