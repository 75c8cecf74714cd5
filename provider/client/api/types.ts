/**
 * Wire DTOs: the JSON shapes the services return (checked against the recorded
 * responses in shared/fixtures/recorded). Only the fields we know; services add
 * more, which pass through untouched.
 */

export interface ListResponse<T> {
  value: T[];
  "@odata.nextLink"?: string | null;
}

// ---------- Licensing: billing policies (Power Platform API) ----------

export type BillingPolicyStatus = "Enabled" | "Disabled" | "Provisioning" | "ProvisioningFailed" | (string & {});

export interface PrincipalRef {
  id: string;
  type?: string;
  displayName?: string | null;
  tenantId?: string | null;
}

export interface BillingInstrument {
  id?: string;
  subscriptionId: string;
  resourceGroup: string;
}

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

export interface BillingPolicyEnvironmentLink {
  billingPolicyId: string;
  environmentId: string;
}

// ---------- appmanagement: application packages (Power Platform API) ----------

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

export interface ApplicationPackageErrorDetails {
  /** A number in the service's recorded failures (a string in older replies). */
  errorCode?: string | number;
  errorName?: string;
  message?: string;
  source?: string;
  statusCode?: number;
  type?: string;
}

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

export type AppOperationStatus = "NotStarted" | "Running" | "Succeeded" | "Failed" | "Canceled" | (string & {});

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

export type EnvironmentSku = "Production" | "Sandbox" | "Trial" | "Developer" | "Default" | "Teams" | (string & {});

export interface EnvironmentPrincipal {
  id?: string;
  displayName?: string | null;
  email?: string;
  type?: string;
  tenantId?: string | null;
  userPrincipalName?: string;
}

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

export interface Environment {
  id: string;
  type?: string;
  location: string;
  name: string;
  properties: EnvironmentProperties;
}

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

export interface EnvironmentPatchRequest {
  properties: {
    displayName?: string;
    description?: string;
    [k: string]: unknown;
  };
}

export type LifecycleState = "NotStarted" | "Running" | "Succeeded" | "Failed" | (string & {});

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

export type FlowState = "Started" | "Stopped" | "Suspended" | (string & {});

export interface FlowConnectionReference {
  connectionName?: string;
  displayName?: string;
  id?: string;
  source?: string;
  connectionReferenceLogicalName?: string;
}

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

export interface FlowCreateRequest {
  properties: {
    displayName: string;
    state?: FlowState;
    definition?: unknown;
    connectionReferences?: Record<string, FlowConnectionReference>;
  };
}

export interface FlowUpdateRequest {
  properties: { displayName?: string; state?: FlowState; definition?: unknown; [k: string]: unknown };
}

export type FlowRoleName = "Owner" | "CanEdit" | "CanView" | (string & {});
export type FlowPrincipalType = "User" | "Group" | "ServicePrincipal" | (string & {});

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

export interface FlowModifyPermissionsRequest {
  put?: Array<{ properties: { principal: { id: string; type: FlowPrincipalType }; roleName: FlowRoleName } }>;
  delete?: Array<{ id: string }>;
}

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

export interface Connector {
  name: string;
  id?: string;
  properties?: { displayName?: string; iconUri?: string; isCustomApi?: boolean; tier?: string; [k: string]: unknown };
}

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

export interface CallbackUrlResponse {
  response?: { value?: string; method?: string; basePath?: string; [k: string]: unknown };
  value?: string;
}
