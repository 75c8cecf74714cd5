/**
 * The critical-path floor of `npm run bench` (scripts/bench/floor.ts): the longest chain
 * of sequential calls × latency + operation durations, in either direction of the graph.
 */
import { phaseFloor, tenantGraph } from "../../scripts/bench/apiMinimum";
import { criticalPathFloor, type FloorNode } from "../../scripts/bench/floor";
import { mixedTenant } from "../../scripts/bench/mixed200";

const node = (name: string, calls: number, operationMs: number, dependsOn: string[] = []): FloorNode => ({ name, calls, operationMs, dependsOn });

// An environment (POST, operation, 2 GETs), an install in it (POST, operation, GET), a
// billing policy (POST, provisioning, GET) and a link needing both the policy and the environment.
const tenant = [
  node("env", 3, 5000),
  node("install", 2, 5000, ["env"]),
  node("policy", 2, 5000),
  node("link", 1, 0, ["policy", "env"]),
  node("flowState", 2, 0),
];

describe("criticalPathFloor", () => {
  test("is the costliest chain: environment then install, not the parallel policy", () => {
    const floor = criticalPathFloor(tenant, 50);
    // env 3×50 + 5000, then install 2×50 + 5000
    expect(floor.seconds).toBeCloseTo(10.25, 6);
    expect(floor.chain).toEqual(["env", "install"]);
  });

  test("independent nodes run in parallel: the floor is the slowest one, not the sum", () => {
    const floor = criticalPathFloor([node("a", 2, 0), node("b", 5, 0), node("c", 1, 0)], 100);
    expect(floor.seconds).toBeCloseTo(0.5, 6);
    expect(floor.chain).toEqual(["b"]);
  });

  test("a node waits for its slowest dependency", () => {
    const floor = criticalPathFloor([node("fast", 1, 0), node("slow", 1, 4000), node("after", 1, 0, ["fast", "slow"])], 10);
    expect(floor.seconds).toBeCloseTo(4.02, 6);
    expect(floor.chain).toEqual(["slow", "after"]);
  });

  test("dependents first (delete) reverses the edges: the link goes before the environment", () => {
    const deletes = [node("env", 2, 5000), node("install", 0, 0, ["env"]), node("policy", 1, 0), node("link", 1, 0, ["policy", "env"])];
    const floor = criticalPathFloor(deletes, 50, "dependentsFirst");
    expect(floor.seconds).toBeCloseTo(0.05 + 0.1 + 5, 6);
    expect(floor.chain).toEqual(["link", "env"]);
  });

  test("latency scales the calls, not the operations", () => {
    expect(criticalPathFloor(tenant, 0).seconds).toBeCloseTo(10, 6);
    expect(criticalPathFloor(tenant, 200).seconds).toBeCloseTo(11, 6);
  });

  test("an empty phase, or one without calls, has a floor of 0", () => {
    expect(criticalPathFloor([], 50)).toEqual({ seconds: 0, chain: [] });
    expect(criticalPathFloor([node("a", 0, 0)], 50).seconds).toBe(0);
  });

  test("refuses an unknown dependency, a cycle, a duplicate name and a negative latency", () => {
    expect(() => criticalPathFloor([node("a", 1, 0, ["ghost"])], 50)).toThrow(/unknown node 'ghost'/);
    expect(() => criticalPathFloor([node("a", 1, 0, ["b"]), node("b", 1, 0, ["a"])], 50)).toThrow(/cycle/);
    expect(() => criticalPathFloor([node("a", 1, 0), node("a", 1, 0)], 50)).toThrow(/twice/);
    expect(() => criticalPathFloor([node("a", 1, 0)], -1)).toThrow(/non-negative/);
  });
});

