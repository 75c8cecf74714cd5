/**
 * Turns a validated tenant file into resources, wiring references by key: a link,
 * an install or a flow names its environment by the key it has in the file when the
 * environment is declared there, by id otherwise.
 */
import * as pulumi from "@pulumi/pulumi";
import * as powerplatform from "@powerplatform-iac/provider";
import type { LifecycleSpec, TenantFile } from "./tenantFile";

/** The Pulumi names of the resources an entry declares (one place, used by declareTenant and the deletion guard). */
export const resourceNames = {
  install: (environmentKey: string, uniqueName: string) => `${environmentKey}--${uniqueName}`,
  link: (policyKey: string, environmentRef: string) => `${policyKey}--${environmentRef}`,
  /** The one TenantSettings of a tenant file. */
  tenantSettings: "tenant-settings",
  groupRules: (groupKey: string) => `${groupKey}--rules`,
};

/** Every resource the tenant file declares, as `<Kind>/<Pulumi name>`, without registering anything. */
export function declaredResources(tenant: TenantFile): string[] {
  const names: string[] = [];
  for (const [key, spec] of Object.entries(tenant.environments)) {
    names.push(`Environment/${key}`);
    if (spec.managed) names.push(`ManagedEnvironment/${key}`);
    for (const app of spec.applications ?? []) names.push(`ApplicationInstall/${resourceNames.install(key, app)}`);
  }
  for (const [key, spec] of Object.entries(tenant.billingPolicies)) {
    names.push(`BillingPolicy/${key}`);
    for (const ref of spec.environments ?? []) names.push(`BillingPolicyEnvironment/${resourceNames.link(key, ref)}`);
  }
  for (const [key, spec] of Object.entries(tenant.flows)) {
    if (spec.state) names.push(`FlowState/${key}`);
    if (spec.owners) names.push(`FlowOwners/${key}`);
  }
  if (tenant.tenantSettings) names.push(`TenantSettings/${resourceNames.tenantSettings}`);
  for (const key of Object.keys(tenant.dlpPolicies ?? {})) names.push(`DataLossPreventionPolicy/${key}`);
  for (const [key, spec] of Object.entries(tenant.environmentGroups ?? {})) {
    names.push(`EnvironmentGroup/${key}`);
    if (spec.rules) names.push(`EnvironmentGroupRuleSet/${resourceNames.groupRules(key)}`);
  }
  return names.sort();
}

/** The resource options of an entry's protect and retainOnDelete. */
function lifecycle(spec: LifecycleSpec): pulumi.CustomResourceOptions {
  return { protect: spec.protect ?? false, ...(spec.retainOnDelete ? { retainOnDelete: true } : {}) };
}

export interface DeclaredTenant {
  billingPolicies: Record<string, powerplatform.BillingPolicy>;
  environments: Record<string, powerplatform.Environment>;
  links: powerplatform.BillingPolicyEnvironment[];
  installs: powerplatform.ApplicationInstall[];
  flowStates: Record<string, powerplatform.FlowState>;
  flowOwners: Record<string, powerplatform.FlowOwners>;
  /** The tenant settings, when the file has the section. */
  tenantSettings?: powerplatform.TenantSettings;
  managedEnvironments: Record<string, powerplatform.ManagedEnvironment>;
  dlpPolicies: Record<string, powerplatform.DataLossPreventionPolicy>;
  environmentGroups: Record<string, powerplatform.EnvironmentGroup>;
  environmentGroupRuleSets: Record<string, powerplatform.EnvironmentGroupRuleSet>;
}

/**
 * Registers one resource per object of a validated tenant file, those with the longest
 * operations first (declareTenantFromFile does the same in two steps, see
 * {@link declareLongOperations}).
 */
export function declareTenant(tenant: TenantFile): DeclaredTenant {
  return declareTheRest(tenant, declareLongOperations(tenant));
}

/** What {@link declareLongOperations} declares. */
export type LongOperations = Pick<DeclaredTenant, "environments" | "installs" | "managedEnvironments" | "billingPolicies" | "links">;

/**
 * The first of the two steps of {@link declareTenant}: the objects whose creates take
 * longest (environments, which take minutes on the service, then their installs and
 * managed settings, and billing policies with their links). declareTenantFromFile lets
 * their registrations reach the engine before it takes the second step,
 * {@link declareTheRest} (flows, tenant settings, DLP policies, environment groups): the
 * engine checks registrations one at a time in the order they arrive, so the environments
 * would otherwise wait behind every flow of the file before their creates begin.
 */
