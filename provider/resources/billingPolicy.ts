import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceProps, dynamicResourceType } from "./dynamicProvider";
import { programFramesOnly } from "./sourceFrames";
import { timeoutsInput } from "./timeouts";
import { claim } from "./claims";
import { InputChecker, isUnknown } from "./validation";
import type { ResourceHandler, CheckResult, DiffResult, ReadResult } from "./handler";
import { clientFromEnvironment, isNotFound, keepIdOnFailure } from "./runtimeSupport";
import { adoptAfterUnknownOutcome, type Candidate, claimObject, ourPrincipal, refuseRecentDuplicate } from "./ownership";
import { readConfirmingGone } from "./confirmGone";
import type { PowerPlatformClient } from "../client";

/**
 * The statuses a billing policy can have: `Enabled` bills its environments, `Disabled` stops
 * billing them.
 */
export const billingPolicyStatuses = ["Enabled", "Disabled"] as const;
/** `Enabled` or `Disabled` (see {@link billingPolicyStatuses}). */
export type BillingPolicyStatus = (typeof billingPolicyStatuses)[number];

/**
 * Power Platform geographies a pay-as-you-go billing policy can be created in (the
 * `location` of the API). Environments linked to a policy must be in the same one.
 */
export const billingPolicyLocations = [
  "unitedstates",
  "europe",
  "asia",
  "australia",
  "india",
  "japan",
  "canada",
  "southamerica",
  "unitedkingdom",
  "france",
  "germany",
  "switzerland",
  "norway",
  "korea",
  "singapore",
  "southafrica",
  "unitedarabemirates",
  "sweden",
  "italy",
  "poland",
  "usgov",
  "usgovhigh",
  "usdod",
  "china",
] as const;

/** The Azure subscription and resource group that pay for a billing policy's environments. */
export interface BillingInstrumentArgs {
  /** The Azure subscription billed for the environments linked to the policy (a GUID). Changing it replaces the policy. */
  subscriptionId: pulumi.Input<string>;
  /** The resource group of the subscription that holds the billing instrument. Changing it replaces the policy. */
  resourceGroup: pulumi.Input<string>;
}

/** The arguments of a {@link BillingPolicy}; `check` refuses any other name. */
export interface BillingPolicyArgs {
  /** Display name: 1-100 letters, digits, hyphens or underscores. Updated in place. */
  name: pulumi.Input<string>;
  /** Power Platform geography, e.g. `unitedstates` or `europe`. Changing it replaces the policy. */
  location: pulumi.Input<string>;
  /** `Enabled` (default) or `Disabled`. Updated in place. */
  status?: pulumi.Input<BillingPolicyStatus>;
  /** The Azure subscription and resource group billed. Changing either replaces the policy. */
  billingInstrument: pulumi.Input<BillingInstrumentArgs>;
  /**
   * Adopt an existing billing policy with this id instead of creating one: `create`
   * reads it, verifies that its location and billing instrument match these inputs,
   * then brings name and status to the declared values. (`pulumi import` does not work
   * for dynamic resources.)
   */
  adoptId?: pulumi.Input<string>;
}

/** Inputs after `check`: validated and normalized (GUIDs in lower case, defaults applied). */
export interface BillingPolicyInputs {
  name: string;
  location: string;
  status: BillingPolicyStatus;
  billingInstrument: { subscriptionId: string; resourceGroup: string };
  adoptId?: string;
}

/** What the state holds: the inputs as the API reports them, plus what the API computes. */
export interface BillingPolicyOutputs extends BillingPolicyInputs {
  billingPolicyId: string;
  billingInstrumentId: string;
  type: string;
  createdOn?: string;
  lastModifiedOn?: string;
}

/** The wire shape of a billing policy (see shared fixtures). */
interface BillingPolicyDto {
  id: string;
  name: string;
  type?: string;
  status: string;
  location: string;
  billingInstrument: { id?: string; subscriptionId: string; resourceGroup: string };
  createdOn?: string;
  createdBy?: { id?: string };
  lastModifiedOn?: string;
}

const resourceName = "BillingPolicy";

