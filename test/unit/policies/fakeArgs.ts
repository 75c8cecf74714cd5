/**
 * Fake validation arguments for the policy rules (@pulumi/policy ships no test
 * helpers): happy-path props per resource kind, ResourceValidationArgs and
 * StackValidationArgs built the way the policy server builds them, and runners that
 * collect the violations a rule reports.
 */
import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { types, type ResourceKind } from "../../../policies/resourceTypes";

// The policy server wraps props in this proxy, and marks values not known during
// preview with these sentinels (internal to @pulumi/policy, hence the require).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T extends object>(value: T): T;
  unknownStringValue: string;
  unknownArrayValue: string;
};

/** A value that is not known during preview (e.g. an id computed by another resource). */
export const unknownString = proxy.unknownStringValue as string;
export const unknownArray = proxy.unknownArrayValue as unknown as never[];

export const serializedProvider = "exports.handler = __f0; /* the serialized dynamic provider */";

export const ids = {
  subscription: "aaaaaaaa-1111-2222-3333-444444444444",
  environment: "11111111-aaaa-bbbb-cccc-000000000001",
  billingPolicy: "22222222-aaaa-bbbb-cccc-000000000002",
  flow: "33333333-aaaa-bbbb-cccc-000000000003",
  user: "44444444-aaaa-bbbb-cccc-000000000004",
  user2: "44444444-aaaa-bbbb-cccc-000000000005",
  group: "55555555-aaaa-bbbb-cccc-000000000006",
  servicePrincipal: "66666666-aaaa-bbbb-cccc-000000000007",
};

// --- happy-path props -------------------------------------------------------------

export const billingPolicyProps = () => ({
  __provider: serializedProvider,
  name: "contoso-payg-europe",
  location: "europe",
  status: "Enabled",
  billingInstrument: { subscriptionId: ids.subscription, resourceGroup: "rg-powerplatform-billing" },
});

export const environmentProps = () => ({
  __provider: serializedProvider,
  displayName: "Contoso Finance",
  description: "Finance apps and flows",
  location: "europe",
  environmentSku: "Production",
  securityGroupId: ids.group,
  dataverse: { languageCode: 1033, currencyCode: "EUR" },
});

export const billingLinkProps = () => ({
  __provider: serializedProvider,
  billingPolicyId: ids.billingPolicy,
  environmentId: ids.environment,
});

export const applicationInstallProps = () => ({
  __provider: serializedProvider,
  environmentId: ids.environment,
  uniqueName: "msdyn_AppDeploymentAnchor",
});

export const flowProps = () => ({
  __provider: serializedProvider,
  environmentId: ids.environment,
  displayName: "Invoice approval",
  definition: { triggers: {}, actions: {} },
  state: "Started",
});

export const flowStateProps = () => ({
  __provider: serializedProvider,
  environmentId: ids.environment,
  flowId: ids.flow,
  state: "Started",
});

export const flowOwnersProps = () => ({
  __provider: serializedProvider,
  environmentId: ids.environment,
  flowId: ids.flow,
  owners: [
    { principalId: ids.user, principalType: "User", role: "CanEdit" },
    { principalId: ids.group, principalType: "Group" },
    { principalId: ids.user2, principalType: "User", role: "CanView" },
  ],
});

// --- validation args --------------------------------------------------------------

export interface FakeOptions {
  name?: string;
  stack?: string;
  project?: string;
  protect?: boolean;
  /** What `--policy-pack-config` sets for the rule (enforcementLevel excluded). */
  config?: Record<string, unknown>;
}

export function urnOf(kind: ResourceKind, name: string, stack = "dev", project = "tenant"): string {
  return `urn:pulumi:${stack}::${project}::${types[kind]}::${name}`;
}

function resourceOptions(protect: boolean): PolicyResourceOptions {
  return {
    protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
}

const notApplicable = (reason?: string): never => {
  throw new Error(`notApplicable: ${reason ?? ""}`);
};

export function resourceArgs(kind: ResourceKind, props: Record<string, unknown>, options: FakeOptions = {}): ResourceValidationArgs {
  const name = options.name ?? `my-${kind.toLowerCase()}`;
  return {
    type: types[kind],
    props: proxy.unknownCheckingProxy(props),
    urn: urnOf(kind, name, options.stack, options.project),
    name,
    opts: resourceOptions(options.protect ?? false),
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => ({ ...(options.config ?? {}) }) as T,
    notApplicable,
  };
}

export function policyResource(
  kind: ResourceKind,
  name: string,
  props: Record<string, unknown>,
  options: { stack?: string; protect?: boolean; propertyDependencies?: Record<string, PolicyResource[]> } = {},
): PolicyResource {
  const propertyDependencies = options.propertyDependencies ?? {};
  return {
    type: types[kind],
    props: proxy.unknownCheckingProxy(props),
    urn: urnOf(kind, name, options.stack),
    name,
    opts: resourceOptions(options.protect ?? false),
    dependencies: [...new Set(Object.values(propertyDependencies).flat())],
    propertyDependencies,
    isType: () => false,
    asType: () => undefined,
  };
}

export function stackArgs(resources: PolicyResource[], config: Record<string, unknown> = {}): StackValidationArgs {
  return {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>() => ({ ...config }) as T,
    notApplicable,
  };
}

// --- runners ----------------------------------------------------------------------

export interface Reported {
  message: string;
  urn?: string;
}

export async function validate(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<string[]> {
  const messages: string[] = [];
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
  for (const validation of validations) {
    await validation(args, (message) => messages.push(message));
  }
  return messages;
}

export async function validateStack(policy: StackValidationPolicy, args: StackValidationArgs): Promise<Reported[]> {
  const reported: Reported[] = [];
  await policy.validateStack(args, (message, urn) => reported.push({ message, urn }));
  return reported;
}

/** Runs the remediation and returns what it returned, unwrapped from the proxy. */
export async function remediate(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<Record<string, unknown> | undefined> {
  const result = (await policy.remediateResource!(args)) as Record<string, unknown> | undefined;
  if (!result) return undefined;
  // What the policy server serializes: the object under the proxy, sentinels included.
  return (result["__getSpecialProxyTarget"] as Record<string, unknown> | undefined) ?? result;
}
