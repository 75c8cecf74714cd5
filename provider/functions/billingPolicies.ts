import type { BillingPolicy } from "../client/api/types";
import { clientFor, type FunctionOptions, liftToOutput } from "./common";

/** A billing policy as {@link getBillingPolicies} returns it, billing instrument flattened. */
export interface BillingPolicySummary {
  /** The policy id. */
  billingPolicyId: string;
  /** The policy's name. */
  name: string;
  /** The Power Platform geography. */
  location: string;
  /** `Enabled`, `Disabled`, or `Provisioning`/`ProvisioningFailed` while created. */
  status: string;
  /** The Azure subscription billed. */
  subscriptionId: string;
  /** The subscription's resource group holding the billing instrument. */
  resourceGroup: string;
  /** The billing instrument's Azure resource id. */
  billingInstrumentId?: string;
  /** When the policy was created (ISO 8601). */
  createdOn?: string;
  /** When the policy last changed (ISO 8601). */
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

/** Filters of {@link getBillingPolicies}; both are optional and combine with AND. */
export interface GetBillingPoliciesArgs {
  /** Only policies in this geography. */
  location?: string;
  /** Only policies with this status (`Enabled`, `Disabled`). */
  status?: string;
}

/** Every billing policy of the tenant (all pages), optionally filtered. */
export async function getBillingPolicies(args: GetBillingPoliciesArgs = {}, options?: FunctionOptions): Promise<BillingPolicySummary[]> {
  return (await clientFor(options).billingPolicies.list())
    .map(summarize)
    .filter((p) => !args.location || p.location === args.location)
    .filter((p) => !args.status || p.status === args.status);
}

/** The arguments of {@link getBillingPolicyEnvironments}. */
export interface GetBillingPolicyEnvironmentsArgs {
  /** The billing policy (a GUID). */
  billingPolicyId: string;
}

/** The ids of the environments a billing policy bills. */
export async function getBillingPolicyEnvironments(args: GetBillingPolicyEnvironmentsArgs, options?: FunctionOptions): Promise<string[]> {
  const links = await clientFor(options).billingPolicies.listEnvironments(args.billingPolicyId);
  return links.map((link) => link.environmentId).sort();
}

/** {@link getBillingPolicies} taking Pulumi Inputs and returning an Output. */
export const getBillingPoliciesOutput = liftToOutput(getBillingPolicies);
/** {@link getBillingPolicyEnvironments} taking Pulumi Inputs and returning an Output. */
export const getBillingPolicyEnvironmentsOutput = liftToOutput(getBillingPolicyEnvironments);
