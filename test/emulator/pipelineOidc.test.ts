// The CI runners' OIDC endpoints (surfaces/pipelineOidc.ts). Sources of the shapes:
// GitHub docs "Configuring OpenID Connect in cloud providers" (GET …&audience=, bearer
// ACTIONS_ID_TOKEN_REQUEST_TOKEN, {"value"}) and @azure/identity
// dist/commonjs/credentials/azurePipelinesCredential.js (POST
// SYSTEM_OIDCREQUESTURI?api-version=7.1&serviceConnectionId=…, Bearer SYSTEM_ACCESSTOKEN, {"oidcToken"}).
import { bootEmulator, Kit } from "./testkit";
import { SEED } from "./seed";
import { azurePipelinesEnv, githubActionsEnv, RUNNERS } from "./surfaces/pipelineOidc";

let kit: Kit;
beforeAll(async () => { kit = await bootEmulator(); });
afterAll(async () => { await kit.stop(); });
afterEach(async () => { await kit.control("PUT", "/settings", { runnerIdTokenLifetimeSeconds: 300 }); });

const claims = (t: string) => JSON.parse(Buffer.from(t.split(".")[1], "base64url").toString());
const exchange = (assertion: string) => kit.raw("POST", `/${SEED.tenantId}/oauth2/v2.0/token`, {
  form: { grant_type: "client_credentials", client_id: SEED.federatedApp.clientId, client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: assertion, scope: "https://api.powerplatform.com/.default" },
});

describe("GitHub Actions runner", () => {
  const url = (audience?: string) => githubActionsEnv(kit.url).ACTIONS_ID_TOKEN_REQUEST_URL + (audience ? `&audience=${encodeURIComponent(audience)}` : "");
  const auth = { authorization: `bearer ${RUNNERS.github.requestToken}` };

  test("hands out an ID token for the requested audience, with the job's subject and the configured lifetime", async () => {
    await kit.control("PUT", "/settings", { runnerIdTokenLifetimeSeconds: 42 });
    const r = await kit.raw("GET", url("api://AzureADTokenExchange"), { headers: auth });
    expect(r.status).toBe(200);
    const c = claims(r.json.value);
    expect(c).toMatchObject({ iss: `${kit.url}/federated`, sub: SEED.federatedApp.subject, aud: "api://AzureADTokenExchange" });
    expect(c.exp - c.iat).toBe(42);
    expect((await exchange(r.json.value)).status).toBe(200);
  });

  test("without an audience the owner's URL is the audience, which Entra refuses", async () => {
    const r = await kit.raw("GET", url(), { headers: auth });
    expect(claims(r.json.value).aud).toBe("https://github.com/contoso");
    const e = await exchange(r.json.value);
    expect(e.status).toBe(400);
    expect(e.json.error_description).toMatch(/AADSTS70021/);
  });

  test("a wrong or missing request token is refused", async () => {
    expect((await kit.raw("GET", url("api://AzureADTokenExchange"), { headers: { authorization: "bearer nope" } })).status).toBe(401);
    expect((await kit.raw("GET", url("api://AzureADTokenExchange"))).status).toBe(401);
  });

  test("an ID token past its lifetime is AADSTS700024 at Entra", async () => {
    await kit.control("PUT", "/settings", { runnerIdTokenLifetimeSeconds: 0 });
    const r = await kit.raw("GET", url("api://AzureADTokenExchange"), { headers: auth });
    const e = await exchange(r.json.value);
    expect(e.status).toBe(400);
    expect(e.json.error_description).toMatch(/AADSTS700024: Client assertion is not within its valid time range/);
  });
});

describe("Azure Pipelines runner", () => {
  const env = () => azurePipelinesEnv(kit.url);
  const url = (serviceConnectionId = env().AZURESUBSCRIPTION_SERVICE_CONNECTION_ID) => `${env().SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=${serviceConnectionId}`;
  const auth = () => ({ authorization: `Bearer ${env().SYSTEM_ACCESSTOKEN}` });

  test("hands out an oidcToken for the service connection that Entra exchanges", async () => {
    const r = await kit.raw("POST", url(), { headers: auth() });
    expect(r.status).toBe(200);
    expect(claims(r.json.oidcToken)).toMatchObject({ sub: SEED.federatedApp.serviceConnectionSubject, aud: "api://AzureADTokenExchange" });
    expect((await exchange(r.json.oidcToken)).status).toBe(200);
  });

  test("an unknown service connection, a missing access token or a GET are refused", async () => {
    expect((await kit.raw("POST", url("00000000-0000-0000-0000-000000000000"), { headers: auth() })).status).toBe(400);
    expect((await kit.raw("POST", url())).status).toBe(401);
    expect((await kit.raw("GET", url(), { headers: auth() })).status).toBe(405);
  });
});
