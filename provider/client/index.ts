/**
 * The Power Platform admin client: auth → request → retry → poll → API.
 * Knows nothing about Pulumi.
 *
 *   const client = createClient({ cloud: "public" });
 *   const policies = await client.billingPolicies.list();
 *   client.close();
 *
 * @module @powerplatform-iac/provider/client
 */
import { type CachingTokenProviderOptions, createTokenProvider, type TokenProvider, type TokenSource } from "./auth";
import type { Clock } from "./clock";
import { type ClientConfig, type ClientOptions, resolveConfig } from "./config";
import type { Surface } from "./clouds";
import { HttpClient, type Logger } from "./http";
import { createAxiosTransport, type Transport } from "./transport";
import { applicationPackagesApi } from "./api/applicationPackages";
import { billingPoliciesApi } from "./api/billingPolicies";
import { connectionsApi } from "./api/connections";
import { connectorsApi } from "./api/connectors";
import { dataverseApi } from "./api/dataverse";
import { dlpPoliciesApi } from "./api/dlpPolicies";
import { environmentsApi } from "./api/environments";
import { managedEnvironmentsApi } from "./api/managedEnvironments";
import { environmentGroupsApi } from "./api/environmentGroups";
import { flowRunsApi } from "./api/flowRuns";
import { flowsApi } from "./api/flows";
import { tenantSettingsApi } from "./api/tenantSettings";
import { ReadCache } from "./readCache";
import { invalidateAfterWrite, listedReads, type ListedReads } from "./listedReads";

/** Options of {@link createClient}: the {@link ClientOptions} plus what tests and embedders inject. */
export interface CreateClientOptions extends ClientOptions {
  /** A credential to use instead of the one chosen from the environment (anything with getToken). */
  tokenCredential?: TokenSource;
  /** A token provider to use as is (tests). */
  tokenProvider?: TokenProvider;
  /** The wire (default: axios with keep-alive agents). */
  transport?: Transport;
  /** Time (default: the system clock). */
  clock?: Clock;
  /** Receives redacted request/response/retry events. */
  logger?: Logger;
  /** Jitter source (default Math.random). */
  random?: () => number;
  tokenCache?: CachingTokenProviderOptions;
}

/**
 * The client: one typed API per service area over one HTTP client (auth, retry, polling, redacted
 * logging).
 */
export interface PowerPlatformClient {
  readonly config: ClientConfig;
  readonly http: HttpClient;
  readonly billingPolicies: ReturnType<typeof billingPoliciesApi>;
  readonly environments: ReturnType<typeof environmentsApi>;
  /** Managed environments: an environment's governance configuration. */
  readonly managedEnvironments: ReturnType<typeof managedEnvironmentsApi>;
  readonly applicationPackages: ReturnType<typeof applicationPackagesApi>;
  readonly flows: ReturnType<typeof flowsApi>;
  readonly flowRuns: ReturnType<typeof flowRunsApi>;
  readonly connectors: ReturnType<typeof connectorsApi>;
  readonly connections: ReturnType<typeof connectionsApi>;
  /** Data loss prevention policies (BAP governance paths). */
  readonly dlpPolicies: ReturnType<typeof dlpPoliciesApi>;
  /** Environment groups, their members and their rule sets. */
  readonly environmentGroups: ReturnType<typeof environmentGroupsApi>;
  /** The Dataverse Web API of an environment (at its instance URL). */
  readonly dataverse: ReturnType<typeof dataverseApi>;
  /** The tenant-wide settings object (BAP listTenantSettings / updateTenantSettings). */
  readonly tenantSettings: ReturnType<typeof tenantSettingsApi>;
  /** The lists kept to serve reads (config.readCacheMs), dropped by this client's own writes. */
  readonly readCache: ReadCache;
  /** Reads served from those lists, each falling back to the object's own GET (listedReads.ts). */
  readonly reads: ListedReads;
  /** Releases keep-alive sockets. */
  close(): void;
}

/**
 * Creates a client from `options` merged over the environment (`AZURE_*`, `POWERPLATFORM_*`):
 * credentials, cloud, endpoints, retry and polling. Call `close()` when done.
 */
export function createClient(options: CreateClientOptions = {}): PowerPlatformClient {
  const config = resolveConfig(options);
  const tokens =
    options.tokenProvider ??
    createTokenProvider(config, options.tokenCredential, { now: options.clock ? () => options.clock!.now() : undefined, ...options.tokenCache });
  const transport = options.transport ?? createAxiosTransport();
  const http = new HttpClient({ config, tokens, transport, clock: options.clock, logger: options.logger, random: options.random });
  const readCache = new ReadCache(http.clock, config.readCacheMs);
  const ctx = { http, afterWrite: (surface: Surface, pathOrUrl: string) => invalidateAfterWrite(readCache, surface, pathOrUrl) };
  const billingPolicies = billingPoliciesApi(ctx);
  const environments = environmentsApi(ctx);
  const applicationPackages = applicationPackagesApi(ctx);
  const flows = flowsApi(ctx);
  return {
    config,
    http,
    billingPolicies,
    environments,
    managedEnvironments: managedEnvironmentsApi(ctx, environments),
    applicationPackages,
    flows,
    readCache,
    reads: listedReads(readCache, { flows, environments, billingPolicies, applicationPackages }),
    flowRuns: flowRunsApi(ctx),
    connectors: connectorsApi(ctx),
    connections: connectionsApi(ctx),
    dataverse: dataverseApi(ctx),
    tenantSettings: tenantSettingsApi(ctx),
    dlpPolicies: dlpPoliciesApi(ctx),
    environmentGroups: environmentGroupsApi(ctx),
    close: () => http.close(),
  };
}

export * from "./errors";
export { redact, redactHeaders, safeUrlPath } from "./redact";
export { CLOUDS, CLOUD_NAMES, SURFACES, parseCloudName, type CloudName, type Surface, type CloudDefinition } from "./clouds";
export { resolveConfig, validateEndpointUrl, isLoopbackHost, type ClientConfig, type ClientOptions, type CredentialKind } from "./config";
export { CachingTokenProvider, createTokenProvider, createAzureCredential, chooseCredentialKind, type TokenProvider, type TokenSource } from "./auth";
export { HttpClient, type RequestOptions, type HttpResponse, type Logger, type LogEntry } from "./http";
export { withRetry, classifyFailure, retryDelay, backoffDelay, throttleDelay, isThrottled } from "./retry";
export {
  processRateLimiters,
  RateLimiterRegistry,
  HostRateLimiter,
  DEFAULT_RATE_LIMIT,
  type RateLimitSettings,
  type RateLimiterView,
  type SendOutcome,
  type SendPermit,
} from "./rateLimiter";
export {
  pollOperation,
  operationUrlFrom,
  pollInterval,
  AppManagementOperation,
  BapLifecycleOperation,
  BillingPolicyProvisioning,
  type OperationKind,
  type PollResult,
} from "./poller";
export { collectPages, nextLinkOf } from "./pagination";
export { ReadCache, type ReadCacheStats } from "./readCache";
export { listedReads, readScopes, scopesWrittenBy, invalidateAfterWrite, type ListedReads, type ListedReadApis } from "./listedReads";
export { createAxiosTransport, type Transport, type TransportRequest, type TransportResponse } from "./transport";
export { systemClock, type Clock } from "./clock";
export type { CallOptions, WaitOptions } from "./api/common";
export { environmentIdOf } from "./api/environments";
export * from "./api/dlpPolicies";
export * from "./api/types";
export type { TenantSettingsObject, TenantSettingsValue } from "./api/tenantSettings";
