import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();

// The settings as JSON (any names and values: bad ones are the resource's to refuse).
const settings = JSON.parse(config.require("settingsJson")) as powerplatform.TenantSettingsTree;
const tenantSettings = new powerplatform.TenantSettings("tenant-settings", { settings });
// A second TenantSettings in the same program: refused at construction.
if (config.getBoolean("second")) new powerplatform.TenantSettings("more-settings", { settings });

export const managed = tenantSettings.settings;
export const initialSettings = tenantSettings.initialSettings;
