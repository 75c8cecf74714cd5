/**
 * Throttling on the real Pulumi engine: `up` of 40 FlowState resources (40 stopped flows
 * turned on) against the emulator under a smooth rate limit (sliding window, every API
 * surface together) far below what the run needs at once. The process's one rate limiter
 * per host paces every resource's requests: the run completes with no failure, the
 * service refuses some calls (the limit was really reached), and throttling is said once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type { RunningEmulator } from "../emulator/server";
import { SEED } from "../emulator/seed";
import { EmulatorControl, PulumiProject, startTestEmulator } from "./harness";

const RESOURCES = 40;
const LIMIT = { calls: 40, windowSeconds: 10, mode: "sliding" };
const ENV = SEED.environments.production;
const flowId = (i: number) => `f7100000-0000-4000-8000-${String(i).padStart(12, "0")}`;

describe("up of 40 resources under a smooth rate limit", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    project = PulumiProject.createRootProgram(emulator.env);
    const flows: Record<string, unknown> = {};
    for (let i = 0; i < RESOURCES; i++) {
      await control.request("POST", "objects/flows", { name: flowId(i), environmentId: ENV, displayName: `Throttled flow ${i}`, state: "Stopped" });
      flows[`throttled-${i}`] = { environment: ENV, flowId: flowId(i), state: "Started" };
    }
    const tenantFile = path.join(project.dir, "tenant.yaml");
    fs.writeFileSync(tenantFile, stringify({ flows }));
    await project.initStack("e2e", { tenantFile });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  test("completes with every flow turned on, no failure, the limit reached and throttling said once", async () => {
    await control.request("PUT", "settings", { rateLimits: [LIMIT] });
    await control.clearRequests();
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.output).not.toMatch(/error:/i);
    expect(up.code).toBe(0);

    const states = await Promise.all(
      Array.from({ length: RESOURCES }, (_, i) => control.request<{ properties: { state: string } }>("GET", `objects/flows/${flowId(i)}`)),
    );
    expect(states.filter((f) => f.properties.state === "Started")).toHaveLength(RESOURCES);

    const api = await control.apiRequests();
    const refused = api.filter((r) => r.status === 429);
    // The run needs far more calls than one window allows: the service refused some, and the limiter kept the refusals few.
    expect(api.length - refused.length).toBeGreaterThan(LIMIT.calls);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThan(api.length / 2);
    // Each start was sent once: a throttled POST is repeated only because the 429 proves it was not applied.
    const starts = api.filter((r) => r.method === "POST" && /\/start$/.test(r.path) && r.status !== 429);
    expect(starts).toHaveLength(RESOURCES);

    // Pulumi shows each diagnostic twice (as it happens, and in the summary): count distinct lines.
    const said = new Set(up.output.split("\n").filter((l) => l.includes("the service is throttling requests (HTTP 429)")).map((l) => l.slice(l.indexOf("info:"))));
    expect(said.size).toBe(1);
    expect([...said][0]).toMatch(/every request to it waits its turn/);

    const state = JSON.parse(await project.stackExport()) as { deployment: { resources: Array<{ type: string }> } };
    expect(state.deployment.resources.filter((r) => /FlowState$/.test(r.type))).toHaveLength(RESOURCES);
  }, 300_000);
});
