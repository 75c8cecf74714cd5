/**
 * What a deploy costs besides API calls (issue 9): the root program runs without a
 * type-check at deploy time (Pulumi.yaml points ts-node at program/tsconfig.deploy.json,
 * `noCheck`; `npm test` type-checks with the root tsconfig.json), and the state the
 * provider writes per resource stays small: the serialized provider is a stub of at most
 * 300 bytes, and a resource's inputs and outputs together at most 1.5 KB. The engine's own
 * record of a resource keeps the program's frames of the call stack only (the source
 * position is still the line that constructed the resource), so a whole FlowState entry is
 * at most 1.5 KB; a state written with the SDK's whole stack trace still works and gets
 * the short one at the next `up`, with no write to the tenant. (Sizes, not timings: speed
 * is measured by benchmarks.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import type { RunningEmulator } from "../emulator/server";
import { SEED } from "../emulator/seed";
import { EmulatorControl, PulumiProject, repoRoot, runCommand, startTestEmulator } from "./harness";

interface StateResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  sourcePosition?: string;
  stackTrace?: Array<{ sourcePosition?: string }>;
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value ?? {}));

/** 1.5 KB: the bound of issue 9 on the state of one resource. */
const entryBound = 1536;

/** What the engine recorded of where a resource was constructed: its source position and the frames of its stack trace. */
const positions = (r: StateResource) => ({ sourcePosition: r.sourcePosition, frames: (r.stackTrace ?? []).map((f) => f.sourcePosition ?? "(no position)") });

/** The frames below the program that Pulumi's Node SDK 3.276 sends (and earlier versions of this package let it send). */
const sdkFrames = [{}, { sourcePosition: "project:///node_modules/@pulumi/cmd/run/run.ts#579,20" }, { sourcePosition: "project:///node_modules/@pulumi/runtime/stack.ts#79,28" }, { sourcePosition: "project:///node_modules/@pulumi/resource.ts#1687,22" }];

