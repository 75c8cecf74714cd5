import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();

// The resource name is fixed: the tests look for `BillingPolicy "payg"` in the violations.
const policy = new powerplatform.BillingPolicy("payg", {
  name: config.get("policyName") ?? "contoso-payg",
  location: config.get("location") ?? "europe",
  status: config.get<"Enabled" | "Disabled">("status") ?? "Enabled",
  billingInstrument: {
    subscriptionId: config.get("subscriptionId") ?? "11111111-2222-3333-4444-555555555555",
    resourceGroup: "rg-powerplatform-billing",
  },
});

export const billingPolicyId = policy.billingPolicyId;
export const status = policy.status;
