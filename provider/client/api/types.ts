/**
 * Wire DTOs: the JSON shapes the services return (checked against the recorded
 * responses in shared/fixtures/recorded). Only the fields we know; services add
 * more, which pass through untouched.
 */

/** One page of a list reply: the items and the link to the next page, if any. */
export interface ListResponse<T> {
  value: T[];
  "@odata.nextLink"?: string | null;
}

// ---------- Licensing: billing policies (Power Platform API) ----------

/**
 * A billing policy's status as the service reports it (`Provisioning` and `ProvisioningFailed`
 * while it is being created).
 */
export type BillingPolicyStatus = "Enabled" | "Disabled" | "Provisioning" | "ProvisioningFailed" | (string & {});

/** Who created or last changed an object (Power Platform API). */
export interface PrincipalRef {
  id: string;
  type?: string;
  displayName?: string | null;
  tenantId?: string | null;
}

/** The Azure subscription and resource group that pay for a billing policy. */
export interface BillingInstrument {
  id?: string;
  subscriptionId: string;
  resourceGroup: string;
}

/** A pay-as-you-go billing policy (Power Platform API, `/licensing/billingPolicies`). */
export interface BillingPolicy {
  id: string;
  name: string;
  type?: string; // "TenantOwned"
  status: BillingPolicyStatus;
  location: string;
  billingInstrument: BillingInstrument;
  createdOn?: string;
  createdBy?: PrincipalRef;
  lastModifiedOn?: string;
  lastModifiedBy?: PrincipalRef;
}

/** The body of POST `/licensing/billingPolicies`. */
export interface BillingPolicyCreateRequest {
  name: string;
  location: string;
  status?: "Enabled" | "Disabled";
  billingInstrument: { subscriptionId: string; resourceGroup: string };
}

/** Only name and status can change (location and billingInstrument force a replacement). */
export interface BillingPolicyUpdateRequest {
  name?: string;
  status?: "Enabled" | "Disabled";
}

/** One environment billed by a billing policy (GET `/licensing/billingPolicies/{id}/environments`). */
export interface BillingPolicyEnvironmentLink {
  billingPolicyId: string;
  environmentId: string;
}

// ---------- appmanagement: application packages (Power Platform API) ----------

/** The state of an application package in an environment (appmanagement API). */
export type ApplicationPackageState =
  | "None"
  | "Installed"
  | "Uninstalled"
  | "InstallRequested"
  | "Installing"
  | "InstallFailed"
  | "UninstallRequested"
  | "Uninstalling"
  | "UninstallFailed"
  | "NotInstalled"
  | (string & {});

/** Why an application package's install failed, as the appmanagement API reports it. */
export interface ApplicationPackageErrorDetails {
  /** A number in the service's recorded failures (a string in older replies). */
  errorCode?: string | number;
  errorName?: string;
  message?: string;
  source?: string;
  statusCode?: number;
  type?: string;
}

/**
 * An application package of the tenant catalog or of an environment (appmanagement API,
 * `applicationPackages`).
 */
export interface ApplicationPackage {
  id?: string;
  uniqueName: string;
  version?: string;
  localizedDescription?: string | null;
  localizedName?: string | null;
  applicationId?: string;
  applicationName?: string;
  applicationDescription?: string | null;
  singlePageApplicationUrl?: string | null;
  publisherName?: string;
  publisherId?: string;
  learnMoreUrl?: string | null;
  crmMinversion?: string | null;
  crmMaxVersion?: string | null;
  customHandleUpgrade?: boolean;
  instancePackageId?: string | null;
  state?: ApplicationPackageState;
  catalogVisibility?: string;
  applicationVisibility?: string;
  errorDetails?: ApplicationPackageErrorDetails | null;
  lastError?: { code?: string; message?: string } | null;
  startDateUtc?: string;
  endDateUtc?: string;
  supportedCountries?: string[];
}

/** The status of an appmanagement operation (an install). */
export type AppOperationStatus = "NotStarted" | "Running" | "Succeeded" | "Failed" | "Canceled" | (string & {});

/** An install operation of the appmanagement API, as polled. */
export interface ApplicationPackageOperation {
  operationId?: string;
  id?: string;
  status: AppOperationStatus;
  createdDateTime?: string;
  lastActionDateTime?: string;
  statusMessage?: string | null;
  /** `errorCode` is an integer in the service's recorded failures. */
  error?: { code?: string; errorCode?: number | string; message?: string } | null;
}

/** What an install call returns: where to poll. */
export interface InstallStarted {
  /** Absolute URL to poll (Operation-Location / Location), if the service gave one. */
  operationUrl?: string;
  /** Last path segment of the operation URL. */
  operationId?: string;
  retryAfterMs?: number;
  httpStatus: number;
  /** Body of the reply, if any (some replies carry the operation). */
  body?: unknown;
  headers: Record<string, string>;
}

