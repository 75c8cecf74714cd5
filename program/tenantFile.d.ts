export type Location = string;
/** Resource options a tenant-file entry may set (README: "Protected and retained objects"). */
export interface LifecycleSpec {
    /** Pulumi refuses to delete the object. */
    protect?: boolean;
    /** When the entry leaves the file, the object is forgotten, not deleted. */
    retainOnDelete?: boolean;
}
export interface BillingPolicySpec extends LifecycleSpec {
    name: string;
    location: Location;
    status?: "Enabled" | "Disabled";
    billingInstrument: {
        subscriptionId: string;
        resourceGroup: string;
    };
    environments?: string[];
    adoptId?: string;
}
export interface EnvironmentSpec extends LifecycleSpec {
    displayName: string;
    description?: string;
    location: Location;
    environmentSku: "Production" | "Sandbox" | "Trial" | "Developer";
    azureRegion?: string;
    securityGroupId?: string;
    dataverse?: {
        languageCode?: number;
        currencyCode?: string;
        domainName?: string;
        securityGroupId?: string;
        templates?: string[];
    };
    applications?: string[];
    adoptId?: string;
    /** Managed-environment features and their settings (a ManagedEnvironment resource). */
    managed?: ManagedSpec;
}
/** The settings of a managed environment: the ManagedEnvironment arguments but the environment. */
export interface ManagedSpec {
    limitSharingMode?: "NoLimit" | "ExcludeSharingToSecurityGroups";
    groupSharingDisabled?: boolean;
    maxLimitUserSharing?: number;
    usageInsightsDisabled?: boolean;
    solutionCheckerMode?: "None" | "Warn" | "Block";
    suppressValidationEmails?: boolean;
    solutionCheckerRuleOverrides?: string[];
    makerOnboardingMarkdown?: string;
    makerOnboardingUrl?: string;
}
export interface FlowOwnerSpec {
    principalId: string;
    principalType: "User" | "Group" | "ServicePrincipal";
    role?: "CanEdit" | "CanView";
}
export interface FlowSpec extends LifecycleSpec {
    environment: string;
    flowId: string;
    state?: "Started" | "Stopped";
    owners?: FlowOwnerSpec[];
}
/**
 * The tenant-wide settings to manage, nested as the service nests them (only those named are
 * managed), plus the entry's lifecycle options.
 */
export interface TenantSettingsSpec extends LifecycleSpec {
    [setting: string]: unknown;
}
/** A connector of a DLP policy group: a short name or id, or an object with rules. */
export type DlpConnectorSpec = string | {
    id: string;
    defaultActionRuleBehavior?: "Allow" | "Block";
    actionRules?: Array<{
        actionId: string;
        behavior: "Allow" | "Block";
    }>;
    endpointRules?: Array<{
        order: number;
        behavior: "Allow" | "Deny";
        endpoint: string;
    }>;
};
export interface DlpPolicySpec extends LifecycleSpec {
    displayName: string;
    defaultConnectorsClassification?: "Business" | "NonBusiness" | "Blocked";
    environmentType: "AllEnvironments" | "ExceptEnvironments" | "OnlyEnvironments";
    /** Keys of environments of this file, or environment ids. */
    environments?: string[];
    businessConnectors?: DlpConnectorSpec[];
    nonBusinessConnectors?: DlpConnectorSpec[];
    blockedConnectors?: DlpConnectorSpec[];
    customConnectorUrlPatterns?: Array<{
        order: number;
        hostUrlPattern: string;
        dataGroup: "Business" | "NonBusiness" | "Blocked" | "Ignore";
    }>;
    adoptId?: string;
}
/** The rules of an environment group, as EnvironmentGroupRuleSet declares them. */
export type EnvironmentGroupRulesSpec = import("@powerplatform-iac/provider").EnvironmentGroupRules;
export interface EnvironmentGroupSpec extends LifecycleSpec {
    displayName: string;
    description?: string;
    /** Keys of environments of this file, or environment ids. */
    environments?: string[];
    rules?: EnvironmentGroupRulesSpec;
    adoptId?: string;
}
export interface TenantFile {
    billingPolicies: Record<string, BillingPolicySpec>;
    environments: Record<string, EnvironmentSpec>;
    flows: Record<string, FlowSpec>;
    /** The tenant settings section (absent: the settings are not managed). */
    tenantSettings?: TenantSettingsSpec;
    dlpPolicies?: Record<string, DlpPolicySpec>;
    environmentGroups: Record<string, EnvironmentGroupSpec>;
}
export interface TenantFileProblem {
    /** JSON pointer inside the file, e.g. /environments/sales/environmentSku. */
    path: string;
    line?: number;
    column?: number;
    /** The rule broken: a JSON Schema keyword, or `reference`/`yaml`. */
    rule: string;
    message: string;
}
export declare class TenantFileError extends Error {
    readonly file: string;
    readonly problems: TenantFileProblem[];
    constructor(file: string, problems: TenantFileProblem[]);
}
export declare const schemaPath: string;
/** An environment reference is a key of this file, a GUID, or the tenant's Default-<tenant id>. */
export declare function isEnvironmentId(ref: string): boolean;
/** Parses and validates `text` (the content of `file`); throws TenantFileError listing every problem. */
export declare function parseTenantFile(text: string, file: string): TenantFile;
export declare function loadTenantFile(file: string, baseDir: string): TenantFile;
