/**
 * Turns a validated tenant file into resources, wiring references by key: a link,
 * an install or a flow names its environment by the key it has in the file when the
 * environment is declared there, by id otherwise.
 */
import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";
import type { TenantFile } from "./tenantFile";

export interface DeclaredTenant {
  billingPolicies: Record<string, powerplatform.BillingPolicy>;
  environments: Record<string, powerplatform.Environment>;
  links: powerplatform.BillingPolicyEnvironment[];
  installs: powerplatform.ApplicationInstall[];
  flowStates: Record<string, powerplatform.FlowState>;
  flowOwners: Record<string, powerplatform.FlowOwners>;
}

export function declareTenant(tenant: TenantFile): DeclaredTenant {
  const environments: DeclaredTenant["environments"] = {};
  const installs: DeclaredTenant["installs"] = [];
  for (const [key, spec] of Object.entries(tenant.environments)) {
    const { applications, protect, ...args } = spec;
    const environment = new powerplatform.Environment(key, args, { protect: protect ?? false });
    environments[key] = environment;
    for (const uniqueName of applications ?? []) {
      installs.push(
        new powerplatform.ApplicationInstall(`${key}--${uniqueName}`, { environmentId: environment.environmentId, uniqueName }, { parent: environment }),
      );
    }
  }

  const environmentId = (ref: string): pulumi.Input<string> => environments[ref]?.environmentId ?? ref;

  const billingPolicies: DeclaredTenant["billingPolicies"] = {};
  const links: DeclaredTenant["links"] = [];
  for (const [key, spec] of Object.entries(tenant.billingPolicies)) {
    const { environments: billed, ...args } = spec;
    const policy = new powerplatform.BillingPolicy(key, args);
    billingPolicies[key] = policy;
    for (const ref of billed ?? []) {
      links.push(
        new powerplatform.BillingPolicyEnvironment(
          `${key}--${ref}`,
          { billingPolicyId: policy.billingPolicyId, environmentId: environmentId(ref) },
          { parent: policy },
        ),
      );
    }
  }

  const flowStates: DeclaredTenant["flowStates"] = {};
  const flowOwners: DeclaredTenant["flowOwners"] = {};
  for (const [key, spec] of Object.entries(tenant.flows)) {
    const target = { environmentId: environmentId(spec.environment), flowId: spec.flowId };
    if (spec.state) flowStates[key] = new powerplatform.FlowState(key, { ...target, state: spec.state });
    if (spec.owners) flowOwners[key] = new powerplatform.FlowOwners(key, { ...target, owners: spec.owners });
  }

  return { billingPolicies, environments, links, installs, flowStates, flowOwners };
}

/** What the stack outputs: a summary of what is managed, by key. */
export function summarize(declared: DeclaredTenant) {
  const byKey = <T extends pulumi.Resource, R>(items: Record<string, T>, pick: (item: T) => pulumi.Output<R>) =>
    pulumi.all(Object.fromEntries(Object.entries(items).map(([k, v]) => [k, pick(v)]))) as pulumi.Output<Record<string, R>>;
  return {
    billingPolicies: byKey(declared.billingPolicies, (p) => pulumi.all({ id: p.billingPolicyId, location: p.location, status: p.status })),
    environments: byKey(declared.environments, (e) => pulumi.all({ id: e.environmentId, sku: e.environmentSku, location: e.location })),
    billingLinks: declared.links.length,
    applicationInstalls: pulumi.all(declared.installs.map((i) => pulumi.all([i.uniqueName, i.state]).apply(([n, s]) => `${n}: ${s}`))),
    flowStates: byKey(declared.flowStates, (f) => f.state),
    flowOwners: byKey(declared.flowOwners, (f) => f.owners.apply((o) => o.length)),
  };
}
