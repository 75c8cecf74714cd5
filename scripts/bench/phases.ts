/**
 * One benchmark phase measured: wall time, API calls from the emulator's request log,
 * the critical-path floor (floor.ts) and the ratio, peak memory of the process tree
 * (processTree.ts) and, after phases that write state, state bytes per resource.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import type { EmulatorControl, PulumiProject } from "../../test/e2e/harness";
import { repoRoot } from "../../test/e2e/harness";
import type { Floor } from "./floor";
import { runMeasured, type MeasuredResult } from "./processTree";

/** One measured phase: a row of the table `npm run bench` prints and of the `--json` file. */
export interface BenchRow {
  scenario: string;
  phase: string;
  /** Latency injected into every API response, in milliseconds. */
  latencyMs: number;
  /** Emulated duration of environment operations, installs and billing-policy provisioning, in milliseconds. */
  operationMs: number;
  /** Resources the program declares (Pulumi's stack resource and default providers excluded). */
  resources: number;
  seconds: number;
  apiCalls: number;
  tokenRequests: number;
  byMethod: Record<string, number>;
  /** The critical-path floor in seconds (null when the phase makes no API call, e.g. a no-op preview). */
  floorSeconds: number | null;
  /** The chain of resources that sets the floor. */
  floorChain: string[];
  /** Wall time / floor (null without a floor). */
  ratio: number | null;
  /** Peak resident memory of the engine, language host and provider processes, in MiB. */
  peakMemoryMiB: number | null;
  /** What each process role (processTree.ts processRole) held at that peak, in MiB. */
  peakMemoryByRoleMiB: Record<string, number>;
  /**
   * Bytes of the stack's state per managed resource after the phase (only after phases that write state):
   * the checkpoint as the file backend stores it (compact JSON), divided by the managed resources.
   */
  stateBytesPerResource: number | null;
  /** The same from `pulumi stack export`, which prints the checkpoint indented (4 spaces a level). */
  exportBytesPerResource: number | null;
  /** Mean bytes of one managed resource's own entry in that export (its inputs, outputs and serialized provider). */
  resourceEntryBytes: number | null;
  exitCode: number;
  /** The machine's 1-minute load average when the phase ended (other work on the machine slows every figure). */
  loadAverage: number;
  /** CPU cores of the machine. */
  cores: number;
}

/** How long one phase may run before its process tree is killed. */
export const phaseDeadlineMs = 30 * 60_000;

/** What a scenario measures its phases against. */
export interface PhaseContext {
  scenario: string;
  project: PulumiProject;
  control: EmulatorControl;
  latencyMs: number;
  operationMs: number;
  resources: number;
  /** Rows are appended here as phases end. */
  rows: BenchRow[];
}

/** Options of one phase. */
export interface PhaseOptions {
  /** The floor of this phase (omit for phases that make no API call by design). */
  floor?: Floor;
  /** Exit codes that are not a failure (default: 0 only). */
  okCodes?: number[];
  /** Measure state bytes per resource after the phase. */
  measureState?: boolean;
}

/** Runs `pulumi ARGS` in the project as the harness does (non-interactive, no colour), with memory sampled. */
export function pulumiMeasured(project: PulumiProject, args: string[], env: Record<string, string> = {}): Promise<MeasuredResult> {
  return runMeasured("pulumi", [...args, "--non-interactive", "--color", "never"], {
    cwd: project.dir,
    env: { ...project.env, ...env },
    deadlineMs: phaseDeadlineMs,
  });
}

/** Runs the drift command (`powerplatform-drift --stack STACK`) of the provider package, with memory sampled. */
export function driftMeasured(project: PulumiProject, stack: string): Promise<MeasuredResult> {
  return runMeasured("node", [path.join(repoRoot, "provider", "bin", "powerplatform-drift.js"), "--stack", stack, "--cwd", project.dir], {
    cwd: project.dir,
    env: project.env,
    deadlineMs: phaseDeadlineMs,
  });
}

/**
 * Bytes of the stack's state and the resources of our provider in it, from `pulumi stack
 * export` (secrets stay encrypted, as stored): `bytes` is the checkpoint as the file
 * backend writes it (compact JSON; the export prints the same document indented, which is
 * `exportBytes`), `entryBytes` the managed resources' own entries (compact). With
 * `BENCH_STATE_EXPORT_DIR` set, the export is also saved there (`<stack>-<time>.json`), to
 * take an entry apart.
 */
