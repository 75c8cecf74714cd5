import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();
const ruleOverrides = config.get("solutionCheckerRuleOverrides");

// Managed-environment features for an existing environment with Dataverse. Destroying the
// stack puts back the configuration the environment had before (the `initialGovernance`
// output): turned off when it was not managed.
const managed = new powerplatform.ManagedEnvironment("managed", {
  environmentId: config.require("environmentId"),
  limitSharingMode: config.get<"NoLimit" | "ExcludeSharingToSecurityGroups">("limitSharingMode") ?? "ExcludeSharingToSecurityGroups",
  groupSharingDisabled: config.getBoolean("groupSharingDisabled") ?? true,
  maxLimitUserSharing: config.getNumber("maxLimitUserSharing") ?? 20,
  usageInsightsDisabled: config.getBoolean("usageInsightsDisabled") ?? false,
  solutionCheckerMode: config.get<"None" | "Warn" | "Block">("solutionCheckerMode") ?? "Warn",
  suppressValidationEmails: config.getBoolean("suppressValidationEmails") ?? true,
  solutionCheckerRuleOverrides: ruleOverrides ? ruleOverrides.split(",") : [],
  makerOnboardingMarkdown: config.get("makerOnboardingMarkdown") ?? "Welcome! Read the maker guidelines before you build.",
  makerOnboardingUrl: config.get("makerOnboardingUrl") ?? "https://contoso.sharepoint.com/sites/makers",
});

export const protectionLevel = managed.protectionLevel;
export const solutionCheckerMode = managed.solutionCheckerMode;
export const maxLimitUserSharing = managed.maxLimitUserSharing;
export const environmentDisplayName = managed.environmentDisplayName;
