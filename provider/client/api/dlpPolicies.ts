/**
 * Data loss prevention (DLP) policies: BAP `/providers/PowerPlatform.Governance/v2/policies`
 * (list, get, create, PATCH) and `/v1/policies/{name}` (DELETE), as Microsoft's Terraform
 * provider calls them (internal/services/dlp_policy/api_dlp_policy.go). These paths take no
 * api-version. A policy is `{policyDefinition, connectorConfigurationsDefinition?,
 * customConnectorUrlPatternsDefinition}`; its id is `policyDefinition.name`.
 */
import { UnexpectedResponseError } from "../errors";
import { type ApiContext, asObject, call, type CallOptions, list, seg } from "./common";

const S = "bap" as const;
/** The governance paths carry no api-version (none is sent by Microsoft's own clients). */
const NO_VERSION = "";

/** The path of the v2 policy collection, or of one policy. */
export const dlpPolicyPath = (name?: string): string =>
  name === undefined ? "/providers/PowerPlatform.Governance/v2/policies" : `/providers/PowerPlatform.Governance/v2/policies/${seg(name, "policyName")}`;
/** The v1 path of one policy: where Microsoft's Terraform provider sends its DELETE. */
export const dlpPolicyV1Path = (name: string): string => `/providers/PowerPlatform.Governance/v1/policies/${seg(name, "policyName")}`;

/** A connector in a connector group: `id` is `/providers/Microsoft.PowerApps/apis/{name}`. */
export interface DlpConnectorDto {
  id: string;
  name: string;
  type: string;
}

/** A connector group: `Confidential` (business), `General` (non-business) or `Blocked`. */
export interface DlpConnectorGroupDto {
  classification: string;
  connectors: DlpConnectorDto[];
}

/** An environment a policy names (`name` is the environment id). */
export interface DlpEnvironmentDto {
  id: string;
  name: string;
  type: string;
}

/** Who made or last changed a policy (only a display name is sent). */
export interface DlpPolicyActorDto {
  displayName?: string;
}

/** The definition part of a policy. */
export interface DlpPolicyDefinitionDto {
  name?: string;
  displayName: string;
  defaultConnectorsClassification: string;
  connectorGroups: DlpConnectorGroupDto[];
  environmentType: string;
  environments: DlpEnvironmentDto[];
  createdBy?: DlpPolicyActorDto;
  createdTime?: string;
  lastModifiedBy?: DlpPolicyActorDto;
  lastModifiedTime?: string;
  etag?: string;
  isLegacySchemaVersion?: boolean;
}

/** A connector action rule: `behavior` is `Allow` or `Block`. */
export interface DlpActionRuleDto {
  actionId: string;
  behavior: string;
}

/** The action rules of one connector, with the behavior of actions not listed. */
export interface DlpConnectorActionConfigurationDto {
  connectorId: string;
  defaultConnectorActionRuleBehavior?: string;
  actionRules: DlpActionRuleDto[];
}

/**
 * An endpoint rule: `behavior` is `Allow` or `Deny`. The service has been recorded spelling the
 * endpoint key both `endpoint` and `endPoint`; {@link endpointOf} reads either.
 */
export interface DlpEndpointRuleDto {
  order: number;
  behavior: string;
  endpoint?: string;
  endPoint?: string;
}

/** The endpoint rules of one connector. */
export interface DlpEndpointConfigurationDto {
  connectorId: string;
  endpointRules: DlpEndpointRuleDto[];
}

/** A custom connector URL pattern rule: classification `Confidential`, `General`, `Blocked` or `Ignore`. */
export interface DlpUrlPatternRuleDto {
  order: number;
  customConnectorRuleClassification: string;
  pattern: string;
}

/** A whole DLP policy as the service sends and takes it. */
export interface DlpPolicyDto {
  policyDefinition: DlpPolicyDefinitionDto;
  connectorConfigurationsDefinition?: {
    connectorActionConfigurations?: DlpConnectorActionConfigurationDto[];
    endpointConfigurations?: DlpEndpointConfigurationDto[];
  } | null;
  customConnectorUrlPatternsDefinition?: { rules?: DlpUrlPatternRuleDto[] } | null;
}

