/**
 * Tokens per surface over @azure/identity. The credential is chosen from the
 * configuration the usual Azure way; @azure/identity is loaded lazily (on the
 * first token request) so that loading the client stays cheap.
 *
 * Tokens are cached per scope until shortly before expiry, with one in-flight
 * request per scope (single-flight). Errors never carry a token or a secret.
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import { KNOWN_AUTHORITY_HOSTS } from "./clouds";
import type { ClientConfig, CredentialSettings } from "./config";
import { AuthError, PowerPlatformError } from "./errors";
import {
  createAzurePipelinesCredential,
  createGitHubActionsCredential,
  hasAzurePipelinesServiceConnection,
  hasGitHubActionsOidc,
  missingPipelineVariables,
} from "./pipelineCredentials";

export interface GetTokenOptions {
  /**
   * A new token, not a cached one (after a 401): this cache is skipped, and so is the
   * credential's own (MSAL keeps tokens per credential: a fresh credential is built).
   */
  forceRefresh?: boolean;
  signal?: AbortSignal;
}

/** Gives bearer tokens per scope (the client asks once per surface and caches). */
export interface TokenProvider {
  /** A bearer token for the scope (e.g. "https://api.powerplatform.com/.default"). */
  getToken(scope: string, options?: GetTokenOptions): Promise<string>;
}

/** Anything that can produce tokens: an @azure/identity credential or a test fake. */
export type TokenSource = Pick<TokenCredential, "getToken">;

export interface CachingTokenProviderOptions {
  /** Refresh this long before expiry, ms (default 5 minutes). */
  refreshMarginMs?: number;
  now?: () => number;
}

interface CacheEntry {
  token: string;
  expiresOnMs: number;
}

/** Caches tokens per scope and de-duplicates concurrent requests for the same scope. */
export class CachingTokenProvider implements TokenProvider {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, Promise<CacheEntry>>();
  /**
   * The credential's first token request, once started. A new credential first reads
   * the authority's metadata; requests for other scopes wait for that first one so
   * they reuse it instead of each reading it again.
   */
  private first: Promise<unknown> | undefined;
  private readonly refreshMarginMs: number;
  private readonly now: () => number;

  constructor(
    private readonly source: (options?: { fresh?: boolean }) => Promise<TokenSource>,
    options: CachingTokenProviderOptions = {},
  ) {
    this.refreshMarginMs = options.refreshMarginMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  async getToken(scope: string, options: GetTokenOptions = {}): Promise<string> {
    const cached = this.cache.get(scope);
    if (!options.forceRefresh && cached && cached.expiresOnMs - this.refreshMarginMs > this.now()) {
      return cached.token;
    }
    if (options.forceRefresh) this.cache.delete(scope);
    let pending = this.inflight.get(scope);
    if (!pending) {
      pending = this.fetch(scope, options.signal, options.forceRefresh === true).finally(() => this.inflight.delete(scope));
      this.inflight.set(scope, pending);
    }
    const entry = await pending;
    return entry.token;
  }

  /** Drops all cached tokens. */
  clear(): void {
    this.cache.clear();
  }

  private async fetch(scope: string, signal?: AbortSignal, fresh = false): Promise<CacheEntry> {
    let result: AccessToken | null;
    try {
      const source = await this.source(fresh ? { fresh } : undefined);
      const request = () => source.getToken(scope, signal ? { abortSignal: signal } : undefined);
      if (this.first) {
        await this.first.catch(() => undefined);
        result = await request();
      } else {
        const own = request();
        this.first = own;
        result = await own;
      }
    } catch (e) {
      if (e instanceof PowerPlatformError) throw e;
      const err = e as Error;
      throw new AuthError(`Could not get a token for scope ${scope}: ${err?.name ?? "Error"}: ${err?.message ?? String(e)}`, {
        cause: e,
      });
    }
    if (!result || !result.token) throw new AuthError(`The credential returned no token for scope ${scope}`);
    const entry = { token: result.token, expiresOnMs: result.expiresOnTimestamp };
    this.cache.set(scope, entry);
    return entry;
  }
}

/**
 * The Entra object id (`oid`) of the principal a bearer token was issued to, read from
 * the token's payload (not verified: the token is ours, from the credential). Undefined
 * when the token is not a JWT or carries no `oid`.
 */
export function tokenObjectId(token: string): string | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as { oid?: unknown };
    return typeof claims.oid === "string" && claims.oid ? claims.oid.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Chooses the credential kind the way @azure/identity's DefaultAzureCredential
 * does, with what we add in its place in the order:
 * - POWERPLATFORM_CREDENTIAL (or the `credential` option) forces one kind;
 * - AZURE_TOKEN_CREDENTIALS = "dev" or a credential name is @azure/identity's
 *   own switch: the DefaultAzureCredential chain ("chain") honours it as documented;
 * - otherwise (unset or "prod"): the environment credential's order (client secret,
 *   certificate, username/password), then the pipeline credentials (Azure Pipelines
 *   service connection, GitHub Actions OIDC: fresh assertions, no token file), then
 *   workload identity from a token file, then the DefaultAzureCredential chain
 *   (managed identity; with AZURE_TOKEN_CREDENTIALS unset also the developer tools).
 */
