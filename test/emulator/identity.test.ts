import * as fs from "node:fs";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { bootEmulator, Kit, sleep } from "./testkit";
import { SEED } from "./seed";

let kit: Kit;
let creds: any;
beforeAll(async () => { kit = await bootEmulator(); creds = (await kit.control("GET", "/credentials")).json; });
afterAll(async () => { await kit.stop(); });

const claims = (t: string) => JSON.parse(Buffer.from(t.split(".")[1], "base64url").toString());

/** Runs identityProbe.ts (real @azure/identity) in a child process with emu.env. */
function probe(cases: object[]): Promise<{ ok: boolean; token?: string; message?: string }[]> {
  const tsx = path.join(__dirname, "..", "..", "node_modules", ".bin", "tsx");
  return new Promise((resolve, reject) => {
    execFile(tsx, [path.join(__dirname, "identityProbe.ts"), JSON.stringify(cases)], { env: { ...process.env, ...kit.emu.env }, timeout: 30000 }, (e, stdout, stderr) => {
      if (e) return reject(new Error(`${e.message}\n${stderr}`));
      resolve(JSON.parse(stdout));
    });
  });
}

describe("Entra token endpoint with the real @azure/identity credentials (child process, NODE_EXTRA_CA_CERTS)", () => {
  test("secret, wrong secret, certificate, workload identity, client assertion, username/password", async () => {
    const minted = (await kit.control("POST", "/federated-token", {})).json;
    const file = path.join(kit.dataDir, "federated-token.jwt");
    fs.writeFileSync(file, minted.token);
    const evil = (await kit.control("POST", "/federated-token", { subject: "repo:evil/fork:ref:refs/heads/main" })).json.token;
    const admin = creds.users.find((x: any) => x.isAdmin);
    const maker = creds.users.find((x: any) => !x.isAdmin);
    const [secret, wrong, cert, workload, assertion, evilAssertion, user, makerUser, badPassword] = await probe([
      { kind: "secret", scope: "https://api.powerplatform.com/.default" },
      { kind: "secret", scope: "https://api.powerplatform.com/.default", secret: "nope" },
      { kind: "certificate", scope: "https://service.powerapps.com/.default", clientId: creds.certificate.clientId, certificatePath: creds.certificate.pemPath },
      { kind: "workload", scope: "https://service.flow.microsoft.com/.default", clientId: creds.federated.clientId, tokenFilePath: file },
      { kind: "assertion", scope: "https://api.powerplatform.com/.default", clientId: creds.federated.clientId, assertion: minted.token },
      { kind: "assertion", scope: "https://api.powerplatform.com/.default", clientId: creds.federated.clientId, assertion: evil },
      { kind: "password", scope: "https://api.powerplatform.com/.default", clientId: creds.publicClientId, username: admin.username, password: admin.password },
      { kind: "password", scope: "https://api.powerplatform.com/.default", clientId: creds.publicClientId, username: maker.username, password: maker.password },
      { kind: "password", scope: "https://api.powerplatform.com/.default", clientId: creds.publicClientId, username: maker.username, password: "wrong" },
    ]);
    expect(secret.ok).toBe(true);
    const c = claims(secret.token!);
    expect(c.aud).toBe("https://api.powerplatform.com");
    expect(c.tid).toBe(SEED.tenantId);
    expect(c.appid).toBe(SEED.admin.clientId);
    expect(c.exp - c.iat).toBeGreaterThan(3000);
    expect((await kit.raw("GET", "/licensing/billingPolicies?api-version=2022-03-01-preview", { token: secret.token })).status).toBe(200);
    expect(wrong).toMatchObject({ ok: false });
    expect(wrong.message).toMatch(/AADSTS7000215/);
    expect(cert.ok).toBe(true);
    expect(claims(cert.token!)).toMatchObject({ aud: "https://service.powerapps.com", appid: SEED.certificateApp.clientId });
    expect(workload.ok).toBe(true);
    expect(claims(workload.token!)).toMatchObject({ aud: "https://service.flow.microsoft.com", oid: SEED.federatedApp.objectId });
    expect(assertion.ok).toBe(true);
    expect(evilAssertion.ok).toBe(false);
    expect(evilAssertion.message).toMatch(/AADSTS70021/);
    expect(user.ok).toBe(true);
    expect(claims(user.token!).upn).toBe(SEED.adminUser.username);
    expect((await kit.raw("GET", "/licensing/billingPolicies?api-version=2022-03-01-preview", { token: user.token })).status).toBe(200);
    expect(makerUser.ok).toBe(true);
    const r = await kit.raw("GET", "/licensing/billingPolicies?api-version=2022-03-01-preview", { token: makerUser.token });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe("Forbidden");
    expect(badPassword.message).toMatch(/AADSTS50126/);
  });

  test("raw token endpoint: wrong secret is an AADSTS invalid_client error", async () => {
    const r = await kit.raw("POST", `/${SEED.tenantId}/oauth2/v2.0/token`, { form: { grant_type: "client_credentials", client_id: SEED.admin.clientId, client_secret: "bad", scope: "https://api.powerplatform.com/.default" } });
    expect(r.status).toBe(401);
    expect(r.json.error).toBe("invalid_client");
    expect(r.json.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided/);
  });
});

