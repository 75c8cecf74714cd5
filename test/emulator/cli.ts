// npm run emulator -- --port 8443 --state-file s.json --env-file .env.emulator
// npm run emulator -- --port 8443 --proxy-port 8444 --env-file .env.proxy   (proxy mode)
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
  --proxy-port <n>    proxy mode: also run an HTTP CONNECT proxy on port <n>
                      (0 = random) that tunnels the real Microsoft host names
                      (login.microsoftonline.com, api.bap.microsoft.com, …) to
                      the emulator; the env file then holds HTTPS_PROXY and the
                      CA instead of endpoint overrides
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
      "proxy-port": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) { process.stdout.write(HELP); return; }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0-65535, got '${values.port}'`);
  if (values.seed !== "default" && values.seed !== "empty") throw new Error("--seed must be 'default' or 'empty'");
  const proxyPort = values["proxy-port"] === undefined ? undefined : Number(values["proxy-port"]);
  if (proxyPort !== undefined && (!Number.isInteger(proxyPort) || proxyPort < 0 || proxyPort > 65535))
    throw new Error(`--proxy-port must be an integer 0-65535, got '${values["proxy-port"]}'`);
  const emu = await startEmulator({
    port, host: values.host, stateFile: values["state-file"], dataDir: values["data-dir"], seed: values.seed, proxyPort,
    logger: { info: (m) => console.log(m), error: (m) => console.error(m) },
  });
  const env = emu.proxyEnv ?? emu.env;
  for (const f of [values["env-file"], values["env-out"]]) {
    if (!f) continue;
    fs.writeFileSync(f, toDotenv(env), { mode: 0o600 });
    console.log(`wrote ${f}${emu.proxyEnv ? " (proxy mode: HTTPS_PROXY and the CA, no endpoint override)" : ""}`);
  }
  if (emu.proxyEnv) console.log(`control API (direct, not through the proxy): ${emu.url}/_emulator`);
  console.log(toDotenv(env).replace(/^AZURE_CLIENT_SECRET=.*$/m, "AZURE_CLIENT_SECRET=<see env file or GET /_emulator/credentials>"));
  const shutdown = async () => { await emu.stop(); process.exit(0); };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((e) => { console.error(`emulator: ${(e as Error).message}`); process.exit(1); });
