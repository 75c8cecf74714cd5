/**
 * The three packages as another repository uses them: `npm pack` of the provider, the
 * policy pack and the tenant program (scripts/pack.sh), `npm install` of the tarballs
 * into a fresh project outside the repository (os.tmpdir(), so nothing resolves from the
 * workspace), then, against the emulator: `pulumi up` of a tiny program that calls
 * declareTenantFromFile, `pulumi preview --policy-pack` with the installed pack, and
 * `npx powerplatform-drift`. Also: what the tarballs hold (README, LICENSE, CHANGELOG, no
 * source map pointing at a file not shipped, a peer range for @pulumi/pulumi, one copy of
 * it once installed), and that every subpath export type-checks under
 * `moduleResolution` node16 and node (node10).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { type CommandResult, EmulatorControl, repoRoot, requireEngine, runCommand, startTestEmulator } from "./harness";

const packages = {
  provider: { dir: "provider", name: "@powerplatform-iac/provider" },
  policies: { dir: "policies", name: "@powerplatform-iac/policies" },
  tenant: { dir: "program", name: "@powerplatform-iac/tenant" },
} as const;
type PackageKey = keyof typeof packages;

/** The versions this repository pins (root package.json): the consumer installs the same, from the same npm cache. */
const pinned = (JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies;

/** One command's limit: well under the hooks' and tests' timeouts, so that a hung command fails with its output. */
const commandDeadlineMs = 120_000;

const tenantFile = `# yaml-language-server: $schema=../node_modules/@powerplatform-iac/tenant/schema/tenant.schema.json
billingPolicies:
  payg-europe:
    name: payg-europe
    location: europe
    billingInstrument:
      subscriptionId: 11111111-2222-3333-4444-555555555555
      resourceGroup: rg-powerplatform-billing
    environments: [support-sandbox]
environments:
  support-sandbox:
    displayName: Support sandbox
    location: europe
    environmentSku: Sandbox
flows: {}
`;

/** The program a user writes: the tenant file named by the stack config, as in the package's README. */
const program = `import * as pulumi from "@pulumi/pulumi";
import { declareTenantFromFile } from "@powerplatform-iac/tenant";

const tenantFile = new pulumi.Config().get("tenantFile") ?? \`tenants/\${pulumi.getStack()}.yaml\`;
export = async () => declareTenantFromFile(tenantFile);
`;

/** Imports every subpath export of the three packages, with a use of each so that a missing type fails. */
const everySubpath = `import { BillingPolicy, Environment } from "@powerplatform-iac/provider";
import * as client from "@powerplatform-iac/provider/client";
import * as drift from "@powerplatform-iac/provider/drift";
import * as runtime from "@powerplatform-iac/provider/runtime";
import providerManifest from "@powerplatform-iac/provider/package.json";
import { policies } from "@powerplatform-iac/policies/rules";
import * as resourceTypes from "@powerplatform-iac/policies/resource-types";
import policiesManifest from "@powerplatform-iac/policies/package.json";
import { declareTenantFromFile, loadTenantFile, type TenantFile } from "@powerplatform-iac/tenant";
import schema from "@powerplatform-iac/tenant/tenant.schema.json";
import tenantManifest from "@powerplatform-iac/tenant/package.json";

export const checks: unknown[] = [BillingPolicy, Environment, client, drift, runtime, resourceTypes, schema.$schema];
export const ruleNames: string[] = policies.map((p) => p.name);
export const versions: string[] = [providerManifest.version, policiesManifest.version, tenantManifest.version];
export const declare: (file: string) => Promise<{ tenantFileUsed: string }> = declareTenantFromFile;
export const load: (file: string, baseDir: string) => TenantFile = loadTenantFile;
`;

describe("the packages, packed and installed into a project outside the repository", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pp-packages-"));
  const tarballDir = path.join(work, "tarballs");
  const project = path.join(work, "consumer");
  const backendDir = path.join(work, "backend");
  const tarballs = {} as Record<PackageKey, string>;
  let env: NodeJS.ProcessEnv;

  const inProject = (command: string, args: string[]) => runCommand(command, args, { cwd: project, env, deadlineMs: commandDeadlineMs });
  const pulumi = (...args: string[]) => inProject("pulumi", [...args, "--non-interactive", "--color", "never"]);
  const ok = (result: CommandResult, what: string): CommandResult => {
    if (result.code !== 0) throw new Error(`${what} exited ${result.code}\n${result.output}`);
    return result;
  };
  const installedPack = () => path.join(project, "node_modules", ...packages.policies.name.split("/"));
  const tarballEntries = (key: PackageKey): string[] => {
    const listing = spawnSync("tar", ["tzf", tarballs[key]], { encoding: "utf8" });
    if (listing.status !== 0) throw new Error(`tar tzf ${tarballs[key]} exited ${listing.status}: ${listing.stderr}`);
    return listing.stdout
      .split("\n")
      .filter(Boolean)
      .map((entry) => entry.replace(/^package\//, ""));
  };

  beforeAll(async () => {
    requireEngine();
    fs.mkdirSync(tarballDir);
    const packed = ok(await runCommand("bash", [path.join(repoRoot, "scripts", "pack.sh"), tarballDir], { cwd: repoRoot, env: process.env, deadlineMs: commandDeadlineMs }), "scripts/pack.sh");
    for (const [key, { name }] of Object.entries(packages) as Array<[PackageKey, { name: string }]>) {
      const file = packed.stdout.split("\n").find((line) => path.basename(line).startsWith(`${name.replace("@", "").replace("/", "-")}-`));
      if (!file) throw new Error(`scripts/pack.sh did not print a tarball for ${name}:\n${packed.output}`);
      tarballs[key] = file.trim();
    }

    ({ emulator, control } = await startTestEmulator());
    fs.mkdirSync(project);
    fs.mkdirSync(backendDir);
    env = {
      ...process.env,
      ...emulator.env,
      PULUMI_BACKEND_URL: `file://${backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: "packages-e2e",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      NO_COLOR: "1",
    };
    // A project as `pulumi new typescript` makes it, with the three packages from their tarballs.
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify(
        {
          name: "contoso-tenant",
          private: true,
          main: "index.ts",
          dependencies: {
            "@pulumi/pulumi": pinned["@pulumi/pulumi"],
            [packages.provider.name]: `file:${tarballs.provider}`,
            [packages.tenant.name]: `file:${tarballs.tenant}`,
          },
          devDependencies: {
            [packages.policies.name]: `file:${tarballs.policies}`,
            "@types/node": pinned["@types/node"],
            typescript: pinned.typescript,
          },
        },
        null,
        2,
      ),
    );
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: contoso-tenant\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
    fs.writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true, skipLibCheck: true }, files: ["index.ts"] }),
    );
    fs.writeFileSync(path.join(project, "index.ts"), program);
    fs.mkdirSync(path.join(project, "tenants"));
    fs.writeFileSync(path.join(project, "tenants", "dev.yaml"), tenantFile);
    // The same npm cache as the repository's install; the registry is asked only for what it lacks.
    ok(await inProject("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"]), "npm install");
    ok(await pulumi("stack", "init", "dev"), "pulumi stack init");
  }, 300_000);

  afterAll(async () => {
    await emulator?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test.each(Object.keys(packages) as PackageKey[])("the %s tarball: README, LICENSE, CHANGELOG, a peer range for @pulumi/pulumi, no map without its source", (key) => {
    const entries = tarballEntries(key);
    expect(entries).toEqual(expect.arrayContaining(["package.json", "README.md", "LICENSE", "CHANGELOG.md"]));
    expect(fs.readFileSync(path.join(repoRoot, packages[key].dir, "LICENSE"), "utf8")).toContain("Apache License");
    expect(entries.filter((e) => e.endsWith(".tsbuildinfo"))).toEqual([]);

    const manifest = JSON.parse(fs.readFileSync(path.join(project, "node_modules", ...packages[key].name.split("/"), "package.json"), "utf8"));
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.license).toBe("Apache-2.0");
    expect(manifest.peerDependencies).toEqual({ "@pulumi/pulumi": expect.stringMatching(/^\^3\.\d+\.\d+$/) });
    expect(manifest.dependencies?.["@pulumi/pulumi"]).toBeUndefined();
    expect(manifest.scripts.prepack).toMatch(/tsc/);

    // Every source map's sources are in the tarball (a map pointing at a missing file breaks debuggers and stack traces).
    const missing: string[] = [];
    for (const map of entries.filter((e) => e.endsWith(".map"))) {
      const installed = path.join(project, "node_modules", ...packages[key].name.split("/"), map);
      const { sources } = JSON.parse(fs.readFileSync(installed, "utf8")) as { sources: string[] };
      for (const source of sources) {
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(map), source));
        if (!entries.includes(resolved)) missing.push(`${map} -> ${source}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test("packing leaves no compiled tenant program in program/ (Pulumi pointed at the directory would run it)", () => {
    expect(fs.existsSync(path.join(repoRoot, "program", "dist"))).toBe(false);
    expect(fs.existsSync(path.join(repoRoot, "program", "schema"))).toBe(false);
    expect(tarballEntries("tenant")).toEqual(expect.arrayContaining(["dist/declareTenantFromFile.js", "dist/declareTenantFromFile.d.ts", "schema/tenant.schema.json"]));
  });

  test("the installed project holds one copy of @pulumi/pulumi", () => {
    const copies: string[] = [];
    const walk = (dir: string) => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir)) {
        const full = path.join(dir, entry);
        if (entry.startsWith("@")) {
          walk(full);
          continue;
        }
        if (full.endsWith(path.join("@pulumi", "pulumi"))) copies.push(path.relative(project, full));
        walk(path.join(full, "node_modules"));
      }
    };
    walk(path.join(project, "node_modules"));
    expect(copies).toEqual([path.join("node_modules", "@pulumi", "pulumi")]);
  });

  test("pulumi up applies the tenant file through declareTenantFromFile", async () => {
    ok(await pulumi("up", "--yes", "--skip-preview"), "pulumi up");
    const outputs = JSON.parse(ok(await pulumi("stack", "output", "--json"), "pulumi stack output").stdout) as {
      tenantFileUsed: string;
      managed: { billingPolicies: Record<string, { id: string; status: string }>; environments: Record<string, { id: string; sku: string }>; billingLinks: number };
    };
    expect(outputs.tenantFileUsed).toBe("tenants/dev.yaml");
    expect(outputs.managed.billingLinks).toBe(1);
    expect(outputs.managed.environments["support-sandbox"].sku).toBe("Sandbox");
    const policy = await control.request<{ name: string; status: string }>("GET", `objects/billingPolicies/${outputs.managed.billingPolicies["payg-europe"].id}`);
    expect(policy).toMatchObject({ name: "payg-europe", status: "Enabled" });
  }, 180_000);

  test("pulumi preview --policy-pack with the installed pack: a compliant file passes, a violation blocks", async () => {
    const pass = ok(await pulumi("preview", "--policy-pack", installedPack()), "pulumi preview --policy-pack");
    expect(pass.output).toContain("powerplatform-governance");
    expect(pass.output).not.toMatch(/\[mandatory\]/);

    fs.writeFileSync(path.join(project, "tenants", "usgov.yaml"), tenantFile.replaceAll("location: europe", "location: usgov"));
    ok(await pulumi("config", "set", "tenantFile", "tenants/usgov.yaml"), "pulumi config set");
    try {
      const blocked = await pulumi("preview", "--policy-pack", installedPack());
      expect(blocked.code).not.toBe(0);
      expect(blocked.output).toMatch(/\[mandatory\].*billing-policy-allowed-locations/);
    } finally {
      ok(await pulumi("config", "rm", "tenantFile"), "pulumi config rm");
    }
  }, 180_000);

  test("npx powerplatform-drift: no drift after up, then a hand-made change named by property", async () => {
    const drift = (...args: string[]) => inProject("npx", ["powerplatform-drift", "--stack", "dev", "--cwd", project, ...args]);
    const clean = await drift();
    expect(clean.output).toContain("No drift: stack dev matches the tenant");
    expect(clean.code).toBe(0);

    const outputs = JSON.parse(ok(await pulumi("stack", "output", "--json"), "pulumi stack output").stdout) as { managed: { billingPolicies: Record<string, { id: string }> } };
    await control.request("PATCH", `objects/billingPolicies/${outputs.managed.billingPolicies["payg-europe"].id}`, { status: "Disabled" });
    const drifted = await drift();
    expect(drifted.code).toBe(2);
    expect(drifted.stdout).toContain('status: "Enabled" -> "Disabled"');
  }, 180_000);

  test.each([
    ["node16", { module: "node16", moduleResolution: "node16" }],
    ["node (node10)", { module: "commonjs", moduleResolution: "node" }],
  ])("every subpath export type-checks with moduleResolution %s, from the declarations", async (_name, options) => {
    const dir = fs.mkdtempSync(path.join(project, "types-"));
    fs.writeFileSync(path.join(dir, "check.ts"), everySubpath);
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { ...options, target: "es2022", strict: true, noEmit: true, esModuleInterop: true, resolveJsonModule: true, skipLibCheck: false, types: ["node"] }, files: ["check.ts"] }),
    );
    const result = await runCommand(path.join(project, "node_modules", ".bin", "tsc"), ["-p", dir, "--listFiles"], { cwd: dir, env, deadlineMs: commandDeadlineMs });
    // Errors in check.ts or in our declarations; third parties' own declarations have some
    // (@pulumi/policy 1.21's index.d.ts, @azure/msal-node's .d.cts under node16) that every
    // project hides with skipLibCheck, which would hide ours too.
    const errors = result.stdout.split("\n").filter((l) => /error TS/.test(l));
    expect(errors.filter((l) => l.startsWith("check.ts") || l.includes("@powerplatform-iac"))).toEqual([]);
    // Types come from the shipped declarations, never from the provider's shipped sources (*.ts next to the maps).
    const fromPackages = result.stdout.split("\n").filter((l) => l.includes(`${path.sep}@powerplatform-iac${path.sep}`));
    expect(fromPackages.filter((l) => l.endsWith(".ts") && !l.endsWith(".d.ts"))).toEqual([]);
    expect(fromPackages.length).toBeGreaterThan(3);
  }, 120_000);
});