describe("the floor of a tenant file's resources", () => {
  test("wires installs, links and flows to what they take inputs from, as declareTenant does", () => {
    const graph = tenantGraph({
      environments: { sales: { dataverse: {}, applications: ["Forms"] }, lab: {} },
      billingPolicies: { payg: { environments: ["sales", "e1000000-0000-4000-8000-000000000001"] } },
      flows: { report: { environment: "lab", state: "Started", owners: [] }, other: { environment: "e1000000-0000-4000-8000-000000000001", state: "Stopped" } },
    });
    expect(graph).toEqual([
      { kind: "EnvironmentWithDataverse", name: "Environment/sales" },
      { kind: "ApplicationInstall", name: "ApplicationInstall/sales--Forms", dependsOn: ["Environment/sales"] },
      { kind: "Environment", name: "Environment/lab" },
      { kind: "BillingPolicy", name: "BillingPolicy/payg" },
      { kind: "BillingPolicyEnvironment", name: "BillingPolicyEnvironment/payg--sales", dependsOn: ["BillingPolicy/payg", "Environment/sales"] },
      { kind: "BillingPolicyEnvironment", name: "BillingPolicyEnvironment/payg--e1000000-0000-4000-8000-000000000001", dependsOn: ["BillingPolicy/payg"] },
      { kind: "FlowState", name: "FlowState/report", dependsOn: ["Environment/lab"] },
      { kind: "FlowOwners", name: "FlowOwners/report", dependsOn: ["Environment/lab"] },
      { kind: "FlowState", name: "FlowState/other", dependsOn: [] },
    ]);
  });

  test("the governance objects: a managed environment after its environment, a group after its managed members, rules after the group, DLP after the environments it names", () => {
    const graph = tenantGraph({
      environments: { sales: { dataverse: {}, managed: { solutionCheckerMode: "Warn" } } },
      dlpPolicies: { strict: { environments: ["sales"] }, all: {} },
      tenantSettings: { walkMeOptOut: true },
      environmentGroups: { prod: { environments: ["sales"], rules: {} }, empty: {} },
    });
    expect(graph).toEqual([
      { kind: "EnvironmentWithDataverse", name: "Environment/sales" },
      { kind: "ManagedEnvironment", name: "ManagedEnvironment/sales", dependsOn: ["Environment/sales"] },
      { kind: "DataLossPreventionPolicy", name: "DataLossPreventionPolicy/strict", dependsOn: ["Environment/sales"] },
      { kind: "DataLossPreventionPolicy", name: "DataLossPreventionPolicy/all", dependsOn: [] },
      { kind: "TenantSettings", name: "TenantSettings/tenant-settings" },
      { kind: "EnvironmentGroupWithMembers", name: "EnvironmentGroup/prod", dependsOn: ["Environment/sales", "ManagedEnvironment/sales"] },
      { kind: "EnvironmentGroupRuleSet", name: "EnvironmentGroupRuleSet/prod--rules", dependsOn: ["EnvironmentGroup/prod"] },
      { kind: "EnvironmentGroup", name: "EnvironmentGroup/empty", dependsOn: [] },
    ]);
    // environment (5 calls + op), managed (3 calls + op), group with members (2), rules (1)
    const create = phaseFloor(graph, "create", 50, 5000);
    expect(create.seconds).toBeCloseTo(11 * 0.05 + 10, 6);
    expect(create.chain).toEqual(["Environment/sales", "ManagedEnvironment/sales", "EnvironmentGroup/prod", "EnvironmentGroupRuleSet/prod--rules"]);
  });

  test("the mixed tenant of issue 9: 200 resources; create floor = Dataverse environment then install", () => {
    const { graph } = mixedTenant();
    expect(graph).toHaveLength(200);
    const create = phaseFloor(graph, "create", 50, 5000);
    // environment with Dataverse: 5 calls + 5 s; install: 3 calls + 5 s
    expect(create.seconds).toBeCloseTo(8 * 0.05 + 10, 6);
    expect(create.chain).toEqual(["Environment/env-0", "ApplicationInstall/env-0--MicrosoftFormsPro"]);
    // reads are independent: the environment with Dataverse and its currency read
    expect(phaseFloor(graph, "read", 50, 5000).seconds).toBeCloseTo(0.1, 6);
    // the link is removed before its environment is deleted (DELETE + operation + GET)
    const destroy = phaseFloor(graph, "delete", 50, 5000);
    expect(destroy.seconds).toBeCloseTo(3 * 0.05 + 5, 6);
    expect(destroy.chain).toEqual(["BillingPolicyEnvironment/policy-0--env-0", "Environment/env-0"]);
  });
});