describe("deploy cost on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
  }, 120_000);

  afterAll(async () => {
    await emulator?.stop();
  });

  /**
   * A program laid out like the root one (Pulumi.yaml with the root's runtime options, the
   * program in program/ with its tsconfig files) whose code has a type error.
   */
  const programWithTypeError = (runtimeOptions: (root: Record<string, unknown>) => Record<string, unknown>): PulumiProject => {
    const project = PulumiProject.create("test/e2e/programs/custom-timeouts", emulator.env);
    for (const entry of fs.readdirSync(project.dir)) fs.rmSync(path.join(project.dir, entry), { recursive: true });
    // The environment the harness sets for speed would hide what Pulumi.yaml does.
    delete project.env.PULUMI_NODEJS_TRANSPILE_ONLY;
    const root = parse(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as { runtime: { name: string; options: Record<string, unknown> } };
    fs.writeFileSync(
      path.join(project.dir, "Pulumi.yaml"),
      stringify({ name: "deploy-cost", runtime: { name: root.runtime.name, options: runtimeOptions(root.runtime.options) }, main: "program/index.ts" }),
    );
    fs.copyFileSync(path.join(repoRoot, "tsconfig.base.json"), path.join(project.dir, "tsconfig.base.json"));
    fs.mkdirSync(path.join(project.dir, "program"));
    for (const file of ["tsconfig.json", "tsconfig.deploy.json"]) fs.copyFileSync(path.join(repoRoot, "program", file), path.join(project.dir, "program", file));
    fs.writeFileSync(path.join(project.dir, "program", "index.ts"), 'const answer: number = "forty-two";\nexport const value = answer;\n');
    return project;
  };

  test("a type error does not stop `pulumi up` of a program run as the root one is", async () => {
    const project = programWithTypeError((options) => options);
    try {
      await project.initStack("e2e");
      await project.pulumiOk(["up", "--yes", "--skip-preview"]);
      expect((await project.outputs()).value).toBe("forty-two");
    } finally {
      project.cleanup();
    }
  });

  test("without the deploy tsconfig the same program is type-checked (and fails), and npm test's tsc catches the error", async () => {
    const project = programWithTypeError(({ tsconfig: _dropped, ...options }) => options);
    try {
      await project.initStack("e2e");
      const preview = await project.pulumi(["preview"]);
      expect(preview.code).not.toBe(0);
      expect(preview.output).toContain("TS2322");

      // npm test runs `tsc --noEmit -p tsconfig.json`, which covers program/**/*.ts.
      const rootConfig = parse(fs.readFileSync(path.join(repoRoot, "tsconfig.json"), "utf8")) as { include: string[]; compilerOptions: Record<string, unknown> };
      expect(rootConfig.include).toContain("program/**/*.ts");
      expect(rootConfig.compilerOptions.noCheck).toBeUndefined();
      fs.writeFileSync(path.join(project.dir, "tsconfig.check.json"), JSON.stringify({ extends: path.join(repoRoot, "tsconfig.json"), include: ["program/**/*.ts"] }));
      const tsc = await runCommand("tsc", ["--noEmit", "-p", "tsconfig.check.json"], { cwd: project.dir, env: process.env });
      expect(tsc.code).not.toBe(0);
      expect(tsc.output).toContain("TS2322");
    } finally {
      project.cleanup();
    }
  });

  test("the sample tenant's state: a stub of at most 300 bytes, inputs and outputs at most 1.5 KB per resource, the program's frames only, a whole FlowState at most 1.5 KB", async () => {
    const project = PulumiProject.createRootProgram(emulator.env);
    try {
      const tenantFile = path.join(project.dir, "tenant.yaml");
      fs.writeFileSync(tenantFile, fs.readFileSync(path.join(repoRoot, "tenants", "demo.yaml"), "utf8").replace(/^\s*protect: true\n/gm, "\n"));
      await project.initStack("e2e", { tenantFile });
      await project.pulumiOk(["up", "--yes", "--skip-preview"]);
      const state = JSON.parse(await project.stackExport()) as { deployment: { resources: StateResource[] } };
      const ours = state.deployment.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/powerplatform:"));
      expect(new Set(ours.map((r) => r.type)).size).toBeGreaterThanOrEqual(6);
      const sizes = ours.map((r) => {
        const kind = r.type.split(":").pop()!;
        const stub = String(r.inputs?.__provider);
        // A DLP policy's state grows with the connectors and URL patterns it declares (kept in inputs
        // and outputs): the bound is on what the provider adds to them.
        const declaredLists = kind === "DataLossPreventionPolicy" ? ["businessConnectors", "nonBusinessConnectors", "blockedConnectors", "customConnectorUrlPatterns"] : [];
        const allowance = 2 * declaredLists.reduce((sum, name) => sum + (r.inputs?.[name] === undefined ? 0 : bytes(r.inputs[name])), 0);
        return { kind, stub: stub.length, stubNamesKind: stub.includes(`"${kind}"`), sameInOutputs: r.outputs?.__provider === stub, inputsAndOutputs: bytes(r.inputs) + bytes(r.outputs), allowance };
      });
      // Every resource is listed on failure, with its sizes.
      expect(sizes.filter((s) => s.stub > 300 || !s.stubNamesKind || !s.sameInOutputs || s.inputsAndOutputs > 1536 + s.allowance)).toEqual([]);
      // Where the engine says a resource was constructed: the tenant library's line, then its caller; nothing of the SDK below.
      for (const r of ours) {
        const { sourcePosition, frames } = positions(r);
        expect(sourcePosition).toMatch(/^project:\/\/\/.*program\/declareTenant(FromFile)?\.ts#\d+,\d+$/);
        expect(frames[0]).toBe(sourcePosition);
        expect(frames.length).toBeLessThanOrEqual(4);
        expect(frames.filter((f) => !/program\/declareTenant(FromFile)?\.ts#/.test(f))).toEqual([]);
      }
      // A whole FlowState entry, the engine's record included.
      const flowStates = ours.filter((r) => r.type.endsWith(":FlowState"));
      expect(flowStates.length).toBeGreaterThan(0);
      expect(flowStates.map((r) => ({ urn: r.urn, bytes: bytes(r) })).filter((e) => e.bytes > entryBound)).toEqual([]);
      await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    } finally {
      project.cleanup();
    }
  });

  test("a resource the program constructs itself: recorded at the program's line, whole entry at most 1.5 KB; a state with the SDK's whole stack trace gets the short one at the next `up`, with no write", async () => {
    const project = PulumiProject.create("test/e2e/programs/many-flow-states", emulator.env);
    try {
      const flows = [SEED.flows.dailyReport, SEED.flows.invoiceApproval];
      const states: Record<string, string> = {};
      for (const id of flows) states[id] = (await control.request<{ properties: { state: string } }>("GET", `objects/flows/${id}`)).properties.state;
      await project.initStack("e2e", { flows: JSON.stringify(flows.map((flowId) => ({ environmentId: SEED.environments.production, flowId, state: states[flowId] }))) });
      await project.pulumiOk(["up", "--yes", "--skip-preview"]);
      const exported = JSON.parse(await project.stackExport()) as { deployment: { resources: StateResource[] } };
      const ours = exported.deployment.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/powerplatform:FlowState");
      expect(ours).toHaveLength(2);
      // The program's `new powerplatform.FlowState(...)`, at top level: nothing of the program calls it.
      const lines = fs.readFileSync(path.join(project.dir, "index.ts"), "utf8").split("\n");
      const line = lines.findIndex((l) => l.includes("new powerplatform.FlowState("));
      const programLine = `project:///index.ts#${line + 1},${lines[line]!.indexOf("new ") + 1}`;
      for (const r of ours) expect(positions(r)).toEqual({ sourcePosition: programLine, frames: [programLine] });
      expect(ours.map((r) => ({ urn: r.urn, bytes: bytes(r) })).filter((e) => e.bytes > entryBound)).toEqual([]);

      // The state as earlier versions left it: the SDK's frames below the program's.
      for (const r of ours) r.stackTrace = [...(r.stackTrace ?? []), ...sdkFrames];
      const oldState = path.join(project.dir, "old-state.json");
      fs.writeFileSync(oldState, JSON.stringify(exported));
      await project.pulumiOk(["stack", "import", "--file", oldState]);
      await control.clearRequests();
      const up = await project.pulumiOk(["up", "--yes", "--skip-preview"]);
      expect(up.output).toMatch(/3 unchanged/);
      expect((await control.apiRequests()).filter((r) => r.method !== "GET")).toEqual([]);
      const after = JSON.parse(await project.stackExport()) as { deployment: { resources: StateResource[] } };
      for (const r of after.deployment.resources.filter((e) => e.type === "pulumi-nodejs:dynamic/powerplatform:FlowState")) {
        expect(positions(r)).toEqual({ sourcePosition: programLine, frames: [programLine] });
      }
      await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    } finally {
      project.cleanup();
    }
  });
});