/** The endpoint of an endpoint rule, whichever spelling the service used. */
export function endpointOf(rule: DlpEndpointRuleDto): string {
  return rule.endpoint ?? rule.endPoint ?? "";
}

/** Checks the parts of a policy every caller relies on. */
export function decodeDlpPolicy(v: unknown): DlpPolicyDto {
  const o = asObject(v, "DLP policy");
  const d = asObject(o.policyDefinition, "DLP policy policyDefinition");
  for (const k of ["name", "displayName", "environmentType"]) {
    if (typeof d[k] !== "string") throw new UnexpectedResponseError(`DLP policy policyDefinition: "${k}" is missing or not a string`);
  }
  if (!Array.isArray(d.connectorGroups)) throw new UnexpectedResponseError(`DLP policy policyDefinition: "connectorGroups" is missing or not an array`);
  if (d.environments !== undefined && d.environments !== null && !Array.isArray(d.environments)) {
    throw new UnexpectedResponseError(`DLP policy policyDefinition: "environments" is not an array`);
  }
  return o as unknown as DlpPolicyDto;
}

/** The id of a policy (its `policyDefinition.name`). */
export const dlpPolicyIdOf = (p: DlpPolicyDto): string => p.policyDefinition.name ?? "";

/** The DLP policy calls of the client (`client.dlpPolicies`). */
export function dlpPoliciesApi(ctx: ApiContext) {
  return {
    /** GET …/v2/policies → `{value:[policy…]}` (follows nextLink). */
    list(opts?: CallOptions): Promise<DlpPolicyDto[]> {
      return list(ctx, { surface: S, path: dlpPolicyPath(), apiVersion: NO_VERSION }, decodeDlpPolicy, "DLP policies", opts);
    },

    /** GET …/v2/policies/{name} → 200 (404 → NotFoundError). */
    async get(name: string, opts?: CallOptions): Promise<DlpPolicyDto> {
      const r = await call(ctx, { surface: S, method: "GET", path: dlpPolicyPath(name), apiVersion: NO_VERSION, expect: [200] }, opts);
      return decodeDlpPolicy(r.data);
    },

    /**
     * POST …/v2/policies → 201 with the policy. Not retried once it may have reached the server
     * (errors then carry maybeApplied: re-read by display name and adopt).
     */
    async create(body: DlpPolicyDto, opts?: CallOptions): Promise<DlpPolicyDto> {
      const r = await call(
        ctx,
        { surface: S, method: "POST", path: dlpPolicyPath(), apiVersion: NO_VERSION, body, expect: [200, 201], idempotent: false },
        opts,
      );
      return decodeDlpPolicy(r.data);
    },

    /** PATCH …/v2/policies/{name} with the whole policy → 200 with the policy. Repeating it is harmless. */
    async update(name: string, body: DlpPolicyDto, opts?: CallOptions): Promise<DlpPolicyDto> {
      const r = await call(
        ctx,
        { surface: S, method: "PATCH", path: dlpPolicyPath(name), apiVersion: NO_VERSION, body, expect: [200], idempotent: true },
        opts,
      );
      return decodeDlpPolicy(r.data);
    },

    /** DELETE …/v1/policies/{name} → 200 (204 accepted). Returns false when it was already gone (404). */
    async delete(name: string, opts?: CallOptions): Promise<boolean> {
      const r = await call(
        ctx,
        { surface: S, method: "DELETE", path: dlpPolicyV1Path(name), apiVersion: NO_VERSION, expect: [200, 202, 204, 404] },
        opts,
      );
      return r.status !== 404;
    },
  };
}

/** The type of `client.dlpPolicies`. */
export type DlpPoliciesApi = ReturnType<typeof dlpPoliciesApi>;
