import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();

// Only the settings named are managed; every other tenant setting is left as it is.
// Destroying the stack gives these settings back the values they had before (the
// `initialSettings` output).
const tenantSettings = new powerplatform.TenantSettings("tenant-settings", {
  settings: {
    disableTrialEnvironmentCreationByNonAdminUsers: true,
    // Production and sandbox environments too, when asked for.
    ...(config.getBoolean("restrictProductionEnvironments") ? { disableEnvironmentCreationByNonAdminUsers: true } : {}),
    powerPlatform: {
      governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: true },
    },
  },
});

export const settings = tenantSettings.settings;
export const initialSettings = tenantSettings.initialSettings;
