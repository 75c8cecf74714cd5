#!/usr/bin/env node
/**
 * powerplatform-recover: resolves the pending creates an interrupted `pulumi up` left in
 * a stack, so that the next `up` neither duplicates an object nor fails. Run it
 * non-interactively before `up`, after `pulumi cancel` has removed the stale lock:
 *
 *   pulumi cancel --yes --stack prod
 *   powerplatform-recover --stack prod
 *   pulumi up --yes --stack prod
 *
 * It reads the checkpoint (`pulumi stack export`), decides for each pending create
 * (recover/plan.ts), prints the decisions, writes the checkpoint back with each pending
 * create imported (as a resource with the object's id) or cleared
 * (`pulumi stack import`), then reads the imported objects (`pulumi refresh --yes`).
 * Exit codes: 0 nothing left pending, 1 could not recover (a pending create matches
 * several objects, or a command failed).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseCommandLine } from "../commandLine";
import { createClient } from "../client";
import { applyDecisions, type Decision, planRecovery, readCheckpoint } from "./plan";

const usage = `usage: powerplatform-recover --stack NAME [--cwd DIR] [--within-minutes N] [--dry-run]
  Resolves the pending creates of an interrupted \`pulumi up\` (run \`pulumi cancel --yes\` first).
  --within-minutes  how long ago the interrupted run may have started (default 360)
  --dry-run         print the decisions, change nothing
exit codes: 0 nothing left pending, 1 could not recover`;

interface Run {
  code: number;
  stdout: string;
  output: string;
}

function pulumi(args: string[], cwd: string, echo: boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", [...args, "--non-interactive", "--color", "never"], { cwd, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
      output += c.toString();
      if (echo) process.stdout.write(c);
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString();
      if (echo) process.stderr.write(c);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, output }));
  });
}

function describe(d: Decision): string {
  if (d.action === "import") return `import ${d.urn} as ${d.id}: ${d.reason}`;
  if (d.action === "clear") return `clear  ${d.urn}: ${d.reason}`;
  return `REFUSE ${d.urn}: ${d.reason}`;
}

export async function main(argv: string[]): Promise<number> {
  const line = parseCommandLine(
    argv,
    {
      cwd: { type: "string", default: process.cwd() },
      "within-minutes": { type: "string", default: "360" },
      "dry-run": { type: "boolean", default: false },
    },
    usage,
    { help: 0, usageError: 1 },
  );
  if ("exit" in line) return line.exit;
  const { values, stack } = line;
  const within = Number(values["within-minutes"]);
  if (!Number.isFinite(within) || within <= 0) {
    process.stderr.write(`--within-minutes must be a positive number (got ${values["within-minutes"]})\n`);
    return 1;
  }
  const cwd = path.resolve(values.cwd!);
  const exported = await pulumi(["stack", "export", "--stack", stack], cwd, false);
  if (exported.code !== 0) {
    process.stderr.write(`could not read the checkpoint of stack ${stack}:\n${exported.output}`);
    return 1;
  }
  const { pending, resources } = readCheckpoint(exported.stdout);
  if (pending.length === 0) {
    process.stdout.write(`stack ${stack}: no pending create, nothing to recover\n`);
    return 0;
  }
  const client = createClient();
  let decisions: Decision[];
  try {
    decisions = await planRecovery(pending, resources, { client, withinMs: within * 60_000, now: client.http.clock.now() });
  } catch (error) {
    process.stderr.write(`could not look the pending creates up in the tenant: ${(error as Error).message}\n`);
    return 1;
  } finally {
    client.close();
  }
  process.stdout.write(`stack ${stack}: ${pending.length} pending create(s) from an interrupted run\n`);
  for (const d of decisions) process.stdout.write(`  ${describe(d)}\n`);
  if (decisions.some((d) => d.action === "refuse")) {
    process.stderr.write("not recovering: resolve the refused pending creates by hand (see above), then run this again\n");
    return 1;
  }
  if (values["dry-run"]) return 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "powerplatform-recover-"));
  try {
    const file = path.join(dir, "checkpoint.json");
    fs.writeFileSync(file, applyDecisions(exported.stdout, decisions), { mode: 0o600 });
    const importArgs = ["stack", "import", "--stack", stack, "--file", file];
    process.stdout.write(`$ pulumi ${importArgs.join(" ")}\n`);
    if ((await pulumi(importArgs, cwd, true)).code !== 0) return 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (decisions.some((d) => d.action === "import")) {
    const refreshArgs = ["refresh", "--stack", stack, "--yes", "--skip-preview"];
    process.stdout.write(`$ pulumi ${refreshArgs.join(" ")}\n`);
    if ((await pulumi(refreshArgs, cwd, true)).code !== 0) return 1;
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
