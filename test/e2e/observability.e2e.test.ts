/**
 * What a user sees on the real engine (issue 10): a long wait reports its progress in
 * `pulumi up`'s output; throttling is said once; POWERPLATFORM_LOG=debug logs every
 * request with its request id and no token or secret; credentials and endpoints come
 * from the `powerplatform:*` stack configuration (the client secret a Pulumi secret that
 * never lands in the state, the logs or an error); tenant-file problems of both kinds are
 * reported together, one line each, without a stack trace.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SEED } from "../emulator/seed";
import type { RunningEmulator } from "../emulator/server";
import { EmulatorControl, PulumiProject, repoRoot, startTestEmulator } from "./harness";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const SECRET = SEED.admin.clientSecret;

/** The lines of the "Diagnostics:" section (each message once, unlike the live display). */
function diagnostics(output: string): string[] {
  const start = output.indexOf("\nDiagnostics:");
  expect(start).toBeGreaterThanOrEqual(0);
  const end = output.indexOf("\nResources:", start);
  return output.slice(start, end < 0 ? undefined : end).split("\n");
}

/** Lines of a JavaScript stack trace (`    at fn (file:line:col)`, `    at file:line:col`). */
const stackLine = /^\s*at (\S+ \()?(\/|node:|file:|<anonymous>)[^)]*:\d+(:\d+)?\)?\s*$/;

describe("progress, request logs and throttling in pulumi up's output", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    // A lifecycle operation of 20 s: polls at ~2, 5, 9.5 and 16 s find it Running, the next one done.
    await control.request("PUT", "settings", { environmentOperationMs: 20_000 });
    project = PulumiProject.create("examples/environment", emulator.env);
    await project.initStack("e2e", { displayName: "e2e-progress", description: "progress", location: "europe", environmentSku: "Sandbox" });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  test("a long create shows its progress, says throttling once and, in debug, logs each request without a secret", async () => {
    // Three polls of the operation answer 429 (Retry-After 1 s): retried, and said once.
    await control.request("POST", "faults", { method: "GET", path: "lifecycleOperations", status: 429, retryAfter: 1, times: 3 });
    const up = await project.pulumi(["up", "--yes", "--skip-preview"], { env: { POWERPLATFORM_LOG: "debug" } });
    expect(up.code).toBe(0);
    const lines = diagnostics(up.output);

    const waiting = lines.filter((l) => /creating Environment "e2e-progress": waiting for the environment lifecycle operation, status Running, \d+ s elapsed/.test(l));
    expect(waiting.length).toBeGreaterThanOrEqual(1);
    // The first progress line comes after 10 s, not before.
    expect(Number(/status Running, (\d+) s elapsed/.exec(waiting[0]!)![1])).toBeGreaterThanOrEqual(10);
    expect(lines.filter((l) => /creating Environment "e2e-progress": environment lifecycle operation over after \d+ s \(Succeeded\)/.test(l))).toHaveLength(1);

    const throttled = lines.filter((l) => l.includes("the service is throttling requests (HTTP 429)"));
    expect(throttled).toHaveLength(1);
    expect(throttled[0]).toContain('creating Environment "e2e-progress"');

    const requestLine = new RegExp(
      `\\[powerplatform\\] POST /providers/Microsoft\\.BusinessAppPlatform/environments\\?api-version=[\\d-]+ → 202 in \\d+ ms \\(request id ${UUID}, correlation id ${UUID}\\)`,
    );
    expect(lines.some((l) => requestLine.test(l))).toBe(true);
    expect(lines.filter((l) => /\[powerplatform\] GET \/providers\/Microsoft\.BusinessAppPlatform\/lifecycleOperations\/\S+ → 429 in/.test(l))).toHaveLength(3);

    expect(up.output).not.toContain(SECRET);
    expect(up.output).not.toMatch(/Bearer\s+(?!\[REDACTED\])\S/);
    expect(up.output).not.toMatch(/eyJ[A-Za-z0-9_-]{4,}\./);
  }, 240_000);

  test("without POWERPLATFORM_LOG=debug no request is logged", async () => {
    await project.pulumiOk(["config", "set", "description", "progress, quietly"]);
    const up = await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(up.output).not.toContain("[powerplatform]");
  }, 240_000);
});

