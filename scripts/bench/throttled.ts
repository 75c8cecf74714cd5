/**
 * Bench scenario "throttled up": `pulumi up` of N FlowState resources (N stopped flows
 * turned on) on the real engine against the emulator, under a smooth rate limit of
 * `callsPerMinute` API calls per minute (the emulator's `rateLimits` setting, sliding
 * window, every API surface together).
 *
 *   bash scripts/toolchain.sh run tsx scripts/bench/throttled.ts [--resources 100] [--calls-per-minute 100]
 *
 * Figures per row: wall time of the `up`, the API calls sent (accepted and refused with
 * 429), resources that failed (flows not Started afterwards), the throttle-bound time
 * (the least time the accepted calls can take under the limit: the k-th call waits for
 * the (k-limit)-th to leave the window, so floor((accepted - 1) / limit) minutes), and the
 * share of that throughput reached over the span of the API calls (first call to last
 * answer: the engine's start-up, which no throttle explains, is left out; `wallShare`
 * keeps it in).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { SEED } from "../../test/emulator/seed";
import { PulumiProject, runCommand, startTestEmulator } from "../../test/e2e/harness";

interface LoggedRequest {
  time: string;
  durationMs: number;
  method: string;
  status: number;
  surface: string;
}

/** The flow id of the i-th benchmark flow (a stable GUID). */
const flowId = (i: number): string => `f7000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

/** Runs the throttled `up` once; returns one row of figures. */
export async function runThrottled(options: { resources: number; callsPerMinute: number }): Promise<Array<Record<string, unknown>>> {
  const { resources, callsPerMinute } = options;
  if (!Number.isInteger(resources) || resources < 1) throw new Error("resources must be a positive integer");
  if (!Number.isInteger(callsPerMinute) || callsPerMinute < 1) throw new Error("callsPerMinute must be a positive integer");
  const environment = SEED.environments.production;
  const { emulator, control } = await startTestEmulator();
  const project = PulumiProject.createRootProgram(emulator.env);
  try {
    const flows: Record<string, { environment: string; flowId: string; state: string }> = {};
    for (let i = 0; i < resources; i++) {
      await control.request("POST", "objects/flows", { name: flowId(i), environmentId: environment, displayName: `Bench flow ${i}`, state: "Stopped" });
      flows[`bench-flow-${i}`] = { environment, flowId: flowId(i), state: "Started" };
    }
    const tenantFile = path.join(project.dir, "tenant.yaml");
    fs.writeFileSync(tenantFile, stringify({ flows }));
    await project.initStack("bench", { tenantFile });
    await control.request("PUT", "settings", { rateLimits: [{ calls: callsPerMinute, windowSeconds: 60, mode: "sliding" }] });
    await control.clearRequests();

    const started = performance.now();
    const up = await runCommand("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive", "--color", "never"], {
      cwd: project.dir,
      env: project.env,
      deadlineMs: 60 * 60_000,
    });
    const seconds = (performance.now() - started) / 1000;

    const log = await control.request<{ requests: LoggedRequest[] }>("GET", "requests");
    const api = log.requests.filter((r) => r.surface !== "entra");
    const refused = api.filter((r) => r.status === 429).length;
    const accepted = api.length - refused;
    let startedFlows = 0;
    for (let i = 0; i < resources; i++) {
      const flow = await control.request<{ properties: { state: string } }>("GET", `objects/flows/${flowId(i)}`);
      if (flow.properties.state === "Started") startedFlows++;
    }
    const firstCall = Math.min(...api.map((r) => Date.parse(r.time)));
    if (process.env.BENCH_TIMELINE) {
      // Accepted and refused calls per 10 s since the first call, for looking into a result.
      const bins = new Map<number, { accepted: number; refused: number }>();
      for (const r of api) {
        const bin = Math.floor((Date.parse(r.time) - firstCall) / 10_000) * 10;
        const b = bins.get(bin) ?? { accepted: 0, refused: 0 };
        if (r.status === 429) b.refused++;
        else b.accepted++;
        bins.set(bin, b);
      }
      process.stderr.write([...bins].sort((a, b) => a[0] - b[0]).map(([t, b]) => `${t}s: ${b.accepted} accepted, ${b.refused} refused`).join("\n") + "\n");
    }
    const lastAnswer = Math.max(...api.map((r) => Date.parse(r.time) + r.durationMs));
    const apiSeconds = api.length > 0 ? (lastAnswer - firstCall) / 1000 : 0;
    const throttleBoundSeconds = accepted > 0 ? Math.floor((accepted - 1) / callsPerMinute) * 60 : 0;
    const share = (over: number) => (over > 0 ? Math.round((throttleBoundSeconds / over) * 1000) / 1000 : 1);
    return [
      {
        scenario: `throttled up (${callsPerMinute} calls/min, sliding window)`,
        phase: "up (create all)",
        resources,
        callsPerMinute,
        exitCode: up.code,
        seconds: Math.round(seconds * 10) / 10,
        apiSeconds: Math.round(apiSeconds * 10) / 10,
        apiCalls: api.length,
        acceptedCalls: accepted,
        throttledCalls: refused,
        failed: resources - startedFlows,
        throttleBoundSeconds,
        throughputShare: share(apiSeconds),
        wallShare: share(seconds),
        ...(up.code !== 0 ? { outputTail: up.output.slice(-2000) } : {}),
      },
    ];
  } finally {
    project.cleanup();
    await emulator.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { resources: { type: "string", default: "100" }, "calls-per-minute": { type: "string", default: "100" }, json: { type: "string" } },
  });
  const rows = await runThrottled({ resources: Number(values.resources), callsPerMinute: Number(values["calls-per-minute"]) });
  process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
  if (values.json) {
    fs.mkdirSync(path.dirname(values.json), { recursive: true });
    fs.writeFileSync(values.json, JSON.stringify(rows, null, 2));
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
