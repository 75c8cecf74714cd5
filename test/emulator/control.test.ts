import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { bootEmulator, Kit, until } from "./testkit";
import { SEED } from "./seed";

let kit: Kit;
beforeAll(async () => { kit = await bootEmulator(); });
afterAll(async () => { await kit.stop(); });
beforeEach(async () => { await kit.control("POST", "/reset", {}); });

const V = "api-version=2022-03-01-preview";
const list = `/licensing/billingPolicies?${V}`;

describe("faults", () => {
  test("status N times with Retry-After, then normal answers; listed and cleared", async () => {
    const f = await kit.control("POST", "/faults", { method: "GET", path: "^/licensing/billingpolicies$", status: 429, times: 2, retryAfter: 3 });
    expect(f.status).toBe(201);
    expect((await kit.control("GET", "/faults")).json.faults[0]).toMatchObject({ id: f.json.id, remaining: 2 });
    const a = await kit.api("GET", list);
    expect(a.status).toBe(429);
    expect(a.headers.get("retry-after")).toBe("3");
    expect(a.json.error.code).toBe("TooManyRequests");
    const b = await kit.api("GET", list);
    expect(b.status).toBe(429);
    expect((await kit.api("GET", list)).status).toBe(200);
    const date = new Date(Date.now() + 5000).toUTCString();
    await kit.control("POST", "/faults", { path: "billingPolicies", status: 503, retryAfter: date, body: { error: { code: "ServerBusy", message: "busy" } } });
    const c = await kit.api("GET", list);
    expect(c.status).toBe(503);
    expect(c.headers.get("retry-after")).toBe(date);
    expect(c.json.error.code).toBe("ServerBusy");
    const g = await kit.control("POST", "/faults", { path: "x", status: 500, times: 5 });
    expect((await kit.control("DELETE", `/faults/${g.json.id}`)).status).toBe(204);
    await kit.control("POST", "/faults", { path: "x", status: 500 });
    await kit.control("DELETE", "/faults");
    expect((await kit.control("GET", "/faults")).json.faults).toEqual([]);
    expect((await kit.control("POST", "/faults", { path: "(" })).status).toBe(400);
  });

  test("drop destroys the connection; delay slows the answer; latency applies to every API call", async () => {
    await kit.control("POST", "/faults", { path: "/licensing/", drop: true });
    await expect(kit.api("GET", list)).rejects.toThrow();
    expect((await kit.api("GET", list)).status).toBe(200);
    await kit.control("POST", "/faults", { path: "/licensing/", delayMs: 300 });
    let t = Date.now();
    expect((await kit.api("GET", list)).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(290);
    await kit.control("PUT", "/latency", { ms: 200 });
    t = Date.now();
    await kit.api("GET", list);
    expect(Date.now() - t).toBeGreaterThanOrEqual(190);
    await kit.control("PUT", "/latency", { ms: 0 });
  });
});

describe("out-of-band edits", () => {
  test("PATCH merges deep and bumps lastModified; POST/DELETE objects are seen by the APIs", async () => {
    const before = (await kit.control("GET", `/objects/billingPolicies/${SEED.billingPolicies.us}`)).json;
    await new Promise((r) => setTimeout(r, 5));
    const p = await kit.control("PATCH", `/objects/billingPolicies/${SEED.billingPolicies.us}`, { status: "Disabled" });
    expect(p.json.status).toBe("Disabled");
    expect(p.json.lastModifiedOn > before.lastModifiedOn).toBe(true);
    expect((await kit.api("GET", `/licensing/billingPolicies/${SEED.billingPolicies.us}?${V}`)).json.status).toBe("Disabled");
    await kit.control("PATCH", `/objects/environments/${SEED.environments.sandbox}`, { properties: { displayName: "Changed in portal" } });
    const env = await kit.api("GET", `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${SEED.environments.sandbox}?api-version=2023-06-01`);
    expect(env.json.properties.displayName).toBe("Changed in portal");
    expect(env.json.properties.azureRegion).toBe("westeurope");
    await kit.control("DELETE", `/objects/billingPolicyLinks/${SEED.environments.production}`);
    expect((await kit.api("GET", `/licensing/environments/${SEED.environments.production}/billingPolicy?${V}`)).status).toBe(404);
    await kit.control("POST", "/objects/billingPolicyLinks", { environmentId: SEED.environments.sandbox, billingPolicyId: SEED.billingPolicies.europe });
    expect((await kit.api("GET", `/licensing/environments/${SEED.environments.sandbox}/billingPolicy?${V}`)).json.id).toBe(SEED.billingPolicies.europe);
    const f = await kit.control("POST", "/objects/flows", { environmentId: SEED.environments.production, displayName: "Portal flow", state: "Started" });
    expect(f.status).toBe(201);
    const fl = await kit.api("GET", `/providers/Microsoft.ProcessSimple/scopes/admin/environments/${SEED.environments.production}/flows/${f.json.id}?api-version=2016-11-01`);
    expect(fl.json.properties.state).toBe("Started");
    await kit.control("PUT", `/objects/flowPermissions/${SEED.flows.dailyReport}`, []);
    expect((await kit.api("GET", `/providers/Microsoft.ProcessSimple/scopes/admin/environments/${SEED.environments.production}/flows/${SEED.flows.dailyReport}/permissions?api-version=2016-11-01`)).json.value).toEqual([]);
    expect((await kit.control("GET", "/objects/nope/x")).status).toBe(404);
  });

  test("reset to the empty seed", async () => {
    await kit.control("POST", "/reset", { seed: "empty" });
    const s = (await kit.control("GET", "/state")).json;
    expect(Object.keys(s.environments)).toEqual([]);
    expect(Object.keys(s.catalog).length).toBeGreaterThan(200);
  });
});

describe("request log", () => {
  test("records API and Entra calls with templates and counts, not control calls", async () => {
    await kit.control("DELETE", "/requests");
    kit.clearTokens();
    await kit.api("GET", list);
    await kit.api("GET", list);
    await kit.api("GET", `/licensing/billingPolicies/${SEED.billingPolicies.us}?${V}`);
    await kit.api("GET", `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2023-06-01`);
    const r = (await kit.control("GET", "/requests")).json;
    expect(r.counts).toEqual({
      "POST /{tenant}/oauth2/v2.0/token": 2,
      "GET /licensing/billingPolicies": 2,
      "GET /licensing/billingPolicies/{policyId}": 1,
      "GET /providers/Microsoft.BusinessAppPlatform/scopes/admin/environments": 1,
    });
    const e = r.requests.find((x: any) => x.surface === "bap");
    expect(e).toMatchObject({ method: "GET", status: 200, query: { "api-version": "2023-06-01" } });
    expect(typeof e.durationMs).toBe("number");
    expect(r.requests.map((x: any) => x.surface)).toEqual(["entra", "powerplatform", "powerplatform", "powerplatform", "entra", "bap"]);
  });
});

describe("persistence and CLI", () => {
  test("state survives a restart with stateFile", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-emu-state-"));
    const stateFile = path.join(dir, "s.json");
    const a = await bootEmulator({ stateFile, dataDir: kit.dataDir });
    const created = await a.api("POST", `/licensing/billingPolicies?${V}`, { name: "persisted", location: "europe", billingInstrument: { subscriptionId: "5b0c0000-0000-4000-8000-000000000009", resourceGroup: "rg" } });
    await until(() => a.api("GET", `/licensing/billingPolicies/${created.json.id}?${V}`), (x) => x.json.status === "Enabled");
    await a.stop();
    expect(JSON.parse(fs.readFileSync(stateFile, "utf8")).billingPolicies[created.json.id].name).toBe("persisted");
    const b = await bootEmulator({ stateFile, dataDir: kit.dataDir });
    const got = await b.api("GET", `/licensing/billingPolicies/${created.json.id}?${V}`);
    expect(got.json).toMatchObject({ name: "persisted", status: "Enabled" });
    await b.stop();
  });

  test("cli writes the env file and serves", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-emu-cli-"));
    const envFile = path.join(dir, ".env.emulator");
    fs.writeFileSync(envFile, ""); // Node 24 refuses a missing --env-file path on its command line
    const tsx = path.join(__dirname, "..", "..", "node_modules", ".bin", "tsx");
    const child = spawn(tsx, [path.join(__dirname, "cli.ts"), "--port", "0", "--data-dir", kit.dataDir, "--env-file", envFile], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      await until(async () => fs.readFileSync(envFile, "utf8"), (x) => x.length > 0, 20000, 100);
      const env = Object.fromEntries(fs.readFileSync(envFile, "utf8").trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
      expect(Object.keys(env).sort()).toEqual(["AZURE_AUTHORITY_HOST", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "NODE_EXTRA_CA_CERTS", "POWERPLATFORM_API_URL", "POWERPLATFORM_BAP_URL", "POWERPLATFORM_FLOW_URL"]);
      expect(env.AZURE_CLIENT_SECRET).toBe(SEED.admin.clientSecret);
      const r = await fetch(`${env.POWERPLATFORM_API_URL}/_emulator/health`);
      expect(r.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
