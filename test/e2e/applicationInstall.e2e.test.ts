/**
 * ApplicationInstall on the real Pulumi engine against the emulator:
 * up (install, polled at the Retry-After pace) → no drift → uninstalled by hand → drift
 * reported → up --refresh installs again → destroy (package stays, warning, state empty);
 * then the failure paths: a failed install operation, a wait that passes its deadline and
 * is resumed by the next up, and a `pulumi up` killed mid-install whose successor waits
 * for the running install instead of requesting a second one.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { SEED } from "../emulator/seed";
import { EmulatorControl, PulumiProject, startTestEmulator } from "./harness";

const ENV = SEED.environments.production;
const PACKAGE = SEED.packages.installable;
const INSTALL_KEY = encodeURIComponent(`${ENV}:${PACKAGE}`);
const INSTALL_MS = 6000;
const RETRY_AFTER_S = 2;

const PACKAGES = "GET /appmanagement/environments/{envId}/applicationPackages";
const INSTALL = "POST /appmanagement/environments/{envId}/applicationPackages/{pkg}/install";
const OPERATION = "GET /appmanagement/environments/{envId}/operations/{opId}";

/** Process group ids of the processes whose working directory is `dir` (Linux /proc). */
function processesIn(dir: string): number[] {
  const groups = new Set<number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readlinkSync(`/proc/${entry}/cwd`).replace(/ \(deleted\)$/, "") !== dir) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (pgid > 1 && pgid !== process.pid) groups.add(pgid);
    } catch {
      /* gone, or not ours to read */
    }
  }
  return [...groups];
}

interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  surface: string;
  template: string;
  time: string;
  query?: Record<string, string>;
}

jest.setTimeout(240_000);

