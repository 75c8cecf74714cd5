/**
 * The sequential API work each resource kind needs in each phase at the least, whatever
 * the client: the per-node costs of the critical-path floor (floor.ts). Each number is
 * the API's minimum (docs/shared DESIGN "API facts"), not what our client does: the
 * extra calls our client makes (a list before a create, polls before an operation ends,
 * re-reads) are part of what wall / floor measures.
 *
 * | kind | create / update | read (refresh, drift) | delete |
 * | --- | --- | --- | --- |
 * | Environment | POST → operation → GET operation → GET environment (3 calls) | GET (1) | DELETE → operation → GET operation (2) |
 * | … with Dataverse | + a 2nd GET (the first GET after the operation may lack `linkedEnvironmentMetadata`, recorded) + the Dataverse currency GET (5) | GET + currency GET (2) | 2 |
 * | ApplicationInstall | POST install → operation → GET operation → GET package state (3) | GET package state (1) | none: the API has no uninstall (0) |
 * | BillingPolicy | POST (201, `Provisioning`) → provisioning → GET (2) | GET (1) | DELETE (1) |
 * | BillingPolicyEnvironment | POST …/environments/add (1) | GET …/environments (1) | POST …/environments/remove (1) |
 * | FlowState | GET flow → POST start/stop (2) | GET (1) | GET → POST start/stop back to the initial state (2) |
 * | FlowOwners | GET permissions → POST modifyPermissions (2) | GET permissions (1) | GET → POST modifyPermissions (2) |
 * | Flow | POST (created in its declared state) (1) | admin GET and maker GET, independent (1) | DELETE (1) |
 * | ManagedEnvironment | POST governanceConfiguration → operation → GET operation → GET environment (3) | GET environment (1) | the same POST turning it off (3) |
 * | DataLossPreventionPolicy | POST (1) | GET (1) | DELETE (1) |
 * | TenantSettings | POST list (the values to restore) → POST update (2) | POST list (1) | POST update (1) |
 * | EnvironmentGroup | POST, then the members' addEnvironment in parallel (1, or 2 with members) | GET group and GET environments, independent (1) | removeEnvironment in parallel → DELETE (1, or 2 with members) |
 * | EnvironmentGroupRuleSet | POST (1) | GET (1) | DELETE (1) |
 *
 * Operations (environment lifecycle, install, billing-policy provisioning) take the
 * scenario's `operationMs`.
 */
import { criticalPathFloor, type Floor, type FloorNode } from "./floor";

/** The resource kinds of the provider, as the floor model knows them. */
export type Kind =
  | "Environment"
  | "EnvironmentWithDataverse"
  | "ApplicationInstall"
  | "BillingPolicy"
  | "BillingPolicyEnvironment"
  | "FlowState"
  | "FlowOwners"
  | "Flow"
  | "ManagedEnvironment"
  | "DataLossPreventionPolicy"
  | "TenantSettings"
  | "EnvironmentGroup"
  | "EnvironmentGroupWithMembers"
  | "EnvironmentGroupRuleSet";

/** The phases a floor is computed for: create (up from nothing), read (refresh, drift) and delete (destroy). */
export type FloorPhase = "create" | "read" | "delete";

interface Cost {
  calls: number;
  operations: number;
}

const minimum: Record<Kind, Record<FloorPhase, Cost>> = {
  Environment: { create: { calls: 3, operations: 1 }, read: { calls: 1, operations: 0 }, delete: { calls: 2, operations: 1 } },
  EnvironmentWithDataverse: { create: { calls: 5, operations: 1 }, read: { calls: 2, operations: 0 }, delete: { calls: 2, operations: 1 } },
  ApplicationInstall: { create: { calls: 3, operations: 1 }, read: { calls: 1, operations: 0 }, delete: { calls: 0, operations: 0 } },
  BillingPolicy: { create: { calls: 2, operations: 1 }, read: { calls: 1, operations: 0 }, delete: { calls: 1, operations: 0 } },
  BillingPolicyEnvironment: { create: { calls: 1, operations: 0 }, read: { calls: 1, operations: 0 }, delete: { calls: 1, operations: 0 } },
  FlowState: { create: { calls: 2, operations: 0 }, read: { calls: 1, operations: 0 }, delete: { calls: 2, operations: 0 } },
  FlowOwners: { create: { calls: 2, operations: 0 }, read: { calls: 1, operations: 0 }, delete: { calls: 2, operations: 0 } },
  Flow: { create: { calls: 1, operations: 0 }, read: { calls: 1, operations: 0 }, delete: { calls: 1, operations: 0 } },
  ManagedEnvironment: { create: { calls: 3, operations: 1 }, read: { calls: 1, operations: 0 }, delete: { calls: 3, operations: 1 } },
  DataLossPreventionPolicy: { create: { calls: 1, operations: 0 }, read: { calls: 1, operations: 0 }, delete: { calls: 1, operations: 0 } },
  TenantSettings: { create: { calls: 2, operations: 0 }, read: { calls: 1, operations: 0 }, delete: { calls: 1, operations: 0 } },
  EnvironmentGroup: { create: { calls: 1, operations: 0 }, read: { calls: 1, operations: 0 }, delete: { calls: 1, operations: 0 } },
  EnvironmentGroupWithMembers: { create: { calls: 2, operations: 0 }, read: { calls: 1, operations: 0 }, delete: { calls: 2, operations: 0 } },
  EnvironmentGroupRuleSet: { create: { calls: 1, operations: 0 }, read: { calls: 1, operations: 0 }, delete: { calls: 1, operations: 0 } },
};

