/**
 * `npm run bench -- --scenario mixed200`: the 200-resource mixed tenant of issue 9 at
 * 50 ms per response and 5 s operations (defaults of the scenario):
 *
 * - 20 environments (Production and Sandbox, unitedstates), 10 of them with Dataverse
 *   and 2 application installs each (20 installs);
 * - 10 billing policies, each billing 2 of the environments (20 links);
 * - 50 existing flows (seeded through the control API over the 5 seeded environments)
 *   with a FlowState and a FlowOwners each (100 resources);
 * - 30 Flow resources created in the seeded Production environment.
 *
 * Phases: `up` from nothing, a no-op `preview`, `refresh`, `destroy`.
 */
import { SEED } from "../../test/emulator/seed";
import { phaseFloor, tenantGraph, type DeclaredNode, type TenantShape } from "./apiMinimum";
import { measurePhase, pulumiMeasured, setPace, type BenchRow } from "./phases";
import { benchGuid, initTenantStack, phaseContext, seedFlows, tenantLibraryFrom, withWorkspace, type ScenarioOptions } from "./scenario";

const seededEnvironments = [SEED.environments.default, SEED.environments.production, SEED.environments.sandbox, SEED.environments.trial, SEED.environments.developer];
const packages = [SEED.packages.installable, SEED.packages.other];

/** The mixed tenant: its tenant file, the Flow resources beside it, and its resource graph for the floor. */
export function mixedTenant() {
  const environments: NonNullable<TenantShape["environments"]> = {};
  const billingPolicies: NonNullable<TenantShape["billingPolicies"]> = {};
  const flows: NonNullable<TenantShape["flows"]> = {};
  for (let i = 0; i < 20; i++) {
    const key = `env-${i}`;
    const dataverse = i < 10;
    environments[key] = {
      displayName: `Bench environment ${i}`,
      location: "unitedstates",
      environmentSku: i % 2 === 0 ? "Production" : "Sandbox",
      ...(dataverse ? { dataverse: { languageCode: 1033, currencyCode: "USD", domainName: `bench-env-${i}` }, applications: [...packages] } : {}),
    };
  }
  for (let i = 0; i < 10; i++) {
    const key = `policy-${i}`;
    const billed = [`env-${2 * i}`, `env-${2 * i + 1}`];
    billingPolicies[key] = {
      name: `bench-policy-${i}`,
      location: "unitedstates",
      billingInstrument: { subscriptionId: "11111111-2222-3333-4444-555555555555", resourceGroup: "rg-bench" },
      environments: billed,
    };
  }
  const seeded = Array.from({ length: 50 }, (_, i) => ({ id: benchGuid("flow", i), environmentId: seededEnvironments[i % seededEnvironments.length], displayName: `Bench seeded flow ${i}` }));
  for (const [i, f] of seeded.entries()) {
    flows[`flow-${i}`] = {
      environment: f.environmentId,
      flowId: f.id,
      state: "Started",
      owners: [{ principalId: SEED.group.objectId, principalType: "Group" }],
    };
  }
  const created = Array.from({ length: 30 }, (_, i) => ({ name: `bench-flow-${i}`, environmentId: SEED.environments.production, displayName: `Bench flow ${i}` }));
  const tenant = { environments, billingPolicies, flows };
  const graph: DeclaredNode[] = [...tenantGraph(tenant), ...created.map((f): DeclaredNode => ({ kind: "Flow", name: `Flow/${f.name}` }))];
  return { tenant, seeded, created, graph };
}

/** The program: the tenant file through the repository's tenant library, plus the Flow resources. */
function programIndex(created: Array<{ name: string; environmentId: string; displayName: string }>) {
  return (projectDir: string) => `import * as powerplatform from "@powerplatform-iac/provider";
import { declareTenantFromFile } from "${tenantLibraryFrom(projectDir)}";

const created = ${JSON.stringify(created)};

export = async () => {
  await declareTenantFromFile("tenant.yaml", { baseDir: __dirname });
  for (const f of created) {
    new powerplatform.Flow(f.name, {
      environmentId: f.environmentId,
      displayName: f.displayName,
      state: "Stopped",
      definition: {
        $schema: "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
        contentVersion: "1.0.0.0",
        triggers: { manual: { type: "Request", kind: "Button", inputs: { schema: {} } } },
        actions: { Compose: { type: "Compose", inputs: f.displayName } },
      },
    });
  }
  return {};
};
`;
}

/** Runs the scenario at `latencyMs` per response and `operationMs` per long-running operation. */
export async function runMixed200(options: { latencyMs: number; operationMs: number }): Promise<BenchRow[]> {
  const { tenant, seeded, created, graph } = mixedTenant();
  const rows: BenchRow[] = [];
  await withWorkspace({ name: "bench-mixed200", indexTs: programIndex(created) }, async (workspace) => {
    const { control, project } = workspace;
    await seedFlows(control, seeded);
    // The seeded tenant has 10 GB of database capacity (1 GB per Production/Sandbox
    // environment with Dataverse, some taken by the seed): room for the 10 of this tenant.
    await control.request("PATCH", "objects/tenant", { databaseCapacityMb: 100 * 1024 });
    await setPace(control, options.latencyMs, options.operationMs);
    await initTenantStack(project, "bench", tenant);
    const ctx = phaseContext("mixed200", workspace, { ...options, resources: graph.length }, rows);
    const floor = (phase: "create" | "read" | "delete") => phaseFloor(graph, phase, options.latencyMs, options.operationMs);

    await measurePhase(ctx, "up (create all)", () => pulumiMeasured(project, ["up", "--yes", "--skip-preview", ...(process.env.BENCH_EVENT_LOG ? ["--otel-traces", `file://${process.env.BENCH_EVENT_LOG}`] : [])]), { floor: floor("create"), measureState: true });
    if (process.env.BENCH_EVENT_LOG) return;
    await measurePhase(ctx, "preview, nothing to do", () => pulumiMeasured(project, ["preview", "--expect-no-changes"]));
    await measurePhase(ctx, "refresh", () => pulumiMeasured(project, ["refresh", "--yes", "--skip-preview"]), { floor: floor("read") });
    await measurePhase(ctx, "destroy", () => pulumiMeasured(project, ["destroy", "--yes", "--skip-preview"]), { floor: floor("delete") });
  });
  return rows;
}

/** The scenario entry for scripts/bench.ts. */
export const mixed200 = (options: ScenarioOptions) => runMixed200({ latencyMs: options.latencies?.[0] ?? 50, operationMs: options.operationMs ?? 5000 });
