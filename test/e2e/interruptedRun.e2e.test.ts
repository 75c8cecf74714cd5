/**
 * A killed `pulumi up` (process group killed mid-create, as a CI runner that times out
 * does) on the real engine against the emulator, then the commands a pipeline runs:
 *
 *   pulumi cancel --yes            (the DIY backend keeps the dead run's lock)
 *   powerplatform-recover --stack  (imports or clears the pending creates)
 *   pulumi up --yes
 *
 * ends with exactly one object per resource, never two; a pipeline that skips the
 * recovery gets a refusal naming the object and the command, never a duplicate; and a
 * FlowState killed right after it started a flow still restores the flow on destroy.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { EmulatorControl, PulumiProject, repoRoot, runCommand, startTestEmulator } from "./harness";
import type { RunningEmulator } from "../emulator/server";
import { SEED } from "../emulator/seed";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Several runs of the real engine per test, one of them killed mid-create.
jest.setTimeout(180_000);

describe("an interrupted up, recovered", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    project = PulumiProject.create("test/e2e/programs/guarantees", emulator.env);
    await project.initStack("e2e");
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  /** Starts `pulumi up`, waits until `ready` says the create is under way, then kills its whole process group. */
  async function killUpWhen(ready: (requests: Array<{ method: string; path: string }>) => boolean): Promise<void> {
    await control.clearRequests();
    const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], { cwd: project.dir, env: project.env, detached: true, stdio: "ignore" });
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    let seen = false;
    for (let i = 0; i < 600 && !seen; i++) {
      await sleep(200);
      seen = ready(await control.apiRequests());
    }
    expect(seen).toBe(true);
    await sleep(1000);
    process.kill(-child.pid!, "SIGKILL");
    await exited;
  }

  const recover = () =>
    runCommand("node", [path.join(repoRoot, "provider", "bin", "powerplatform-recover.js"), "--stack", "e2e", "--cwd", project.dir], {
      cwd: project.dir,
      env: project.env,
    });
  const named = async (kind: "billingPolicies" | "environments" | "flows", name: string): Promise<string[]> =>
    (await control.request<{ value: Array<{ key: string; value: { name: string; properties?: { displayName?: string } } }> }>("GET", `objects/${kind}`)).value
      .filter((v) => (v.value.properties?.displayName ?? v.value.name) === name)
      .map((v) => v.key);
  const stateIds = async (): Promise<Record<string, string>> => ((await project.outputs()).ids ?? {}) as Record<string, string>;

  test("killed during the policy's and the environment's long creates: cancel, recover, up leave one of each", async () => {
    await control.request("PUT", "settings", { billingPolicyProvisioningMs: 15_000, environmentOperationMs: 15_000 });
    await project.pulumiOk(["config", "set", "policyName", "killed-policy"]);
    await project.pulumiOk(["config", "set", "environmentName", "killed-env"]);
    await project.pulumiOk(["config", "set", "environmentDataverse", "true"]);
    await killUpWhen((r) => r.some((x) => x.method === "POST" && x.path.includes("billingPolicies")) && r.some((x) => x.method === "POST" && x.path.endsWith("/environments")));
    expect(await named("billingPolicies", "killed-policy")).toHaveLength(1);
    expect(await named("environments", "killed-env")).toHaveLength(1);

    // The dead run's lock stays: the rerun is refused and says to cancel.
    const locked = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(locked.code).not.toBe(0);
    expect(locked.output).toContain("pulumi cancel");

    await project.pulumiOk(["cancel", "--yes"]);
    const recovered = await recover();
    expect({ code: recovered.code, output: recovered.output }).toMatchObject({ code: 0 }); // the output shows on failure
    expect(recovered.output).toMatch(/import .*BillingPolicy::policy/);
    expect(recovered.output).toMatch(/import .*Environment::environment/);
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);

    const policies = await named("billingPolicies", "killed-policy");
    const environments = await named("environments", "killed-env");
    expect(policies).toHaveLength(1);
    expect(environments).toHaveLength(1);
    expect(await stateIds()).toMatchObject({ policy: policies[0], environment: environments[0] });
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("a pipeline that skips the recovery gets a refusal naming the object and the command, never a duplicate", async () => {
    await project.pulumiOk(["config", "set", "flowEnvironmentId", SEED.environments.production]);
    await project.pulumiOk(["config", "set", "flowName", "killed-flow"]);
    // The service takes 8 s to answer the flow's create; the run is killed meanwhile.
    await control.request("POST", "faults", { method: "POST", path: "/flows$", delayMs: 8000 });
    await killUpWhen((r) => r.some((x) => x.method === "GET" && x.path.includes("/v2/flows")));
    for (let i = 0; i < 100 && (await named("flows", "killed-flow")).length === 0; i++) await sleep(200);
    const flows = await named("flows", "killed-flow");
    expect(flows).toHaveLength(1);

    await project.pulumiOk(["cancel", "--yes"]);
    const skipped = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(skipped.code).not.toBe(0);
    expect(skipped.output).toContain(flows[0]);
    expect(skipped.output).toContain("powerplatform-recover");
    expect(await named("flows", "killed-flow")).toHaveLength(1);

    // The way out it names works.
    const recovered = await recover();
    if (recovered.code !== 0) console.log(recovered.output);
    expect(recovered.code).toBe(0);
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(await named("flows", "killed-flow")).toEqual(flows);
    expect((await stateIds()).flow).toBe(flows[0]);
  });

  test("a FlowState killed right after starting the flow still restores it on destroy", async () => {
    const flowId = SEED.flows.invoiceApproval; // Stopped in the seed
    await project.pulumiOk(["config", "set", "flowEnvironmentId", SEED.environments.production]);
    await project.pulumiOk(["config", "set", "stateFlowId", flowId]);
    await project.pulumiOk(["config", "set", "flowState", "Started"]);
    // start is held 6 s and then applied; the run is killed while it waits.
    await control.request("POST", "faults", { method: "POST", path: "/start$", delayMs: 6000 });
    // The request log shows a request once answered: check reads the environment's flow list, create
    // the flow's own GET; after that GET, start is on its way.
    await killUpWhen((r) => r.some((x) => x.method === "GET" && x.path.toLowerCase().endsWith(`/flows/${flowId}`)));
    const flow = () => control.request<{ properties: { state: string } }>("GET", `objects/flows/${flowId}`);
    for (let i = 0; i < 100 && (await flow()).properties.state !== "Started"; i++) await sleep(200);
    expect((await flow()).properties.state).toBe("Started");

    await project.pulumiOk(["cancel", "--yes"]);
    const recoveredState = await recover();
    expect({ code: recoveredState.code, output: recoveredState.output }).toMatchObject({ code: 0 }); // the output shows on failure
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect((await stateIds()).flowState).toBe("Stopped");
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect((await flow()).properties.state).toBe("Stopped");
  });
});
