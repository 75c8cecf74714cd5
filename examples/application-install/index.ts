import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();

// Install a first-party package from the tenant catalog into an environment that has
// Dataverse. An already installed package is adopted; a running install is awaited.
// Destroying this resource does NOT uninstall the package (the API has no uninstall).
const install = new powerplatform.ApplicationInstall("forms-pro", {
  environmentId: config.get("environmentId") ?? "e1000000-0000-4000-8000-000000000001",
  uniqueName: config.get("uniqueName") ?? "MicrosoftFormsPro",
  // How long one `pulumi up` waits before leaving the install to the next `up`.
  operationTimeoutMinutes: config.getNumber("operationTimeoutMinutes") ?? 30,
});

export const state = install.state;
export const applicationName = install.applicationName;
export const version = install.version;
export const lastOperation = install.lastOperation;
