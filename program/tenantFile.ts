/**
 * Loads a tenant file (YAML), validates it against schema/tenant.schema.json and
 * checks its references, before any resource is registered. Every error names the
 * file, the line, the path inside the file and the rule.
 */
import Ajv, { type ErrorObject } from "ajv";
import * as fs from "node:fs";
import * as path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { nearestName } from "@powerplatform-iac/provider";

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
  billingInstrument: { subscriptionId: string; resourceGroup: string };
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
  dataverse?: { languageCode?: number; currencyCode?: string; domainName?: string; securityGroupId?: string; templates?: string[] };
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
export type DlpConnectorSpec =
  | string
  | {
      id: string;
      defaultActionRuleBehavior?: "Allow" | "Block";
      actionRules?: Array<{ actionId: string; behavior: "Allow" | "Block" }>;
      endpointRules?: Array<{ order: number; behavior: "Allow" | "Deny"; endpoint: string }>;
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
  customConnectorUrlPatterns?: Array<{ order: number; hostUrlPattern: string; dataGroup: "Business" | "NonBusiness" | "Blocked" | "Ignore" }>;
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

export class TenantFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: TenantFileProblem[],
  ) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
        problems
          .map((p) => `  ${file}${p.line ? `:${p.line}:${p.column}` : ""} at ${p.path || "/"}: ${p.message} (${p.rule})`)
          .join("\n"),
    );
    this.name = "TenantFileError";
  }
}

export const schemaPath = path.resolve(__dirname, "..", "schema", "tenant.schema.json");

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An environment reference is a key of this file, a GUID, or the tenant's Default-<tenant id>. */
export function isEnvironmentId(ref: string): boolean {
  return guid.test(ref) || /^Default-[0-9a-f-]{36}$/i.test(ref);
}

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case "enum": {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
      // The same value in another case (`warn` for `Warn`) is offered, as the resources' check does.
      const nearest = typeof error.data === "string" ? allowed.find((v) => typeof v === "string" && v.toLowerCase() === (error.data as string).toLowerCase()) : undefined;
      return `must be one of ${allowed.join(", ")}${nearest !== undefined ? ` (did you mean "${nearest}"?)` : ""}`;
    }
    case "additionalProperties": {
      const unknownName = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const nearest = nearestName(unknownName, known);
      return `unknown property "${unknownName}"${nearest ? ` (did you mean "${nearest}"?)` : ""}`;
    }
    case "required":
      return `missing required property "${(error.params as { missingProperty: string }).missingProperty}"`;
    case "pattern":
      return `${error.message}${error.parentSchema && (error.parentSchema as { description?: string }).description ? ` (${(error.parentSchema as { description: string }).description})` : ""}`;
    case "propertyNames":
      return `key ${JSON.stringify((error.params as { propertyName: string }).propertyName)} is not valid: lower-case letters, digits and hyphens, starting with a letter`;
    default:
      return error.message ?? error.keyword;
  }
}

