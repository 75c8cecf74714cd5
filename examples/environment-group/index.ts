import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();

// A group of Managed Environments: `environments` is its whole membership.
const group = new powerplatform.EnvironmentGroup("personal-productivity", {
  displayName: config.get("groupName") ?? "Personal Productivity",
  description: config.get("description") ?? "Makers' own developer environments",
  environments: config.getObject<string[]>("environments") ?? [],
  // Take over a group made in the admin center instead of creating one.
  adoptId: config.get("adoptId"),
});

// The rules every environment of the group gets.
const rules = new powerplatform.EnvironmentGroupRuleSet("personal-productivity-rules", {
  environmentGroupId: group.environmentGroupId,
  rules: {
    sharingControls: { shareMode: "ExcludeSharingToSecurityGroups", shareMaxLimit: config.getNumber("shareMaxLimit") ?? 1 },
    solutionCheckerEnforcement: { solutionCheckerMode: config.get<"None" | "Warn" | "Block">("solutionCheckerMode") ?? "Warn" },
    backupRetention: { periodInDays: config.getNumber("backupRetentionDays") ?? 7 },
    makerWelcomeContent: { makerOnboardingUrl: "https://contoso.sharepoint.com/sites/makers", makerOnboardingMarkdown: "## Welcome\n\nRead the maker guide first." },
    usageInsights: { insightsEnabled: true },
  },
});

export const environmentGroupId = group.environmentGroupId;
export const members = group.environments;
export const ruleSetId = rules.ruleSetId;
