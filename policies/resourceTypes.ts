/**
 * The resource kinds of @powerplatform-iac/provider and the shapes of their inputs.
 *
 * A resource is recognised by what it is, not only by what it is called: the provider's
 * implementation states its kind in every resource's checked inputs and outputs
 * (`powerplatformKind`, added by the runtime whatever type token the program used), and
 * that kind wins over the type token, so the same implementation registered under another
 * token meets the same rules. (The serialized provider, `__provider`, names the kind too,
 * but the engine gives a policy pack no property whose name starts with `__`; it is read
 * when present.) The pack does not import the provider, so it can be versioned and
 * published independently of it.
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
  "TenantSettings",
  "ManagedEnvironment",
  "DataLossPreventionPolicy",
  "EnvironmentGroup",
  "EnvironmentGroupRuleSet",
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
  TenantSettings: typeToken("TenantSettings"),
  ManagedEnvironment: typeToken("ManagedEnvironment"),
  DataLossPreventionPolicy: typeToken("DataLossPreventionPolicy"),
  EnvironmentGroup: typeToken("EnvironmentGroup"),
  EnvironmentGroupRuleSet: typeToken("EnvironmentGroupRuleSet"),
};

/** The kind of a type token of the provider, or undefined for anything else. */
export function kindOf(type: string): ResourceKind | undefined {
  if (!type.startsWith(typeTokenPrefix)) return undefined;
  const kind = type.slice(typeTokenPrefix.length);
  return (resourceKinds as readonly string[]).includes(kind) ? (kind as ResourceKind) : undefined;
}

/** The property in which the provider's implementation states a resource's kind. */
export const kindMarkKey = "powerplatformKind";

/** The npm package whose implementation the serialized providers load. */
export const providerPackage = "@powerplatform-iac/provider";

const kindByHandler = new Map<string, ResourceKind>(resourceKinds.map((k) => [`${k[0].toLowerCase()}${k.slice(1)}Handler`, k]));

/**
 * The kind a serialized dynamic provider implements, or undefined when it does not load
 * this provider's implementation. `null` when it loads it but the kind cannot be told
 * (a stub written by hand in a way not foreseen here): rules treat that as a violation.
 *
 * Recognised: `providerFor("<Kind>")` (the stub the provider writes),
 * `handlerFor("<Kind>")`, `handlerFor(v)` with `v: "<Kind>"` captured in the closure
 * (what earlier versions serialized), and the handlers by name (`environmentHandler`,
 * `applicationInstallHandlerWith`).
 */
export function kindOfProvider(stub: unknown): ResourceKind | null | undefined {
  if (typeof stub !== "string" || !stub.includes(providerPackage)) return undefined;
  const isKind = (k: string | undefined): k is ResourceKind => (resourceKinds as readonly string[]).includes(k ?? "");
  const kinds = new Set<ResourceKind>();
  for (const m of stub.matchAll(/(?:handlerFor|providerFor)\(\s*(["'`])(\w+)\1\s*\)/g)) if (isKind(m[2])) kinds.add(m[2]);
  for (const m of stub.matchAll(/handlerFor\(\s*([A-Za-z_$][\w$]*)\s*\)/g)) {
    for (const captured of stub.matchAll(new RegExp(`[{,\\s]${m[1].replace(/\$/g, "\\$")}\\s*:\\s*(["'\`])(\\w+)\\1`, "g"))) {
      if (isKind(captured[2])) kinds.add(captured[2]);
    }
  }
  for (const m of stub.matchAll(/\b(\w+Handler)(?:With)?\b/g)) {
    const kind = kindByHandler.get(m[1]);
    if (kind) kinds.add(kind);
  }
  return kinds.size === 1 ? [...kinds][0] : null;
}

/** A resource as the rules see it (validation args or a stack resource). */
export interface IdentifiableResource {
  type: string;
  props: Record<string, unknown>;
}

/** Reads a property that may be unknown during preview (then undefined). */
function peekProperty(resource: IdentifiableResource, key: string): unknown {
  try {
    return resource.props[key];
  } catch {
    return undefined;
  }
}

/**
 * The kind the implementation states (`powerplatformKind`), or the one its serialized
 * provider loads, or undefined when neither says. `null` when they say something this
 * pack cannot take as a kind (an unknown or contradictory kind).
 */
export function kindOfImplementation(resource: IdentifiableResource): ResourceKind | null | undefined {
  const mark = peekProperty(resource, kindMarkKey);
  const fromMark = mark === undefined ? undefined : (resourceKinds as readonly unknown[]).includes(mark) ? (mark as ResourceKind) : null;
  const fromProvider = kindOfProvider(peekProperty(resource, "__provider"));
  if (fromMark !== undefined && fromProvider !== undefined && fromMark !== fromProvider) return null;
  return fromMark !== undefined ? fromMark : fromProvider;
}

/**
 * What a resource is: the kind its implementation states, else the kind of its type
 * token, else undefined (not a resource of this provider). `null`: it runs this
 * provider's implementation, but which kind cannot be told.
 */
export function kindOfResource(resource: IdentifiableResource): ResourceKind | null | undefined {
  const fromImplementation = kindOfImplementation(resource);
  return fromImplementation !== undefined ? fromImplementation : kindOf(resource.type);
}

/** True when `resource` is of `kind`, by what it is (see kindOfResource). */
export function isKind(resource: IdentifiableResource, kind: ResourceKind): boolean {
  return kindOfResource(resource) === kind;
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
  /** The existing flow a Flow takes over. */
  adoptId?: string;
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

/** Inputs (and outputs) of TenantSettings: the managed settings, nested as the service nests them. */
export interface TenantSettingsProps {
  settings: Record<string, unknown>;
}
/** A connector of a DLP policy group as declared: a short name, an id, or an object with its id. */
export type DlpConnectorRef = string | { id: string };

/** Inputs of a DataLossPreventionPolicy (as declared, before the provider's check). */
export interface DataLossPreventionPolicyProps {
  displayName: string;
  defaultConnectorsClassification?: "Business" | "NonBusiness" | "Blocked";
  environmentType: "AllEnvironments" | "ExceptEnvironments" | "OnlyEnvironments";
  environments?: string[];
  businessConnectors?: DlpConnectorRef[];
  nonBusinessConnectors?: DlpConnectorRef[];
  blockedConnectors?: DlpConnectorRef[];
}

/** The group of connectors a DLP policy does not list when it does not say (the provider's default). */
export const defaultDlpConnectorsClassification = "NonBusiness";
/** Inputs of an EnvironmentGroup (outputs add environmentGroupId). */
export interface EnvironmentGroupProps {
  displayName: string;
  description?: string;
  environments?: string[];
  adoptId?: string;
}

/** Inputs of an EnvironmentGroupRuleSet: the group and its rules, by rule name. */
export interface EnvironmentGroupRuleSetProps {
  environmentGroupId: string;
  rules: Record<string, unknown>;
}

/** The rules an EnvironmentGroupRuleSet can declare. */
export const environmentGroupRuleNames = [
  "sharingControls",
  "usageInsights",
  "makerWelcomeContent",
  "solutionCheckerEnforcement",
  "backupRetention",
  "aiGeneratedDescriptions",
  "aiGenerativeSettings",
] as const;
