/**
 * The one table of clouds: API hosts, token scopes and the Entra authority host.
 *
 * Sources: DESIGN.md §3 (public cloud) and the cloud constants of
 * microsoft/terraform-provider-power-platform (BAP / Power Platform API hosts,
 * BAP (Power Apps) scopes, authority hosts). The Power Automate hosts of the
 * sovereign clouds follow Microsoft's published US Government / China endpoints.
 *
 * Host families: BAP answers long-running operations on regional hosts of its own
 * family (`https://europe.api.bap.microsoft.com/…lifecycleOperations/…`, recorded in
 * microsoft/terraform-provider-power-platform
 * internal/services/environment/resource_environment_test.go), and an environment's
 * `runtimeEndpoints` list `https://europe.api.bap.microsoft.com` and
 * `https://emea.api.flow.microsoft.com` (recorded get_environment_*.json): a family is
 * the surface host and its subdomains. The regional hosts of the sovereign clouds are
 * not recorded anywhere public: their family is built by the same rule (a guess).
 *
 * Dataverse instance hosts per cloud: the global discovery service hosts Microsoft
 * documents (https://learn.microsoft.com/power-apps/developer/data-platform/discovery-service):
 * crm.dynamics.com (commercial; regional crmN.dynamics.com), crm9.dynamics.com (GCC),
 * crm.microsoftdynamics.us (GCC High), crm.appsplatform.us (DoD), crm.dynamics.cn (China).
 */

/** The three API surfaces: the Power Platform API, BAP (environments) and Power Automate (flows). */
export type Surface = "powerplatform" | "bap" | "flow";
/** Every {@link Surface}. */
export const SURFACES: readonly Surface[] = ["powerplatform", "bap", "flow"] as const;

/** The sovereign clouds the client knows: commercial (`public`), GCC (`usgov`), GCC High, DoD and China. */
export type CloudName = "public" | "usgov" | "usgovhigh" | "dod" | "china";
/** Every {@link CloudName}. */
export const CLOUD_NAMES: readonly CloudName[] = ["public", "usgov", "usgovhigh", "dod", "china"] as const;

export interface SurfaceEndpoint {
  /** Base URL of the surface (scheme + host, no trailing slash). */
  readonly baseUrl: string;
  /** OAuth scope used for tokens sent to this surface. */
  readonly scope: string;
  /**
   * The surface's host family: long-running-operation URLs (Location, Operation-Location)
   * and next links are followed, with this surface's token, to these hosts and their
   * subdomains only (e.g. BAP answers with `https://europe.api.bap.microsoft.com/…`).
   */
  readonly hostFamily: readonly string[];
}

/**
 * Dataverse instance hosts of a cloud: a token for `{instanceUrl}/.default` is sent
 * only to a host matched by one of these expressions (over the whole host name).
 */
export type DataverseHostPattern = RegExp;

/**
 * Where a cloud's services live: authority host, each surface's endpoint and token scope, Dataverse
 * hosts.
 */
export interface CloudDefinition {
  readonly name: CloudName;
  readonly description: string;
  /** Entra ID authority host (scheme + host, no trailing slash). */
  readonly authorityHost: string;
  readonly surfaces: Readonly<Record<Surface, SurfaceEndpoint>>;
  /** Host names of the cloud's Dataverse instances (`linkedEnvironmentMetadata.instanceUrl`). */
  readonly dataverseHosts: readonly DataverseHostPattern[];
}

