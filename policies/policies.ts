/**
 * Every rule of the pack, in the order they are reported. Kept apart from index.ts
 * (which starts the policy server) so that tests can import the rules.
 */
import type { Policies } from "@pulumi/policy";
import { approvedApplicationPackages } from "./rules/applications";
import {
  billingPolicyAllowedLocations,
  billingPolicyAllowedSubscriptions,
  environmentsLinkedToBillingPolicy,
  productionBillingPoliciesEnabled,
} from "./rules/billing";
import { noTrialOrDeveloperEnvironmentsInProduction, productionEnvironmentSecurityGroup } from "./rules/environments";
import {
  criticalFlowsStarted,
  flowGroupOrServicePrincipalOwner,
  flowMinimumCoOwners,
  flowOwnerAllowedPrincipalTypes,
} from "./rules/flows";
import { billingPolicyNameConvention, environmentDisplayNameConvention } from "./rules/naming";
import { resourcesUnderTheirOwnType } from "./rules/identity";
import { productionEnvironmentsProtected } from "./rules/protection";
import { tenantSettingsRestrictEnvironmentCreation } from "./rules/tenantSettings";
import { productionEnvironmentsManaged } from "./rules/managedEnvironments";
import { dlpAllEnvironmentsPolicyExists, dlpHighRiskConnectorsBlocked, productionEnvironmentsCoveredByDlp } from "./rules/dlp";
import { environmentGroupsHaveRules, productionEnvironmentsInAGroup } from "./rules/environmentGroups";
import { failSafeOnUnknown } from "./unknownValues";

/** Every rule, each with the unknownAtPreview setting (unknownValues.ts). */
export const policies: Policies = [
  resourcesUnderTheirOwnType,
  billingPolicyAllowedLocations,
  billingPolicyAllowedSubscriptions,
  productionBillingPoliciesEnabled,
  environmentsLinkedToBillingPolicy,
  noTrialOrDeveloperEnvironmentsInProduction,
  productionEnvironmentSecurityGroup,
  productionEnvironmentsProtected,
  approvedApplicationPackages,
  flowMinimumCoOwners,
  flowGroupOrServicePrincipalOwner,
  flowOwnerAllowedPrincipalTypes,
  criticalFlowsStarted,
  environmentDisplayNameConvention,
  billingPolicyNameConvention,
  tenantSettingsRestrictEnvironmentCreation,
  productionEnvironmentsManaged,
  dlpHighRiskConnectorsBlocked,
  dlpAllEnvironmentsPolicyExists,
  productionEnvironmentsCoveredByDlp,
  environmentGroupsHaveRules,
  productionEnvironmentsInAGroup,
].map(failSafeOnUnknown);
