// The Microsoft host names the emulator plays in proxy mode: one list, used for
// the TLS leaf certificate's SANs (tls.ts) and for what the CONNECT proxy lets
// through (proxy.ts), so the two can never disagree.
//
// Sources for the names:
// - DESIGN.md §3 and provider/client/clouds.ts (public cloud hosts: Entra,
//   Power Platform API, BAP, Power Automate).
// - Regional BAP hosts `{geo}.api.bap.microsoft.com` in lifecycle-operation
//   Location headers: issue 7 fact 1 (recorded in
//   microsoft/terraform-provider-power-platform internal/services/environment/tests/).
// - Entra aliases: MSAL instance discovery documentation
//   (MicrosoftDocs/microsoft-authentication-library-dotnet
//   msal-dotnet-articles/advanced/custom-authority-aliases.md) lists
//   login.microsoftonline.com and its aliases login.windows.net,
//   login.microsoft.com, sts.windows.net.
// - Dataverse instance URLs `{org}.crm{N}.dynamics.com` and their Web API hosts
//   `{org}.api.crm{N}.dynamics.com` (BAP linkedEnvironmentMetadata instanceUrl /
//   instanceApiUrl in the recorded environments).
//
// A certificate wildcard covers exactly ONE label (RFC 6125 §6.4.3), so
// `*.crm.dynamics.com` covers every single-label organisation but not the Web
// API host `org.api.crm.dynamics.com`, which needs `*.api.crm.dynamics.com`.
// Environment-scoped Power Platform API hosts
// (`{id}.{nn}.environment.api.powerplatform.com`, see
// microsoft/terraform-provider-power-platform internal/helpers/uri.go) are two
// labels below `environment.api.powerplatform.com`: no wildcard can cover them,
// and the emulator serves no operation there, so they are not played.

/** Dataverse regional suffixes: crm (NAM), crm2 … crm21 (other geographies). */
const CRM_SUFFIXES = ["crm", ...Array.from({ length: 20 }, (_, i) => `crm${i + 2}`)];

/** Entra ID (token endpoint, OpenID metadata, instance discovery) and its aliases. */
const ENTRA_NAMES = ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"];

/** Every DNS name (wildcards allowed) the proxy mode serves, public cloud. */
export const MICROSOFT_HOST_PATTERNS: readonly string[] = [
  ...ENTRA_NAMES,
  // BAP (environments) and its regional lifecycle-operation hosts
  "api.bap.microsoft.com",
  "*.api.bap.microsoft.com",
  // Power Platform API
  "api.powerplatform.com",
  "*.api.powerplatform.com",
  // Power Automate management (and regional hosts such as emea.api.flow.microsoft.com)
  "api.flow.microsoft.com",
  "*.api.flow.microsoft.com",
  // Dataverse organisations and their Web API hosts
  ...CRM_SUFFIXES.flatMap((s) => [`*.${s}.dynamics.com`, `*.api.${s}.dynamics.com`]),
];

/** The Entra authority host the emulator names when a client reached it by a Microsoft name. */
export const ENTRA_AUTHORITY_HOST = "login.microsoftonline.com";
export const ENTRA_HOSTS: ReadonlySet<string> = new Set(ENTRA_NAMES);

/** True when `hostname` is covered by `pattern` the way TLS name matching does it (a `*` is one whole label). */
export function hostMatchesPattern(hostname: string, pattern: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  const p = pattern.toLowerCase();
  if (!p.startsWith("*.")) return h === p;
  const rest = p.slice(1); // ".api.bap.microsoft.com"
  if (!h.endsWith(rest)) return false;
  const label = h.slice(0, h.length - rest.length);
  return /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label);
}

/** True when the emulator plays this Microsoft host (its certificate covers it and the proxy tunnels to it). */
export function isPlayedMicrosoftHost(hostname: string): boolean {
  return MICROSOFT_HOST_PATTERNS.some((p) => hostMatchesPattern(hostname, p));
}
