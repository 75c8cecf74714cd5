import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();

const policy = new powerplatform.BillingPolicy("payg", {
  name: "contoso-payg",
  location: "europe",
  billingInstrument: { subscriptionId: "11111111-2222-3333-4444-555555555555", resourceGroup: "rg-powerplatform-billing" },
});

// A protected Production environment with a security group: only the billing link is in question.
const finance = new powerplatform.Environment("finance", {
  displayName: "Contoso Finance",
  location: "europe",
  environmentSku: config.get<"Production" | "Sandbox" | "Trial" | "Developer">("environmentSku") ?? "Production",
  dataverse: { languageCode: 1033, currencyCode: "EUR", securityGroupId: "22222222-3333-4444-5555-666666666666" },
}, { protect: config.getBoolean("protect") ?? true });

if (config.getBoolean("link") ?? true) {
  // During preview the environment's id is unknown: the pack matches the link by its dependency.
  new powerplatform.BillingPolicyEnvironment("finance-billing", {
    billingPolicyId: policy.billingPolicyId,
    environmentId: finance.environmentId,
  });
}

if (config.getBoolean("managed") ?? true) {
  // The same: during preview the pack matches the ManagedEnvironment to the environment by its dependency.
  new powerplatform.ManagedEnvironment("finance", { environmentId: finance.environmentId, solutionCheckerMode: "Block" });
}

// A DLP policy (config `dlp`): none (default); `elsewhere`, one for OnlyEnvironments that lists
// another environment, so that finance is covered by none; `all`, one for AllEnvironments that
// keeps Dropbox in the business group.
const dlp = config.get("dlp") ?? "none";
if (dlp === "elsewhere") {
  new powerplatform.DataLossPreventionPolicy("elsewhere", {
    displayName: "Other environments only",
    environmentType: "OnlyEnvironments",
    environments: ["33333333-4444-5555-6666-777777777777"],
    blockedConnectors: ["shared_dropbox"],
  });
} else if (dlp === "all") {
  new powerplatform.DataLossPreventionPolicy("baseline", {
    displayName: "Tenant baseline",
    environmentType: "AllEnvironments",
    businessConnectors: ["shared_sql", "shared_dropbox"],
  });
}
