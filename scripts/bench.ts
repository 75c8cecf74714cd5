/**
 * `npm run bench`: wall time and API calls of the sample tenant's life on the real
 * engine against the emulator, with injected latency per API response.
 *
 *   npm run bench -- [--latency 0,100,250] [--json .bench/results.json]
 *
 * Phases: `up` (everything created), a refresh preview with no drift, an `up` with
 * nothing to do, the drift command, `destroy`. API calls come from the emulator's
 * request log (token requests are counted apart). Numbers, not assertions: the tests
 * hold the per-operation call counts; this measures how they add up in time.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { PulumiProject, repoRoot, runCommand, startTestEmulator, type CommandResult } from "../test/e2e/harness";

interface PhaseResult {
  latencyMs: number;
  phase: string;
  seconds: number;
  apiCalls: number;
  tokenRequests: number;
  byMethod: Record<string, number>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { latency: { type: "string", default: "0,100" }, json: { type: "string" } } });
  const latencies = values.latency!.split(",").map((v) => Number(v.trim()));
  if (latencies.some((l) => !Number.isFinite(l) || l < 0)) throw new Error("--latency takes milliseconds, e.g. 0,100,250");
  // The sample tenant without `protect`, so that destroy can run.
  const tenantText = fs.readFileSync(path.join(repoRoot, "tenants", "demo.yaml"), "utf8").replace(/^\s*protect: true\n/m, "");
  const results: PhaseResult[] = [];

  for (const latencyMs of latencies) {
    const { emulator, control } = await startTestEmulator();
    const project = PulumiProject.createRootProgram(emulator.env);
    try {
      await control.request("PUT", "latency", { ms: latencyMs });
      const tenantFile = path.join(project.dir, "tenant.yaml");
      fs.writeFileSync(tenantFile, tenantText);
      await project.initStack("bench", { tenantFile });

      const phase = async (name: string, run: () => Promise<CommandResult>) => {
        await control.request("DELETE", "requests");
        const start = performance.now();
        const result = await run();
        const seconds = (performance.now() - start) / 1000;
        if (result.code !== 0 && !(name === "drift command" && result.code === 2)) {
          throw new Error(`${name} failed (exit ${result.code}):\n${result.output.slice(-3000)}`);
        }
        const log = await control.request<{ requests: Array<{ method: string; surface: string }> }>("GET", "requests");
        const api = log.requests.filter((r) => r.surface !== "entra");
        const byMethod: Record<string, number> = {};
        for (const r of api) byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
        results.push({ latencyMs, phase: name, seconds, apiCalls: api.length, tokenRequests: log.requests.length - api.length, byMethod });
        process.stderr.write(`latency ${latencyMs} ms: ${name} ${seconds.toFixed(1)} s, ${api.length} API calls\n`);
      };

      await phase("up (create all)", () => project.pulumi(["up", "--yes", "--skip-preview"]));
      await phase("refresh preview, no drift", () => project.pulumi(["refresh", "--preview-only", "--expect-no-changes"]));
      await phase("up, nothing to do", () => project.pulumi(["up", "--yes"]));
      await phase("drift command", () =>
        runCommand("node", [path.join(repoRoot, "provider", "bin", "powerplatform-drift.js"), "--stack", "bench", "--cwd", project.dir], {
          cwd: project.dir,
          env: project.env,
        }),
      );
      await phase("destroy", () => project.pulumi(["destroy", "--yes", "--skip-preview"]));
    } finally {
      project.cleanup();
      await emulator.stop();
    }
  }

  const lines = [
    "| latency per response | phase | wall time | API calls | by method | token requests |",
    "| --- | --- | --- | --- | --- | --- |",
    ...results.map(
      (r) =>
        `| ${r.latencyMs} ms | ${r.phase} | ${r.seconds.toFixed(1)} s | ${r.apiCalls} | ${Object.entries(r.byMethod)
          .map(([m, n]) => `${m} ${n}`)
          .join(", ")} | ${r.tokenRequests} |`,
    ),
  ];
  process.stdout.write(lines.join("\n") + "\n");
  if (values.json) {
    fs.mkdirSync(path.dirname(values.json), { recursive: true });
    fs.writeFileSync(values.json, JSON.stringify(results, null, 2));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
