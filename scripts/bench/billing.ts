/**
 * `npm run bench -- --scenario billing1` / `billing10`: 1 or 10 billing policies (no
 * links) created, an `up` with nothing to do, `destroy`, at 50 ms per response and 5 s
 * provisioning: the cases issue 9 compares with Microsoft's Terraform provider.
 */
import { phaseFloor, tenantGraph } from "./apiMinimum";
import { measurePhase, pulumiMeasured, setPace, type BenchRow } from "./phases";
import { initTenantStack, phaseContext, withWorkspace, type ScenarioOptions } from "./scenario";

/** The tenant file of `count` billing policies and its floor graph. */
export function billingTenant(count: number) {
  const billingPolicies = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `policy-${i}`,
      { name: `bench-policy-${i}`, location: "unitedstates", billingInstrument: { subscriptionId: "11111111-2222-3333-4444-555555555555", resourceGroup: "rg-bench" } },
    ]),
  );
  const tenant = { billingPolicies };
  return { tenant, graph: tenantGraph(tenant) };
}

/** Runs the scenario with `count` policies. */
export async function runBilling(options: { count: number; latencyMs: number; operationMs: number }): Promise<BenchRow[]> {
  const { tenant, graph } = billingTenant(options.count);
  const rows: BenchRow[] = [];
  await withWorkspace(undefined, async (workspace) => {
    const { control, project } = workspace;
    await setPace(control, options.latencyMs, options.operationMs);
    await initTenantStack(project, "bench", tenant);
    const ctx = phaseContext(`billing${options.count}`, workspace, { latencyMs: options.latencyMs, operationMs: options.operationMs, resources: graph.length }, rows);
    const floor = (phase: "create" | "delete") => phaseFloor(graph, phase, options.latencyMs, options.operationMs);

    await measurePhase(ctx, "up (create all)", () => pulumiMeasured(project, ["up", "--yes", "--skip-preview"]), { floor: floor("create"), measureState: true });
    await measurePhase(ctx, "up, nothing to do", () => pulumiMeasured(project, ["up", "--yes"]));
    await measurePhase(ctx, "destroy", () => pulumiMeasured(project, ["destroy", "--yes", "--skip-preview"]), { floor: floor("delete") });
  });
  return rows;
}

/** The scenario entries for scripts/bench.ts (50 ms per response, 5 s provisioning by default). */
export const billing = (count: number) => (options: ScenarioOptions) =>
  runBilling({ count, latencyMs: options.latencies?.[0] ?? 50, operationMs: options.operationMs ?? 5000 });
