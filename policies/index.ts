/**
 * powerplatform-governance: the policy pack. Run it with
 * `pulumi preview --policy-pack <path to this directory>` (see README.md).
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("powerplatform-governance", {
  description: "Governance rules for a Power Platform tenant managed with @powerplatform-iac/provider.",
  displayName: "Power Platform governance",
  provider: "powerplatform",
  tags: ["powerplatform", "governance"],
  policies,
});