/** The arguments of a BillingPolicy: check refuses any other name (`__` names excepted). */
export const billingPolicyArguments = ["name", "location", "status", "billingInstrument", "adoptId"] as const;
const billingInstrumentArguments = ["subscriptionId", "resourceGroup"] as const;

function checkInputs(news: Record<string, unknown>): CheckResult<BillingPolicyInputs> {
  const c = new InputChecker(resourceName);
  c.knownNames(news, "", billingPolicyArguments);
  const name = c.string(news.name, "name", {
    required: true,
    maxLength: 100,
    pattern: /^[A-Za-z0-9_-]+$/,
    patternHint: "may contain only letters, digits, hyphens and underscores",
  });
  const location = c.oneOf(news.location, "location", billingPolicyLocations);
  const status = c.oneOf(news.status, "status", billingPolicyStatuses, "Enabled");
  const instrument = c.object(news.billingInstrument, "billingInstrument", { required: true });
  if (instrument) c.knownNames(instrument, "billingInstrument", billingInstrumentArguments);
  const subscriptionId = instrument ? c.guid(instrument.subscriptionId, "billingInstrument.subscriptionId", { required: true }) : undefined;
  const resourceGroup = instrument
    ? c.string(instrument.resourceGroup, "billingInstrument.resourceGroup", {
        required: true,
        maxLength: 90,
        pattern: /^[-\w.()]*[-\w()]$/,
        patternHint: "must be an Azure resource group name (letters, digits, '-', '_', '.', '(', ')'; not ending with '.')",
      })
    : undefined;
  const adoptId = c.guid(news.adoptId, "adoptId");
  if (c.failures.length > 0) return { failures: c.failures };
  return {
    inputs: {
      name: name!,
      location: location!,
      status: status!,
      billingInstrument: isUnknown(news.billingInstrument)
        ? (news.billingInstrument as BillingPolicyInputs["billingInstrument"])
        : { subscriptionId: subscriptionId!, resourceGroup: resourceGroup! },
      ...(adoptId ? { adoptId } : {}),
    },
  };
}

function outputsFrom(dto: BillingPolicyDto, extra: Pick<BillingPolicyInputs, "adoptId">): BillingPolicyOutputs {
  return {
    name: dto.name,
    location: dto.location,
    status: dto.status as BillingPolicyStatus,
    billingInstrument: {
      subscriptionId: dto.billingInstrument.subscriptionId.toLowerCase(),
      resourceGroup: dto.billingInstrument.resourceGroup,
    },
    ...(extra.adoptId ? { adoptId: extra.adoptId } : {}),
    billingPolicyId: dto.id,
    billingInstrumentId: dto.billingInstrument.id ?? "",
    type: dto.type ?? "",
    ...(dto.createdOn ? { createdOn: dto.createdOn } : {}),
    ...(dto.lastModifiedOn ? { lastModifiedOn: dto.lastModifiedOn } : {}),
  };
}

function inputsFrom(outputs: BillingPolicyOutputs): BillingPolicyInputs {
  const { name, location, status, billingInstrument, adoptId } = outputs;
  return { name, location, status, billingInstrument, ...(adoptId ? { adoptId } : {}) };
}

/** Replacements first: these cannot change through the API. */
function replacedFields(olds: BillingPolicyInputs, news: BillingPolicyInputs): string[] {
  const replaces: string[] = [];
  if (olds.location !== news.location) replaces.push("location");
  if (olds.billingInstrument?.subscriptionId !== news.billingInstrument.subscriptionId) replaces.push("billingInstrument.subscriptionId");
  if (olds.billingInstrument?.resourceGroup !== news.billingInstrument.resourceGroup) replaces.push("billingInstrument.resourceGroup");
  return replaces;
}

function updatedFields(olds: BillingPolicyInputs, news: BillingPolicyInputs): string[] {
  const updates: string[] = [];
  if (olds.name !== news.name) updates.push("name");
  if (olds.status !== news.status) updates.push("status");
  return updates;
}

/** What ownership checks need to know about a policy. */
export function billingPolicyCandidate(p: BillingPolicyDto): Candidate {
  return {
    id: p.id,
    name: p.name,
    creatorId: p.createdBy?.id?.toLowerCase(),
    createdTime: p.createdOn,
    ...((p.status as string) === "ProvisioningFailed" ? { failed: true } : {}),
  };
}