export function declareLongOperations(tenant: TenantFile): LongOperations {
  const environments: DeclaredTenant["environments"] = {};
  const installs: DeclaredTenant["installs"] = [];
  const managedEnvironments: DeclaredTenant["managedEnvironments"] = {};
  for (const [key, spec] of Object.entries(tenant.environments)) {
    const { applications, managed, protect, retainOnDelete, ...args } = spec;
    const environment = new powerplatform.Environment(key, args, lifecycle({ protect, retainOnDelete }));
    environments[key] = environment;
    if (managed) {
      // A retained environment keeps its managed-environment configuration too.
      managedEnvironments[key] = new powerplatform.ManagedEnvironment(
        key,
        { ...managed, environmentId: environment.environmentId },
        { parent: environment, ...(retainOnDelete ? { retainOnDelete: true } : {}) },
      );
    }
    for (const uniqueName of applications ?? []) {
      installs.push(
        new powerplatform.ApplicationInstall(resourceNames.install(key, uniqueName), { environmentId: environment.environmentId, uniqueName }, { parent: environment }),
      );
    }
  }

  const environmentId = environmentIdOf(environments);

  const billingPolicies: DeclaredTenant["billingPolicies"] = {};
  const links: DeclaredTenant["links"] = [];
  for (const [key, spec] of Object.entries(tenant.billingPolicies)) {
    const { environments: billed, protect, retainOnDelete, ...args } = spec;
    const options = lifecycle({ protect, retainOnDelete });
    const policy = new powerplatform.BillingPolicy(key, args, options);
    billingPolicies[key] = policy;
    for (const ref of billed ?? []) {
      links.push(
        new powerplatform.BillingPolicyEnvironment(
          resourceNames.link(key, ref),
          { billingPolicyId: policy.billingPolicyId, environmentId: environmentId(ref) },
          // A retained policy keeps the environments it bills.
          { parent: policy, ...options },
        ),
      );
    }
  }

  return { environments, installs, managedEnvironments, billingPolicies, links };
}

/** An environment reference of the file: the declared environment's id for a key of the file, else the id as written. */
function environmentIdOf(environments: DeclaredTenant["environments"]) {
  return (ref: string): pulumi.Input<string> => environments[ref]?.environmentId ?? ref;
}

/** The second of the two steps of {@link declareTenant} (see {@link declareLongOperations}). */
export function declareTheRest(tenant: TenantFile, first: LongOperations): DeclaredTenant {
  const { environments, managedEnvironments } = first;
  const environmentId = environmentIdOf(environments);
  const flowStates: DeclaredTenant["flowStates"] = {};
  const flowOwners: DeclaredTenant["flowOwners"] = {};
  for (const [key, spec] of Object.entries(tenant.flows)) {
    const target = { environmentId: environmentId(spec.environment), flowId: spec.flowId };
    const options = lifecycle(spec);
    if (spec.state) flowStates[key] = new powerplatform.FlowState(key, { ...target, state: spec.state }, options);
    if (spec.owners) flowOwners[key] = new powerplatform.FlowOwners(key, { ...target, owners: spec.owners }, options);
  }

  let tenantSettings: powerplatform.TenantSettings | undefined;
  if (tenant.tenantSettings) {
    const { protect, retainOnDelete, ...settings } = tenant.tenantSettings;
    tenantSettings = new powerplatform.TenantSettings(resourceNames.tenantSettings, { settings: settings as powerplatform.TenantSettingsTree }, lifecycle({ protect, retainOnDelete }));
  }

  const dlpPolicies: DeclaredTenant["dlpPolicies"] = {};
  for (const [key, spec] of Object.entries(tenant.dlpPolicies ?? {})) {
    const { environments: scope, protect, retainOnDelete, ...args } = spec;
    dlpPolicies[key] = new powerplatform.DataLossPreventionPolicy(key, { ...args, environments: (scope ?? []).map(environmentId) }, lifecycle({ protect, retainOnDelete }));
  }

  const environmentGroups: DeclaredTenant["environmentGroups"] = {};
  const environmentGroupRuleSets: DeclaredTenant["environmentGroupRuleSets"] = {};
  for (const [key, spec] of Object.entries(tenant.environmentGroups ?? {})) {
    const { environments: members, rules, protect, retainOnDelete, ...args } = spec;
    const options = lifecycle({ protect, retainOnDelete });
    const group = new powerplatform.EnvironmentGroup(
      key,
      { ...args, ...(members !== undefined ? { environments: members.map(environmentId) } : {}) },
      // Members are added once they exist (and after whatever makes them managed, declared with them).
      { ...options, dependsOn: (members ?? []).flatMap((ref) => [environments[ref], managedEnvironments[ref]].filter((r) => r !== undefined)) },
    );
    environmentGroups[key] = group;
    if (rules) {
      // A retained group keeps its rules.
      environmentGroupRuleSets[key] = new powerplatform.EnvironmentGroupRuleSet(resourceNames.groupRules(key), { environmentGroupId: group.environmentGroupId, rules }, { parent: group, ...options });
    }
  }

  return { ...first, flowStates, flowOwners, dlpPolicies, environmentGroups, environmentGroupRuleSets, ...(tenantSettings ? { tenantSettings } : {}) };
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
    ...(declared.tenantSettings ? { tenantSettings: declared.tenantSettings.settings } : {}),
    managedEnvironments: byKey(declared.managedEnvironments, (m) => m.protectionLevel),
    dlpPolicies: byKey(declared.dlpPolicies, (p) => pulumi.all({ id: p.policyId, environmentType: p.environmentType })),
    environmentGroups: byKey(declared.environmentGroups, (g) => pulumi.all([g.environmentGroupId, g.environments]).apply(([id, members]) => ({ id, members: members?.length ?? 0 }))),
  };
}
