// The OIDC endpoints of CI runners, which hand a job a short-lived ID token that
// Entra accepts as a federated client assertion (the emulator's federated issuer
// signs them; identity.ts trusts its subjects for the federated app):
//
// - GitHub Actions: GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=<aud> with
//   `Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN` → 200 {"value": "<jwt>"}.
//   Source: https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-cloud-providers
//   ("Using custom actions": the curl call and the `value` field) and @actions/core
//   (packages/core/src/oidc-utils.ts: appends `&audience=`, reads `value`). The URL's
//   path shape (…/_apis/distributedtask/hubs/Actions/plans/{plan}/jobs/{job}/idtoken?api-version=2.0)
//   is the one the runner sets; the default audience is the owner's URL (GitHub docs,
//   "Understanding the OIDC token": `aud` defaults to the URL of the repository owner).
// - Azure Pipelines: POST $SYSTEM_OIDCREQUESTURI?api-version=7.1&serviceConnectionId=<id>
//   with `Authorization: Bearer $SYSTEM_ACCESSTOKEN` → 200 {"oidcToken": "<jwt>"}.
//   Source: @azure/identity dist/commonjs/credentials/azurePipelinesCredential.js
//   (requestOidcToken / handleOidcResponse) and azure-sdk-for-python
//   azure/identity/_credentials/azure_pipelines.py (build_oidc_request); the path shape
//   {org}/{projectId}/_apis/distributedtask/hubs/build/plans/{plan}/jobs/{job}/oidctoken
//   is the one the Go azidentity credential builds.
//
// Guesses (listed in the README): the token lifetime (setting
// `runnerIdTokenLifetimeSeconds`, 300 by default), the error statuses and bodies for a
// wrong bearer token or service connection, and the claims beyond iss/sub/aud/iat/nbf/exp/jti.
import type { Reply } from "../http";
import type { Identity } from "../identity";
import type { Settings } from "../state";
import { SEED } from "../seed";

/** Fixed values of the emulated runners (nothing secret: the emulator is local). */
export const RUNNERS = {
  github: {
    requestToken: "emulator-actions-id-token-request-token",
    plan: "3f0c0000-0000-4000-8000-00000000a0c1",
    job: "3f0c0000-0000-4000-8000-00000000a0c2",
    /** default audience: the URL of the repository owner */
    defaultAudience: "https://github.com/contoso",
    subject: SEED.federatedApp.subject,
  },
  azureDevOps: {
    systemAccessToken: "emulator-system-access-token",
    organization: "contoso",
    projectId: "3f0c0000-0000-4000-8000-00000000ad01",
    plan: "3f0c0000-0000-4000-8000-00000000ad02",
    job: "3f0c0000-0000-4000-8000-00000000ad03",
    serviceConnectionId: "3f0c0000-0000-4000-8000-00000000ad04",
    subject: SEED.federatedApp.serviceConnectionSubject,
  },
} as const;

const GITHUB_PATH = /^\/_apis\/distributedtask\/hubs\/Actions\/plans\/([^/]+)\/jobs\/([^/]+)\/idtoken$/i;
const ADO_PATH = /^\/([^/]+)\/([^/]+)\/_apis\/distributedtask\/hubs\/build\/plans\/([^/]+)\/jobs\/([^/]+)\/oidctoken$/i;

/** The variables a GitHub Actions job with `id-token: write` sees, pointing at the emulator. */
export function githubActionsEnv(baseUrl: string): Record<string, string> {
  const g = RUNNERS.github;
  return {
    ACTIONS_ID_TOKEN_REQUEST_URL: `${baseUrl}/_apis/distributedtask/hubs/Actions/plans/${g.plan}/jobs/${g.job}/idtoken?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: g.requestToken,
  };
}

/** The variables an AzureCLI@2 step with the service connection (and SYSTEM_ACCESSTOKEN mapped) sees. */
export function azurePipelinesEnv(baseUrl: string): Record<string, string> {
  const a = RUNNERS.azureDevOps;
  return {
    SYSTEM_OIDCREQUESTURI: `${baseUrl}/${a.organization}/${a.projectId}/_apis/distributedtask/hubs/build/plans/${a.plan}/jobs/${a.job}/oidctoken`,
    SYSTEM_ACCESSTOKEN: a.systemAccessToken,
    AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: a.serviceConnectionId,
    AZURESUBSCRIPTION_CLIENT_ID: SEED.federatedApp.clientId,
    AZURESUBSCRIPTION_TENANT_ID: SEED.tenantId,
  };
}

function bearer(authorization: string | undefined): string | undefined {
  const m = /^bearer\s+(.+)$/i.exec(authorization ?? "");
  return m?.[1].trim();
}

/** Handles the runners' OIDC paths; undefined when the path is not one of them. */
export function handlePipelineOidc(
  emu: { identity: Identity; settings: Settings },
  method: string,
  path: string,
  query: URLSearchParams,
  authorization: string | undefined,
): Reply | undefined {
  const p = path.replace(/\/+$/, "");
  const lifetimeSeconds = emu.settings.runnerIdTokenLifetimeSeconds;
  const g = GITHUB_PATH.exec(p);
  if (g) {
    if (method !== "GET" && method !== "POST") return { status: 405, body: { message: `The HTTP method '${method}' is not supported.` } };
    if (bearer(authorization) !== RUNNERS.github.requestToken)
      return { status: 401, body: { message: "The request token is missing or invalid for this job." } };
    if (g[1].toLowerCase() !== RUNNERS.github.plan || g[2].toLowerCase() !== RUNNERS.github.job)
      return { status: 404, body: { message: "The plan or job of this request does not exist." } };
    const audience = query.get("audience") || RUNNERS.github.defaultAudience;
    return { status: 200, body: { value: emu.identity.mintFederatedToken({ subject: RUNNERS.github.subject, audience, lifetimeSeconds }) } };
  }
  const a = ADO_PATH.exec(p);
  if (a) {
    const ado = RUNNERS.azureDevOps;
    if (method !== "POST") return { status: 405, body: { message: `The HTTP method '${method}' is not supported.` } };
    if (bearer(authorization) !== ado.systemAccessToken)
      return { status: 401, body: { message: "TF400813: The user is not authorized to access this resource." } };
    if (!query.get("api-version")) return { status: 400, body: { message: "The api-version query parameter is required." } };
    if (a[3].toLowerCase() !== ado.plan || a[4].toLowerCase() !== ado.job)
      return { status: 404, body: { message: "The plan or job of this request does not exist." } };
    if ((query.get("serviceConnectionId") ?? "").toLowerCase() !== ado.serviceConnectionId)
      return { status: 400, body: { message: `Service connection '${query.get("serviceConnectionId") ?? ""}' is not authorized for this pipeline or does not exist.` } };
    return { status: 200, body: { oidcToken: emu.identity.mintFederatedToken({ subject: ado.subject, audience: SEED.federatedApp.audience, lifetimeSeconds }) } };
  }
  return undefined;
}