function referenceProblems(tenant: TenantFile): TenantFileProblem[] {
  const problems: TenantFileProblem[] = [];
  const declared = new Set(Object.keys(tenant.environments));
  const checkRef = (ref: string | undefined, at: string) => {
    if (ref === undefined) return; // missing: a schema problem
    if (!declared.has(ref) && !isEnvironmentId(ref)) {
      problems.push({
        path: at,
        rule: "reference",
        message: `"${ref}" is neither an environment declared under /environments (${[...declared].join(", ") || "none"}) nor an environment id`,
      });
    }
  };
  for (const [key, policy] of Object.entries(tenant.billingPolicies)) {
    (policy.environments ?? []).forEach((ref, i) => {
      checkRef(ref, `/billingPolicies/${key}/environments/${i}`);
      const env = tenant.environments[ref];
      if (env && env.location !== undefined && policy.location !== undefined && env.location !== policy.location) {
        problems.push({
          path: `/billingPolicies/${key}/environments/${i}`,
          rule: "reference",
          message: `environment "${ref}" is in ${env.location} but the policy is in ${policy.location}: a policy bills only environments of its own location`,
        });
      }
      if (env && env.environmentSku !== undefined && env.environmentSku !== "Production" && env.environmentSku !== "Sandbox") {
        problems.push({
          path: `/billingPolicies/${key}/environments/${i}`,
          rule: "reference",
          message: `environment "${ref}" is ${env.environmentSku}: only Production and Sandbox environments can be billed by a policy`,
        });
      }
    });
  }
  const billedBy = new Map<string, string>();
  for (const [key, policy] of Object.entries(tenant.billingPolicies)) {
    (policy.environments ?? []).forEach((ref, i) => {
      const other = billedBy.get(ref);
      if (other) {
        problems.push({
          path: `/billingPolicies/${key}/environments/${i}`,
          rule: "reference",
          message: `environment "${ref}" is already billed by policy "${other}": an environment can be linked to one policy only`,
        });
      }
      billedBy.set(ref, key);
    });
  }
  for (const [key, env] of Object.entries(tenant.environments)) {
    if ((env.applications ?? []).length > 0 && !env.dataverse) {
      problems.push({
        path: `/environments/${key}/applications`,
        rule: "reference",
        message: `applications need an environment with Dataverse: add a dataverse section to environment "${key}"`,
      });
    }
  }
  for (const [key, env] of Object.entries(tenant.environments)) {
    if (env.managed && !env.dataverse) {
      problems.push({
        path: `/environments/${key}/managed`,
        rule: "reference",
        message: `managed environments require Dataverse: add a dataverse section to environment "${key}"`,
      });
    }
    const limit = env.managed?.maxLimitUserSharing;
    if (limit !== undefined && limit !== -1 && env.managed?.groupSharingDisabled !== true) {
      problems.push({
        path: `/environments/${key}/managed/maxLimitUserSharing`,
        rule: "reference",
        message: `a sharing limit applies only when sharing with security groups is excluded: set groupSharingDisabled: true, or maxLimitUserSharing: -1`,
      });
    }
  }
  for (const [key, flow] of Object.entries(tenant.flows)) {
    checkRef(flow.environment, `/flows/${key}/environment`);
    if (flow.state === undefined && flow.owners === undefined) {
      problems.push({ path: `/flows/${key}`, rule: "reference", message: `flow "${key}" declares neither state nor owners: nothing to manage` });
    }
    const seen = new Set<string>();
    (flow.owners ?? []).forEach((owner, i) => {
      const id = owner.principalId.toLowerCase();
      if (seen.has(id)) {
        problems.push({ path: `/flows/${key}/owners/${i}/principalId`, rule: "reference", message: `principal ${owner.principalId} is listed twice` });
      }
      seen.add(id);
    });
  }
  if (tenant.tenantSettings && !Object.entries(tenant.tenantSettings).some(([k, v]) => k !== "protect" && k !== "retainOnDelete" && namesASetting(v))) {
    problems.push({ path: "/tenantSettings", rule: "reference", message: "tenantSettings names no setting: nothing to manage (name at least one, e.g. disableTrialEnvironmentCreationByNonAdminUsers: true)" });
  }
  problems.push(...environmentGroupProblems(tenant, checkRef));
  problems.push(...duplicateProblems(tenant));
  problems.push(...dlpPolicyProblems(tenant));
  return problems;
}

/** DLP policies: environment references resolve, the scope lists environments when it must, each policy is declared once. */
function dlpPolicyProblems(tenant: TenantFile): TenantFileProblem[] {
  const problems: TenantFileProblem[] = [];
  const declared = new Set(Object.keys(tenant.environments));
  const adopted = new Map<string, string>();
  for (const [key, policy] of Object.entries(tenant.dlpPolicies ?? {})) {
    (policy.environments ?? []).forEach((ref, i) => {
      if (!declared.has(ref) && !isEnvironmentId(ref)) {
        problems.push({
          path: `/dlpPolicies/${key}/environments/${i}`,
          rule: "reference",
          message: `"${ref}" is neither an environment declared under /environments (${[...declared].join(", ") || "none"}) nor an environment id`,
        });
      }
    });
    const listed = (policy.environments ?? []).length;
    if (policy.environmentType === "AllEnvironments" && listed > 0) {
      problems.push({ path: `/dlpPolicies/${key}/environments`, rule: "reference", message: "a policy for AllEnvironments lists no environments (use ExceptEnvironments or OnlyEnvironments)" });
    }
    if ((policy.environmentType === "ExceptEnvironments" || policy.environmentType === "OnlyEnvironments") && listed === 0) {
      problems.push({ path: `/dlpPolicies/${key}`, rule: "reference", message: `a policy for ${policy.environmentType} must list at least one environment under environments` });
    }
    if (policy.adoptId !== undefined) {
      const first = adopted.get(policy.adoptId.toLowerCase());
      if (first) problems.push({ path: `/dlpPolicies/${key}/adoptId`, rule: "duplicate", message: `DLP policy ${policy.adoptId} is already managed by ${first}: declare each object once (two entries would undo each other on every run)` });
      else adopted.set(policy.adoptId.toLowerCase(), `/dlpPolicies/${key}`);
    }
  }
  return problems;
}

