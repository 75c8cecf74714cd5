// The parts of a BAP environment that describe where and how the service hosts it
// (cluster, runtime endpoints, Dataverse scale group, capacity, the lifecycle operations
// it allows, retention, notification and governance settings), modelled on the
// environments the live service returned, as recorded in
// microsoft/terraform-provider-power-platform internal/services/environment/tests/
// (test/conformance/recorded/environments: create/get_environment_…0001.json = europe,
// cluster 107, scale group EURCRMLIVESG705; create-dataverse/get_environment_with_dataverse.json
// = switzerland, cluster 101, CHECRMLIVESG601; without-dataverse-metadata/…json = europe,
// with `capacity`; and datasource/Validate_Read/get_environments.json@501fc97b = europe,
// cluster 106, EURCRMLIVESG633, createdBy SYSTEM without email/userPrincipalName).
//
// Values for geographies no recording shows (the short names and scale-group prefixes
// outside europe/switzerland, the cluster numbers, the capacity figures, the lifecycle
// operations of a Production environment) are guesses listed in test/emulator/README.md.
import { createHash } from "node:crypto";
import type { Obj } from "./state";

/** A stable number in [lo, hi] drawn from a name (same environment, same cluster). */
function pick(name: string, salt: string, lo: number, hi: number): number {
  const n = parseInt(createHash("sha1").update(`${salt}:${name}`).digest("hex").slice(0, 8), 16);
  return lo + (n % (hi - lo + 1));
}

/** Recorded: europe → cluster "EU" / "eu-il107…", switzerland → "CH" / "ch-il101…". Others: ISO-like guesses. */
const GEO_SHORT: Record<string, string> = {
  europe: "EU", switzerland: "CH",
  unitedstates: "US", asia: "AS", australia: "AU", india: "IN", japan: "JP", canada: "CA", unitedkingdom: "GB",
  southamerica: "BR", france: "FR", germany: "DE", norway: "NO", korea: "KR", southafrica: "ZA", unitedarabemirates: "AE",
};
/** Recorded: europe → "EURCRMLIVESG705"/"EURCRMLIVESG633", switzerland → "CHECRMLIVESG601". Others: guesses. */
const SCALE_GROUP_PREFIX: Record<string, string> = {
  europe: "EUR", switzerland: "CHE",
  unitedstates: "NAM", asia: "APJ", australia: "OCE", india: "IND", japan: "JPN", canada: "CAN", unitedkingdom: "GBR",
  southamerica: "SAM", france: "FRA", germany: "DEU", norway: "NOR", korea: "KOR", southafrica: "ZAF", unitedarabemirates: "ARE",
};
/** Recorded: europe's flows run on `emea.api.flow.microsoft.com`, switzerland's on `switzerland.api.flow.microsoft.com`. */
const FLOW_GEO: Record<string, string> = { europe: "emea" };

const shortOf = (geo: string) => GEO_SHORT[geo] ?? geo.slice(0, 2).toUpperCase();

/** `cluster` as recorded: {category, number, uriSuffix, geoShortName, environment}. */
export function clusterOf(name: string, geo: string): Obj {
  const number = String(pick(name, "cluster", 101, 110));
  const short = shortOf(geo);
  return { category: "Prod", number, uriSuffix: `${short.toLowerCase()}-il${number}.gateway.prod.island`, geoShortName: short, environment: "Prod" };
}

/** `runtimeEndpoints`: the seven service endpoints every recorded environment lists, on the geography's hosts. */
export function runtimeEndpointsOf(geo: string, cluster: Obj): Obj {
  return {
    "microsoft.BusinessAppPlatform": `https://${geo}.api.bap.microsoft.com`,
    "microsoft.CommonDataModel": `https://${geo}.api.cds.microsoft.com`,
    "microsoft.PowerApps": `https://${geo}.api.powerapps.com`,
    "microsoft.PowerAppsAdvisor": `https://${geo}.api.advisor.powerapps.com`,
    "microsoft.PowerVirtualAgents": `https://powervamg.${cluster.uriSuffix}.powerapps.com`,
    "microsoft.ApiManagement": `https://management.${geo}.azure-apihub.net`,
    "microsoft.Flow": `https://${FLOW_GEO[geo] ?? geo}.api.flow.microsoft.com`,
  };
}

