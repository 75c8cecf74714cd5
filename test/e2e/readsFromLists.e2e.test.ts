/**
 * Reads served from lists, on the real Pulumi engine against the emulator: a refresh of
 * many FlowState over several environments costs the pages of each environment's admin
 * flow list (fetched once per environment by the provider process), not one GET per
 * resource; drift made out of band is still found, and a flow deleted by hand is dropped
 * only after its own GET answered 404 twice (never from a list alone).
 */
import type { RunningEmulator } from "../emulator/server";
import { SEED } from "../emulator/seed";
import { EmulatorControl, PulumiProject, startTestEmulator } from "./harness";

const PAGE_SIZE = 4;
/** Environments and how many flows of ours each gets (the seed adds its own flows to production). */
const PLAN: Array<[string, number]> = [
  [SEED.environments.production, 6],
  [SEED.environments.sandbox, 5],
  [SEED.environments.developer, 7],
];

interface Entry {
  environmentId: string;
  flowId: string;
  state: "Started" | "Stopped";
}
type Logged = { method: string; path: string; query?: Record<string, string>; status: number; surface: string };

const flowId = (env: number, n: number) => `f${env}000000-0000-4000-8000-${String(n + 1).padStart(12, "0")}`;
const isList = (r: Logged) => r.method === "GET" && /\/scopes\/admin\/environments\/[^/]+\/v2\/flows$/i.test(r.path);
const environmentOf = (r: Logged) => /\/environments\/([^/]+)\//i.exec(r.path)![1]!.toLowerCase();

describe("reads served from lists (real engine)", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;
  const entries: Entry[] = [];
  /** List pages of each environment: ⌈flows in it ÷ page size⌉. */
  const pagesOf: Record<string, number> = {};

  const flowRequests = async (): Promise<Logged[]> => ((await control.apiRequests()) as Logged[]).filter((r) => r.surface === "flow");
  const expectedPages = () => Object.values(pagesOf).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    await control.request("PUT", "settings", { pageSize: PAGE_SIZE });
    for (const [e, [environmentId, count]] of PLAN.entries()) {
      for (let n = 0; n < count; n++) {
        const state = n % 2 === 0 ? "Started" : "Stopped";
        await control.request("POST", "objects/flows", { name: flowId(e + 1, n), environmentId, displayName: `Reads ${e}.${n}`, state });
        entries.push({ environmentId, flowId: flowId(e + 1, n), state });
      }
    }
    const all = await control.request<{ value: Array<{ value: { _envId: string } }> }>("GET", "objects/flows");
    for (const [environmentId] of PLAN) {
      const inEnvironment = all.value.filter((f) => f.value._envId === environmentId).length;
      pagesOf[environmentId.toLowerCase()] = Math.ceil(inEnvironment / PAGE_SIZE);
    }
    project = PulumiProject.create("test/e2e/programs/many-flow-states", emulator.env);
    await project.initStack("e2e", { flows: JSON.stringify(entries) });
    // Every flow is declared in the state it is in: the up changes nothing.
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
  }, 300_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  test("the up that took them over sent no start or stop, and read each environment's list once (for check)", async () => {
    // (requests of the beforeAll's up)
    const requests = await flowRequests();
    expect(requests.filter((r) => r.method !== "GET")).toEqual([]);
    const lists = requests.filter(isList);
    expect(lists).toHaveLength(expectedPages());
  });

  test(`refresh of ${PLAN.reduce((a, [, n]) => a + n, 0)} FlowState over ${PLAN.length} environments: only the list pages, no GET per flow`, async () => {
    await control.clearRequests();
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    const requests = await flowRequests();
    expect(requests.every(isList)).toBe(true);
    expect(requests).toHaveLength(expectedPages());
    const perEnvironment: Record<string, number> = {};
    for (const r of requests) perEnvironment[environmentOf(r)] = (perEnvironment[environmentOf(r)] ?? 0) + 1;
    expect(perEnvironment).toEqual(pagesOf);
  });

  test("drift made by hand in two environments is found, with the same list pages", async () => {
    const [a, b] = [entries[0]!, entries.find((e) => e.environmentId === SEED.environments.developer && e.state === "Stopped")!];
    await control.request("PATCH", `objects/flows/${a.flowId}`, { properties: { state: "Stopped" } });
    await control.request("PATCH", `objects/flows/${b.flowId}`, { properties: { state: "Started" } });
    await control.clearRequests();
    const drift = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    expect(drift.output).toMatch(/~ state\s*:\s*"Started" => "Stopped"/);
    expect(drift.output).toMatch(/~ state\s*:\s*"Stopped" => "Started"/);
    const requests = await flowRequests();
    expect(requests.every(isList)).toBe(true);
    expect(requests).toHaveLength(expectedPages());
    // Put them back for the next test.
    await control.request("PATCH", `objects/flows/${a.flowId}`, { properties: { state: a.state } });
    await control.request("PATCH", `objects/flows/${b.flowId}`, { properties: { state: b.state } });
  });

  test("a flow deleted by hand is dropped only after its own GET said 404 twice; the others stay", async () => {
    const gone = entries.find((e) => e.environmentId === SEED.environments.sandbox)!;
    await control.request("DELETE", `objects/flows/${gone.flowId}`);
    pagesOf[gone.environmentId.toLowerCase()] = Math.ceil(((await control.request<{ value: Array<{ value: { _envId: string } }> }>("GET", "objects/flows")).value.filter((f) => f.value._envId === gone.environmentId).length) / PAGE_SIZE);
    await control.clearRequests();
    await project.pulumiOk(["refresh", "--yes", "--skip-preview"]);
    const requests = await flowRequests();
    const byId = requests.filter((r) => !isList(r));
    expect(byId.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 404", "GET 404"]);
    expect(byId.every((r) => r.path.toLowerCase().endsWith(`/flows/${gone.flowId}`))).toBe(true);
    // The list pages of every environment, and the sandbox's once more (a fresh list confirms the flow is gone).
    expect(requests.filter(isList)).toHaveLength(expectedPages() + pagesOf[gone.environmentId.toLowerCase()]!);
    const state = JSON.parse(await project.stackExport()) as { deployment: { resources?: Array<{ type: string; id?: string }> } };
    const kept = (state.deployment.resources ?? []).filter((r) => r.type.endsWith("FlowState")).map((r) => r.id);
    expect(kept).toHaveLength(entries.length - 1);
    expect(kept).not.toContain(gone.flowId);
  });
});
