/**
 * `npm run demo`: starts the tenant emulator, applies the root program (Pulumi.yaml)
 * to it with the real Pulumi engine, then checks that a refresh finds no drift.
 *
 * The emulator's tenant and the Pulumi state live in .demo/, so a second run shows
 * "no changes"; `npm run demo -- --fresh` starts over, `--keep` leaves the emulator
 * running afterwards (its env file is .demo/emulator.env) so you can explore.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startEmulator } from "../test/emulator/server";

const root = path.resolve(__dirname, "..");

function pulumi(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  console.log(`\n$ pulumi ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", args, { cwd: root, env, stdio: "inherit" });
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { fresh: { type: "boolean" }, keep: { type: "boolean" } } });
  const demoDir = path.join(root, ".demo");
  if (values.fresh) fs.rmSync(demoDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(demoDir, "state"), { recursive: true });

  const emulator = await startEmulator({
    port: 0,
    dataDir: path.join(demoDir, "emulator"),
    stateFile: path.join(demoDir, "tenant.json"),
  });
  const envFile = path.join(demoDir, "emulator.env");
  fs.writeFileSync(envFile, Object.entries(emulator.env).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
  console.log(`tenant emulator listening on ${emulator.url} (env: ${path.relative(root, envFile)})`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...emulator.env,
    PULUMI_BACKEND_URL: `file://${path.join(demoDir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "",
  };
  let code = await pulumi(["stack", "select", "demo", "--create", "--non-interactive"], env);
  if (code === 0) code = await pulumi(["up", "--yes", "--non-interactive"], env);
  if (code === 0) {
    code = await pulumi(["refresh", "--preview-only", "--expect-no-changes", "--non-interactive"], env);
    if (code === 0) console.log("\nno drift: the tenant matches the program.");
  }
  if (code === 0) code = await pulumi(["stack", "output", "--json"], env);

  if (values.keep && code === 0) {
    console.log(`\nemulator still running on ${emulator.url}; load ${path.relative(root, envFile)} in another shell. Ctrl-C stops it.`);
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  }
  await emulator.stop();
  process.exitCode = code;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
