/**
 * The one table of clouds: API hosts, token scopes and the Entra authority host.
 *
 * Sources: DESIGN.md §3 (public cloud) and the cloud constants of
 * microsoft/terraform-provider-power-platform (BAP / Power Platform API hosts,
 * BAP (Power Apps) scopes, authority hosts). The Power Automate hosts of the
 * sovereign clouds follow Microsoft's published US Government / China endpoints.
 */

export type Surface = "powerplatform" | "bap" | "flow";
export const SURFACES: readonly Surface[] = ["powerplatform", "bap", "flow"] as const;

export type CloudName = "public" | "usgov" | "usgovhigh" | "dod" | "china";
export const CLOUD_NAMES: readonly CloudName[] = ["public", "usgov", "usgovhigh", "dod", "china"] as const;

export interface SurfaceEndpoint {
  /** Base URL of the surface (scheme + host, no trailing slash). */
  readonly baseUrl: string;
  /** OAuth scope used for tokens sent to this surface. */
  readonly scope: string;
}

export interface CloudDefinition {
  readonly name: CloudName;
  readonly description: string;
  /** Entra ID authority host (scheme + host, no trailing slash). */
  readonly authorityHost: string;
  readonly surfaces: Readonly<Record<Surface, SurfaceEndpoint>>;
}

export const CLOUDS: Readonly<Record<CloudName, CloudDefinition>> = {
  public: {
    name: "public",
    description: "Public (commercial) cloud",
    authorityHost: "https://login.microsoftonline.com",
    surfaces: {
      powerplatform: { baseUrl: "https://api.powerplatform.com", scope: "https://api.powerplatform.com/.default" },
      bap: { baseUrl: "https://api.bap.microsoft.com", scope: "https://service.powerapps.com/.default" },
      flow: { baseUrl: "https://api.flow.microsoft.com", scope: "https://service.flow.microsoft.com/.default" },
    },
  },
  usgov: {
    name: "usgov",
    description: "US Government Community Cloud (GCC)",
    authorityHost: "https://login.microsoftonline.com",
    surfaces: {
      powerplatform: {
        baseUrl: "https://api.gov.powerplatform.microsoft.us",
        scope: "https://api.gov.powerplatform.microsoft.us/.default",
      },
      bap: { baseUrl: "https://gov.api.bap.microsoft.us", scope: "https://service.powerapps.us/.default" },
      flow: { baseUrl: "https://gov.api.flow.microsoft.us", scope: "https://gov.service.flow.microsoft.us/.default" },
    },
  },
  usgovhigh: {
    name: "usgovhigh",
    description: "US Government Community Cloud High (GCC High)",
    authorityHost: "https://login.microsoftonline.us",
    surfaces: {
      powerplatform: {
        baseUrl: "https://api.high.powerplatform.microsoft.us",
        scope: "https://api.high.powerplatform.microsoft.us/.default",
      },
      bap: { baseUrl: "https://high.api.bap.microsoft.us", scope: "https://high.service.powerapps.us/.default" },
      flow: { baseUrl: "https://high.api.flow.microsoft.us", scope: "https://high.service.flow.microsoft.us/.default" },
    },
  },
  dod: {
    name: "dod",
    description: "US Department of Defense (DoD)",
    authorityHost: "https://login.microsoftonline.us",
    surfaces: {
      powerplatform: { baseUrl: "https://api.appsplatform.us", scope: "https://api.appsplatform.us/.default" },
      bap: { baseUrl: "https://api.bap.appsplatform.us", scope: "https://service.apps.appsplatform.us/.default" },
      flow: { baseUrl: "https://api.flow.appsplatform.us", scope: "https://service.flow.appsplatform.us/.default" },
    },
  },
  china: {
    name: "china",
    description: "Microsoft Cloud China (operated by 21Vianet)",
    authorityHost: "https://login.chinacloudapi.cn",
    surfaces: {
      powerplatform: {
        baseUrl: "https://api.powerplatform.partner.microsoftonline.cn",
        scope: "https://api.powerplatform.partner.microsoftonline.cn/.default",
      },
      bap: { baseUrl: "https://api.bap.partner.microsoftonline.cn", scope: "https://service.powerapps.cn/.default" },
      flow: { baseUrl: "https://api.powerautomate.cn", scope: "https://service.powerautomate.cn/.default" },
    },
  },
};

/** Aliases accepted in configuration (case-insensitive). */
const CLOUD_ALIASES: Readonly<Record<string, CloudName>> = {
  public: "public",
  commercial: "public",
  azurepubliccloud: "public",
  usgov: "usgov",
  gcc: "usgov",
  usgovhigh: "usgovhigh",
  gcchigh: "usgovhigh",
  high: "usgovhigh",
  dod: "dod",
  china: "china",
  mooncake: "china",
};

export function parseCloudName(value: string): CloudName {
  const key = value.trim().toLowerCase().replace(/[\s_-]/g, "");
  const name = CLOUD_ALIASES[key];
  if (!name) {
    throw new Error(`Unknown Power Platform cloud "${value}": expected one of ${CLOUD_NAMES.join(", ")}`);
  }
  return name;
}

/** Authority hosts that Entra instance discovery knows about. */
export const KNOWN_AUTHORITY_HOSTS: ReadonlySet<string> = new Set(
  Object.values(CLOUDS).map((c) => new URL(c.authorityHost).host),
);
