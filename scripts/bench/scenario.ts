/**
 * What every scenario of `npm run bench` shares: its options, an emulator and a project
 * of their own per run, and seeding flows through the emulator's control API.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { PulumiProject, repoRoot, startTestEmulator, type EmulatorControl } from "../../test/e2e/harness";
import type { RunningEmulator } from "../../test/emulator/server";
import type { BenchRow, PhaseContext } from "./phases";

/** The command-line options a scenario receives (each takes those it needs). */
export interface ScenarioOptions {
  /** Latencies per API response to run at, in milliseconds (the sample scenario runs each; the others take the first); absent: the scenario's default. */
  latencies?: number[];
  /** Emulated duration of environment operations, installs and billing-policy provisioning, in milliseconds; absent: the scenario's default. */
  operationMs?: number;
  /** Resource count for scenarios that take one (throttled). */
  resources?: number;
  /** The emulated rate limit for the throttled scenario. */
  callsPerMinute?: number;
}

/** A scenario: runs its phases and returns their rows. */
export type Scenario = (options: ScenarioOptions) => Promise<BenchRow[]>;

/** A running emulator, its control API and a project on it. */
export interface Workspace {
  emulator: RunningEmulator;
  control: EmulatorControl;
  project: PulumiProject;
}

/** A program generated for a scenario: its name and its index.ts, given the project directory it runs in. */
export interface GeneratedProgram {
  name: string;
  indexTs: (projectDir: string) => string;
}

/**
 * Starts an emulator and a project (the root program, or `program` when given), runs
 * `body`, and cleans both up whatever happens.
 */
export async function withWorkspace<T>(program: GeneratedProgram | undefined, body: (workspace: Workspace) => Promise<T>): Promise<T> {
  const { emulator, control } = await startTestEmulator();
  let project: PulumiProject;
  if (program) {
    const source = fs.mkdtempSync(path.join(os.tmpdir(), `pp-bench-${program.name}-`));
    fs.writeFileSync(path.join(source, "Pulumi.yaml"), stringify({ name: program.name, runtime: { name: "nodejs", options: { typescript: true, ...(process.env.BENCH_NODEARGS ? { nodeargs: process.env.BENCH_NODEARGS } : {}) } } }));
    project = PulumiProject.create(source, emulator.env);
    fs.rmSync(source, { recursive: true, force: true });
    fs.writeFileSync(path.join(project.dir, "index.ts"), program.indexTs(project.dir));
  } else {
    project = PulumiProject.createRootProgram(emulator.env);
  }
  try {
    return await body({ emulator, control, project });
  } finally {
    project.cleanup();
    await emulator.stop();
  }
}

/** Writes `tenant` as the project's tenant.yaml and creates stack `stack` reading it. */
export async function initTenantStack(project: PulumiProject, stack: string, tenant: unknown): Promise<void> {
  const tenantFile = path.join(project.dir, "tenant.yaml");
  fs.writeFileSync(tenantFile, stringify(tenant));
  await project.initStack(stack, { tenantFile });
}

/** Flows created in the emulator through its control API (as if made in the portal), `Stopped`, by the seeded admin. */
export async function seedFlows(control: EmulatorControl, flows: Array<{ id: string; environmentId: string; displayName: string }>): Promise<void> {
  // A few at a time: the control API is served by the same process as the API.
  const batch = 20;
  for (let i = 0; i < flows.length; i += batch) {
    await Promise.all(
      flows.slice(i, i + batch).map((f) => control.request("POST", "objects/flows", { name: f.id, environmentId: f.environmentId, displayName: f.displayName, state: "Stopped" })),
    );
  }
}

/** A deterministic GUID for the n-th object of a prefix (hex digits only). */
export function benchGuid(prefix: string, n: number): string {
  const hex = Buffer.from(prefix).toString("hex").slice(0, 8).padEnd(8, "0");
  return `${hex}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

/** A phase context for a scenario's rows. */
export function phaseContext(scenario: string, workspace: Workspace, options: { latencyMs: number; operationMs: number; resources: number }, rows: BenchRow[]): PhaseContext {
  return { scenario, project: workspace.project, control: workspace.control, rows, ...options };
}

/** The repository's tenant library (program/declareTenantFromFile.ts), as an import path from a project directory. */
export function tenantLibraryFrom(projectDir: string): string {
  return path.relative(projectDir, path.join(repoRoot, "program", "declareTenantFromFile")).split(path.sep).join("/");
}
