/**
 * Which absolute URLs a request may go to, with which token. A surface's own
 * long-running-operation and next-link URLs may be on any host of the surface's
 * family (the cloud table's `hostFamily`: the host and its subdomains, e.g.
 * `europe.api.bap.microsoft.com`); a Dataverse instance URL must be on a
 * Dataverse host of the cloud. With an endpoint override (the emulator), the
 * family is the override host and its subdomains (`localhost:8443` →
 * `europe.localhost:8443`), with the same scheme and port.
 */
import { CLOUDS, inHostFamily, isDataverseHost, type Surface } from "./clouds";
import type { ClientConfig } from "./config";

export type RequestTarget = Surface | "dataverse";

function defaultPort(protocol: string): string {
  return protocol === "http:" ? "80" : "443";
}
const portOf = (u: URL): string => u.port || defaultPort(u.protocol);

function isOverridden(config: ClientConfig, surface: Surface): boolean {
  return new URL(config.endpoints[surface]).origin !== new URL(CLOUDS[config.cloud].surfaces[surface].baseUrl).origin;
}

/** Same scheme and port as the override, host equal to it or a subdomain of it (never of an IP literal). */
function inOverrideFamily(endpoint: string, u: URL): boolean {
  const base = new URL(endpoint);
  if (u.protocol !== base.protocol || portOf(u) !== portOf(base)) return false;
  if (u.hostname === base.hostname) return true;
  const isIp = /^[\d.]+$/.test(base.hostname) || base.hostname.startsWith("[");
  return !isIp && inHostFamily(u.hostname, base.hostname);
}

/** True when `u` may receive a request (and the token) of `target`. */
export function isAllowedUrl(config: ClientConfig, target: RequestTarget, u: URL): boolean {
  if (u.username || u.password) return false;
  if (target === "dataverse") {
    // Instance URLs come from BAP's linkedEnvironmentMetadata: with BAP overridden, they are on its family.
    if (isOverridden(config, "bap")) return inOverrideFamily(config.endpoints.bap, u);
    return u.protocol === "https:" && portOf(u) === "443" && isDataverseHost(config.cloud, u.hostname);
  }
  if (isOverridden(config, target)) return inOverrideFamily(config.endpoints[target], u);
  const family = CLOUDS[config.cloud].surfaces[target].hostFamily;
  return u.protocol === "https:" && portOf(u) === "443" && family.some((h) => inHostFamily(u.hostname, h));
}

/** Human description of the allowed hosts, for error messages. */
export function describeFamily(config: ClientConfig, target: RequestTarget): string {
  if (target === "dataverse") {
    if (isOverridden(config, "bap")) return `${new URL(config.endpoints.bap).host} and its subdomains`;
    return `the ${config.cloud} cloud's Dataverse hosts`;
  }
  if (isOverridden(config, target)) return `${new URL(config.endpoints[target]).host} and its subdomains`;
  return CLOUDS[config.cloud].surfaces[target].hostFamily.map((h) => `${h} and *.${h}`).join(", ");
}