describe("bearer token checks on the API surfaces", () => {
  const lic = "/licensing/billingPolicies?api-version=2022-03-01-preview";
  test("missing, tampered, wrong-audience and expired tokens get 401 with WWW-Authenticate", async () => {
    const none = await kit.raw("GET", lic);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer authorization_uri="https:\/\/127\.0\.0\.1:\d+\/.+", error="invalid_token"/);
    const good = await kit.token("pp");
    const parts = good.split(".");
    const forged = [parts[0], Buffer.from(JSON.stringify({ ...claims(good), roles: ["x"] })).toString("base64url"), parts[2]].join(".");
    expect((await kit.raw("GET", lic, { token: forged })).status).toBe(401);
    const flowToken = await kit.token("flow");
    const wrongAud = await kit.raw("GET", lic, { token: flowToken });
    expect(wrongAud.status).toBe(401);
    expect(wrongAud.json.error.message).toMatch(/audience/);
    await kit.control("PUT", "/settings", { tokenLifetimeSeconds: 1 });
    const r = await kit.raw("POST", `/${SEED.tenantId}/oauth2/v2.0/token`, { form: { grant_type: "client_credentials", client_id: SEED.admin.clientId, client_secret: SEED.admin.clientSecret, scope: "https://api.powerplatform.com/.default" } });
    expect(r.json.expires_in).toBe(1);
    await sleep(1100);
    const expired = await kit.raw("GET", lic, { token: r.json.access_token });
    expect(expired.status).toBe(401);
    expect(expired.json.error.message).toMatch(/expired/);
    await kit.control("PUT", "/settings", { tokenLifetimeSeconds: 3600 });
  });

  test("non-admin user: 403 on admin operations, allowed on maker flow paths", async () => {
    const bap = await kit.raw("GET", "/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2023-06-01", { token: await kit.token("bap", "maker") });
    expect(bap.status).toBe(403);
    const maker = await kit.api("GET", `/providers/Microsoft.ProcessSimple/environments/${SEED.environments.production}/flows?api-version=2016-11-01`, undefined, "maker");
    expect(maker.status).toBe(200);
    expect(maker.json.value.map((f: any) => f.name)).toEqual([SEED.flows.dailyReport]); // only the flow shared with the maker
  });

  test("api-version is required and checked; unknown tenant and scope rejected", async () => {
    const t = await kit.token("pp");
    const missing = await kit.raw("GET", "/licensing/billingPolicies", { token: t });
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe("MissingApiVersionParameter");
    expect((await kit.raw("GET", "/licensing/billingPolicies?api-version=1999-01-01", { token: t })).json.error.code).toBe("InvalidApiVersionParameter");
    const badTenant = await kit.raw("POST", "/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token", { form: { grant_type: "client_credentials", client_id: SEED.admin.clientId, client_secret: SEED.admin.clientSecret, scope: "https://api.powerplatform.com/.default" } });
    expect(badTenant.json.error_description).toMatch(/AADSTS90002/);
    const badScope = await kit.raw("POST", `/${SEED.tenantId}/oauth2/v2.0/token`, { form: { grant_type: "client_credentials", client_id: SEED.admin.clientId, client_secret: SEED.admin.clientSecret, scope: "https://graph.microsoft.com/.default" } });
    expect(badScope.json.error_description).toMatch(/AADSTS500011/);
  });

  test("every response carries request id headers", async () => {
    const r = await kit.api("GET", "/licensing/billingPolicies?api-version=2022-03-01-preview");
    expect(r.headers.get("x-ms-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get("x-ms-correlation-request-id")).toBeTruthy();
  });
});