/** A setting value, or a group that names at least one. */
function namesASetting(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  return typeof v === "object" && !Array.isArray(v) ? Object.values(v).some(namesASetting) : true;
}

/**
 * Environment groups: each member reference resolves, and an environment is listed by one group
 * only (an environment belongs to one group; two entries would move it back and forth).
 */
function environmentGroupProblems(tenant: TenantFile, checkRef: (ref: string | undefined, at: string) => void): TenantFileProblem[] {
  const problems: TenantFileProblem[] = [];
  const groupOf = new Map<string, string>();
  for (const [key, group] of Object.entries(tenant.environmentGroups)) {
    (group.environments ?? []).forEach((ref, i) => {
      checkRef(ref, `/environmentGroups/${key}/environments/${i}`);
      const id = ref.toLowerCase();
      const other = groupOf.get(id);
      if (other !== undefined && other !== key) {
        problems.push({
          path: `/environmentGroups/${key}/environments/${i}`,
          rule: "duplicate",
          message: `environment "${ref}" is already listed by group "${other}": an environment belongs to one group only`,
        });
      } else groupOf.set(id, key);
    });
  }
  return problems;
}

/**
 * Two entries that manage the same object would undo each other on every run (co-owners
 * flipping, a flow started and stopped): each object is declared once. Ids compare
 * without case; the second entry is the one reported, naming the first.
 */
function duplicateProblems(tenant: TenantFile): TenantFileProblem[] {
  const problems: TenantFileProblem[] = [];
  const once = (what: string, seen: Map<string, string>, id: string | undefined, at: string, label: string) => {
    if (id === undefined) return;
    const key = id.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ path: at, rule: "duplicate", message: `${what} ${id} is already managed by ${first}: declare each object once (two entries would undo each other on every run)` });
    } else {
      seen.set(key, label);
    }
  };
  const flows = new Map<string, string>();
  for (const [key, flow] of Object.entries(tenant.flows)) once("flow", flows, flow.flowId, `/flows/${key}/flowId`, `/flows/${key}`);
  const environments = new Map<string, string>();
  const domains = new Map<string, string>();
  for (const [key, env] of Object.entries(tenant.environments)) {
    once("environment", environments, env.adoptId, `/environments/${key}/adoptId`, `/environments/${key}`);
    once("the Dataverse domain name", domains, env.dataverse?.domainName, `/environments/${key}/dataverse/domainName`, `/environments/${key}`);
  }
  const policies = new Map<string, string>();
  for (const [key, policy] of Object.entries(tenant.billingPolicies)) {
    once("billing policy", policies, policy.adoptId, `/billingPolicies/${key}/adoptId`, `/billingPolicies/${key}`);
  }
  const groups = new Map<string, string>();
  for (const [key, group] of Object.entries(tenant.environmentGroups)) {
    once("environment group", groups, group.adoptId, `/environmentGroups/${key}/adoptId`, `/environmentGroups/${key}`);
  }
  return problems;
}

/** Parses and validates `text` (the content of `file`); throws TenantFileError listing every problem. */
export function parseTenantFile(text: string, file: string): TenantFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const position = (pointer: string) => {
    const segments = pointer.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    for (let n = segments.length; n >= 0; n--) {
      const node = doc.getIn(segments.slice(0, n).map((s) => (/^\d+$/.test(s) ? Number(s) : s)), true) as { range?: [number, number, number] } | undefined;
      if (node && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return { line, column: col };
      }
    }
    return {};
  };

  if (doc.errors.length > 0) {
    throw new TenantFileError(
      file,
      doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return { path: "", line, column: col, rule: "yaml", message: e.message.split("\n")[0] };
      }),
    );
  }
  const data = (doc.toJS() ?? {}) as Partial<TenantFile>;
  const ajv = new Ajv({ allErrors: true, useDefaults: false, strict: false, verbose: true });
  const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
  const schemaProblems: TenantFileProblem[] = validate(data)
    ? []
    : (validate.errors ?? [])
        // A bad key yields a propertyNames error plus the inner error about the key: keep the first.
        .filter((e) => e.keyword === "propertyNames" || !("propertyName" in e))
        .map((e) => {
          const pointer =
            e.keyword === "propertyNames" ? `${e.instancePath}/${(e.params as { propertyName: string }).propertyName}` : e.instancePath;
          return { path: pointer, ...position(pointer), rule: e.keyword, message: describe(e) };
        });
  // References are checked on what is well-formed even when the schema finds problems, so
  // that one run reports both kinds (a malformed entry is left to its schema problem).
  const tenant: TenantFile =
    schemaProblems.length === 0
      ? { billingPolicies: data.billingPolicies ?? {}, environments: data.environments ?? {}, flows: data.flows ?? {}, dlpPolicies: data.dlpPolicies ?? {}, environmentGroups: data.environmentGroups ?? {}, ...(data.tenantSettings ? { tenantSettings: data.tenantSettings } : {}) }
      : wellFormedPart(withoutInvalidValues(data, schemaProblems));
  const problems = [...schemaProblems, ...referenceProblems(tenant).map((p) => ({ ...p, ...position(p.path) }))].filter(
    (p, i, all) => all.findIndex((q) => q.path === p.path && q.message === p.message) === i,
  );
  if (problems.length > 0) throw new TenantFileError(file, problems);
  return tenant;
}

