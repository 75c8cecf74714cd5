/**
 * The real Pulumi engine against the emulator in proxy mode: the program runs
 * with no endpoint override and no authority override, only HTTPS_PROXY, the CA
 * (NODE_EXTRA_CA_CERTS) and AZURE_* credentials, as on a corporate network that
 * reaches Microsoft through a proxy. Both the token requests (@azure/identity)
 * and the API requests of the dynamic provider must go through the proxy: this
 * machine cannot resolve the Microsoft names, so any request that bypassed it
 * would fail.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../emulator/server";
import { EmulatorControl, PulumiProject } from "./harness";

describe("a Pulumi program through HTTPS_PROXY (proxy mode, real host names)", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, proxyPort: 0, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), "pp-e2e-emulator-")) });
    control = new EmulatorControl(emulator.url, emulator.caCertPath);
    await control.request("PUT", "settings", { billingPolicyProvisioningMs: 300 });
    const env: Record<string, string> = {
      ...emulator.proxyEnv!,
      // Whatever the test process has: no override may point the client at the emulator directly.
      POWERPLATFORM_API_URL: "",
      POWERPLATFORM_BAP_URL: "",
      POWERPLATFORM_FLOW_URL: "",
      AZURE_AUTHORITY_HOST: "",
    };
    project = PulumiProject.create("examples/billing-policy", env);
    await project.initStack("e2e", { policyName: "proxy-payg", location: "europe" });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  test("up creates the policy, every request of the provider names a Microsoft host, destroy removes it", async () => {
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    const id = (await project.outputs()).billingPolicyId as string;
    expect(await control.request("GET", `objects/billingPolicies/${id}`)).toMatchObject({ name: "proxy-payg", status: "Enabled" });
    const log = await control.request<{ requests: { host: string; surface: string; method: string; path: string }[] }>("GET", "requests");
    expect([...new Set(log.requests.map((r) => `${r.surface} ${r.host}`))].sort()).toEqual([
      "entra login.microsoftonline.com",
      "powerplatform api.powerplatform.com",
    ]);
    expect(log.requests.some((r) => r.method === "POST" && /\/licensing\/billingPolicies$/i.test(r.path))).toBe(true);

    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    await expect(control.request("GET", `objects/billingPolicies/${id}`)).rejects.toThrow(/404/);
  });
});
