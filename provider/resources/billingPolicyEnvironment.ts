import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceProps, dynamicResourceType } from "./dynamicProvider";
import { programFramesOnly } from "./sourceFrames";
import { timeoutsInput } from "./timeouts";
import { claim } from "./claims";
import { InputChecker } from "./validation";
import type { ResourceHandler, CheckResult, DiffResult, ReadResult } from "./handler";
import { clientFromEnvironment, isNotFound } from "./runtimeSupport";
import { readConfirmingGone } from "./confirmGone";
import { NotFoundError } from "../client/errors";
import type { BillingPolicy as BillingPolicyDto, Environment as EnvironmentDto } from "../client/api/types";

/** The arguments of a {@link BillingPolicyEnvironment}: the two ends of the link. */
export interface BillingPolicyEnvironmentArgs {
  /** The billing policy (a GUID). Changing it replaces the link. */
  billingPolicyId: pulumi.Input<string>;
  /** The environment the policy bills (a GUID). Changing it replaces the link. */
  environmentId: pulumi.Input<string>;
}

export interface BillingPolicyEnvironmentInputs {
  billingPolicyId: string;
  environmentId: string;
}

/** The link's two ends, and whether it existed before this resource. */
export interface BillingPolicyEnvironmentOutputs extends BillingPolicyEnvironmentInputs {
  /**
   * True when the link was already there when this resource was created (it was adopted,
   * not made): delete then leaves it, since this stack did not create it.
   */
  linkedBefore?: boolean;
}

const resourceName = "BillingPolicyEnvironment";
/** SKUs the service accepts in a pay-as-you-go billing policy. */
const linkableSkus = ["Production", "Sandbox"];

export function linkId(inputs: BillingPolicyEnvironmentInputs): string {
  return `${inputs.billingPolicyId}/${inputs.environmentId}`;
}

/** The arguments of a BillingPolicyEnvironment: check refuses any other name (`__` names excepted). */
export const billingPolicyEnvironmentArguments = ["billingPolicyId", "environmentId"] as const;

function checkInputs(news: Record<string, unknown>): CheckResult<BillingPolicyEnvironmentInputs> {
  const c = new InputChecker(resourceName);
  c.knownNames(news, "", billingPolicyEnvironmentArguments);
  const billingPolicyId = c.guid(news.billingPolicyId, "billingPolicyId", { required: true });
  const environmentId = c.guid(news.environmentId, "environmentId", { required: true });
  if (c.failures.length > 0) return { failures: c.failures };
  return { inputs: { billingPolicyId: billingPolicyId!, environmentId: environmentId! } };
}

const same = (a: string | undefined, b: string | undefined) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

type Client = Awaited<ReturnType<typeof clientFromEnvironment>>;

/**
 * The documented rules of a link, checked on what the service reports, so that the
 * error names the cause: one policy per environment, Production or Sandbox only,
 * environment in the policy's geography. Returns true when the link already exists.
 */
async function verifyLinkable(client: Client, inputs: BillingPolicyEnvironmentInputs): Promise<boolean> {
  const [policy, environment] = await Promise.all([
    client.billingPolicies.get(inputs.billingPolicyId).catch((error: unknown): BillingPolicyDto => {
      if (isNotFound(error)) throw new Error(`${resourceName}: billingPolicyId ${inputs.billingPolicyId} names no billing policy in this tenant`);
      throw error;
    }),
    client.environments.get(inputs.environmentId).catch((error: unknown): EnvironmentDto => {
      if (isNotFound(error)) throw new Error(`${resourceName}: environmentId ${inputs.environmentId} names no environment in this tenant`);
      throw error;
    }),
  ]);
  const env = `environment ${inputs.environmentId} ("${environment.properties.displayName ?? ""}")`;
  const linkedTo = environment.properties.billingPolicy?.id;
  if (linkedTo && same(linkedTo, policy.id)) return true;
  if (linkedTo) {
    const other = await client.billingPolicies.get(linkedTo).catch(() => undefined);
    throw new Error(
      `${resourceName}: ${env} is already linked to billing policy ${other ? `"${other.name}" (${linkedTo})` : linkedTo}; ` +
        `an environment can be billed by one policy only: remove that link first`,
    );
  }
  const sku = environment.properties.environmentSku ?? "unknown";
  if (!linkableSkus.includes(sku)) {
    throw new Error(`${resourceName}: ${env} is of type ${sku}; only Production and Sandbox environments can be linked to a billing policy`);
  }
  if (!same(environment.location, policy.location)) {
    throw new Error(
      `${resourceName}: ${env} is in ${environment.location} but billing policy "${policy.name}" is in ${policy.location}; ` +
        `an environment can only be linked to a billing policy of its own geography`,
    );
  }
  return false;
}

