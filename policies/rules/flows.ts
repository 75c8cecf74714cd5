/**
 * Flows: managed flows cannot be orphaned when one person leaves (enough co-owners, one
 * of them a group or a service principal, only allowed kinds of principal), and flows
 * declared critical are running.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configRegExp, configSchema, ruleConfig, stringList } from "../config";
import { quoteList, violation } from "../messages";
import {
  defaultFlowOwnerRole,
  principalTypes,
  isKind,
  type FlowOwner,
  type FlowOwnersProps,
  type FlowProps,
  type FlowStateProps,
  type PrincipalType,
} from "../resourceTypes";
import { peek, unknown } from "../values";

const canEdit = (owner: FlowOwner) => (owner.role ?? defaultFlowOwnerRole) === "CanEdit";

/**
 * The number of distinct principals among `owners`. An id that is not known yet
 * (preview: computed from another resource) counts as a principal of its own.
 */
function distinctPrincipals(owners: FlowOwner[]): number {
  const ids = new Set<string>();
  let notKnown = 0;
  for (const owner of owners) {
    const id = peek(() => owner.principalId);
    if (id === unknown) notKnown++;
    else ids.add(String(id).toLowerCase());
  }
  return ids.size + notKnown;
}

// --- flow-minimum-co-owners -------------------------------------------------------

export interface MinimumCoOwnersConfig {
  minimumCoOwners: number;
}
const minimumCoOwnersDefaults: MinimumCoOwnersConfig = { minimumCoOwners: 2 };

export const flowMinimumCoOwners: ResourceValidationPolicy = {
  name: "flow-minimum-co-owners",
  description: "Every managed flow has at least the configured number of co-owners who can edit it, so that it is not orphaned when an owner leaves.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: configSchema(minimumCoOwnersDefaults, {
    minimumCoOwners: { type: "integer", minimum: 1, description: "Minimum number of distinct principals with role CanEdit." },
  }),
  remediationSteps: "Add owners with role CanEdit (the default role) to the FlowOwners resource.",
  validateResource: (args, reportViolation) => {
    if (!isKind(args, "FlowOwners")) return;
    const { minimumCoOwners } = ruleConfig(args, minimumCoOwnersDefaults);
    const owners = (args.props as FlowOwnersProps).owners ?? [];
    const editors = distinctPrincipals(owners.filter(canEdit));
    if (editors < minimumCoOwners) {
      reportViolation(violation(flowMinimumCoOwners.name, args.type, args.name,
        `the flow has ${editors} owner(s) with role CanEdit, fewer than the required ${minimumCoOwners}`,
        `Add ${minimumCoOwners - editors} more owner(s) with role CanEdit to owners.`));
    }
  },
};

// --- flow-group-or-service-principal-owner ----------------------------------------

export interface NonPersonalOwnerConfig {
  requireCanEdit: boolean;
}
const nonPersonalOwnerDefaults: NonPersonalOwnerConfig = { requireCanEdit: true };

export const flowGroupOrServicePrincipalOwner: ResourceValidationPolicy = {
  name: "flow-group-or-service-principal-owner",
  description: "Every managed flow is co-owned by at least one Entra group or service principal, which outlives any one person's account.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: configSchema(nonPersonalOwnerDefaults, {
    requireCanEdit: { type: "boolean", description: "Count only groups and service principals with role CanEdit." },
  }),
  remediationSteps: "Add an owner with principalType Group or ServicePrincipal (and role CanEdit) to the FlowOwners resource.",
  validateResource: (args, reportViolation) => {
    if (!isKind(args, "FlowOwners")) return;
    const { requireCanEdit } = ruleConfig(args, nonPersonalOwnerDefaults);
    const owners = (args.props as FlowOwnersProps).owners ?? [];
    const found = owners.some(
      (o) => (o.principalType === "Group" || o.principalType === "ServicePrincipal") && (!requireCanEdit || canEdit(o)),
    );
    if (!found) {
      reportViolation(violation(flowGroupOrServicePrincipalOwner.name, args.type, args.name,
        `no owner is a Group or a ServicePrincipal${requireCanEdit ? " with role CanEdit" : ""}`,
        `Add an owner with principalType "Group" or "ServicePrincipal"${requireCanEdit ? ` and role "CanEdit"` : ""} to owners.`));
    }
  },
};

// --- flow-owner-allowed-principal-types -------------------------------------------

export interface AllowedPrincipalTypesConfig {
  allowedPrincipalTypes: PrincipalType[];
}
const allowedPrincipalTypesDefaults: AllowedPrincipalTypesConfig = { allowedPrincipalTypes: [...principalTypes] };

