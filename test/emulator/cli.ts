// npm run emulator -- --port 8443 --state-file s.json --env-file .env.emulator
// npm run emulator -- --port 8443 --proxy-port 8444 --env-file .env.proxy   (proxy mode)
// npm run emulator -- --port 8443 --env-file .env.emulator --pid-file .emulator.pid --detach
//   (returns once the env file is written and the server answers; `kill "$(cat .emulator.pid)"` stops it)
import { parseArgs } from "node:util";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { startEmulator, toDotenv } from "./server";
import { parseRateLimitFlag } from "./rateLimit";

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
  --detach            run in the background: return once the env file is written
                      and the server answers its health check, printing the PID
                      (stop it with kill <pid>); its output goes to --log-file
  --pid-file <f>      write the emulator's process id to <f>
  --log-file <f>      with --detach: where the emulator's output goes
                      (default: <tmp>/powerplatform-emulator-<pid>.log)
  --rate-limit <l>    throttle the API: CALLS/SECONDS[:sliding|fixed][@SURFACE]
                      (repeatable), e.g. 100/60 or 20/10:fixed@bap; over it, 429
                      with Retry-After (setting rateLimits, README "Rate limits")
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
      detach: { type: "boolean" },
      "pid-file": { type: "string" },
      "log-file": { type: "string" },
      "rate-limit": { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) { process.stdout.write(HELP); return; }
  if (values["log-file"] && !values.detach) throw new Error("--log-file is for --detach (without it the output goes to this terminal)");
  if (values.detach) return detach(withoutDetachOptions(process.argv.slice(2)), values["log-file"]);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0-65535, got '${values.port}'`);
  if (values.seed !== "default" && values.seed !== "empty") throw new Error("--seed must be 'default' or 'empty'");
  const proxyPort = values["proxy-port"] === undefined ? undefined : Number(values["proxy-port"]);
  if (proxyPort !== undefined && (!Number.isInteger(proxyPort) || proxyPort < 0 || proxyPort > 65535))
    throw new Error(`--proxy-port must be an integer 0-65535, got '${values["proxy-port"]}'`);
  const rateLimits = (values["rate-limit"] ?? []).map(parseRateLimitFlag);
  const emu = await startEmulator({
    port, host: values.host, stateFile: values["state-file"], dataDir: values["data-dir"], seed: values.seed, proxyPort,
    ...(rateLimits.length ? { settings: { rateLimits } } : {}),
    logger: { info: (m) => console.log(m), error: (m) => console.error(m) },
  });
  const env = emu.proxyEnv ?? emu.env;
  for (const f of [values["env-file"], values["env-out"]]) {
    if (!f) continue;
    fs.writeFileSync(f, toDotenv(env), { mode: 0o600 });
    console.log(`wrote ${f}${emu.proxyEnv ? " (proxy mode: HTTPS_PROXY and the CA, no endpoint override)" : ""}`);
  }
  if (values["pid-file"]) fs.writeFileSync(values["pid-file"], `${process.pid}\n`);
  if (emu.proxyEnv) console.log(`control API (direct, not through the proxy): ${emu.url}/_emulator`);
  console.log(toDotenv(env).replace(/^AZURE_CLIENT_SECRET=.*$/m, "AZURE_CLIENT_SECRET=<see env file or GET /_emulator/credentials>"));
  const shutdown = async () => {
    await emu.stop();
    if (values["pid-file"]) fs.rmSync(values["pid-file"], { force: true });
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  // Started by --detach: tell the waiting parent where the server is.
  process.send?.({ ready: emu.url, ca: env.NODE_EXTRA_CA_CERTS });
}

/** The arguments for the background emulator: all but --detach and --log-file (which are the starter's). */
function withoutDetachOptions(args: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--detach" || args[i].startsWith("--log-file=")) continue;
    if (args[i] === "--log-file") { i++; continue; }
    kept.push(args[i]);
  }
  return kept;
}

/** What a detached emulator reports to the process that started it, once it listens and its env files are written. */
interface ReadyMessage { ready: string; ca?: string }

/**
 * Starts the emulator as a background process (same arguments, without --detach) and
 * returns once it has written its env files and answers GET /_emulator/health over TLS
 * with its own CA: a following `. ./.env.emulator` never races it.
 */
async function detach(args: string[], logFile?: string): Promise<void> {
  const log = logFile ?? path.join(os.tmpdir(), `powerplatform-emulator-${process.pid}.log`);
  const out = fs.openSync(log, "a");
  // process.execArgv carries tsx's loader: the child runs this same script the same way.
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args], {
    detached: true,
    stdio: ["ignore", out, out, "ipc"],
  });
  fs.closeSync(out);
  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    child.once("message", (m) => resolve(m as ReadyMessage));
    child.once("exit", (code, signal) => reject(new Error(`the emulator exited (${signal ?? `code ${code}`}) before it was ready:\n${fs.readFileSync(log, "utf8").trim()}`)));
    child.once("error", reject);
  });
  await health(ready);
  child.removeAllListeners("exit");
  child.disconnect();
  child.unref();
  console.log(`emulator running at ${ready.ready}: pid ${child.pid}, log ${log}; stop it with: kill ${child.pid}`);
}

function health(ready: ReadyMessage): Promise<void> {
  const ca = ready.ca ? fs.readFileSync(ready.ca) : undefined;
  return new Promise((resolve, reject) => {
    https
      .get(`${ready.ready}/_emulator/health`, { ca }, (res) => {
        res.resume();
        if (res.statusCode === 200) resolve();
        else reject(new Error(`emulator health check: HTTP ${res.statusCode}`));
      })
      .on("error", (e) => reject(new Error(`emulator health check: ${e.message}`)));
  });
}

main().catch((e) => { console.error(`emulator: ${(e as Error).message}`); process.exit(1); });