/** A `{label}.{suffix}` instance host (one DNS label before the suffix, optionally `{label}.api.{suffix}`). */
const instanceHost = (suffix: string): RegExp =>
  new RegExp(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.api)?\\.${suffix.replace(/\./g, "\\.")}$`, "i");

/**
 * The endpoints and token scopes of each cloud, from Microsoft's documentation (see the comment at
 * the top of this file).
 */
export const CLOUDS: Readonly<Record<CloudName, CloudDefinition>> = {
  public: {
    name: "public",
    description: "Public (commercial) cloud",
    authorityHost: "https://login.microsoftonline.com",
    // Public cloud instances live on crm.dynamics.com and the numbered regional
    // suffixes crm2…crm21.dynamics.com (recorded: `….crm4.dynamics.com`, api host `….api.crm4.dynamics.com`).
    dataverseHosts: [/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.api)?\.crm(?:[1-9][0-9]?)?\.dynamics\.com$/i],
    surfaces: {
      powerplatform: { baseUrl: "https://api.powerplatform.com", scope: "https://api.powerplatform.com/.default", hostFamily: ["api.powerplatform.com"] },
      bap: { baseUrl: "https://api.bap.microsoft.com", scope: "https://service.powerapps.com/.default", hostFamily: ["api.bap.microsoft.com"] },
      flow: { baseUrl: "https://api.flow.microsoft.com", scope: "https://service.flow.microsoft.com/.default", hostFamily: ["api.flow.microsoft.com"] },
    },
  },
  usgov: {
    name: "usgov",
    description: "US Government Community Cloud (GCC)",
    authorityHost: "https://login.microsoftonline.com",
    // GCC: crm9.dynamics.com (Dataverse global discovery service per cloud).
    dataverseHosts: [instanceHost("crm9.dynamics.com")],
    surfaces: {
      powerplatform: {
        baseUrl: "https://api.gov.powerplatform.microsoft.us",
        scope: "https://api.gov.powerplatform.microsoft.us/.default",
        hostFamily: ["api.gov.powerplatform.microsoft.us"],
      },
      bap: { baseUrl: "https://gov.api.bap.microsoft.us", scope: "https://service.powerapps.us/.default", hostFamily: ["gov.api.bap.microsoft.us"] },
      flow: { baseUrl: "https://gov.api.flow.microsoft.us", scope: "https://gov.service.flow.microsoft.us/.default", hostFamily: ["gov.api.flow.microsoft.us"] },
    },
  },
  usgovhigh: {
    name: "usgovhigh",
    description: "US Government Community Cloud High (GCC High)",
    authorityHost: "https://login.microsoftonline.us",
    dataverseHosts: [instanceHost("crm.microsoftdynamics.us")],
    surfaces: {
      powerplatform: {
        baseUrl: "https://api.high.powerplatform.microsoft.us",
        scope: "https://api.high.powerplatform.microsoft.us/.default",
        hostFamily: ["api.high.powerplatform.microsoft.us"],
      },
      bap: { baseUrl: "https://high.api.bap.microsoft.us", scope: "https://high.service.powerapps.us/.default", hostFamily: ["high.api.bap.microsoft.us"] },
      flow: { baseUrl: "https://high.api.flow.microsoft.us", scope: "https://high.service.flow.microsoft.us/.default", hostFamily: ["high.api.flow.microsoft.us"] },
    },
  },
  dod: {
    name: "dod",
    description: "US Department of Defense (DoD)",
    authorityHost: "https://login.microsoftonline.us",
    dataverseHosts: [instanceHost("crm.appsplatform.us")],
    surfaces: {
      powerplatform: { baseUrl: "https://api.appsplatform.us", scope: "https://api.appsplatform.us/.default", hostFamily: ["api.appsplatform.us"] },
      bap: { baseUrl: "https://api.bap.appsplatform.us", scope: "https://service.apps.appsplatform.us/.default", hostFamily: ["api.bap.appsplatform.us"] },
      flow: { baseUrl: "https://api.flow.appsplatform.us", scope: "https://service.flow.appsplatform.us/.default", hostFamily: ["api.flow.appsplatform.us"] },
    },
  },
  china: {
    name: "china",
    description: "Microsoft Cloud China (operated by 21Vianet)",
    authorityHost: "https://login.chinacloudapi.cn",
    dataverseHosts: [instanceHost("crm.dynamics.cn")],
    surfaces: {
      powerplatform: {
        baseUrl: "https://api.powerplatform.partner.microsoftonline.cn",
        scope: "https://api.powerplatform.partner.microsoftonline.cn/.default",
        hostFamily: ["api.powerplatform.partner.microsoftonline.cn"],
      },
      bap: { baseUrl: "https://api.bap.partner.microsoftonline.cn", scope: "https://service.powerapps.cn/.default", hostFamily: ["api.bap.partner.microsoftonline.cn"] },
      flow: { baseUrl: "https://api.powerautomate.cn", scope: "https://service.powerautomate.cn/.default", hostFamily: ["api.powerautomate.cn"] },
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

/**
 * The {@link CloudName} of a configured value, accepting aliases (`gcc`, `gcchigh`, `mooncake`, …)
 * in any case; throws on an unknown cloud.
 */
export function parseCloudName(value: string): CloudName {
  const key = value.trim().toLowerCase().replace(/[\s_-]/g, "");
  const name = CLOUD_ALIASES[key];
  if (!name) {
    throw new Error(`Unknown Power Platform cloud "${value}": expected one of ${CLOUD_NAMES.join(", ")}`);
  }
  return name;
}

/** True when `host` (no port) is `member` or one of its subdomains (`x.member`). */
export function inHostFamily(host: string, member: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  const m = member.toLowerCase();
  return h === m || (h.endsWith(`.${m}`) && /^[a-z0-9.-]+$/.test(h));
}

/** True when `host` is a Dataverse instance host of the cloud. */
export function isDataverseHost(cloud: CloudName, host: string): boolean {
  return CLOUDS[cloud].dataverseHosts.some((p) => p.test(host));
}

/** Authority hosts that Entra instance discovery knows about. */
export const KNOWN_AUTHORITY_HOSTS: ReadonlySet<string> = new Set(
  Object.values(CLOUDS).map((c) => new URL(c.authorityHost).host),
);