export const flowOwnerAllowedPrincipalTypes: ResourceValidationPolicy = {
  name: "flow-owner-allowed-principal-types",
  description: "Flow owners are only principals of the allowed types (e.g. no individual users when flows must be owned by groups).",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: configSchema(allowedPrincipalTypesDefaults, {
    allowedPrincipalTypes: {
      type: "array",
      items: { type: "string", enum: [...principalTypes] },
      uniqueItems: true,
      minItems: 1,
      description: "Principal types that may own flows.",
    },
  }),
  remediationSteps: "Replace the owners of other types by principals of an allowed type.",
  validateResource: (args, reportViolation) => {
    if (!isKind(args, "FlowOwners")) return;
    const { allowedPrincipalTypes } = ruleConfig(args, allowedPrincipalTypesDefaults);
    const owners = (args.props as FlowOwnersProps).owners ?? [];
    owners.forEach((owner, index) => {
      if (allowedPrincipalTypes.includes(owner.principalType)) return;
      const id = peek(() => owner.principalId);
      reportViolation(violation(flowOwnerAllowedPrincipalTypes.name, args.type, args.name,
        `owners[${index}] (${id === unknown ? "principal not known yet" : `principal ${id}`}) is a ${owner.principalType}, which may not own flows`,
        `Replace it by a principal of type ${quoteList(allowedPrincipalTypes)}.`));
    });
  },
};

// --- critical-flows-started -------------------------------------------------------

export interface CriticalFlowsConfig {
  criticalFlowIds: string[];
  criticalFlowNamePattern: string;
}
const criticalFlowsDefaults: CriticalFlowsConfig = { criticalFlowIds: [], criticalFlowNamePattern: "^critical[-_]" };

/** The state the resource puts the flow in: a Flow that omits state is Stopped (the provider's default). */
function declaredState(args: ResourceValidationArgs): unknown {
  const state = (args.props as FlowStateProps | FlowProps).state;
  return state === undefined && isKind(args, "Flow") ? "Stopped" : state;
}

/** Why the FlowState or Flow of `args` is critical, or undefined when it is not. */
function criticalBecause(args: ResourceValidationArgs, config: CriticalFlowsConfig): string | undefined {
  const { criticalFlowIds, criticalFlowNamePattern } = config;
  if (criticalFlowNamePattern !== "" && configRegExp(criticalFlowNamePattern, criticalFlowsStarted.name, "criticalFlowNamePattern").test(args.name)) {
    return `its resource name matches /${criticalFlowNamePattern}/`;
  }
  if (criticalFlowIds.length === 0) return undefined;
  // The flow a FlowState turns on and off, or the existing flow a Flow adopts (a Flow it
  // creates gets a new id, which no list can name yet). Read only when needed: an id
  // not known during preview is handled by the pack's unknownAtPreview setting.
  const flowId = isKind(args, "FlowState")
    ? (args.props as FlowStateProps).flowId
    : (args.props as FlowProps).adoptId;
  if (flowId === undefined || flowId === null || flowId === "") return undefined;
  const id = String(flowId).toLowerCase();
  if (criticalFlowIds.some((critical) => critical.toLowerCase() === id)) return `flow ${id} is in criticalFlowIds`;
  return undefined;
}

export const criticalFlowsStarted: ResourceValidationPolicy = {
  name: "critical-flows-started",
  description: "Flows declared critical (by flow id, or by a Pulumi resource name matching a pattern) are declared Started.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: configSchema(criticalFlowsDefaults, {
    criticalFlowIds: stringList("Ids (GUIDs) of critical flows: FlowState resources for these flows, and Flow resources adopting them (adoptId), must be Started."),
    criticalFlowNamePattern: {
      type: "string",
      description: "A regular expression matched against the Pulumi resource name of FlowState and Flow resources: matching ones are critical. Empty: none.",
    },
  }),
  remediationSteps: "Set state to Started (enforcement level `remediate` does it automatically).",
  validateResource: (args, reportViolation) => {
    if (!isKind(args, "FlowState") && !isKind(args, "Flow")) return;
    const config = ruleConfig(args, criticalFlowsDefaults);
    if (declaredState(args) !== "Stopped") return;
    const because = criticalBecause(args, config);
    if (!because) return;
    reportViolation(violation(criticalFlowsStarted.name, args.type, args.name,
      `the flow is critical (${because}) but its state is "Stopped"`,
      `Set state to "Started", or stop treating the flow as critical.`));
  },
  remediateResource: (args) => {
    if (!isKind(args, "FlowState") && !isKind(args, "Flow")) return undefined;
    const props = args.props as FlowStateProps | FlowProps;
    if (declaredState(args) !== "Stopped") return undefined;
    if (!criticalBecause(args, ruleConfig(args, criticalFlowsDefaults))) return undefined;
    // Only the state changes; `__provider` and unknown values are returned untouched.
    props.state = "Started";
    return props;
  },
};