/** `linkedEnvironmentMetadata.scaleGroup`, e.g. `EURCRMLIVESG705`. */
export function scaleGroupOf(name: string, geo: string): string {
  return `${SCALE_GROUP_PREFIX[geo] ?? geo.slice(0, 3).toUpperCase()}CRMLIVESG${pick(name, "scalegroup", 600, 799)}`;
}

/**
 * `capacity`: the five capacity types of the recording (Database, File, Log, FinOpsDatabase,
 * FinOpsFile, in MB). A Dataverse database is rated at least 1024 MB (recorded: 885 MB used,
 * 1024 rated); an environment without one consumes nothing (a guess).
 */
export function capacityOf(name: string, hasDataverse: boolean, updatedOn: string): Obj[] {
  const db = hasDataverse ? pick(name, "db", 600, 950) + 0.0391 : 0;
  const file = hasDataverse ? pick(name, "file", 900, 1300) + 0.142 : 0;
  const row = (capacityType: string, actualConsumption: number, ratedConsumption: number) => ({ capacityType, actualConsumption, ratedConsumption, capacityUnit: "MB", updatedOn });
  return [row("Database", db, hasDataverse ? Math.max(1024, db) : 0), row("File", file, file), row("Log", 0, 0), row("FinOpsDatabase", 0, 0), row("FinOpsFile", 0, 0)];
}

const op = (id: string, reason?: Obj) => ({ type: { id }, ...(reason ? { reason } : {}) });
/** Recorded allowed operations of a Sandbox with Dataverse (create-dataverse recording), in order. */
const ALWAYS_ALLOWED = [
  "Move", "Backup", "Convert", "Copy", "Delete", "Edit", "Recover", "Reset", "Restore", "UpdateProtectionStatus",
  "NewCustomerManagedKey", "NewNetworkInjection", "SwapNetworkInjection", "RevertNetworkInjection", "NewIdentity",
  "SwapIdentity", "RevertIdentity", "Enable", "Disable", "EnableGovernanceConfiguration", "PrepareTenantToTenant", "MigrateTenantToTenant",
];

/**
 * `lifecycleOperationsEnforcement`: the recorded lists of a Sandbox (create-dataverse
 * recording), with their recorded reasons. `Promote` and `ForceFailover` are refused "on
 * environment of type Sandbox" there; other types than Production get the same message
 * with their type, and a Production environment is assumed to allow them (a guess).
 */
export function lifecycleOperationsEnforcementOf(sku: string): Obj {
  const cds = (id: string) => op(id, { message: `${id} cannot be performed because there is no linked CDS instance or the CDS instance version is not supported.`, type: "CdsLink" });
  const bySku = (id: string) => op(id, { message: `${id} cannot be performed on environment of type ${sku}.`, type: "EnvironmentSkuType" });
  const governance = (id: string) => op(id, { message: `${id} cannot be performed on Power Platform environment because of the governance configuration.`, type: "GovernanceConfig" });
  const production = sku === "Production";
  return {
    allowedOperations: [...ALWAYS_ALLOWED, ...(production ? ["Promote", "ForceFailover"] : [])].map((id) => op(id)),
    disallowedOperations: [
      cds("Provision"),
      cds("Unlock"),
      ...(production ? [] : [bySku("Promote"), bySku("ForceFailover")]),
      op("RotateCustomerManagedKey", { type: "EnvironmentCmkLinked" }),
      op("RevertToMicrosoftKey", { type: "EnvironmentCmkLinked" }),
      governance("DisableGovernanceConfiguration"),
      governance("UpdateGovernanceConfiguration"),
    ],
  };
}
