import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();
const withDataverse = config.getBoolean("dataverse") ?? false;

// A sandbox environment; with `dataverse: true` it also gets a Dataverse database.
const environment = new powerplatform.Environment("contoso-sandbox", {
  displayName: config.get("displayName") ?? "Contoso Sandbox",
  description: config.get("description") ?? "Managed with Pulumi",
  location: config.get("location") ?? "unitedstates",
  environmentSku: config.get<"Production" | "Sandbox" | "Trial" | "Developer">("environmentSku") ?? "Sandbox",
  azureRegion: config.get("azureRegion"),
  securityGroupId: withDataverse ? config.get("securityGroupId") : undefined,
  dataverse: withDataverse
    ? {
        languageCode: config.getNumber("languageCode") ?? 1033,
        currencyCode: config.get("currencyCode") ?? "USD",
        domainName: config.get("domainName"),
      }
    : undefined,
});

export const environmentId = environment.environmentId;
export const state = environment.state;
export const instanceUrl = environment.dataverse.apply((d) => d?.instanceUrl ?? "");
