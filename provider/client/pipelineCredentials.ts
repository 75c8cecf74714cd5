/**
 * Credentials of CI pipelines that federate with Entra and never hold a secret:
 *
 * - GitHub Actions: a job with `permissions: id-token: write` gets
 *   ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN. A fresh ID token
 *   (audience api://AzureADTokenExchange) is requested from the runner each time
 *   Entra needs a client assertion, through @azure/identity's
 *   ClientAssertionCredential with a callback: no token file, so nothing expires
 *   during a long run. (GET `${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=…` with
 *   `Authorization: bearer ${ACTIONS_ID_TOKEN_REQUEST_TOKEN}` answers `{"value": "<jwt>"}`:
 *   https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-cloud-providers#using-custom-actions
 *   and @actions/core's OidcClient.)
 * - Azure Pipelines: @azure/identity's AzurePipelinesCredential with the service
 *   connection. The AzureCLI@2 / AzurePowerShell tasks export
 *   AZURESUBSCRIPTION_CLIENT_ID, AZURESUBSCRIPTION_TENANT_ID and
 *   AZURESUBSCRIPTION_SERVICE_CONNECTION_ID; SYSTEM_ACCESSTOKEN must be mapped into the
 *   step's `env:`; the credential itself reads SYSTEM_OIDCREQUESTURI (a predefined
 *   variable) and requests a fresh assertion whenever it needs one.
 *
 * This module only reads settings and builds credentials; which credential is used
 * is decided in auth.ts (chooseCredentialKind).
 */
import type { TokenCredential } from "@azure/identity";
import { AuthError } from "./errors";

/** The audience Entra expects in a federated assertion (public cloud and sovereign clouds alike). */
export const ENTRA_FEDERATION_AUDIENCE = "api://AzureADTokenExchange";

export interface GitHubActionsOidcSettings {
  /** ACTIONS_ID_TOKEN_REQUEST_URL (carries its own query string, e.g. ?api-version=2.0). */
  requestUrl?: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN (a bearer token of the runner: kept out of logs and errors). */
  requestToken?: string;
}

export interface AzurePipelinesSettings {
  /** AZURESUBSCRIPTION_SERVICE_CONNECTION_ID. */
  serviceConnectionId?: string;
  /** SYSTEM_ACCESSTOKEN (System.AccessToken mapped into `env:`; kept out of logs and errors). */
  systemAccessToken?: string;
  /** SYSTEM_OIDCREQUESTURI (the credential reads it from the process environment). */
  oidcRequestUri?: string;
}

export interface PipelineSettings {
  githubActions: GitHubActionsOidcSettings;
  azurePipelines: AzurePipelinesSettings;
  /** Tenant and client of the Azure Pipelines service connection (AZURESUBSCRIPTION_*), used when AZURE_* are not set. */
  serviceConnectionTenantId?: string;
  serviceConnectionClientId?: string;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== "" ? v.trim() : undefined;
}

function hidden<T extends object, K extends keyof T>(o: T, key: K, value: T[K] | undefined): void {
  Object.defineProperty(o, key, { value, enumerable: false, writable: false, configurable: false });
}

/** Reads the pipeline settings from an environment. Bearer tokens are non-enumerable (never serialised). */
export function readPipelineSettings(env: Readonly<Record<string, string | undefined>>): PipelineSettings {
  const githubActions: GitHubActionsOidcSettings = { requestUrl: nonEmpty(env.ACTIONS_ID_TOKEN_REQUEST_URL) };
  hidden(githubActions, "requestToken", nonEmpty(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN));
  const azurePipelines: AzurePipelinesSettings = {
    serviceConnectionId: nonEmpty(env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID),
    oidcRequestUri: nonEmpty(env.SYSTEM_OIDCREQUESTURI),
  };
  hidden(azurePipelines, "systemAccessToken", nonEmpty(env.SYSTEM_ACCESSTOKEN));
  return {
    githubActions,
    azurePipelines,
    serviceConnectionTenantId: nonEmpty(env.AZURESUBSCRIPTION_TENANT_ID),
    serviceConnectionClientId: nonEmpty(env.AZURESUBSCRIPTION_CLIENT_ID),
  };
}

/** True when the GitHub Actions runner offers ID tokens to this job (id-token: write). */
export function hasGitHubActionsOidc(s: PipelineSettings): boolean {
  return !!(s.githubActions.requestUrl && s.githubActions.requestToken);
}

/** True when an Azure Pipelines service connection with workload identity federation is at hand. */
export function hasAzurePipelinesServiceConnection(s: PipelineSettings): boolean {
  const a = s.azurePipelines;
  return !!(a.serviceConnectionId && a.systemAccessToken && a.oidcRequestUri);
}

