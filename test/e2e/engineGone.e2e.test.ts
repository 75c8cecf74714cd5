/**
 * The dynamic-provider process exits when the engine that started it is gone (issue 8,
 * lower items: killing the `pulumi` process group left `pulumi-resource-pulumi-nodejs`
 * and its node process running, 18 orphans up to 35 minutes old). The engine starts
 * plugins in process groups of their own, so killing its group does not reach them.
 *
 * A `pulumi up` is killed (SIGKILL to its process group) while a billing policy create
 * is waiting on the service; every process started for that run is found by a marker in
 * its environment, and none may remain.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import type { RunningEmulator } from "../emulator/server";
import { EmulatorControl, PulumiProject, startTestEmulator } from "./harness";

/** Pids of the processes whose environment carries `marker` (Linux: /proc). */
function processesWithMarker(marker: string): Array<{ pid: number; command: string }> {
  if (!fs.existsSync("/proc/self/environ")) throw new Error("this test finds processes through /proc: run it on Linux");
  const found: Array<{ pid: number; command: string }> = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = fs.readFileSync(`/proc/${entry}/environ`, "utf8");
      if (!environ.split("\0").includes(marker)) continue;
      const status = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      if (/^\d+ \(.*\) Z /.test(status)) continue; // a zombie has exited; only its parent's wait is missing
      found.push({ pid: Number(entry), command: fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim() });
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return found;
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, limitMs: number): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what} after ${limitMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("the dynamic-provider process when the engine is killed", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    project = PulumiProject.create("examples/billing-policy", emulator.env);
    await project.initStack("dev", { location: "europe" });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  test("SIGKILL to the pulumi process group mid-up: no process of the run remains", async () => {
    // The create then waits on the service for two minutes, polling.
    await control.request("PUT", "settings", { billingPolicyProvisioningMs: 120_000 });
    await control.clearRequests();
    const marker = `PP_E2E_RUN=${randomUUID()}`;
    const [key, value] = marker.split("=");
    const up = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], {
      cwd: project.dir,
      env: { ...project.env, [key]: value },
      stdio: "ignore",
      detached: true,
    });
    const exited = new Promise((resolve) => up.on("exit", resolve));
    try {
      await waitFor(
        "the billing policy create to reach the service",
        async () => ((await control.apiRequests()).some((r) => r.method === "POST" && /billingPolicies/i.test(r.path)) ? true : undefined),
        120_000,
      );
      const running = processesWithMarker(marker);
      // The engine, its language host and program, and the dynamic provider (its shell wrapper and node).
      expect(running.map((p) => p.command).join("\n")).toMatch(/dynamic-provider/);

      process.kill(-up.pid!, "SIGKILL");
      await exited;

      // The dynamic provider (its shell wrapper and node) notices within seconds (the
      // runtime checks every second; the cap only bounds the wait).
      const providers = () => processesWithMarker(marker).filter((p) => /pulumi-resource-pulumi-nodejs|dynamic-provider/.test(p.command));
      const providersLeft = await waitFor("the dynamic provider to exit", () => (providers().length === 0 ? [] : undefined), 30_000).catch(() => providers());
      expect(providersLeft).toEqual([]);
      // Everything else of the run goes too: the language host stops when the engine
      // misses its health check, which it runs once a minute.
      const left = await waitFor("every process of the run to exit", () => (processesWithMarker(marker).length === 0 ? [] : undefined), 150_000).catch(() =>
        processesWithMarker(marker),
      );
      expect(left).toEqual([]);
    } finally {
      // Whatever the outcome, leave nothing behind.
      for (const { pid } of processesWithMarker(marker)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await control.request("PUT", "settings", { billingPolicyProvisioningMs: 1500 });
    }
  }, 300_000);
});