export async function stateBytesPerResource(project: PulumiProject): Promise<{ bytes: number; exportBytes: number; resources: number; entryBytes: number }> {
  const text = (await project.pulumiOk(["stack", "export"])).stdout;
  const exportDir = process.env.BENCH_STATE_EXPORT_DIR;
  if (exportDir) {
    fs.mkdirSync(exportDir, { recursive: true });
    fs.writeFileSync(path.join(exportDir, `${path.basename(project.dir)}-${Date.now()}.json`), text);
  }
  const exported = JSON.parse(text) as { deployment?: { resources?: Array<{ type: string }> } };
  const managed = (exported.deployment?.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
  const entryBytes = managed.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)), 0);
  return { bytes: Buffer.byteLength(JSON.stringify(exported)), exportBytes: Buffer.byteLength(text), resources: managed.length, entryBytes };
}

/** Measures one phase: clears the request log, runs it, counts the API calls, appends the row. */
export async function measurePhase(ctx: PhaseContext, phase: string, run: () => Promise<MeasuredResult>, options: PhaseOptions = {}): Promise<BenchRow> {
  await ctx.control.clearRequests();
  const start = performance.now();
  const result = await run();
  const seconds = (performance.now() - start) / 1000;
  if (!(options.okCodes ?? [0]).includes(result.code)) {
    throw new Error(`${ctx.scenario}: ${phase} failed (exit ${result.code}):\n${result.output.slice(-4000)}`);
  }
  const log = await ctx.control.request<{ requests: Array<{ method: string; surface: string }> }>("GET", "requests");
  const api = log.requests.filter((r) => r.surface !== "entra");
  if (process.env.BENCH_DUMP_LOG) require("node:fs").writeFileSync(`${process.env.BENCH_DUMP_LOG}/${ctx.scenario}-${phase.replace(/\W+/g, "_")}.json`, JSON.stringify({ start: Date.now() - seconds * 1000, seconds, log }, null, 1));
  const byMethod: Record<string, number> = {};
  for (const r of api) byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
  let statePerResource: number | null = null;
  let exportPerResource: number | null = null;
  let entryBytes: number | null = null;
  if (options.measureState) {
    const state = await stateBytesPerResource(ctx.project);
    if (state.resources > 0) {
      statePerResource = Math.round(state.bytes / state.resources);
      exportPerResource = Math.round(state.exportBytes / state.resources);
      entryBytes = Math.round(state.entryBytes / state.resources);
    }
  }
  const floorSeconds = options.floor && options.floor.seconds > 0 ? options.floor.seconds : null;
  const row: BenchRow = {
    scenario: ctx.scenario,
    phase,
    latencyMs: ctx.latencyMs,
    operationMs: ctx.operationMs,
    resources: ctx.resources,
    seconds,
    apiCalls: api.length,
    tokenRequests: log.requests.length - api.length,
    byMethod,
    floorSeconds,
    floorChain: floorSeconds === null ? [] : options.floor!.chain,
    ratio: floorSeconds === null ? null : seconds / floorSeconds,
    peakMemoryMiB: result.peakRssBytes === null ? null : result.peakRssBytes / 2 ** 20,
    peakMemoryByRoleMiB: Object.fromEntries(Object.entries(result.peakByRole).map(([role, bytes]) => [role, bytes / 2 ** 20])),
    stateBytesPerResource: statePerResource,
    exportBytesPerResource: exportPerResource,
    resourceEntryBytes: entryBytes,
    exitCode: result.code,
    loadAverage: os.loadavg()[0],
    cores: os.cpus().length,
  };
  ctx.rows.push(row);
  process.stderr.write(
    `${ctx.scenario}: ${phase} ${seconds.toFixed(1)} s, ${row.apiCalls} API calls` +
      (floorSeconds === null ? "" : `, floor ${floorSeconds.toFixed(2)} s (${row.ratio!.toFixed(2)}×)`) +
      (row.peakMemoryMiB === null ? "" : `, peak ${row.peakMemoryMiB.toFixed(0)} MiB (${rolesText(row.peakMemoryByRoleMiB)})`) +
      (statePerResource === null ? "" : `, ${statePerResource} B state/resource (own entry ${entryBytes} B)`) +
      `, load ${row.loadAverage.toFixed(1)} on ${row.cores} cores\n`,
  );
  return row;
}

/** The roles' shares of a peak, largest first: "pulumi CLI 310, program (node) 250, …" (MiB). */
export function rolesText(byRole: Record<string, number>): string {
  return Object.entries(byRole)
    .sort(([, a], [, b]) => b - a)
    .map(([role, mib]) => `${role} ${mib.toFixed(0)}`)
    .join(", ");
}

/** Sets the emulator's latency per response and the duration of its long-running operations. */
export async function setPace(control: EmulatorControl, latencyMs: number, operationMs: number): Promise<void> {
  await control.request("PUT", "latency", { ms: latencyMs });
  await control.request("PATCH", "settings", {
    environmentOperationMs: operationMs,
    installDurationMs: operationMs,
    billingPolicyProvisioningMs: operationMs,
  });
}