/** The policies that match the declaration: same name, location and billing instrument. */
export async function matchingBillingPolicies(client: PowerPlatformClient, inputs: BillingPolicyInputs): Promise<BillingPolicyDto[]> {
  return (await client.billingPolicies.list()).filter(
    (p) => p.name === inputs.name && replacedFields(outputsFrom(p, {}), inputs).length === 0,
  );
}

const adoptHint = "set adoptId to the id of the one to manage";

/**
 * POSTs the policy. A POST is never repeated blindly: before it, a matching policy left
 * behind by an interrupted run of this principal stops the create; when the POST may
 * have been applied (no answer), only the policy provably made by it is adopted
 * (resources/ownership.ts).
 */
async function createOrFindApplied(client: PowerPlatformClient, inputs: BillingPolicyInputs): Promise<BillingPolicyDto> {
  const policies = client.billingPolicies;
  const principalId = await ourPrincipal(client, "powerplatform");
  const matching = () => matchingBillingPolicies(client, inputs);
  await refuseRecentDuplicate({
    kind: resourceName,
    client,
    principalId,
    matching: async () => (await matching()).map(billingPolicyCandidate),
    adoptHint,
  });
  const startedMs = client.http.clock.now();
  try {
    const created = await policies.create({
      name: inputs.name,
      location: inputs.location,
      status: inputs.status,
      billingInstrument: inputs.billingInstrument,
    });
    claimObject(resourceName, created.id);
    return created;
  } catch (error) {
    if (!(error as { maybeApplied?: boolean }).maybeApplied) throw error;
    return adoptAfterUnknownOutcome({
      kind: resourceName,
      error,
      client,
      principalId,
      startedMs,
      matching: async () => (await matching()).map((p) => ({ candidate: billingPolicyCandidate(p), value: p })),
      adoptHint,
    });
  }
}

/** The way forward for a policy the service could not provision. */
function provisioningFailedMessage(id: string): string {
  return (
    `${resourceName}: billing policy ${id} is in status ProvisioningFailed: the service cannot repair it in place. ` +
    `\`pulumi up --refresh\` replaces it (a new policy is created, then this one is deleted); ` +
    `\`pulumi up --replace <urn>\` does the same without a refresh (\`pulumi stack --show-urns\` lists the URNs).`
  );
}

