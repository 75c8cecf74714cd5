/**
 * The tenant settings the service knows, with their JSON types: the names and nesting of
 * the whole settings object the real service returned to `listTenantSettings`
 * (recorded in microsoft/terraform-provider-power-platform
 * internal/services/tenant_settings/tests/datasource/post_list_tenant_settings.json
 * @1c55492feb1164683dbacf7c2f9ed8502403e59e; kept in this repository as
 * test/conformance/recorded/tenant-settings/list/post_list_tenant_settings.json, which
 * test/unit/resources/tenantSettings.test.ts compares with this list).
 *
 * This is the one list of setting names: `TenantSettings` refuses any other name (with the
 * nearest known one), and the tenant file schema describes the same tree.
 */

/** The JSON type of one setting. */
export type TenantSettingType = "boolean" | "number" | "string";

/** A group of settings: each name is a setting (its type) or a nested group. */
export interface TenantSettingGroup {
  readonly [name: string]: TenantSettingType | TenantSettingGroup;
}

/** Every known setting, nested as the service nests them. */
export const knownTenantSettings: TenantSettingGroup = {
  walkMeOptOut: "boolean",
  disableNPSCommentsReachout: "boolean",
  disableNewsletterSendout: "boolean",
  disableEnvironmentCreationByNonAdminUsers: "boolean",
  disablePortalsCreationByNonAdminUsers: "boolean",
  disableSurveyFeedback: "boolean",
  disableUserInitiatedFeedback: "boolean",
  disableSurveyScreenshots: "boolean",
  disableTrialEnvironmentCreationByNonAdminUsers: "boolean",
  disableCapacityAllocationByEnvironmentAdmins: "boolean",
  disableSupportTicketsVisibleByAllUsers: "boolean",
  powerPlatform: {
    search: {
      disableDocsSearch: "boolean",
      disableCommunitySearch: "boolean",
      disableBingVideoSearch: "boolean",
    },
    teamsIntegration: {
      shareWithColleaguesUserLimit: "number",
    },
    powerApps: {
      disableShareWithEveryone: "boolean",
      enableGuestsToMake: "boolean",
      disableMakerMatch: "boolean",
      disableUnusedLicenseAssignment: "boolean",
      disableCreateFromImage: "boolean",
      disableCreateFromFigma: "boolean",
      disableConnectionSharingWithEveryone: "boolean",
      disableCopilot: "boolean",
      enableCanvasAppInsights: "boolean",
    },
    powerAutomate: {
      disableCopilot: "boolean",
      disableCopilotWithBing: "boolean",
      enableComputerUseSharedMachines: "boolean",
      disableFlowRunResubmission: "boolean",
    },
    environments: {
      disablePreferredDataLocationForTeamsEnvironment: "boolean",
    },
    governance: {
      additionalAdminDigestEmailRecipients: "string",
      disableAdminDigest: "boolean",
      disableDeveloperEnvironmentCreationByNonAdminUsers: "boolean",
      enableDefaultEnvironmentRouting: "boolean",
      policy: {
        enableDesktopFlowDataPolicyManagement: "boolean",
      },
    },
    licensing: {
      disableBillingPolicyCreationByNonAdminUsers: "boolean",
      enableTenantCapacityReportForEnvironmentAdmins: "boolean",
      storageCapacityConsumptionWarningThreshold: "number",
      enableTenantLicensingReportForEnvironmentAdmins: "boolean",
      disableUseOfUnassignedAIBuilderCredits: "boolean",
      applyAutoClaimToOnlyManagedEnvironments: "boolean",
      applyPAutoAutoClaimToOnlyManagedEnvironments: "boolean",
    },
    powerPages: {},
    champions: {
      disableChampionsInvitationReachout: "boolean",
      disableSkillsMatchInvitationReachout: "boolean",
    },
    intelligence: {
      disableCopilot: "boolean",
      enableOpenAiBotPublishing: "boolean",
    },
    modelExperimentation: {
      enableModelDataSharing: "boolean",
      disableDataLogging: "boolean",
    },
    catalogSettings: {
      powerCatalogAudienceSetting: "string",
    },
    userManagementSettings: {
      enableDeleteDisabledUserinAllEnvironments: "boolean",
    },
  },
};

/** Every known setting as a dotted path (`powerPlatform.governance.disableAdminDigest`) with its type. */
export function tenantSettingPaths(group: TenantSettingGroup = knownTenantSettings, prefix = ""): Array<[string, TenantSettingType]> {
  return Object.entries(group).flatMap(([name, v]) =>
    typeof v === "string" ? [[`${prefix}${name}`, v] as [string, TenantSettingType]] : tenantSettingPaths(v, `${prefix}${name}.`),
  );
}