/** A resource of a scenario: its kind, unique name and the resources it takes inputs from. */
export interface DeclaredNode {
  kind: Kind;
  name: string;
  dependsOn?: string[];
}

/**
 * The floor graph of a phase: every declared resource with its kind's minimum for the
 * phase. Reads do not wait for each other (a refresh reads every resource from state), so
 * their dependencies are dropped.
 */
export function floorNodes(declared: DeclaredNode[], phase: FloorPhase, operationMs: number): FloorNode[] {
  return declared.map((d) => {
    const cost = minimum[d.kind][phase];
    return { name: d.name, calls: cost.calls, operationMs: cost.operations * operationMs, dependsOn: phase === "read" ? [] : (d.dependsOn ?? []) };
  });
}

/** The parts of a tenant file (schema/tenant.schema.json) that shape the resource graph. */
export interface TenantShape {
  environments?: Record<string, { dataverse?: unknown; applications?: string[]; managed?: unknown; [other: string]: unknown }>;
  dlpPolicies?: Record<string, { environments?: string[]; [other: string]: unknown }>;
  tenantSettings?: Record<string, unknown>;
  environmentGroups?: Record<string, { environments?: string[]; rules?: unknown; [other: string]: unknown }>;
  billingPolicies?: Record<string, { environments?: string[]; [other: string]: unknown }>;
  flows?: Record<string, { environment: string; state?: unknown; owners?: unknown; [other: string]: unknown }>;
}

/**
 * The resources a tenant file declares, with the inputs each takes from another (as
 * program/declareTenant.ts wires them: an install needs its environment, a link its
 * policy and its environment when declared in the file, a flow's state and owners their
 * environment when declared in the file).
 */
export function tenantGraph(tenant: TenantShape): DeclaredNode[] {
  const nodes: DeclaredNode[] = [];
  const environments = tenant.environments ?? {};
  const envNode = (ref: string) => (ref in environments ? [`Environment/${ref}`] : []);
  for (const [key, spec] of Object.entries(environments)) {
    nodes.push({ kind: spec.dataverse ? "EnvironmentWithDataverse" : "Environment", name: `Environment/${key}` });
    for (const app of spec.applications ?? []) nodes.push({ kind: "ApplicationInstall", name: `ApplicationInstall/${key}--${app}`, dependsOn: [`Environment/${key}`] });
    if (spec.managed) nodes.push({ kind: "ManagedEnvironment", name: `ManagedEnvironment/${key}`, dependsOn: [`Environment/${key}`] });
  }
  const managedNode = (ref: string) => (environments[ref]?.managed ? [`ManagedEnvironment/${ref}`] : []);
  for (const [key, spec] of Object.entries(tenant.dlpPolicies ?? {})) {
    nodes.push({ kind: "DataLossPreventionPolicy", name: `DataLossPreventionPolicy/${key}`, dependsOn: (spec.environments ?? []).flatMap(envNode) });
  }
  if (tenant.tenantSettings) nodes.push({ kind: "TenantSettings", name: "TenantSettings/tenant-settings" });
  for (const [key, spec] of Object.entries(tenant.environmentGroups ?? {})) {
    const members = spec.environments ?? [];
    nodes.push({ kind: members.length ? "EnvironmentGroupWithMembers" : "EnvironmentGroup", name: `EnvironmentGroup/${key}`, dependsOn: members.flatMap((ref) => [...envNode(ref), ...managedNode(ref)]) });
    if (spec.rules) nodes.push({ kind: "EnvironmentGroupRuleSet", name: `EnvironmentGroupRuleSet/${key}--rules`, dependsOn: [`EnvironmentGroup/${key}`] });
  }
  for (const [key, spec] of Object.entries(tenant.billingPolicies ?? {})) {
    nodes.push({ kind: "BillingPolicy", name: `BillingPolicy/${key}` });
    for (const ref of spec.environments ?? [])
      nodes.push({ kind: "BillingPolicyEnvironment", name: `BillingPolicyEnvironment/${key}--${ref}`, dependsOn: [`BillingPolicy/${key}`, ...envNode(ref)] });
  }
  for (const [key, spec] of Object.entries(tenant.flows ?? {})) {
    if (spec.state) nodes.push({ kind: "FlowState", name: `FlowState/${key}`, dependsOn: envNode(spec.environment) });
    if (spec.owners) nodes.push({ kind: "FlowOwners", name: `FlowOwners/${key}`, dependsOn: envNode(spec.environment) });
  }
  return nodes;
}

/** The critical-path floor of `phase` for the declared resources (deletes walk the graph dependents first). */
export function phaseFloor(declared: DeclaredNode[], phase: FloorPhase, latencyMs: number, operationMs: number): Floor {
  return criticalPathFloor(floorNodes(declared, phase, operationMs), latencyMs, phase === "delete" ? "dependentsFirst" : "dependenciesFirst");
}
