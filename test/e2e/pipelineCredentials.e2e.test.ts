/**
 * Federated credentials that live as long as the run, on the real Pulumi engine:
 * the emulator plays the CI runner's OIDC endpoint and hands out ID tokens that
 * expire within seconds (setting runnerIdTokenLifetimeSeconds), access tokens are
 * short-lived (tokenLifetimeSeconds, below the 5-minute refresh margin, so every
 * request needs a fresh token), and an environment with Dataverse takes about a
 * minute to create (environmentOperationMs). The provider must ask the runner for a
 * new assertion each time Entra needs one.
 *
 * Negative control: the old workflows' approach (one assertion written once to
 * AZURE_FEDERATED_TOKEN_FILE) fails the same run with AADSTS700024, as issue 10
 * reported it against the real service.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { SEED } from "../emulator/seed";
import { azurePipelinesEnv, githubActionsEnv, RUNNERS } from "../emulator/surfaces/pipelineOidc";
import { EmulatorControl, PulumiProject, startTestEmulator } from "./harness";

interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  surface: string;
  time: string;
}

const OPERATION_MS = 60_000;
const ASSERTION_SECONDS = 15;

describe("federated credentials during a one-minute up", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  const projects: PulumiProject[] = [];

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    await control.request("PUT", "settings", {
      environmentOperationMs: OPERATION_MS,
      runnerIdTokenLifetimeSeconds: ASSERTION_SECONDS,
      tokenLifetimeSeconds: 120,
    });
  }, 60_000);

  afterAll(async () => {
    for (const p of projects) p.cleanup();
    await emulator?.stop();
  });

  /** The emulator's env with the federated app's ids and no client secret. */
  const federatedEnv = (extra: Record<string, string>): Record<string, string> => ({
    ...emulator.env,
    AZURE_CLIENT_ID: SEED.federatedApp.clientId,
    AZURE_CLIENT_SECRET: "",
    ...extra,
  });

  async function dataverseProject(env: Record<string, string>, name: string): Promise<PulumiProject> {
    const project = PulumiProject.create("examples/environment", env);
    projects.push(project);
    await project.initStack("e2e", { displayName: name, location: "europe", dataverse: "true", domainName: name });
    return project;
  }

  const requests = async () => (await control.request<{ requests: LoggedRequest[] }>("GET", "requests")).requests;
  const tokenRequests = (log: LoggedRequest[]) => log.filter((r) => /\/oauth2\/v2\.0\/token$/.test(r.path));

  test("GitHub Actions: a fresh assertion from the runner each time, the up succeeds", async () => {
    const project = await dataverseProject(federatedEnv(githubActionsEnv(emulator.url)), "e2e-github-oidc");
    await control.clearRequests();
    const result = await project.pulumi(["up", "--yes", "--skip-preview"]);
    const log = await requests();
    expect(result.output).not.toMatch(/AADSTS/);
    expect(result.code).toBe(0);
    // The emulator serves each Dataverse instance at https://{domain}.crm.localhost:PORT/ in its default mode.
    expect((await project.outputs()).instanceUrl).toMatch(/^https:\/\/e2e-github-oidc\.crm\.localhost:\d+\/$/);

    const assertions = log.filter((r) => r.path.endsWith(`/jobs/${RUNNERS.github.job}/idtoken`));
    expect(assertions.length).toBeGreaterThan(1);
    expect(assertions.every((r) => r.status === 200)).toBe(true);
    // every token request was answered, and each needed its own assertion
    const tokens = tokenRequests(log);
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.every((r) => r.status === 200)).toBe(true);
    // never more than one runner call per token request (MSAL asks twice; see reuseWhileFresh)
    expect(assertions.length).toBeLessThanOrEqual(tokens.length);
    // the run needed tokens over a span no single assertion covers
    const span = Date.parse(tokens[tokens.length - 1]!.time) - Date.parse(tokens[0]!.time);
    expect(span).toBeGreaterThan(ASSERTION_SECONDS * 1000);
    const polls = log.filter((r) => /lifecycleOperations\//.test(r.path));
    expect(polls.length).toBeGreaterThan(1);
  }, 300_000);

  test("negative control: one assertion written once to AZURE_FEDERATED_TOKEN_FILE dies mid-run with AADSTS700024", async () => {
    const project = await dataverseProject(federatedEnv({}), "e2e-token-file");
    // What the old workflows did: curl the runner once, write the token to a file.
    const runner = githubActionsEnv(emulator.url);
    const once = await control.request<{ token: string }>("POST", "federated-token", {
      lifetimeSeconds: ASSERTION_SECONDS,
      audience: "api://AzureADTokenExchange",
    });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pp-oidc-")), "oidc-token");
    fs.writeFileSync(file, once.token);
    expect(runner.ACTIONS_ID_TOKEN_REQUEST_URL).toContain("/idtoken"); // same runner, same settings as above
    await control.clearRequests();
    const result = await project.pulumi(["up", "--yes", "--skip-preview"], { env: { AZURE_FEDERATED_TOKEN_FILE: file } });
    const log = await requests();
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/AADSTS700024/);
    // the same file worked at first: the create was accepted before the assertion expired
    expect(log.some((r) => r.method === "POST" && /Microsoft\.BusinessAppPlatform\/environments$/.test(r.path) && r.status === 202)).toBe(true);
    expect(tokenRequests(log).some((r) => r.status === 200)).toBe(true);
    expect(tokenRequests(log).some((r) => r.status === 400)).toBe(true);
    // and no fresh assertion was ever requested
    expect(log.filter((r) => r.path.endsWith("/idtoken"))).toHaveLength(0);
  }, 300_000);

  test("Azure Pipelines: AzurePipelinesCredential asks the service connection for a fresh assertion, the up succeeds", async () => {
    // Only what an AzureCLI@2 step with the service connection and SYSTEM_ACCESSTOKEN in env: sees.
    const env = { ...federatedEnv(azurePipelinesEnv(emulator.url)), AZURE_CLIENT_ID: "", AZURE_TENANT_ID: "" };
    const project = await dataverseProject(env, "e2e-ado-oidc");
    await control.clearRequests();
    const result = await project.pulumi(["up", "--yes", "--skip-preview"]);
    const log = await requests();
    expect(result.output).not.toMatch(/AADSTS/);
    expect(result.code).toBe(0);
    const assertions = log.filter((r) => r.path.endsWith(`/jobs/${RUNNERS.azureDevOps.job}/oidctoken`));
    expect(assertions.length).toBeGreaterThan(1);
    expect(assertions.every((r) => r.status === 200)).toBe(true);
    const tokens = tokenRequests(log);
    expect(tokens.every((r) => r.status === 200)).toBe(true);
    expect(Date.parse(tokens[tokens.length - 1]!.time) - Date.parse(tokens[0]!.time)).toBeGreaterThan(ASSERTION_SECONDS * 1000);
  }, 300_000);
});
