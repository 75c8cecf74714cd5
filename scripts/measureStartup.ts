/**
 * What a command costs besides API calls: wall time and CPU time (user + system of the
 * whole process tree: the CLI, the language host, the program, the dynamic-provider
 * process) of `up`, a no-op `preview`, a no-op `up` and `destroy` of the root program on
 * N billing policies against the emulator, and the state's bytes per resource.
 *
 *   bash scripts/toolchain.sh run tsx scripts/measureStartup.ts [--policies 1,10] [--repeat 3]
 *        [--latency 0] [--only-create] [--env NAME=VALUE,...]
 *
 * The program runs as Pulumi.yaml configures it (the harness's PULUMI_NODEJS_TRANSPILE_ONLY is
 * removed); `--env` sets variables for the pulumi commands, e.g. `PULUMI_PARALLEL=8` or
 * `NODE_COMPILE_CACHE=` (empty: off). Numbers, not assertions (README "What a run costs").
 * Needs GNU time (`/usr/bin/time`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { PulumiProject, runCommand, startTestEmulator } from "../test/e2e/harness";

function tenantWithPolicies(count: number): string {
  const lines = ["billingPolicies:"];
  for (let i = 0; i < count; i++) {
    lines.push(`  p${i}:`, `    name: policy-${i}`, "    location: unitedstates", "    billingInstrument:");
    lines.push("      subscriptionId: 11111111-2222-3333-4444-555555555555", `      resourceGroup: rg-${i}`);
  }
  return `${lines.join("\n")}\n`;
}

const seconds = (values: number[]) => values.map((v) => v.toFixed(2)).join(" / ");

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      policies: { type: "string", default: "1,10" },
      repeat: { type: "string", default: "1" },
      latency: { type: "string", default: "0" },
      "only-create": { type: "boolean", default: false },
      env: { type: "string", default: "" },
    },
  });
  const repeat = Number(values.repeat);
  for (const count of values.policies!.split(",").map(Number)) {
    const { emulator, control } = await startTestEmulator();
    const project = PulumiProject.createRootProgram(emulator.env);
    delete project.env.PULUMI_NODEJS_TRANSPILE_ONLY;
    for (const pair of values.env!.split(",").filter(Boolean)) {
      const eq = pair.indexOf("=");
      project.env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    try {
      await control.request("PUT", "latency", { ms: Number(values.latency) });
      const tenantFile = path.join(project.dir, "tenant.yaml");
      fs.writeFileSync(tenantFile, tenantWithPolicies(count));
      await project.initStack("measure", { tenantFile });
      const phase = async (name: string, args: string[], times = 1) => {
        const wall: number[] = [];
        const cpu: number[] = [];
        for (let i = 0; i < times; i++) {
          const start = performance.now();
          const result = await runCommand("/usr/bin/time", ["-f", "__TIME %U %S", "pulumi", ...args, "--non-interactive", "--color", "never"], {
            cwd: project.dir,
            env: project.env,
          });
          wall.push((performance.now() - start) / 1000);
          if (result.code !== 0) throw new Error(`${name} failed (exit ${result.code}):\n${result.output.slice(-3000)}`);
          const [, user, system] = /__TIME ([\d.]+) ([\d.]+)/.exec(result.stderr) ?? [];
          cpu.push(Number(user) + Number(system));
        }
        console.log(`${count} policies: ${name}: wall ${seconds(wall)} s, cpu ${seconds(cpu)} s`);
      };
      await phase("up (create)", ["up", "--yes", "--skip-preview"]);
      if (values["only-create"]) continue;
      await phase("preview, nothing to do", ["preview"], repeat);
      await phase("up, nothing to do", ["up", "--yes"], repeat);
      const exported = await project.stackExport();
      const resources = (JSON.parse(exported) as { deployment: { resources: Array<{ type: string; inputs?: { __provider?: string } }> } }).deployment.resources;
      const ours = resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
      const compact = JSON.stringify(JSON.parse(exported)).length;
      console.log(
        `${count} policies: state ${compact} bytes (compact JSON) for ${resources.length} resources: ${Math.round(compact / resources.length)} bytes per resource; ` +
          `serialized provider ${ours[0]?.inputs?.__provider?.length} bytes`,
      );
      await phase("destroy", ["destroy", "--yes", "--skip-preview"]);
    } finally {
      project.cleanup();
      await emulator.stop();
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
