/**
 * @powerplatform-iac/provider: Pulumi resources and data functions for Power Platform
 * tenant administration.
 *
 * @module @powerplatform-iac/provider
 */
export { BillingPolicy, billingPolicyLocations, billingPolicyStatuses } from "./resources/billingPolicy";
export type { BillingPolicyArgs, BillingInstrumentArgs, BillingPolicyStatus } from "./resources/billingPolicy";
export * from "./functions";
export { Environment, environmentSkus, environmentLocations, skuChangesInPlace } from "./resources/environment";
export type { EnvironmentArgs, EnvironmentDataverseArgs, EnvironmentSkuName, EnvironmentDataverseOutputs } from "./resources/environment";
export { BillingPolicyEnvironment } from "./resources/billingPolicyEnvironment";
export type { BillingPolicyEnvironmentArgs } from "./resources/billingPolicyEnvironment";
export { ApplicationInstall, installingPackageStates, maxOperationTimeoutMinutes } from "./resources/applicationInstall";
export type { ApplicationInstallArgs, ApplicationInstallOperation } from "./resources/applicationInstall";
export { Flow, flowStates } from "./resources/flow";
export type { FlowArgs, FlowStateName } from "./resources/flow";
export { FlowState } from "./resources/flowState";
export type { FlowStateArgs } from "./resources/flowState";
export { FlowOwners, flowPrincipalTypes, flowOwnerRoles } from "./resources/flowOwners";
export type { FlowOwnersArgs, FlowOwnerArgs, FlowOwner, FlowOwnerPrincipalType, FlowOwnerRole } from "./resources/flowOwners";
export { nearestName } from "./resources/validation";
export { TenantSettings } from "./resources/tenantSettings";
export type { TenantSettingsArgs, TenantSettingsTree, TenantSettingValue } from "./resources/tenantSettings";
export { knownTenantSettings, tenantSettingPaths } from "./resources/tenantSettingNames";
export type { TenantSettingGroup, TenantSettingType } from "./resources/tenantSettingNames";
export { ManagedEnvironment, limitSharingModes, solutionCheckerModes, managedProtectionLevels } from "./resources/managedEnvironment";
export type { ManagedEnvironmentArgs, LimitSharingMode, SolutionCheckerMode } from "./resources/managedEnvironment";
export { solutionCheckerRules } from "./resources/solutionCheckerRules";
export {
  DataLossPreventionPolicy,
  dlpEnvironmentTypes,
  dlpConnectorGroups,
  dlpUrlPatternDataGroups,
  dlpActionBehaviors,
  dlpEndpointBehaviors,
  connectorIdOf,
} from "./resources/dataLossPreventionPolicy";
export type {
  DataLossPreventionPolicyArgs,
  DlpConnectorArgs,
  DlpUrlPatternArgs,
  DlpActionRule,
  DlpEndpointRule,
  DlpEnvironmentType,
  DlpConnectorGroup,
  DlpUrlPatternDataGroup,
  DlpConnectorInputs,
  DlpUrlPatternInputs,
} from "./resources/dataLossPreventionPolicy";
export { EnvironmentGroup } from "./resources/environmentGroup";
export type { EnvironmentGroupArgs } from "./resources/environmentGroup";
export {
  EnvironmentGroupRuleSet,
  environmentGroupRuleNames,
  ruleSetSharingModes,
  ruleSetSolutionCheckerModes,
  backupRetentionDays,
} from "./resources/environmentGroupRuleSet";
export type { EnvironmentGroupRuleSetArgs, EnvironmentGroupRulesArgs, EnvironmentGroupRules } from "./resources/environmentGroupRuleSet";