describe("ApplicationInstall on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;
  /** Pages of one read of the package's state (the emulator's catalog is paged like the service's). */
  let pages: number;
  /** API-call figures per operation, printed at the end for the record. */
  const figures: Record<string, Record<string, number>> = {};

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    await control.request("PUT", "settings", { installDurationMs: INSTALL_MS, retryAfterSeconds: RETRY_AFTER_S });
    const catalog = await control.request<{ value: Array<{ value: { uniqueName: string } }> }>("GET", "objects/catalog");
    const { pageSize } = await control.request<{ pageSize: number }>("GET", "settings");
    // A read stops at the page that lists the package (the environment lists the catalog in order).
    const position = catalog.value.findIndex((p) => p.value.uniqueName === PACKAGE);
    expect(position).toBeGreaterThanOrEqual(0);
    pages = Math.floor(position / pageSize) + 1;
    project = PulumiProject.create("examples/application-install", emulator.env);
    await project.initStack("e2e", { environmentId: ENV, uniqueName: PACKAGE, operationTimeoutMinutes: "5" });
  }, 120_000);

  afterAll(async () => {
    // eslint-disable-next-line no-console
    console.log(`ApplicationInstall API calls per operation (${pages} pages per read of the packages):\n${JSON.stringify(figures, null, 2)}`);
    project?.cleanup();
    await emulator?.stop();
  });

  const apiRequests = async (): Promise<LoggedRequest[]> =>
    (await control.request<{ requests: LoggedRequest[] }>("GET", "requests")).requests.filter((r) => r.surface !== "entra");
  const countsOf = (requests: LoggedRequest[]): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const r of requests) counts[`${r.method} ${r.template}`] = (counts[`${r.method} ${r.template}`] ?? 0) + 1;
    return counts;
  };
  const packageState = async (): Promise<string> =>
    (await control.request<{ value: Array<{ key: string; value: { state: string } }> }>("GET", "objects/applicationInstalls")).value.find(
      (i) => i.key === `${ENV}:${PACKAGE}`,
    )?.value.state ?? "None";
  const setPackageState = (state: string) => control.request("PATCH", `objects/applicationInstalls/${INSTALL_KEY}`, { state });
  const resourcesInState = async () =>
    ((JSON.parse(await project.stackExport()).deployment.resources ?? []) as Array<{ type: string; id?: string; outputs?: Record<string, unknown>; initErrors?: string[] }>).filter(
      (r) => r.type.endsWith(":ApplicationInstall"),
    );

  test("up installs the package, polling the operation no faster than Retry-After", async () => {
    expect(await packageState()).toBe("None");
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const requests = await apiRequests();
    const counts = countsOf(requests);
    figures.create = counts;
    // one read of the state before deciding (the pages up to the package), one POST, the polls, one page of the
    // environment's installed packages (appInstallState=Installed) to confirm the install and read its version
    expect(counts[PACKAGES]).toBe(pages + 1);
    expect(requests.filter((r) => `${r.method} ${r.template}` === PACKAGES && r.query?.appInstallState === "Installed")).toHaveLength(1);
    expect(counts[INSTALL]).toBe(1);
    const polls = requests.filter((r) => `${r.method} ${r.template}` === OPERATION);
    // ≈ duration / Retry-After: never more than one extra poll
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(polls.length).toBeLessThanOrEqual(Math.ceil(INSTALL_MS / 1000 / RETRY_AFTER_S) + 1);
    // each poll waited at least Retry-After after the previous request (the POST first)
    const post = requests.find((r) => `${r.method} ${r.template}` === INSTALL)!;
    const times = [post, ...polls].map((r) => Date.parse(r.time));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 50);
    figures.createPolls = { polls: polls.length, installMs: INSTALL_MS, retryAfterSeconds: RETRY_AFTER_S };

    expect(await packageState()).toBe("Installed");
    const outputs = await project.outputs();
    expect(outputs.state).toBe("Installed");
    expect(outputs.applicationName).toEqual(expect.any(String));
    expect(outputs.lastOperation).toEqual({ status: "Succeeded" });
    const [resource] = await resourcesInState();
    expect(resource.id).toBe(`${ENV}/${PACKAGE}`);
    expect(resource.outputs).toMatchObject({ environmentId: ENV, uniqueName: PACKAGE, operationTimeoutMinutes: 5, state: "Installed" });
    expect(resource.outputs!.operationUrl).toMatch(/\/appmanagement\/environments\/.+\/operations\//);
  });

  test("refresh right after up shows no drift, with one page of the environment's installed packages", async () => {
    await control.clearRequests();
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    figures.refresh = countsOf(await apiRequests());
    expect(figures.refresh).toEqual({ [PACKAGES]: 1 });
  });

  test("an uninstall done by hand shows as drift, and up --refresh installs it again", async () => {
    await setPackageState("Uninstalled");
    const drift = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    expect(drift.output).toMatch(/state/);
    expect(drift.output).toMatch(/Uninstalled/);

    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    const counts = countsOf(await apiRequests());
    figures.upRefreshReinstall = counts;
    expect(counts[INSTALL]).toBe(1);
    expect(await packageState()).toBe("Installed");
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("destroy leaves the package installed, says so, and empties the state", async () => {
    await control.clearRequests();
    const run = await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    figures.delete = countsOf(await apiRequests());
    expect(figures.delete).toEqual({});
    const warning = run.output.split("\n").find((line) => /no uninstall for application packages/.test(line));
    expect(warning).toMatch(/warning: ApplicationInstall .*the package stays installed in the environment and is only removed from the Pulumi state/);
    // eslint-disable-next-line no-console
    console.log(`destroy shows: ${warning}`);
    expect(await packageState()).toBe("Installed");
    expect(await resourcesInState()).toHaveLength(0);
  });

  test("an already installed package is adopted without an install request", async () => {
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    figures.createAdopt = countsOf(await apiRequests());
    expect(figures.createAdopt).toEqual({ [PACKAGES]: pages });
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
  });

  test("a failed install operation fails the up with the operation's message", async () => {
    await setPackageState("None");
    await control.request("PUT", "settings", { installOutcome: "Failed", installDurationMs: 3000 });
    const message = (await control.request<{ installFailureMessage: string }>("GET", "settings")).installFailureMessage;
    await control.clearRequests();
    const run = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(message);
    expect(run.output).toMatch(/0x80048033/); // the package's errorDetails
    expect(countsOf(await apiRequests())[INSTALL]).toBe(1);
    const [resource] = await resourcesInState();
    expect(resource.outputs).toMatchObject({ state: "InstallFailed", lastOperation: { status: "Failed" } });

    // Once the cause is fixed, the next up installs again.
    await control.request("PUT", "settings", { installOutcome: "Succeeded" });
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(countsOf(await apiRequests())[INSTALL]).toBe(1);
    expect(await packageState()).toBe("Installed");
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
  });

  test("a wait that passes operationTimeoutMinutes keeps the operation URL; the next up resumes it without a second install", async () => {
    await setPackageState("None");
    await control.request("PUT", "settings", { installDurationMs: 12_000 });
    await project.pulumiOk(["config", "set", "operationTimeoutMinutes", "0.05"]); // 3 s
    await control.clearRequests();
    const first = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(first.code).not.toBe(0);
    expect(first.output).toMatch(/resumes waiting/);
    const [kept] = await resourcesInState();
    expect(kept.id).toBe(`${ENV}/${PACKAGE}`);
    expect(kept.outputs!.operationUrl).toMatch(/\/operations\//);

    await project.pulumiOk(["config", "set", "operationTimeoutMinutes", "5"]);
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const requests = await apiRequests();
    figures.deadlineThenResume = countsOf(requests);
    expect(countsOf(requests)[INSTALL]).toBe(1);
    expect(await packageState()).toBe("Installed");
    const [resumed] = await resourcesInState();
    expect(resumed.outputs).toMatchObject({ state: "Installed", operationUrl: kept.outputs!.operationUrl, lastOperation: { status: "Succeeded" } });
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
  });

  test("a pulumi up killed mid-install: the next up waits for that install, exactly one install request", async () => {
    await setPackageState("None");
    await control.request("PUT", "settings", { installDurationMs: 10_000 });
    await control.clearRequests();

    const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], { cwd: project.dir, env: project.env, detached: true, stdio: "ignore" });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    for (let i = 0; i < 600; i++) {
      if ((await apiRequests()).some((r) => `${r.method} ${r.template}` === INSTALL)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(countsOf(await apiRequests())[INSTALL]).toBe(1);
    process.kill(-child.pid!, "SIGKILL");
    await exited;
    // The engine starts its plugins in process groups of their own: kill those this run left (found by their
    // working directory, the project's), as the end of a CI job would.
    for (const pid of processesIn(project.dir)) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }

    // The killed run left its lock and a pending create in the checkpoint: clear both as an operator would.
    await project.pulumiOk(["cancel", "--yes"]);
    const exported = JSON.parse(await project.stackExport());
    exported.deployment.pending_operations = [];
    const file = path.join(project.dir, "state.json");
    fs.writeFileSync(file, JSON.stringify(exported));
    await project.pulumiOk(["stack", "import", "--file", file, "--force"]);
    expect(await resourcesInState()).toHaveLength(0);
    expect(["InstallRequested", "Installing"]).toContain(await packageState());

    const second = await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const requests = await apiRequests();
    figures.killedThenUp = countsOf(requests);
    expect(countsOf(requests)[INSTALL]).toBe(1);
    expect(await packageState()).toBe("Installed");
    const [resource] = await resourcesInState();
    expect(resource.outputs).toMatchObject({ state: "Installed" });
    expect(second.output).not.toMatch(/error/i);
  });
});
