import type { BillingPolicy } from "../client/api/types";
import { clientFor, type FunctionOptions, liftToOutput } from "./common";

export interface BillingPolicySummary {
  billingPolicyId: string;
  name: string;
  location: string;
  status: string;
  subscriptionId: string;
  resourceGroup: string;
  billingInstrumentId?: string;
  createdOn?: string;
  lastModifiedOn?: string;
}

function summarize(policy: BillingPolicy): BillingPolicySummary {
  return {
    billingPolicyId: policy.id,
    name: policy.name,
    location: policy.location,
    status: String(policy.status),
    subscriptionId: policy.billingInstrument.subscriptionId,
    resourceGroup: policy.billingInstrument.resourceGroup,
    ...(policy.billingInstrument.id ? { billingInstrumentId: policy.billingInstrument.id } : {}),
    ...(policy.createdOn ? { createdOn: policy.createdOn } : {}),
    ...(policy.lastModifiedOn ? { lastModifiedOn: policy.lastModifiedOn } : {}),
  };
}

export interface GetBillingPoliciesArgs {
  location?: string;
  status?: string;
}

/** Every billing policy of the tenant (all pages), optionally filtered. */
export async function getBillingPolicies(args: GetBillingPoliciesArgs = {}, options?: FunctionOptions): Promise<BillingPolicySummary[]> {
  return (await clientFor(options).billingPolicies.list())
    .map(summarize)
    .filter((p) => !args.location || p.location === args.location)
    .filter((p) => !args.status || p.status === args.status);
}

export interface GetBillingPolicyEnvironmentsArgs {
  billingPolicyId: string;
}

/** The ids of the environments a billing policy bills. */
export async function getBillingPolicyEnvironments(args: GetBillingPolicyEnvironmentsArgs, options?: FunctionOptions): Promise<string[]> {
  const links = await clientFor(options).billingPolicies.listEnvironments(args.billingPolicyId);
  return links.map((link) => link.environmentId).sort();
}

export const getBillingPoliciesOutput = liftToOutput(getBillingPolicies);
export const getBillingPolicyEnvironmentsOutput = liftToOutput(getBillingPolicyEnvironments);
