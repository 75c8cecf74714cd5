// npm run emulator -- --port 8443 --state-file s.json --env-file .env.emulator
import { parseArgs } from "node:util";
import * as fs from "node:fs";
import { startEmulator, toDotenv } from "./server";

const HELP = `Power Platform tenant emulator

Usage: tsx test/emulator/cli.ts [options]
  --port <n>          port to listen on (default 8443; 0 = random)
  --host <addr>       address to bind (default 127.0.0.1)
  --state-file <f>    load the tenant from <f> and save it after every change
  --data-dir <d>      where the CA, certificates and keys live
                      (default \${XDG_CACHE_HOME:-~/.cache}/powerplatform-iac/emulator)
  --env-file <f>      write the client environment (dotenv) to <f>. Node 24 itself
                      rejects a missing --env-file path anywhere on its command
                      line (even after the script): create it first (touch) or
                      use --env-out.
  --env-out <f>       same as --env-file, without Node's check
  --seed <s>          default | empty (used when the state file does not exist)
  -h, --help          show this help
`;

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8443" },
      host: { type: "string" },
      "state-file": { type: "string" },
      "data-dir": { type: "string" },
      "env-file": { type: "string" },
      "env-out": { type: "string" },
      seed: { type: "string", default: "default" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) { process.stdout.write(HELP); return; }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0-65535, got '${values.port}'`);
  if (values.seed !== "default" && values.seed !== "empty") throw new Error("--seed must be 'default' or 'empty'");
  const emu = await startEmulator({
    port, host: values.host, stateFile: values["state-file"], dataDir: values["data-dir"], seed: values.seed,
    logger: { info: (m) => console.log(m), error: (m) => console.error(m) },
  });
  for (const f of [values["env-file"], values["env-out"]]) {
    if (!f) continue;
    fs.writeFileSync(f, toDotenv(emu.env), { mode: 0o600 });
    console.log(`wrote ${f}`);
  }
  console.log(toDotenv(emu.env).replace(/^AZURE_CLIENT_SECRET=.*$/m, "AZURE_CLIENT_SECRET=<see env file or GET /_emulator/credentials>"));
  const shutdown = async () => { await emu.stop(); process.exit(0); };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((e) => { console.error(`emulator: ${(e as Error).message}`); process.exit(1); });