export function chooseCredentialKind(c: CredentialSettings): Exclude<CredentialSettings["kind"], "auto"> | "chain" {
  if (c.kind !== "auto") return c.kind;
  if (c.tokenCredentials && c.tokenCredentials !== "prod") return "chain";
  if (c.tenantId && c.clientId && c.clientSecret) return "clientSecret";
  if (c.tenantId && c.clientId && c.certificatePath) return "clientCertificate";
  if (c.tenantId && c.clientId && c.username && c.password !== undefined) return "usernamePassword";
  if (c.tenantId && c.clientId && c.pipeline && hasAzurePipelinesServiceConnection(c.pipeline)) return "azurePipelines";
  if (c.tenantId && c.clientId && c.pipeline && hasGitHubActionsOidc(c.pipeline)) return "githubActions";
  if (c.clientId && c.federatedTokenFile) return "workloadIdentity";
  return "chain"; // DefaultAzureCredential: managed identity, then (unless "prod") Azure CLI and the other developer tools
}

function requireFields(c: CredentialSettings, kind: string, fields: (keyof CredentialSettings)[]): void {
  const missing = fields.filter((f) => !c[f]);
  if (missing.length) {
    const names: Record<string, string> = {
      tenantId: "AZURE_TENANT_ID",
      clientId: "AZURE_CLIENT_ID",
      clientSecret: "AZURE_CLIENT_SECRET",
      certificatePath: "AZURE_CLIENT_CERTIFICATE_PATH",
      federatedTokenFile: "AZURE_FEDERATED_TOKEN_FILE",
      username: "AZURE_USERNAME",
      password: "AZURE_PASSWORD",
    };
    throw new AuthError(`Credential "${kind}" needs ${missing.map((m) => names[m] ?? m).join(", ")}`);
  }
}

/** Builds the @azure/identity credential for the configuration (lazy import). */
export async function createAzureCredential(config: ClientConfig): Promise<TokenCredential> {
  const identity = await import("@azure/identity");
  const c = config.credential;
  const authorityHost = config.authorityHost;
  const host = new URL(authorityHost).host;
  // A non-Microsoft authority (an emulator, a private cloud) cannot be validated through instance discovery.
  const common = { authorityHost, disableInstanceDiscovery: !KNOWN_AUTHORITY_HOSTS.has(host) };
  const kind = chooseCredentialKind(c);
  switch (kind) {
    case "clientSecret":
      requireFields(c, kind, ["tenantId", "clientId", "clientSecret"]);
      return new identity.ClientSecretCredential(c.tenantId!, c.clientId!, c.clientSecret!, common);
    case "clientCertificate":
      requireFields(c, kind, ["tenantId", "clientId", "certificatePath"]);
      return new identity.ClientCertificateCredential(
        c.tenantId!,
        c.clientId!,
        { certificatePath: c.certificatePath!, certificatePassword: c.certificatePassword },
        common,
      );
    case "workloadIdentity":
      requireFields(c, kind, ["tenantId", "clientId", "federatedTokenFile"]);
      return new identity.WorkloadIdentityCredential({
        ...common,
        tenantId: c.tenantId,
        clientId: c.clientId,
        tokenFilePath: c.federatedTokenFile,
      });
    case "usernamePassword":
      requireFields(c, kind, ["tenantId", "clientId", "username", "password"]);
      return new identity.UsernamePasswordCredential(c.tenantId!, c.clientId!, c.username!, c.password!, common);
    case "azureCli":
      return new identity.AzureCliCredential({ tenantId: c.tenantId });
    case "managedIdentity":
      return c.clientId ? new identity.ManagedIdentityCredential(c.clientId) : new identity.ManagedIdentityCredential();
    case "githubActions":
    case "azurePipelines": {
      requireFields(c, kind, ["tenantId", "clientId"]);
      const pipeline = c.pipeline!;
      const missing = missingPipelineVariables(kind, pipeline);
      if (missing.length) throw new AuthError(`Credential "${kind}" needs ${missing.join(", ")}`);
      return kind === "githubActions"
        ? createGitHubActionsCredential(identity, c.tenantId!, c.clientId!, pipeline.githubActions, common)
        : createAzurePipelinesCredential(identity, c.tenantId!, c.clientId!, pipeline.azurePipelines, common);
    }
    case "chain":
    default:
      // @azure/identity's own chain; it reads AZURE_TOKEN_CREDENTIALS itself.
      return new identity.DefaultAzureCredential({
        ...common,
        tenantId: c.tenantId,
        ...(c.clientId ? { managedIdentityClientId: c.clientId, workloadIdentityClientId: c.clientId } : {}),
      });
  }
}

/**
 * The token provider of a client: over an injected credential (tests, callers
 * with their own credential) or the one chosen from the configuration.
 */
export function createTokenProvider(
  config: ClientConfig,
  credential?: TokenSource,
  options?: CachingTokenProviderOptions,
): CachingTokenProvider {
  let built: Promise<TokenSource> | undefined;
  const source = (options?: { fresh?: boolean }): Promise<TokenSource> => {
    if (credential) return Promise.resolve(credential);
    // A fresh credential has an empty token cache: the only way to make MSAL ask Entra again.
    if (options?.fresh) built = undefined;
    built ??= createAzureCredential(config).catch((e) => {
      built = undefined;
      throw e;
    });
    return built;
  };
  return new CachingTokenProvider(source, options);
}
