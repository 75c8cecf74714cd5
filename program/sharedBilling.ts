/**
 * Billing policies shared between stacks. A tenant split into per-environment stacks
 * keeps its billing policies in a stack of their own (a tenant file with only
 * `billingPolicies`); each environment stack links its environments to those policies
 * through a StackReference to that stack, named in its stack config (namespace
 * `powerplatform-tenant:`, examples/team-state/README.md):
 *
 *   sharedBillingStack: organization/powerplatform-tenant/billing   # <org>/<project>/<stack>
 *   billedBy:                                                       # environment -> policy key
 *     sales: payg-europe
 *
 * An environment is named by its key in this stack's tenant file, or by id. A policy is
 * named by its key in the shared stack's tenant file, which that stack publishes in its
 * `managed.billingPolicies` output. The config is checked before anything is registered;
 * a policy key the shared stack does not publish fails the link, naming the stack.
 */
import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";
import { resourceNames } from "./declareTenant";
import { isEnvironmentId, type TenantFile } from "./tenantFile";

export interface SharedBillingLink {
  /** The key of the policy in the shared stack's tenant file. */
  policyKey: string;
  /** The key of an environment of this stack's tenant file, or an environment id. */
  environmentRef: string;
}

export interface SharedBilling {
  /** `<org>/<project>/<stack>` of the stack that declares the policies. */
  stack: string;
  links: SharedBillingLink[];
}

const key = /^[a-z][a-z0-9-]{0,62}$/;
const stackName = /^[^/\s]+\/[^/\s]+\/[^/\s]+$/;

/** Reads and checks `sharedBillingStack` and `billedBy`; undefined when neither is set. Throws a RunError naming the setting. */
export function sharedBillingSettings(config: pulumi.Config, tenant: TenantFile, tenantFile: string): SharedBilling | undefined {
  const stack = config.get("sharedBillingStack");
  const billedBy = config.getObject<unknown>("billedBy");
  if (stack === undefined && billedBy === undefined) return undefined;
  const problems: string[] = [];
  if (stack === undefined) problems.push("billedBy is set but sharedBillingStack is not: name the stack that declares the policies (<org>/<project>/<stack>)");
  else if (!stackName.test(stack)) problems.push(`sharedBillingStack "${stack}" is not <org>/<project>/<stack> (a local or Azure Blob backend's org is "organization")`);
  const links: SharedBillingLink[] = [];
  if (billedBy === undefined || typeof billedBy !== "object" || billedBy === null || Array.isArray(billedBy)) {
    problems.push("billedBy must be a map from an environment (key in the tenant file, or id) to the key of a policy in the shared stack");
  } else {
    const billedHere = new Map<string, string>();
    for (const [policyKey, policy] of Object.entries(tenant.billingPolicies)) for (const ref of policy.environments ?? []) billedHere.set(ref, policyKey);
    for (const [environmentRef, policyKey] of Object.entries(billedBy as Record<string, unknown>)) {
      if (typeof policyKey !== "string" || !key.test(policyKey)) {
        problems.push(`billedBy.${environmentRef}: ${JSON.stringify(policyKey)} is not a policy key (lower-case letters, digits and hyphens)`);
        continue;
      }
      if (!(environmentRef in tenant.environments) && !isEnvironmentId(environmentRef)) {
        const declared = Object.keys(tenant.environments).join(", ") || "none";
        problems.push(`billedBy.${environmentRef}: "${environmentRef}" is neither an environment of ${tenantFile} (${declared}) nor an environment id`);
        continue;
      }
      const local = billedHere.get(environmentRef);
      if (local !== undefined) {
        problems.push(`billedBy.${environmentRef}: the environment is already billed by policy "${local}" of ${tenantFile}: an environment can be linked to one policy only`);
        continue;
      }
      links.push({ policyKey, environmentRef });
    }
  }
  if (problems.length > 0) {
    throw new pulumi.RunError(`stack config (powerplatform-tenant:sharedBillingStack / billedBy): ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
  return { stack: stack!, links };
}

/** The links' `<Kind>/<Pulumi name>`, for the guard against mass deletion. */
export function sharedBillingResources(shared: SharedBilling | undefined): string[] {
  return (shared?.links ?? []).map((l) => `BillingPolicyEnvironment/${resourceNames.link(l.policyKey, l.environmentRef)}`);
}

interface PublishedPolicy {
  id?: string;
  location?: string;
}

/** Registers one BillingPolicyEnvironment per link, the policy id read from the shared stack. */
export function declareSharedBilling(
  shared: SharedBilling | undefined,
  tenant: TenantFile,
  environments: Record<string, powerplatform.Environment>,
): powerplatform.BillingPolicyEnvironment[] {
  if (!shared || shared.links.length === 0) return [];
  const reference = new pulumi.StackReference(shared.stack);
  const published = reference.requireOutput("managed").apply((m) => ((m as { billingPolicies?: Record<string, PublishedPolicy> }).billingPolicies ?? {}));
  return shared.links.map(({ policyKey, environmentRef }) => {
    const environmentLocation = tenant.environments[environmentRef]?.location;
    const billingPolicyId = published.apply((policies) => {
      const policy = policies[policyKey];
      if (!policy?.id) {
        throw new Error(
          `billedBy.${environmentRef}: stack ${shared.stack} publishes no billing policy "${policyKey}" (it has: ${Object.keys(policies).join(", ") || "none"}); run its up first`,
        );
      }
      if (environmentLocation !== undefined && policy.location !== undefined && policy.location !== environmentLocation) {
        throw new Error(
          `billedBy.${environmentRef}: environment "${environmentRef}" is in ${environmentLocation} but policy "${policyKey}" of ${shared.stack} is in ${policy.location}: a policy bills only environments of its own location`,
        );
      }
      return policy.id;
    });
    return new powerplatform.BillingPolicyEnvironment(resourceNames.link(policyKey, environmentRef), {
      billingPolicyId,
      environmentId: environments[environmentRef]?.environmentId ?? environmentRef,
    });
  });
}