export const billingPolicyEnvironmentHandler: ResourceHandler<BillingPolicyEnvironmentInputs, BillingPolicyEnvironmentOutputs> = {
  async check(_olds, news) {
    return checkInputs(news);
  },

  async diff(_id, olds, news): Promise<DiffResult> {
    const replaces: string[] = [];
    if (!same(olds.billingPolicyId, news.billingPolicyId)) replaces.push("billingPolicyId");
    if (!same(olds.environmentId, news.environmentId)) replaces.push("environmentId");
    return {
      changes: replaces.length > 0,
      replaces,
      // The same environment moving to another policy: it must leave the old one first.
      deleteBeforeReplace: replaces.length > 0 && same(olds.environmentId, news.environmentId),
    };
  },

  async create(inputs) {
    const client = await clientFromEnvironment();
    const alreadyLinked = await verifyLinkable(client, inputs);
    if (!alreadyLinked) {
      // Adding an existing link is harmless: the client may repeat this POST.
      await client.billingPolicies.addEnvironments(inputs.billingPolicyId, [inputs.environmentId]);
    }
    return { id: linkId(inputs), outs: { ...inputs, ...(alreadyLinked ? { linkedBefore: true } : {}) } };
  },

  async read(id, props): Promise<ReadResult<BillingPolicyEnvironmentInputs, BillingPolicyEnvironmentOutputs>> {
    const client = await clientFromEnvironment();
    const [policyFromId, environmentFromId] = id.split("/");
    const wanted = { billingPolicyId: props?.billingPolicyId ?? policyFromId, environmentId: props?.environmentId ?? environmentFromId };
    const link = await readConfirmingGone(
      client,
      `the link of billing policy ${wanted.billingPolicyId} to environment ${wanted.environmentId}`,
      async () => {
        // One list of the policy's links serves every link of that policy; a link it does not
        // have is looked for in a fresh list (and, absent there too, confirmed after a pause).
        const found = await client.reads.billingPolicyLink(wanted.billingPolicyId, wanted.environmentId);
        if (!found) throw new NotFoundError(`the link of billing policy ${wanted.billingPolicyId} to environment ${wanted.environmentId} is not listed`);
        return found;
      },
      async () => {
        try {
          const policy = await client.billingPolicies.getForEnvironment(wanted.environmentId);
          return same(policy?.id, wanted.billingPolicyId);
        } catch (error) {
          if (isNotFound(error)) return false;
          throw error;
        }
      },
    );
    if (!link) return { id: "", props: {} as BillingPolicyEnvironmentOutputs };
    const linkedBefore = props?.linkedBefore ? { linkedBefore: true } : {};
    return { id: linkId(wanted), props: { ...wanted, ...linkedBefore }, inputs: { ...wanted } };
  },

  async update(_id, olds, news) {
    // Both ends replace the link: only a change of the provider stub lands here.
    return { outs: { ...news, ...(olds.linkedBefore ? { linkedBefore: true } : {}) } };
  },

  async delete(_id, props) {
    // A link that existed before this resource is not this stack's to remove.
    if (props.linkedBefore) return;
    const client = await clientFromEnvironment();
    try {
      await client.billingPolicies.removeEnvironments(props.billingPolicyId, [props.environmentId]);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  },
};

/**
 * One link between a pay-as-you-go billing policy and one environment it bills.
 *
 * Unlike an authoritative set, it manages only its own link: links made elsewhere are
 * left alone. `create` checks the documented rules first (one policy per environment,
 * Production or Sandbox only, same geography) and adopts a link that already exists;
 * such a link (`linkedBefore`) is left in place on delete: this stack did not make it.
 */
export class BillingPolicyEnvironment extends pulumi.CustomResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/powerplatform:BillingPolicyEnvironment";

  /** The billing policy of the link. */
  declare readonly billingPolicyId: pulumi.Output<string>;
  /** The environment the policy bills. */
  declare readonly environmentId: pulumi.Output<string>;

  constructor(name: string, args: BillingPolicyEnvironmentArgs, opts?: pulumi.CustomResourceOptions) {
    claim(resourceName, name, "billing of environment", [args.environmentId]);
    const endProgramFrames = programFramesOnly();
    try {
      super(dynamicResourceType(resourceName), name, dynamicResourceProps(resourceName, { ...args, ...timeoutsInput(opts) }, ["billingPolicyId", "environmentId"]), opts);
    } finally {
      endProgramFrames();
    }
  }
}
