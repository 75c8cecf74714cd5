/**
 * The resource kinds of @powerplatform-iac/provider, by type token, and the shapes of
 * their inputs. The pack matches resources by token only: it does not import the
 * provider, so it can be versioned and published independently of it.
 */

/** Every resource of the provider is a dynamic resource in the `powerplatform` module. */
export const typeTokenPrefix = "pulumi-nodejs:dynamic/powerplatform:";

export const resourceKinds = [
  "BillingPolicy",
  "Environment",
  "BillingPolicyEnvironment",
  "ApplicationInstall",
  "Flow",
  "FlowState",
  "FlowOwners",
] as const;
export type ResourceKind = (typeof resourceKinds)[number];

/** `pulumi-nodejs:dynamic/powerplatform:<Kind>` */
export function typeToken(kind: ResourceKind): string {
  return `${typeTokenPrefix}${kind}`;
}

export const types: { readonly [K in ResourceKind]: string } = {
  BillingPolicy: typeToken("BillingPolicy"),
  Environment: typeToken("Environment"),
  BillingPolicyEnvironment: typeToken("BillingPolicyEnvironment"),
  ApplicationInstall: typeToken("ApplicationInstall"),
  Flow: typeToken("Flow"),
  FlowState: typeToken("FlowState"),
  FlowOwners: typeToken("FlowOwners"),
};

/** The kind of a type token of the provider, or undefined for anything else. */
export function kindOf(type: string): ResourceKind | undefined {
  if (!type.startsWith(typeTokenPrefix)) return undefined;
  const kind = type.slice(typeTokenPrefix.length);
  return (resourceKinds as readonly string[]).includes(kind) ? (kind as ResourceKind) : undefined;
}

export type BillingPolicyStatus = "Enabled" | "Disabled";
export type EnvironmentSku = "Production" | "Sandbox" | "Trial" | "Developer";
export type FlowRunState = "Started" | "Stopped";
export type PrincipalType = "User" | "Group" | "ServicePrincipal";
export type FlowOwnerRole = "CanEdit" | "CanView";

export const environmentSkus: readonly EnvironmentSku[] = ["Production", "Sandbox", "Trial", "Developer"];
export const principalTypes: readonly PrincipalType[] = ["User", "Group", "ServicePrincipal"];

/** The status a billing policy gets when its `status` input is omitted. */
export const defaultBillingPolicyStatus: BillingPolicyStatus = "Enabled";
/** The role a flow owner gets when its `role` is omitted. */
export const defaultFlowOwnerRole: FlowOwnerRole = "CanEdit";

// Inputs of each kind (`__provider`, the serialized dynamic provider, is in the props
// too: rules ignore it and remediations keep it).

export interface BillingPolicyProps {
  name: string;
  location: string;
  status?: BillingPolicyStatus;
  billingInstrument: { subscriptionId: string; resourceGroup: string };
  adoptId?: string;
}

export interface EnvironmentProps {
  displayName: string;
  description?: string;
  location: string;
  environmentSku: EnvironmentSku;
  azureRegion?: string;
  securityGroupId?: string;
  dataverse?: {
    languageCode?: number;
    currencyCode?: string;
    domainName?: string;
    securityGroupId?: string;
    templates?: string[];
  };
  adoptId?: string;
}

/** Outputs of an Environment: its inputs plus the id the service gave it. */
export interface EnvironmentOutputs extends EnvironmentProps {
  environmentId: string;
}

export interface BillingPolicyEnvironmentProps {
  billingPolicyId: string;
  environmentId: string;
}

export interface ApplicationInstallProps {
  environmentId: string;
  uniqueName: string;
}

export interface FlowProps {
  environmentId: string;
  displayName: string;
  definition: unknown;
  state?: FlowRunState;
}

export interface FlowStateProps {
  environmentId: string;
  flowId: string;
  state: FlowRunState;
}

export interface FlowOwner {
  principalId: string;
  principalType: PrincipalType;
  role?: FlowOwnerRole;
}

export interface FlowOwnersProps {
  environmentId: string;
  flowId: string;
  owners: FlowOwner[];
}
