import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();
const productionEnvironmentId = config.get("productionEnvironmentId") ?? "e1000000-0000-4000-8000-000000000001";

// A baseline for every environment: Microsoft 365 connectors are business, file-sharing
// and social connectors are blocked, everything else is non-business.
const baseline = new powerplatform.DataLossPreventionPolicy("tenant-baseline", {
  displayName: config.get("baselineName") ?? "Tenant baseline",
  environmentType: "AllEnvironments",
  defaultConnectorsClassification: "NonBusiness",
  businessConnectors: ["shared_sharepointonline", "shared_office365", "shared_teams", "shared_approvals"],
  blockedConnectors: config.getObject<string[]>("blockedConnectors") ?? ["shared_dropbox", "shared_twitter", "shared_ftp"],
  adoptId: config.get("baselineAdoptId"),
});

// Production: only listed connectors, SQL without raw queries and only to the company's server.
const production = new powerplatform.DataLossPreventionPolicy("production-strict", {
  displayName: "Production strict",
  environmentType: "OnlyEnvironments",
  environments: [productionEnvironmentId],
  defaultConnectorsClassification: "Blocked",
  businessConnectors: [
    "shared_sharepointonline",
    "shared_commondataserviceforapps",
    {
      id: "shared_sql",
      defaultActionRuleBehavior: "Allow",
      actionRules: [{ actionId: "ExecutePassThroughNativeQuery_V2", behavior: "Block" }],
      endpointRules: [
        { order: 1, behavior: "Allow", endpoint: "contoso-sql.database.windows.net" },
        { order: 2, behavior: "Deny", endpoint: "*" },
      ],
    },
  ],
  customConnectorUrlPatterns: [
    { order: 1, hostUrlPattern: "https://*.contoso.com", dataGroup: "Business" },
    { order: 2, hostUrlPattern: "*", dataGroup: "Blocked" },
  ],
});

export const baselinePolicyId = baseline.policyId;
export const productionPolicyId = production.policyId;
export const productionScope = production.environments;
