/**
 * The `powerplatform:*` stack configuration, as the engine hands it to the dynamic
 * provider's `configure()` (the whole stack configuration, keys with their namespace,
 * secrets decrypted).
 *
 * Precedence: a key set in the stack configuration wins over the environment variable it
 * replaces; a key not set falls back to the environment. The stack configuration is the
 * explicit, per-stack choice (and, for the secret, encrypted in the stack file); the
 * environment of a CI runner or a shell is ambient and shared by every stack run there,
 * so it is the default, not the override. This is also how Pulumi's own providers treat
 * their configuration and environment variables.
 */
import type { ClientOptions } from "../client/config";
import { validateEndpointUrl } from "../client/config";
import { ConfigurationError } from "../client/errors";

/** What `configure()` receives: `get("powerplatform:tenantId")`. */
export interface StackConfigSource {
  get(key: string): string | undefined;
}

export const stackConfigKeys = {
  tenantId: "powerplatform:tenantId",
  clientId: "powerplatform:clientId",
  clientSecret: "powerplatform:clientSecret",
  cloud: "powerplatform:cloud",
  apiUrl: "powerplatform:apiUrl",
  bapUrl: "powerplatform:bapUrl",
  flowUrl: "powerplatform:flowUrl",
  requestTimeoutSeconds: "powerplatform:requestTimeoutSeconds",
} as const;

function value(source: StackConfigSource, key: string): string | undefined {
  const v = source.get(key);
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

/**
 * The client options the stack configuration sets. The client secret is non-enumerable:
 * printing or serializing the options never shows it.
 */
export function clientOptionsFromStackConfig(source: StackConfigSource): ClientOptions {
  const k = stackConfigKeys;
  const options: ClientOptions = {};
  const tenantId = value(source, k.tenantId);
  const clientId = value(source, k.clientId);
  const cloud = value(source, k.cloud);
  if (tenantId) options.tenantId = tenantId;
  if (clientId) options.clientId = clientId;
  if (cloud) options.cloud = cloud;
  const endpoints: NonNullable<ClientOptions["endpoints"]> = {};
  const apiUrl = value(source, k.apiUrl);
  const bapUrl = value(source, k.bapUrl);
  const flowUrl = value(source, k.flowUrl);
  if (apiUrl) endpoints.powerplatform = validateEndpointUrl(apiUrl, k.apiUrl);
  if (bapUrl) endpoints.bap = validateEndpointUrl(bapUrl, k.bapUrl);
  if (flowUrl) endpoints.flow = validateEndpointUrl(flowUrl, k.flowUrl);
  if (Object.keys(endpoints).length) options.endpoints = endpoints;
  const timeout = value(source, k.requestTimeoutSeconds);
  if (timeout !== undefined) {
    const n = Number(timeout);
    if (!Number.isFinite(n) || n <= 0) {
      throw new ConfigurationError(`${k.requestTimeoutSeconds} must be a positive number of seconds, got "${timeout}"`);
    }
    options.requestTimeoutMs = n * 1000;
  }
  const secret = value(source, k.clientSecret);
  if (secret) Object.defineProperty(options, "clientSecret", { value: secret, enumerable: false });
  return options;
}

/** Whether two option sets configure the same client (compared without printing the secret). */
export function sameOptions(a: ClientOptions, b: ClientOptions): boolean {
  return JSON.stringify(a) === JSON.stringify(b) && a.clientSecret === b.clientSecret;
}
