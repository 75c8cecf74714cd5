/**
 * `npm run bench -- --scenario flows1000`: 1,000 existing flows (seeded through the
 * control API, 200 in each of the 5 seeded environments, `Stopped`) whose state the
 * tenant file turns `Started`: 1,000 FlowState resources, at 50 ms per response.
 *
 * Phases: `up` (creation), `refresh`, the drift command (`powerplatform-drift`), a
 * no-op `preview`. The flow lists carry the state of every flow: at the emulator's page
 * size of 50, 5 environments × 4 pages = 20 list calls hold what 1,000 GETs read.
 */
import { SEED } from "../../test/emulator/seed";
import { phaseFloor, tenantGraph } from "./apiMinimum";
import { driftMeasured, measurePhase, pulumiMeasured, setPace, type BenchRow } from "./phases";
import { benchGuid, initTenantStack, phaseContext, seedFlows, withWorkspace, type ScenarioOptions } from "./scenario";

const environments = [SEED.environments.default, SEED.environments.production, SEED.environments.sandbox, SEED.environments.trial, SEED.environments.developer];

/** The tenant file of `count` FlowState resources over the 5 seeded environments, the flows to seed, and the floor graph. */
export function flowTenant(count: number) {
  const seeded = Array.from({ length: count }, (_, i) => ({ id: benchGuid("f1000", i), environmentId: environments[i % environments.length], displayName: `Bench flow ${i}` }));
  const flows = Object.fromEntries(seeded.map((f, i) => [`flow-${i}`, { environment: f.environmentId, flowId: f.id, state: "Started" }]));
  const tenant = { flows };
  return { tenant, seeded, graph: tenantGraph(tenant) };
}

/** Runs the scenario with `count` flows at `latencyMs` per response. */
export async function runFlows(options: { count: number; latencyMs: number }): Promise<BenchRow[]> {
  const { tenant, seeded, graph } = flowTenant(options.count);
  const rows: BenchRow[] = [];
  await withWorkspace(undefined, async (workspace) => {
    const { control, project } = workspace;
    await seedFlows(control, seeded);
    // No long-running operation in this scenario: the operation time does not matter.
    await setPace(control, options.latencyMs, 0);
    await initTenantStack(project, "bench", tenant);
    const ctx = phaseContext(`flows${options.count}`, workspace, { latencyMs: options.latencyMs, operationMs: 0, resources: graph.length }, rows);
    const floor = (phase: "create" | "read") => phaseFloor(graph, phase, options.latencyMs, 0);

    await measurePhase(ctx, "up (create all)", () => pulumiMeasured(project, ["up", "--yes", "--skip-preview"]), { floor: floor("create"), measureState: true });
    await measurePhase(ctx, "refresh", () => pulumiMeasured(project, ["refresh", "--yes", "--skip-preview"]), { floor: floor("read") });
    // Nothing drifted: any exit but 0 (2 = drift found) fails the run.
    await measurePhase(ctx, "drift command", () => driftMeasured(project, "bench"), { floor: floor("read"), okCodes: [0] });
    await measurePhase(ctx, "preview, nothing to do", () => pulumiMeasured(project, ["preview", "--expect-no-changes"]));
  });
  return rows;
}

/** The scenario entry for scripts/bench.ts: 1,000 flows (or `--resources`), 50 ms per response by default. */
export const flows1000 = (options: ScenarioOptions) => runFlows({ count: options.resources ?? 1000, latencyMs: options.latencies?.[0] ?? 50 });