/**
 * A copy of the file without the values the schema rejected (a location not in the list, a
 * SKU misspelt): the reference checks then say nothing more about them. Objects (entries)
 * stay, so a reference to an entry with a problem inside is not reported as dangling.
 */
function withoutInvalidValues(data: unknown, problems: readonly TenantFileProblem[]): unknown {
  const copy = structuredClone(data) as unknown;
  for (const { path: pointer } of problems) {
    const segments = pointer.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = segments.pop();
    if (last === undefined) continue;
    let parent: unknown = copy;
    for (const s of segments) parent = isObject(parent) || Array.isArray(parent) ? (parent as Loose)[s] : undefined;
    if ((isObject(parent) || Array.isArray(parent)) && !isObject((parent as Loose)[last])) delete (parent as Loose)[last];
  }
  return copy;
}

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);
const stringOrUndefined = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined);
const entries = (v: unknown): Array<[string, Loose]> => (isObject(v) ? Object.entries(v).filter((e): e is [string, Loose] => isObject(e[1])) : []);

/**
 * The part of a parsed file the reference checks can read: sections and entries that are
 * objects, fields of the expected type. On a valid file this is the file itself.
 */
function wellFormedPart(data: unknown): TenantFile {
  const root = isObject(data) ? data : {};
  const environments: Record<string, EnvironmentSpec> = {};
  for (const [key, e] of entries(root.environments)) {
    environments[key] = {
      ...e,
      location: stringOrUndefined(e.location)!,
      environmentSku: stringOrUndefined(e.environmentSku) as EnvironmentSpec["environmentSku"],
      applications: strings(e.applications),
      dataverse: isObject(e.dataverse) ? { ...e.dataverse, domainName: stringOrUndefined(e.dataverse.domainName) } : undefined,
      adoptId: stringOrUndefined(e.adoptId),
    } as EnvironmentSpec;
  }
  const billingPolicies: Record<string, BillingPolicySpec> = {};
  for (const [key, p] of entries(root.billingPolicies)) {
    billingPolicies[key] = { ...p, location: stringOrUndefined(p.location)!, environments: strings(p.environments), adoptId: stringOrUndefined(p.adoptId) } as BillingPolicySpec;
  }
  const flows: Record<string, FlowSpec> = {};
  for (const [key, f] of entries(root.flows)) {
    const owners = Array.isArray(f.owners) ? f.owners.filter((o): o is Loose => isObject(o) && typeof o.principalId === "string") : f.owners === undefined ? undefined : [];
    flows[key] = { ...f, environment: stringOrUndefined(f.environment)!, flowId: stringOrUndefined(f.flowId)!, owners } as FlowSpec;
  }
  const dlpPolicies: Record<string, DlpPolicySpec> = {};
  for (const [key, p] of entries(root.dlpPolicies)) {
    dlpPolicies[key] = { ...p, environmentType: stringOrUndefined(p.environmentType), environments: strings(p.environments), adoptId: stringOrUndefined(p.adoptId) } as DlpPolicySpec;
  }
  const environmentGroups: Record<string, EnvironmentGroupSpec> = {};
  for (const [key, g] of entries(root.environmentGroups)) {
    environmentGroups[key] = { ...g, environments: strings(g.environments), adoptId: stringOrUndefined(g.adoptId) } as EnvironmentGroupSpec;
  }
  return { billingPolicies, environments, flows, dlpPolicies, environmentGroups, ...(isObject(root.tenantSettings) ? { tenantSettings: root.tenantSettings as TenantSettingsSpec } : {}) };
}

export function loadTenantFile(file: string, baseDir: string): TenantFile {
  const full = path.resolve(baseDir, file);
  let text: string;
  try {
    text = fs.readFileSync(full, "utf8");
  } catch (error) {
    throw new TenantFileError(file, [{ path: "", rule: "file", message: `cannot read the tenant file: ${(error as Error).message}` }]);
  }
  return parseTenantFile(text, file);
}