export const billingPolicyHandler: ResourceHandler<BillingPolicyInputs, BillingPolicyOutputs> = {
  async check(_olds, news) {
    return checkInputs(news);
  },

  async diff(id, olds, news): Promise<DiffResult> {
    // The object is this stack's: no create of this run may take it for its own.
    if (id) claimObject(resourceName, id);
    const replaces = replacedFields(olds, news);
    // A policy that failed to provision cannot be repaired: it is replaced.
    if ((olds.status as string) === "ProvisioningFailed") replaces.push("status");
    const updates = updatedFields(olds, news);
    return {
      changes: replaces.length > 0 || updates.length > 0,
      replaces,
      deleteBeforeReplace: false,
    };
  },

  async create(inputs) {
    const client = await clientFromEnvironment();
    const policies = client.billingPolicies;
    let created: BillingPolicyDto;
    if (inputs.adoptId) {
      const existing = await policies.get(inputs.adoptId).catch((error: unknown) => {
        if (isNotFound(error)) {
          throw new Error(`${resourceName}: adoptId ${inputs.adoptId} names no billing policy in this tenant`);
        }
        throw error;
      });
      const mismatched = replacedFields(outputsFrom(existing, {}), inputs);
      if (mismatched.length > 0) {
        throw new Error(
          `${resourceName}: cannot adopt billing policy ${inputs.adoptId}: ${mismatched.join(", ")} differ from the existing policy ` +
            `(location ${existing.location}, subscription ${existing.billingInstrument.subscriptionId}, resource group ${existing.billingInstrument.resourceGroup}); ` +
            `these cannot change in place`,
        );
      }
      created = existing;
      claimObject(resourceName, existing.id);
    } else {
      created = await createOrFindApplied(client, inputs);
    }
    return keepIdOnFailure(
      created.id,
      outputsFrom(created, inputs),
      async () => {
        let settled = await policies.waitUntilProvisioned(created.id).catch(async (error: unknown) => {
          const now = await policies.get(created.id).catch(() => undefined);
          if ((now?.status as string | undefined) === "ProvisioningFailed") throw new Error(provisioningFailedMessage(created.id));
          throw error;
        });
        if (settled.name !== inputs.name || settled.status !== inputs.status) {
          settled = await policies.update(created.id, { name: inputs.name, status: inputs.status });
        }
        return { id: settled.id, outs: outputsFrom(settled, inputs) };
      },
      async () => outputsFrom(await policies.get(created.id), inputs),
    );
  },

  async read(id, props): Promise<ReadResult<BillingPolicyInputs, BillingPolicyOutputs>> {
    const client = await clientFromEnvironment();
    const dto = await readConfirmingGone(
      client,
      `billing policy ${id}`,
      // One list of the tenant's billing policies serves every refresh; one it does not have is read by id.
      () => client.reads.billingPolicy(id),
      async () => (await client.billingPolicies.list()).some((p) => p.id.toLowerCase() === id.toLowerCase()),
    );
    if (!dto) return { id: "", props: {} as BillingPolicyOutputs };
    const outs = outputsFrom(dto, { adoptId: props?.adoptId });
    return { id: dto.id, props: outs, inputs: inputsFrom(outs) };
  },

  async update(id, olds, news) {
    const client = await clientFromEnvironment();
    const current = await client.billingPolicies.get(id);
    if ((current.status as string) === "ProvisioningFailed") throw new Error(provisioningFailedMessage(id));
    let dto = await client.billingPolicies.waitUntilProvisioned(id, { initial: current });
    if (updatedFields(outputsFrom(dto, olds), news).length > 0) {
      dto = await client.billingPolicies.update(id, { name: news.name, status: news.status });
    }
    return { outs: outputsFrom(dto, news) };
  },

  async delete(id) {
    const client = await clientFromEnvironment();
    // A policy already gone (404) counts as deleted: the client reports it, no error.
    await client.billingPolicies.delete(id);
  },
};

/**
 * A pay-as-you-go billing policy: it bills the Power Platform usage of the
 * environments linked to it to an Azure subscription.
 *
 * `name` and `status` update in place; `location` and `billingInstrument` replace the
 * policy. `create` waits until the policy leaves `Provisioning`.
 */
export class BillingPolicy extends pulumi.CustomResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/powerplatform:BillingPolicy";

  /** The billing policy id (also the resource id). */
  declare readonly billingPolicyId: pulumi.Output<string>;
  /** The policy's name, as the service reports it. */
  declare readonly name: pulumi.Output<string>;
  /** The policy's Power Platform geography. */
  declare readonly location: pulumi.Output<string>;
  /** `Enabled` or `Disabled`, as the service reports it. */
  declare readonly status: pulumi.Output<BillingPolicyStatus>;
  /** The Azure subscription and resource group billed. */
  declare readonly billingInstrument: pulumi.Output<{ subscriptionId: string; resourceGroup: string }>;
  /** The id the API gives the billing instrument (an Azure resource id). */
  declare readonly billingInstrumentId: pulumi.Output<string>;
  /** The policy's type as the service reports it (e.g. `TenantOwned`). */
  declare readonly type: pulumi.Output<string>;
  /** When the policy was created (ISO 8601), as the service reports it. */
  declare readonly createdOn: pulumi.Output<string | undefined>;
  /** When the policy last changed (ISO 8601), as the service reports it. */
  declare readonly lastModifiedOn: pulumi.Output<string | undefined>;

  constructor(name: string, args: BillingPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    claim(resourceName, name, "billing policy", [args.adoptId]);
    const endProgramFrames = programFramesOnly();
    try {
      super(
        dynamicResourceType(resourceName),
        name,
        dynamicResourceProps(resourceName, { ...args, ...timeoutsInput(opts) }, [
          "billingPolicyId",
          "name",
          "location",
          "status",
          "billingInstrument",
          "billingInstrumentId",
          "type",
          "createdOn",
          "lastModifiedOn",
        ]),
        opts,
      );
    } finally {
      endProgramFrames();
    }
  }
}