// ---------- Power Platform API: flow runs ----------

/** A flow run from the Power Platform API (`/powerautomate/environments/{env}/flowRuns`). */
export interface PowerAutomateFlowRun {
  name?: string;
  id?: string;
  type?: string;
  properties?: {
    startTime?: string;
    endTime?: string | null;
    status?: string;
    correlation?: { clientTrackingId?: string };
    trigger?: { name?: string; startTime?: string; endTime?: string; status?: string };
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

// ---------- BAP: environments ----------

/** An environment's type as the BAP API reports it (also `Default` and `Teams`, which cannot be created). */
export type EnvironmentSku = "Production" | "Sandbox" | "Trial" | "Developer" | "Default" | "Teams" | (string & {});

/** Who created, changed or asked for something in the BAP API. */
export interface EnvironmentPrincipal {
  id?: string;
  displayName?: string | null;
  email?: string;
  type?: string;
  tenantId?: string | null;
  userPrincipalName?: string;
}

/** An environment's Dataverse database, as the BAP API reports it. */
export interface LinkedEnvironmentMetadata {
  resourceId?: string;
  friendlyName?: string;
  uniqueName?: string;
  domainName?: string;
  version?: string;
  instanceUrl?: string;
  instanceApiUrl?: string;
  baseLanguage?: number;
  instanceState?: string;
  createdTime?: string;
  backgroundOperationsState?: string;
  scaleGroup?: string;
  platformSku?: string;
  schemaType?: string;
  securityGroupId?: string;
  templates?: string[];
  // No `currency`: the BAP environment does not report it (0 of 146 recorded); read it from Dataverse.
  [k: string]: unknown;
}

/** The `properties` of a BAP environment. */
export interface EnvironmentProperties {
  tenantId?: string;
  azureRegion?: string;
  displayName?: string;
  description?: string | null;
  createdTime?: string;
  createdBy?: EnvironmentPrincipal;
  lastModifiedTime?: string;
  lastModifiedBy?: EnvironmentPrincipal;
  provisioningState?: string;
  creationType?: string;
  environmentSku?: EnvironmentSku;
  isDefault?: boolean;
  billingPolicy?: { id?: string } | null;
  capacity?: Array<{
    capacityType?: string;
    actualConsumption?: number;
    ratedConsumption?: number;
    capacityUnit?: string;
    updatedOn?: string;
  }>;
  addons?: Array<{ addonType?: string; allocated?: number; addonUnit?: string }>;
  clientUris?: Record<string, string>;
  runtimeEndpoints?: Record<string, string>;
  databaseType?: string;
  linkedEnvironmentMetadata?: LinkedEnvironmentMetadata | null;
  states?: {
    management?: { id?: string };
    runtime?: { id?: string; runtimeReasonCode?: string; requestedBy?: EnvironmentPrincipal };
  };
  retentionPeriod?: string;
  updateCadence?: { id?: string };
  governanceConfiguration?: { protectionLevel?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/**
 * An environment (BAP API, `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments`);
 * `name` is its id.
 */
export interface Environment {
  id: string;
  type?: string;
  location: string;
  name: string;
  properties: EnvironmentProperties;
}

/** The body of POST `/providers/Microsoft.BusinessAppPlatform/environments`. */
export interface EnvironmentCreateRequest {
  location: string;
  properties: {
    displayName: string;
    description?: string;
    environmentSku: EnvironmentSku;
    azureRegion?: string;
    databaseType?: string;
    billingPolicy?: { id: string };
    linkedEnvironmentMetadata?: {
      baseLanguage?: number;
      domainName?: string;
      currency?: { code: string };
      templates?: string[];
      securityGroupId?: string;
    };
    [k: string]: unknown;
  };
}

/** The body of PATCH on an admin environment: display name and description. */
export interface EnvironmentPatchRequest {
  properties: {
    displayName?: string;
    description?: string;
    [k: string]: unknown;
  };
}

/** The state of a BAP lifecycle operation. */
export type LifecycleState = "NotStarted" | "Running" | "Succeeded" | "Failed" | (string & {});

/** A BAP lifecycle operation (environment create, delete, type change), as polled. */
export interface LifecycleOperation {
  id: string;
  links?: {
    self?: { path?: string };
    environment?: { path?: string };
    [k: string]: { path?: string } | undefined;
  };
  type?: { id?: string };
  typeDisplayName?: string;
  state: { id: LifecycleState };
  createdDateTime?: string;
  lastActionDateTime?: string;
  requestedBy?: EnvironmentPrincipal;
  stages?: Array<{
    id?: string;
    name?: string;
    state?: { id?: string };
    firstActionDateTime?: string;
    lastActionDateTime?: string;
    [k: string]: unknown;
  }>;
  error?: { code?: string; message?: string };
}

/** Outcome of an environment create. */
export interface EnvironmentCreateResult {
  /** The environment id (from the 201 body, or the lifecycle operation's links.environment.path). */
  environmentId?: string;
  /** The 201 body, when the service answered synchronously. */
  environment?: Environment;
  /** The lifecycle operation URL (202 + Location). */
  operationUrl?: string;
  httpStatus: number;
  headers: Record<string, string>;
}

// ---------- Power Automate (flow) ----------

/** A flow's state: `Suspended` is set by the service only (e.g. a DLP violation). */
export type FlowState = "Started" | "Stopped" | "Suspended" | (string & {});

/** A connection a flow uses, by its name in the flow's definition. */
export interface FlowConnectionReference {
  connectionName?: string;
  displayName?: string;
  id?: string;
  source?: string;
  connectionReferenceLogicalName?: string;
}

/** A cloud flow (Power Automate API, `/providers/Microsoft.ProcessSimple`); `name` is its id. */
export interface Flow {
  name: string;
  id?: string;
  type?: string;
  properties: {
    displayName?: string;
    state?: FlowState;
    createdTime?: string;
    lastModifiedTime?: string;
    templateName?: string;
    flowTriggerUri?: string;
    installationStatus?: string;
    connectionReferences?: Record<string, FlowConnectionReference>;
    creator?: { tenantId?: string; objectId?: string; userId?: string; userType?: string };
    definitionSummary?: unknown;
    /** Only in the maker-path GET (to a principal with a permission on the flow); never in the admin GET. */
    definition?: unknown;
    /** Why the service turned the flow off: `None`, `CompanyDlpViolation`, `AlwaysFailingDetected`, … */
    flowSuspensionReason?: string;
    flowSuspensionTime?: string;
    [k: string]: unknown;
  };
}

/** The body of POST `…/environments/{env}/flows` (maker path). */
export interface FlowCreateRequest {
  properties: {
    displayName: string;
    state?: FlowState;
    definition?: unknown;
    connectionReferences?: Record<string, FlowConnectionReference>;
  };
}

/** The body of PATCH `…/flows/{flow}`. */
export interface FlowUpdateRequest {
  properties: { displayName?: string; state?: FlowState; definition?: unknown; [k: string]: unknown };
}

/** A role on a flow: `Owner` (the creator), `CanEdit` (co-owner) or `CanView` (viewer). */
export type FlowRoleName = "Owner" | "CanEdit" | "CanView" | (string & {});
/** The kind of Entra principal a flow is shared with. */
export type FlowPrincipalType = "User" | "Group" | "ServicePrincipal" | (string & {});

/** One principal's role on a flow (`…/flows/{flow}/permissions`). */
export interface FlowPermission {
  name?: string;
  id: string;
  type?: string;
  properties: {
    roleName: FlowRoleName;
    permissionType?: string;
    principal: { id: string; type: FlowPrincipalType; displayName?: string; email?: string; tenantId?: string };
    [k: string]: unknown;
  };
}

/**
 * The body of POST `…/flows/{flow}/modifyPermissions`: roles to put and permissions (by id) to
 * delete, in one call.
 */
export interface FlowModifyPermissionsRequest {
  put?: Array<{ properties: { principal: { id: string; type: FlowPrincipalType }; roleName: FlowRoleName } }>;
  delete?: Array<{ id: string }>;
}

/** A run of a flow (Power Automate API, `…/flows/{flow}/runs`). */
export interface FlowRun {
  name: string;
  id?: string;
  type?: string;
  properties?: {
    startTime?: string;
    endTime?: string | null;
    status?: string;
    code?: string;
    trigger?: { name?: string; outputsLink?: { uri?: string; contentVersion?: string } };
    [k: string]: unknown;
  };
}

/** An environment as the Power Automate API lists it (`/providers/Microsoft.ProcessSimple/environments`). */
export interface FlowEnvironment {
  name: string;
  location?: string;
  id?: string;
  properties?: {
    displayName?: string;
    description?: string;
    createdTime?: string;
    lastModifiedTime?: string;
    provisioningState?: string;
    environmentSku?: string;
    environmentType?: string;
    isDefault?: boolean;
    [k: string]: unknown;
  };
}

/** A connector available in an environment (`…/environments/{env}/apis`). */
export interface Connector {
  name: string;
  id?: string;
  properties?: { displayName?: string; iconUri?: string; isCustomApi?: boolean; tier?: string; [k: string]: unknown };
}

/** A connection in an environment (`…/environments/{env}/connections`). */
export interface Connection {
  name: string;
  id?: string;
  properties?: {
    displayName?: string;
    apiId?: string;
    createdTime?: string;
    lastModifiedTime?: string;
    [k: string]: unknown;
  };
}

/** The reply of POST `…/flows/{flow}/listCallbackUrl`: the URL that triggers an HTTP-triggered flow. */
export interface CallbackUrlResponse {
  response?: { value?: string; method?: string; basePath?: string; [k: string]: unknown };
  value?: string;
}
