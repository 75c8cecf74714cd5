/**
 * `npm run bench` (`--scenario sample`, the default): the sample tenant's life
 * (tenants/demo.yaml without `protect`, so that destroy can run) at each latency of
 * `--latency` (default 0,100 ms), with the emulator's default operation time (1.5 s).
 *
 * Phases: `up` (everything created), a refresh preview with no drift, an `up` with
 * nothing to do, the drift command, `destroy`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { repoRoot } from "../../test/e2e/harness";
import { DEFAULT_SETTINGS } from "../../test/emulator/state";
import { phaseFloor, tenantGraph, type TenantShape } from "./apiMinimum";
import { driftMeasured, measurePhase, pulumiMeasured, type BenchRow } from "./phases";
import { initTenantStack, phaseContext, withWorkspace, type ScenarioOptions } from "./scenario";

/** Runs the sample tenant's phases at each latency. */
export async function sample(options: ScenarioOptions): Promise<BenchRow[]> {
  const latencies = options.latencies ?? [0, 100];
  // The emulator's own operation times (all three are 1.5 s by default) unless --operation-ms sets them.
  const operationMs = options.operationMs ?? DEFAULT_SETTINGS.environmentOperationMs;
  const tenant = parse(fs.readFileSync(path.join(repoRoot, "tenants", "demo.yaml"), "utf8").replace(/^\s*protect: true\n/m, "")) as TenantShape;
  const graph = tenantGraph(tenant);
  const rows: BenchRow[] = [];
  for (const latencyMs of latencies) {
    await withWorkspace(undefined, async (workspace) => {
      const { control, project } = workspace;
      await control.request("PUT", "latency", { ms: latencyMs });
      if (options.operationMs !== undefined) {
        await control.request("PATCH", "settings", { environmentOperationMs: operationMs, installDurationMs: operationMs, billingPolicyProvisioningMs: operationMs });
      }
      await initTenantStack(project, "bench", tenant);
      const ctx = phaseContext("sample", workspace, { latencyMs, operationMs, resources: graph.length }, rows);
      const floor = (phase: "create" | "read" | "delete") => phaseFloor(graph, phase, latencyMs, operationMs);

      await measurePhase(ctx, "up (create all)", () => pulumiMeasured(project, ["up", "--yes", "--skip-preview"]), { floor: floor("create"), measureState: true });
      await measurePhase(ctx, "refresh preview, no drift", () => pulumiMeasured(project, ["refresh", "--preview-only", "--expect-no-changes"]), { floor: floor("read") });
      await measurePhase(ctx, "up, nothing to do", () => pulumiMeasured(project, ["up", "--yes"]));
      await measurePhase(ctx, "drift command", () => driftMeasured(project, "bench"), { floor: floor("read"), okCodes: [0, 2] });
      await measurePhase(ctx, "destroy", () => pulumiMeasured(project, ["destroy", "--yes", "--skip-preview"]), { floor: floor("delete") });
    });
  }
  return rows;
}
