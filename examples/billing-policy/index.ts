import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();

// A pay-as-you-go billing policy billed to an Azure subscription.
const policy = new powerplatform.BillingPolicy("contoso-payg", {
  name: config.get("policyName") ?? "contoso-payg",
  location: config.get("location") ?? "unitedstates",
  status: config.get<"Enabled" | "Disabled">("status") ?? "Enabled",
  billingInstrument: {
    subscriptionId: config.get("subscriptionId") ?? "11111111-2222-3333-4444-555555555555",
    resourceGroup: config.get("resourceGroup") ?? "rg-powerplatform-billing",
  },
});

export const billingPolicyId = policy.billingPolicyId;
export const status = policy.status;
