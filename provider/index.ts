/**
 * @powerplatform-iac/provider: Pulumi resources and data functions for Power Platform
 * tenant administration.
 */
export { BillingPolicy, billingPolicyLocations, billingPolicyStatuses } from "./resources/billingPolicy";
export type { BillingPolicyArgs, BillingInstrumentArgs, BillingPolicyStatus } from "./resources/billingPolicy";
export * from "./functions";
