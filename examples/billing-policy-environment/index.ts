import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";

const config = new pulumi.Config();

// The policy and the environment it bills may be managed here or elsewhere: the link
// needs only their ids, and it manages this one link, never the policy's other links.
const billingPolicyId = config.require("billingPolicyId");
const environmentId = config.require("environmentId");

const link = new powerplatform.BillingPolicyEnvironment("sandbox-billing", { billingPolicyId, environmentId });

export const linkId = link.id;
