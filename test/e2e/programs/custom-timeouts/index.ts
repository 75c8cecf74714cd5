import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();
const createTimeout = config.get("createTimeout");

// The create waits until the policy leaves Provisioning: customTimeouts.create bounds that wait.
const policy = new powerplatform.BillingPolicy(
  "payg",
  {
    name: "timeouts-payg",
    location: "europe",
    billingInstrument: { subscriptionId: "11111111-2222-3333-4444-555555555555", resourceGroup: "rg-powerplatform-billing" },
  },
  createTimeout ? { customTimeouts: { create: createTimeout } } : {},
);

export const billingPolicyId = policy.billingPolicyId;
export const status = policy.status;