/** What a credential kind is missing, named by the variables that provide it. */
export function missingPipelineVariables(kind: "githubActions" | "azurePipelines", s: PipelineSettings): string[] {
  if (kind === "githubActions") {
    return [
      ...(s.githubActions.requestUrl ? [] : ["ACTIONS_ID_TOKEN_REQUEST_URL"]),
      ...(s.githubActions.requestToken ? [] : ["ACTIONS_ID_TOKEN_REQUEST_TOKEN (give the job `permissions: id-token: write`)"]),
    ];
  }
  const a = s.azurePipelines;
  return [
    ...(a.serviceConnectionId ? [] : ["AZURESUBSCRIPTION_SERVICE_CONNECTION_ID (run the step in an AzureCLI@2 task with the service connection)"]),
    ...(a.systemAccessToken ? [] : ["SYSTEM_ACCESSTOKEN (map $(System.AccessToken) in the step's env:)"]),
    ...(a.oidcRequestUri ? [] : ["SYSTEM_OIDCREQUESTURI"]),
  ];
}

/** The two constructors of @azure/identity used here (the module is imported lazily by auth.ts). */
export interface PipelineIdentityModule {
  ClientAssertionCredential: new (tenantId: string, clientId: string, getAssertion: () => Promise<string>, options?: CredentialOptions) => TokenCredential;
  AzurePipelinesCredential: new (
    tenantId: string,
    clientId: string,
    serviceConnectionId: string,
    systemAccessToken: string,
    options?: CredentialOptions,
  ) => TokenCredential;
}

export interface CredentialOptions {
  authorityHost?: string;
  disableInstanceDiscovery?: boolean;
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; signal?: AbortSignal }) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

/**
 * Requests a fresh ID token from the GitHub Actions runner. The error names the
 * status and the runner's message, never the request token.
 */
export async function requestGitHubActionsIdToken(
  settings: GitHubActionsOidcSettings,
  options: { audience?: string; signal?: AbortSignal; fetch?: FetchLike } = {},
): Promise<string> {
  if (!settings.requestUrl || !settings.requestToken) {
    throw new AuthError(
      "GitHub Actions OIDC is not available to this job: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are set only with `permissions: id-token: write`",
    );
  }
  let url: URL;
  try {
    url = new URL(settings.requestUrl);
  } catch {
    throw new AuthError("ACTIONS_ID_TOKEN_REQUEST_URL is not a valid absolute URL");
  }
  url.searchParams.set("audience", options.audience ?? ENTRA_FEDERATION_AUDIENCE);
  const doFetch: FetchLike = options.fetch ?? ((u, init) => fetch(u, init));
  let status: number;
  let text: string;
  try {
    const response = await doFetch(url.toString(), {
      method: "GET",
      headers: { Authorization: `bearer ${settings.requestToken}`, Accept: "application/json; api-version=2.0" },
      signal: options.signal,
    });
    status = response.status;
    text = await response.text();
  } catch (e) {
    throw new AuthError(`Could not reach the GitHub Actions OIDC endpoint ${url.origin}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
  let body: { value?: unknown; message?: unknown } | undefined;
  try {
    body = text ? (JSON.parse(text) as typeof body) : undefined;
  } catch {
    body = undefined;
  }
  if (status !== 200 || typeof body?.value !== "string" || body.value === "") {
    const said = typeof body?.message === "string" ? `: ${body.message.slice(0, 300)}` : "";
    throw new AuthError(`The GitHub Actions OIDC endpoint answered ${status} without an ID token${said}`);
  }
  return body.value;
}

/** The `exp` of a JWT in ms, or undefined when it has none (the signature is Entra's business). */
function expiryOf(jwt: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as { exp?: unknown };
    return typeof claims.exp === "number" ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Hands out the last assertion while it is in the first half of its life, else
 * fetches a new one. MSAL asks for the assertion twice per token request (observed
 * with @azure/identity 4.14); this keeps that to one call to the runner, and a token
 * request never gets an assertion in the second half of its life.
 */
export function reuseWhileFresh(fetchToken: () => Promise<string>, now: () => number = Date.now): () => Promise<string> {
  let cached: { token: string; reuseUntil: number } | undefined;
  return async () => {
    if (cached && now() < cached.reuseUntil) return cached.token;
    const token = await fetchToken();
    const issued = now();
    const exp = expiryOf(token);
    cached = exp !== undefined && exp > issued ? { token, reuseUntil: issued + (exp - issued) / 2 } : undefined;
    return token;
  };
}

/** GitHub Actions: a client assertion requested from the runner whenever Entra needs one. */
export function createGitHubActionsCredential(
  identity: PipelineIdentityModule,
  tenantId: string,
  clientId: string,
  settings: GitHubActionsOidcSettings,
  options: CredentialOptions,
): TokenCredential {
  return new identity.ClientAssertionCredential(tenantId, clientId, reuseWhileFresh(() => requestGitHubActionsIdToken(settings)), options);
}

/** Azure Pipelines: @azure/identity's own credential for service connections. */
export function createAzurePipelinesCredential(
  identity: PipelineIdentityModule,
  tenantId: string,
  clientId: string,
  settings: AzurePipelinesSettings,
  options: CredentialOptions,
): TokenCredential {
  return new identity.AzurePipelinesCredential(tenantId, clientId, settings.serviceConnectionId!, settings.systemAccessToken!, options);
}
