/**
 * A team's state on Azure Blob Storage, with the real Pulumi CLI against Azurite (the
 * Azure Storage emulator, started here on a random port) and the tenant emulator:
 * - `pulumi login azblob://…` and an up whose state lands in the blob container;
 * - two ups of one stack at the same time, from two checkouts: the second is refused by
 *   the backend's lock, the first completes, nothing is lost or made twice;
 * - a tenant split into stacks (shared billing policies in a stack of their own,
 *   one stack per environment linked to them through a StackReference) whose
 *   environment stacks run side by side, as a pipeline matrix runs them.
 *
 * Pulumi's self-managed ("DIY") backend locks a stack by writing
 * `.pulumi/locks/<org>/<project>/<stack>/<id>.json` and refusing to start while another
 * lock file is there ("the stack is currently locked by N lock(s)"):
 * https://www.pulumi.com/docs/iac/concepts/state-and-backends/#using-a-diy-backend
 * (source: pulumi/pulumi pkg/backend/diy/lock.go at v3.276.0).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { type RunningAzurite, startAzurite } from "./azurite";
import { EmulatorControl, PulumiProject, startTestEmulator } from "./harness";

const container = "tenant-state";

interface Listed<T> {
  value: Array<{ key: string; value: T }>;
}

describe("a team's state on Azure Blob Storage (Azurite)", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let azurite: RunningAzurite;
  const projects: PulumiProject[] = [];
  const homes: string[] = [];

  beforeAll(async () => {
    [{ emulator, control }, azurite] = await Promise.all([startTestEmulator(), startAzurite()]);
    await control.request("PUT", "settings", { billingPolicyProvisioningMs: 300, environmentOperationMs: 300, retryAfterSeconds: 0 });
    await azurite.createContainer(container);
  }, 120_000);

  afterAll(async () => {
    for (const project of projects) project.cleanup();
    for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
    await azurite?.stop();
    await emulator?.stop();
  });

  /**
   * A checkout of `source` (or of the root program) as one machine of the team has it: its
   * own Pulumi home (where `pulumi login` is remembered), logged in to the shared container.
   */
  async function checkout(source: string | "root"): Promise<PulumiProject> {
    const project = source === "root" ? PulumiProject.createRootProgram(emulator.env) : PulumiProject.create(source, emulator.env);
    projects.push(project);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "pp-pulumi-home-"));
    homes.push(home);
    delete project.env.PULUMI_BACKEND_URL; // the backend is the one `pulumi login` chose
    Object.assign(project.env, { PULUMI_HOME: home }, azurite.credentialsEnv);
    const login = await project.pulumiOk(["login", azurite.backendUrl(container)]);
    expect(login.output).toContain(`azblob://${container}`);
    return project;
  }

  const blobs = (prefix = "") => azurite.listBlobs(container, prefix);
  const locks = () => blobs(".pulumi/locks/");

  test("pulumi login azblob://… keeps the stack's state in the blob container", async () => {
    const project = await checkout("examples/billing-policy");
    await project.initStack("team", { policyName: "team-payg", location: "europe" });
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const { billingPolicyId } = await project.outputs();
    expect(billingPolicyId).toMatch(/^[0-9a-f-]{36}$/);

    const whoami = await project.pulumiOk(["whoami", "--verbose"]);
    expect(whoami.output).toMatch(/Backend URL: azblob:\/\/tenant-state/);

    expect(await blobs(".pulumi/stacks/")).toContain(".pulumi/stacks/example-billing-policy/team.json");
    const state = JSON.parse(await azurite.getBlob(container, ".pulumi/stacks/example-billing-policy/team.json")) as {
      checkpoint: { latest: { resources: Array<{ type: string; outputs?: { billingPolicyId?: string } }> } };
    };
    const policies = state.checkpoint.latest.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic") && r.outputs?.billingPolicyId);
    expect(policies.map((r) => r.outputs!.billingPolicyId)).toEqual([billingPolicyId]);
    // The storage key signs requests; it is never written into the state.
    expect(JSON.stringify(state)).not.toContain(azurite.credentialsEnv.AZURE_STORAGE_KEY);
    // The update released its lock.
    expect(await locks()).toEqual([]);
  }, 180_000);

  test("two ups of one stack at once: the second is refused by the lock, the first completes, nothing lost", async () => {
    const first = await checkout("examples/billing-policy");
    await first.initStack("locked", { policyName: "team-shared", location: "unitedstates" });
    // The second machine has the same repository: the same stack config file.
    const second = await checkout("examples/billing-policy");
    fs.copyFileSync(path.join(first.dir, "Pulumi.locked.yaml"), path.join(second.dir, "Pulumi.locked.yaml"));
    await second.pulumiOk(["stack", "select", "locked"]);

    // The first up holds the stack while its billing policy provisions: it is held in
    // Provisioning until the second up has been turned away, then released.
    await control.request("PUT", "settings", { billingPolicyProvisioningMs: 3_600_000 });
    const firstUp = first.pulumi(["up", "--yes", "--skip-preview"]);
    const policy = await waitFor(async () => {
      const all = await control.request<Listed<{ id: string; name: string; status: string }>>("GET", "objects/billingPolicies");
      return all.value.map((p) => p.value).find((p) => p.name === "team-shared");
    });
    expect(policy.status).toBe("Provisioning");
    const held = await locks();
    expect(held).toHaveLength(1);
    expect(held[0]).toMatch(/^\.pulumi\/locks\/organization\/example-billing-policy\/locked\/[^/]+\.json$/);

    await control.clearRequests();
    const refused = await second.pulumi(["up", "--yes", "--skip-preview"]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/the stack is currently locked by 1 lock\(s\)/);
    expect(refused.output).toContain(held[0]); // names the lock to look at (or `pulumi cancel`)
    // Turned away before its program ran: it never reached the tenant.
    expect((await control.apiRequests()).filter((r) => r.method !== "GET")).toEqual([]);

    await control.request("PATCH", `objects/billingPolicies/${policy.id}`, { _readyAt: 0 });
    await control.request("PUT", "settings", { billingPolicyProvisioningMs: 300 });
    const completed = await firstUp;
    expect(completed.code).toBe(0);
    expect(await locks()).toEqual([]);

    // Nothing lost, nothing twice: one policy in the state, one in the tenant, and the
    // second machine now sees the first one's result (its up has nothing to do).
    const state = JSON.parse(await second.stackExport()) as { deployment: { resources: Array<{ type: string; urn: string }> } };
    expect(state.deployment.resources.filter((r) => r.urn.endsWith("::contoso-payg"))).toHaveLength(1);
    const all = await control.request<Listed<{ name: string; status: string }>>("GET", "objects/billingPolicies");
    expect(all.value.filter((p) => p.value.name === "team-shared").map((p) => p.value.status)).toEqual(["Enabled"]);
    await second.pulumiOk(["up", "--yes", "--expect-no-changes"]);
    expect((await first.outputs()).billingPolicyId).toBe(policy.id);
  }, 240_000);

  test("a tenant split into stacks: shared billing policies, one stack per environment, run side by side", async () => {
    const tenants = "examples/team-state/tenants";
    const billing = await checkout("root");
    await billing.initStack("billing", { tenantFile: `${tenants}/billing.yaml` });
    await billing.pulumiOk(["up", "--yes", "--skip-preview"]);
    const { managed } = (await billing.outputs()) as { managed: { billingPolicies: Record<string, { id: string }> } };
    expect(Object.keys(managed.billingPolicies).sort()).toEqual(["payg-europe", "payg-us"]);

    const environmentStack = async (stack: string, policyKey: string) => {
      const project = await checkout("root");
      await project.initStack(stack, { tenantFile: `${tenants}/${stack}.yaml`, sharedBillingStack: "organization/powerplatform-tenant/billing" });
      await project.pulumiOk(["config", "set", "--path", `billedBy.${stack}`, policyKey]);
      return project;
    };
    const [sales, support] = await Promise.all([environmentStack("sales", "payg-us"), environmentStack("support", "payg-europe")]);

    // Side by side, as the jobs of a pipeline matrix: each stack has its own lock.
    const [salesUp, supportUp] = await Promise.all([sales.pulumi(["up", "--yes", "--skip-preview"]), support.pulumi(["up", "--yes", "--skip-preview"])]);
    expect(salesUp.output).not.toMatch(/locked/);
    expect(salesUp.code).toBe(0);
    expect(supportUp.code).toBe(0);

    const environmentId = async (project: PulumiProject, key: string) =>
      ((await project.outputs()) as { managed: { environments: Record<string, { id: string }> } }).managed.environments[key].id;
    const links = await control.request<Listed<{ billingPolicyId: string; environmentId: string }>>("GET", "objects/billingPolicyLinks");
    expect(links.value.map((l) => l.value)).toEqual(
      expect.arrayContaining([
        { billingPolicyId: managed.billingPolicies["payg-us"].id, environmentId: await environmentId(sales, "sales") },
        { billingPolicyId: managed.billingPolicies["payg-europe"].id, environmentId: await environmentId(support, "support") },
      ]),
    );
    expect(await blobs(".pulumi/stacks/powerplatform-tenant/")).toEqual(
      expect.arrayContaining([".pulumi/stacks/powerplatform-tenant/billing.json", ".pulumi/stacks/powerplatform-tenant/sales.json", ".pulumi/stacks/powerplatform-tenant/support.json"]),
    );
    expect(await locks()).toEqual([]);
    // The StackReference reads the same outputs again: a refresh finds nothing to change.
    await sales.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);

    // Relinking to another policy replaces the link: the guard against mass deletion counts
    // the shared links too, and wants that deletion allowed.
    await sales.pulumiOk(["config", "set", "--path", "billedBy.sales", "payg-asia"]);
    const guarded = await sales.pulumi(["preview"]);
    expect(guarded.code).not.toBe(0);
    expect(guarded.output).toMatch(/refusing to delete 1 of the 2 objects this stack manages .*BillingPolicyEnvironment\/payg-us--sales/);
    // Allowed, a policy key the shared stack does not publish fails, naming the stack and what it has.
    await sales.pulumiOk(["config", "set", "allowDeletions", "1"]);
    const wrong = await sales.pulumi(["preview"]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toMatch(/stack organization\/powerplatform-tenant\/billing publishes no billing policy "payg-asia" \(it has: payg-(us|europe), payg-(us|europe)\)/);
    // A shared policy of another location than the environment is refused before any link is made.
    await sales.pulumiOk(["config", "set", "--path", "billedBy.sales", "payg-europe"]);
    await control.clearRequests();
    const elsewhere = await sales.pulumi(["up", "--yes", "--skip-preview"]);
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.output).toMatch(/environment "sales" is in unitedstates but policy "payg-europe" of organization\/powerplatform-tenant\/billing is in europe/);
    expect((await control.apiRequests()).filter((r) => r.method !== "GET")).toEqual([]);
  }, 300_000);
});

/** Polls `probe` until it yields a value (the jest timeout bounds the wait). */
async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
