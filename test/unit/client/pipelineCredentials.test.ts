/**
 * Credential selection (AZURE_TOKEN_CREDENTIALS, POWERPLATFORM_CREDENTIAL, the
 * pipelines' own variables) and the GitHub Actions ID-token request. The real
 * @azure/identity credentials run against the emulator in
 * test/e2e/pipelineCredentials.e2e.test.ts (jest cannot load @azure/identity).
 */
import { chooseCredentialKind } from "../../../provider/client/auth";
import { resolveConfig } from "../../../provider/client/config";
import { AuthError, ConfigurationError } from "../../../provider/client/errors";
import {
  ENTRA_FEDERATION_AUDIENCE,
  type FetchLike,
  missingPipelineVariables,
  readPipelineSettings,
  requestGitHubActionsIdToken,
  reuseWhileFresh,
} from "../../../provider/client/pipelineCredentials";
import { bootEmulator, type Kit } from "../../emulator/testkit";
import { SEED } from "../../emulator/seed";
import { azurePipelinesEnv, githubActionsEnv } from "../../emulator/surfaces/pipelineOidc";

const REQUEST_TOKEN = "runner-request-token-not-for-logs";
const SYSTEM_TOKEN = "system-access-token-not-for-logs";
const ids = { AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c" };
const github = { ACTIONS_ID_TOKEN_REQUEST_URL: "https://runner.example/_apis/x/idtoken?api-version=2.0", ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN };
// The variables an AzureCLI@2 task exports for its service connection, plus System.AccessToken mapped in env:
const azureDevOps = {
  AZURESUBSCRIPTION_TENANT_ID: "sc-tenant",
  AZURESUBSCRIPTION_CLIENT_ID: "sc-client",
  AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: "sc-id",
  SYSTEM_ACCESSTOKEN: SYSTEM_TOKEN,
  SYSTEM_OIDCREQUESTURI: "https://dev.azure.com/org/project/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken",
};
const kind = (env: Record<string, string>) => chooseCredentialKind(resolveConfig({ env }).credential);

describe("credential selection", () => {
  test("a GitHub Actions job with id-token: write and the two ids uses the runner's OIDC endpoint", () => {
    expect(kind({ ...ids, ...github })).toBe("githubActions");
  });

  test("the runner's endpoint is preferred to a token file (which expires during a long run)", () => {
    expect(kind({ ...ids, ...github, AZURE_FEDERATED_TOKEN_FILE: "/tmp/token" })).toBe("githubActions");
    expect(kind({ ...ids, AZURE_FEDERATED_TOKEN_FILE: "/tmp/token" })).toBe("workloadIdentity");
  });

  test("without the client and tenant ids the runner's endpoint alone does not pick a credential", () => {
    expect(kind({ ...github })).toBe("chain");
  });

  test("a client secret, certificate or username/password comes first, as in EnvironmentCredential", () => {
    expect(kind({ ...ids, ...github, AZURE_CLIENT_SECRET: "s" })).toBe("clientSecret");
    expect(kind({ ...ids, ...azureDevOps, AZURE_CLIENT_CERTIFICATE_PATH: "/c.pem" })).toBe("clientCertificate");
    expect(kind({ ...ids, ...github, AZURE_USERNAME: "u", AZURE_PASSWORD: "p" })).toBe("usernamePassword");
  });

  test("an Azure Pipelines step with the service connection uses AzurePipelinesCredential, ids from AZURESUBSCRIPTION_*", () => {
    const config = resolveConfig({ env: azureDevOps });
    expect(chooseCredentialKind(config.credential)).toBe("azurePipelines");
    expect(config.credential).toMatchObject({ tenantId: "sc-tenant", clientId: "sc-client" });
    expect(config.credential.pipeline?.azurePipelines.serviceConnectionId).toBe("sc-id");
    // AZURE_* win over the service connection's ids
    expect(resolveConfig({ env: { ...azureDevOps, ...ids } }).credential).toMatchObject({ tenantId: "t", clientId: "c" });
  });

  test("without SYSTEM_ACCESSTOKEN mapped into env: the service connection cannot be used", () => {
    const { SYSTEM_ACCESSTOKEN: _dropped, ...rest } = azureDevOps;
    expect(kind(rest)).toBe("chain");
    expect(missingPipelineVariables("azurePipelines", readPipelineSettings(rest)).join(" ")).toMatch(/SYSTEM_ACCESSTOKEN.*env:/);
  });

  test("AZURE_TOKEN_CREDENTIALS=dev or a credential name hands the choice to DefaultAzureCredential", () => {
    expect(kind({ ...ids, ...github, AZURE_CLIENT_SECRET: "s", AZURE_TOKEN_CREDENTIALS: "dev" })).toBe("chain");
    expect(kind({ ...ids, ...github, AZURE_TOKEN_CREDENTIALS: "AzureCliCredential" })).toBe("chain");
    expect(kind({ ...ids, AZURE_FEDERATED_TOKEN_FILE: "/t", AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential" })).toBe("chain");
  });

  test("AZURE_TOKEN_CREDENTIALS=prod keeps the deployed-workload order, pipelines included", () => {
    expect(kind({ ...ids, ...github, AZURE_TOKEN_CREDENTIALS: "prod" })).toBe("githubActions");
    expect(kind({ ...azureDevOps, AZURE_TOKEN_CREDENTIALS: "PROD" })).toBe("azurePipelines");
    expect(kind({ AZURE_TOKEN_CREDENTIALS: "prod" })).toBe("chain");
  });

  test("POWERPLATFORM_CREDENTIAL forces one kind, and an unknown value is refused naming the valid ones", () => {
    expect(kind({ ...ids, ...github, AZURE_CLIENT_SECRET: "s", POWERPLATFORM_CREDENTIAL: "githubActions" })).toBe("githubActions");
    expect(kind({ ...azureDevOps, POWERPLATFORM_CREDENTIAL: "azurePipelines", AZURE_TOKEN_CREDENTIALS: "dev" })).toBe("azurePipelines");
    expect(() => resolveConfig({ env: { POWERPLATFORM_CREDENTIAL: "github" } })).toThrow(ConfigurationError);
    expect(() => resolveConfig({ env: { POWERPLATFORM_CREDENTIAL: "github" } })).toThrow(/githubActions, azurePipelines/);
  });

  test("a forced pipeline credential without its variables names what is missing", () => {
    expect(missingPipelineVariables("githubActions", readPipelineSettings({}))).toEqual([
      "ACTIONS_ID_TOKEN_REQUEST_URL",
      "ACTIONS_ID_TOKEN_REQUEST_TOKEN (give the job `permissions: id-token: write`)",
    ]);
    expect(missingPipelineVariables("azurePipelines", readPipelineSettings({})).join(" ")).toMatch(
      /AZURESUBSCRIPTION_SERVICE_CONNECTION_ID.*SYSTEM_ACCESSTOKEN.*SYSTEM_OIDCREQUESTURI/,
    );
  });

  test("the runner's bearer tokens never serialise with the configuration", () => {
    const config = resolveConfig({ env: { ...ids, ...github, ...azureDevOps } });
    expect(config.credential.pipeline?.githubActions.requestToken).toBe(REQUEST_TOKEN);
    expect(config.credential.pipeline?.azurePipelines.systemAccessToken).toBe(SYSTEM_TOKEN);
    const text = JSON.stringify(config);
    expect(text).not.toContain(REQUEST_TOKEN);
    expect(text).not.toContain(SYSTEM_TOKEN);
  });
});

describe("GitHub Actions ID-token request", () => {
  const settings = readPipelineSettings(github).githubActions;
  const fake = (status: number, body: string) => {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const f: FetchLike = async (url, init) => {
      calls.push({ url, headers: init.headers });
      return { status, text: async () => body };
    };
    return { f, calls };
  };

  test("asks for Entra's audience on the runner's URL, with the runner's bearer token", async () => {
    const { f, calls } = fake(200, JSON.stringify({ value: "eyJ.jwt.sig" }));
    await expect(requestGitHubActionsIdToken(settings, { fetch: f })).resolves.toBe("eyJ.jwt.sig");
    const url = new URL(calls[0]!.url);
    expect(url.searchParams.get("api-version")).toBe("2.0");
    expect(url.searchParams.get("audience")).toBe(ENTRA_FEDERATION_AUDIENCE);
    expect(calls[0]!.headers.Authorization).toBe(`bearer ${REQUEST_TOKEN}`);
  });

  test("a refusal is an AuthError with the status and the runner's message, never the request token", async () => {
    const { f } = fake(401, JSON.stringify({ message: "token expired" }));
    const error = await requestGitHubActionsIdToken(settings, { fetch: f }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/answered 401.*token expired/);
    expect(`${(error as Error).message} ${JSON.stringify(error)}`).not.toContain(REQUEST_TOKEN);
  });

  test("an answer without `value` is an AuthError", async () => {
    const { f } = fake(200, "{}");
    await expect(requestGitHubActionsIdToken(settings, { fetch: f })).rejects.toThrow(/without an ID token/);
  });

  test("without the runner's variables it says which permission is missing", async () => {
    await expect(requestGitHubActionsIdToken({})).rejects.toThrow(/id-token: write/);
  });

  describe("against the emulated runner", () => {
    let kit: Kit;
    beforeAll(async () => {
      kit = await bootEmulator();
    });
    afterAll(async () => {
      await kit?.stop();
    });

    test("each call returns a new assertion that Entra exchanges for a token", async () => {
      const runner = readPipelineSettings(githubActionsEnv(kit.url)).githubActions;
      const first = await requestGitHubActionsIdToken(runner);
      const second = await requestGitHubActionsIdToken(runner);
      expect(second).not.toBe(first);
      const exchange = await kit.raw("POST", `/${kit.emu.admin.tenantId}/oauth2/v2.0/token`, {
        form: {
          grant_type: "client_credentials",
          client_id: SEED.federatedApp.clientId,
          client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
          client_assertion: second,
          scope: "https://service.powerapps.com/.default",
        },
      });
      expect(exchange.status).toBe(200);
    });

    test("Azure Pipelines variables of the emulated runner select AzurePipelinesCredential", () => {
      expect(kind({ ...azurePipelinesEnv(kit.url) })).toBe("azurePipelines");
    });
  });
});

describe("assertion reuse", () => {
  const jwt = (exp: number) => `h.${Buffer.from(JSON.stringify({ exp })).toString("base64url")}.s`;

  test("the same assertion is handed out in the first half of its life, a new one after", async () => {
    let clock = 1_000_000_000_000;
    const fetched: string[] = [];
    const fetchToken = async () => {
      const token = jwt(Math.floor(clock / 1000) + 300);
      fetched.push(token);
      return token;
    };
    const next = reuseWhileFresh(fetchToken, () => clock);
    const first = await next();
    expect(await next()).toBe(first); // MSAL's second call for the same token request
    clock += 149_000;
    expect(await next()).toBe(first);
    clock += 2_000; // 151 s: past half of 300 s
    const second = await next();
    expect(second).not.toBe(first);
    expect(fetched).toHaveLength(2);
  });

  test("an assertion without a readable exp is never reused", async () => {
    let n = 0;
    const next = reuseWhileFresh(async () => `opaque-${++n}`);
    expect(await next()).toBe("opaque-1");
    expect(await next()).toBe("opaque-2");
  });
});