describe("credentials and endpoints from the powerplatform:* stack configuration", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;
  /** The environment without any credential or endpoint: only stack config provides them. */
  let bareEnv: Record<string, string>;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    bareEnv = { AZURE_TENANT_ID: "", AZURE_CLIENT_ID: "", AZURE_CLIENT_SECRET: "", POWERPLATFORM_API_URL: "", POWERPLATFORM_BAP_URL: "", POWERPLATFORM_FLOW_URL: "" };
    project = PulumiProject.create("examples/billing-policy", emulator.env);
    await project.initStack("e2e", {
      policyName: "config-payg",
      "powerplatform:tenantId": SEED.tenantId,
      "powerplatform:clientId": SEED.admin.clientId,
      "powerplatform:apiUrl": emulator.env.POWERPLATFORM_API_URL!,
      "powerplatform:bapUrl": emulator.env.POWERPLATFORM_BAP_URL!,
      "powerplatform:flowUrl": emulator.env.POWERPLATFORM_FLOW_URL!,
    });
    await project.pulumiOk(["config", "set", "--secret", "powerplatform:clientSecret", SECRET]);
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  test("the secret set with `pulumi config set --secret` signs in, is in the state only as an encrypted secret, and not in the verbose logs", async () => {
    expect(fs.readFileSync(path.join(project.dir, "Pulumi.e2e.yaml"), "utf8")).not.toContain(SECRET);
    await control.clearRequests();
    const up = await project.pulumi(["up", "--yes", "--skip-preview", "-v=9", "--logtostderr"], { env: bareEnv });
    expect(up.code).toBe(0);
    expect((await control.apiRequests()).some((r) => r.method === "POST" && /billingpolicies/i.test(r.path))).toBe(true);
    expect(up.output).not.toContain(SECRET);

    // The state holds it only as Pulumi holds any secret provider configuration: encrypted, in the
    // inputs of the default pulumi-nodejs provider (the engine records the stack configuration there).
    expect((await project.pulumiOk(["stack", "export"])).stdout).not.toContain(SECRET);
    const decrypted = JSON.parse(await project.stackExport()) as { deployment: { resources: Array<{ type: string; inputs?: Record<string, unknown> }> } };
    for (const resource of decrypted.deployment.resources) {
      if (resource.type === "pulumi:providers:pulumi-nodejs") {
        expect(resource.inputs?.["powerplatform:clientSecret"]).toEqual({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(SECRET) });
      } else {
        expect(JSON.stringify(resource)).not.toContain(SECRET);
      }
    }
  }, 240_000);

  test("stack config wins over the environment, and a failed sign-in does not show the secret", async () => {
    // The environment names the admin app; the stack names another app: the stack's wins, so Entra refuses.
    await project.pulumiOk(["config", "set", "policyName", "config-payg-2"]);
    await project.pulumiOk(["config", "set", "powerplatform:clientId", SEED.certificateApp.clientId]);
    const up = await project.pulumi(["up", "--yes", "--skip-preview"], { env: { ...bareEnv, AZURE_CLIENT_ID: SEED.admin.clientId } });
    expect(up.code).not.toBe(0);
    expect(up.output).toMatch(/AADSTS/);
    expect(up.output).not.toContain(SECRET);
    await project.pulumiOk(["config", "set", "powerplatform:clientId", SEED.admin.clientId]);
  }, 240_000);
});

describe("tenant-file problems on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;
  const files = fs.mkdtempSync(path.join(os.tmpdir(), "pp-clean-failures-"));

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    project = PulumiProject.createRootProgram(emulator.env);
    await project.initStack("e2e");
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  test("schema and reference problems are reported together, one line each, with no stack trace or object dump", async () => {
    const sample = fs.readFileSync(path.join(repoRoot, "tenants", "demo.yaml"), "utf8");
    const broken = sample.replace("environmentSku: Sandbox", "environmentSku: Premium").replace("environments: [sales]", "environments: [marketing]");
    expect(broken).not.toBe(sample);
    const file = path.join(files, "broken.yaml");
    fs.writeFileSync(file, broken);
    await project.pulumiOk(["config", "set", "tenantFile", file]);
    await control.clearRequests();

    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    const lines = diagnostics(preview.output);
    const schema = /broken\.yaml:\d+:\d+ at \/environments\/support-sandbox\/environmentSku: must be one of Production, Sandbox, Trial, Developer \(enum\)/;
    const reference = /broken\.yaml:\d+:\d+ at \/billingPolicies\/payg-us\/environments\/0: "marketing" is neither an environment declared/;
    expect(lines.filter((l) => schema.test(l))).toHaveLength(1);
    expect(lines.filter((l) => reference.test(l))).toHaveLength(1);
    expect(preview.output.split("\n").filter((l) => stackLine.test(l))).toEqual([]);
    expect(preview.output).not.toMatch(/TenantFileError|problems: \[|\{\s*path:/);
    expect(await control.apiRequests()).toHaveLength(0);
  }, 240_000);
});
