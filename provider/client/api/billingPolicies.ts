/**
 * Licensing: pay-as-you-go billing policies and their environment links
 * (Power Platform API, api-version 2022-03-01-preview).
 */
import { AuthError, UnexpectedResponseError } from "../errors";
import { BillingPolicyProvisioning } from "../poller";
import { type ApiContext, asObject, call, type CallOptions, list, seg, shape, waitFor, type WaitOptions } from "./common";
import type {
  BillingPolicy,
  BillingPolicyCreateRequest,
  BillingPolicyEnvironmentLink,
  BillingPolicyUpdateRequest,
} from "./types";

export const BILLING_API_VERSION = "2022-03-01-preview";
const S = "powerplatform" as const;

export const billingPolicyPath = (id?: string): string =>
  id === undefined ? "/licensing/billingPolicies" : `/licensing/billingPolicies/${seg(id, "billingPolicyId")}`;

const decodeShape = shape<BillingPolicy>("billing policy", ["id", "name", "status", "location"], ["billingInstrument"]);
export function decodeBillingPolicy(v: unknown): BillingPolicy {
  const p = decodeShape(v);
  const bi = asObject(p.billingInstrument, "billing policy billingInstrument");
  if (typeof bi.subscriptionId !== "string") {
    throw new UnexpectedResponseError("billing policy billingInstrument: subscriptionId missing");
  }
  return p;
}
export const decodeBillingPolicyLink = shape<BillingPolicyEnvironmentLink>("billing policy link", [
  "billingPolicyId",
  "environmentId",
]);

/**
 * A create refused with 403. Microsoft documents that creating billing policies with a
 * service principal is not supported (issue 7, fact 5; the roles that may create one are
 * user roles: https://learn.microsoft.com/power-platform/admin/pay-as-you-go-set-up#who-can-set-it-up).
 * The exact answer is not recorded, so any 403 of the create says what to do in that case too.
 */
export function explainCreateRefusal(error: unknown): unknown {
  if (!(error instanceof AuthError) || error.status !== 403) return error;
  return new AuthError(
    `${error.message}. Creating a billing policy needs a user with the Power Platform administrator, Dynamics 365 ` +
      `administrator or Global administrator role (or an environment admin); Microsoft documents that creating billing ` +
      `policies with a service principal is not supported. Create the policy once as such a user (Power Platform admin ` +
      `center, or this program run with that user's credentials) and let the pipeline's service principal manage it with adoptId.`,
    {
      status: error.status,
      code: error.code,
      requestId: error.requestId,
      correlationId: error.correlationId,
      method: error.method,
      url: error.path,
    },
  );
}

export function billingPoliciesApi(ctx: ApiContext) {
  return {
    /** GET /licensing/billingPolicies (follows nextLink). */
    list(opts?: CallOptions & { top?: number }): Promise<BillingPolicy[]> {
      return list(
        ctx,
        { surface: S, path: billingPolicyPath(), apiVersion: BILLING_API_VERSION, query: { $top: opts?.top } },
        decodeBillingPolicy,
        "billing policies",
        opts,
      );
    },

    /** GET /licensing/billingPolicies/{id} → 200 (404 → NotFoundError). */
    async get(id: string, opts?: CallOptions): Promise<BillingPolicy> {
      const r = await call(ctx, { surface: S, method: "GET", path: billingPolicyPath(id), apiVersion: BILLING_API_VERSION, expect: [200] }, opts);
      return decodeBillingPolicy(r.data);
    },

    /**
     * POST /licensing/billingPolicies → 201. The reply may say `Provisioning`:
     * use waitUntilProvisioned(). Not retried after it may have reached the
     * server (errors then carry maybeApplied: re-read by name and adopt).
     */
    async create(body: BillingPolicyCreateRequest, opts?: CallOptions): Promise<BillingPolicy> {
      let r;
      try {
        r = await call(
          ctx,
          { surface: S, method: "POST", path: billingPolicyPath(), apiVersion: BILLING_API_VERSION, body, expect: [200, 201], idempotent: false },
          opts,
        );
      } catch (error) {
        throw explainCreateRefusal(error);
      }
      return decodeBillingPolicy(r.data);
    },

    /** PUT /licensing/billingPolicies/{id} with {name, status} → 200 (the field form; the seed spec says PATCH). */
    async update(id: string, body: BillingPolicyUpdateRequest, opts?: CallOptions): Promise<BillingPolicy> {
      const r = await call(
        ctx,
        { surface: S, method: "PUT", path: billingPolicyPath(id), apiVersion: BILLING_API_VERSION, body, expect: [200] },
        opts,
      );
      return decodeBillingPolicy(r.data);
    },

    /** DELETE /licensing/billingPolicies/{id} → 204 (200 accepted). Returns false when it was already gone (404). */
    async delete(id: string, opts?: CallOptions): Promise<boolean> {
      const r = await call(
        ctx,
        { surface: S, method: "DELETE", path: billingPolicyPath(id), apiVersion: BILLING_API_VERSION, expect: [200, 202, 204, 404] },
        opts,
      );
      return r.status !== 404;
    },

    /**
     * Waits until the policy's status leaves Provisioning (Enabled/Disabled); ProvisioningFailed → OperationFailedError.
     * Polls: the policy's GET, every config.poll.defaultIntervalMs (5 s) unless a reply carries
     * Retry-After. The service sends none here (recorded billing.create/billing.get: no headers), and
     * provisioning takes from seconds (recorded: 201 Provisioning, then the next GET Enabled) to minutes
     * (DESIGN.md §3, user reports): 5 s sees a quick one at the first poll and costs 12 GETs a minute for
     * a slow one, well under the 100 calls a minute the admin connector allows.
     */
    async waitUntilProvisioned(id: string, opts?: WaitOptions & { initial?: BillingPolicy }): Promise<BillingPolicy> {
      const url = ctx.http.buildUrl({ surface: S, path: billingPolicyPath(id), apiVersion: BILLING_API_VERSION }).toString();
      const res = await waitFor(
        ctx,
        S,
        BILLING_API_VERSION,
        BillingPolicyProvisioning,
        { url, initial: opts?.initial ? { status: 200, headers: {}, data: opts.initial } : undefined },
        opts,
      );
      return decodeBillingPolicy(res.body);
    },

    /** GET /licensing/billingPolicies/{id}/environments → the links. */
    listEnvironments(id: string, opts?: CallOptions): Promise<BillingPolicyEnvironmentLink[]> {
      return list(
        ctx,
        { surface: S, path: `${billingPolicyPath(id)}/environments`, apiVersion: BILLING_API_VERSION },
        decodeBillingPolicyLink,
        "billing policy environments",
        opts,
      );
    },

    /** POST …/{id}/environments/add {environmentIds} → 200. Adding an existing link is harmless, so it is retried. */
    async addEnvironments(id: string, environmentIds: string[], opts?: CallOptions): Promise<void> {
      await call(
        ctx,
        {
          surface: S,
          method: "POST",
          path: `${billingPolicyPath(id)}/environments/add`,
          apiVersion: BILLING_API_VERSION,
          body: { environmentIds },
          expect: [200, 202, 204],
          idempotent: true,
        },
        opts,
      );
    },

    /** POST …/{id}/environments/remove {environmentIds} → 200. Idempotent. */
    async removeEnvironments(id: string, environmentIds: string[], opts?: CallOptions): Promise<void> {
      await call(
        ctx,
        {
          surface: S,
          method: "POST",
          path: `${billingPolicyPath(id)}/environments/remove`,
          apiVersion: BILLING_API_VERSION,
          body: { environmentIds },
          expect: [200, 202, 204],
          idempotent: true,
        },
        opts,
      );
    },

    /** GET /licensing/environments/{envId}/billingPolicy → the policy billing this environment, or undefined (404/204). */
    async getForEnvironment(environmentId: string, opts?: CallOptions): Promise<BillingPolicy | undefined> {
      const r = await call(
        ctx,
        {
          surface: S,
          method: "GET",
          path: `/licensing/environments/${seg(environmentId, "environmentId")}/billingPolicy`,
          apiVersion: BILLING_API_VERSION,
          expect: [200, 204, 404],
        },
        opts,
      );
      if (r.status !== 200 || r.data === undefined) return undefined;
      return decodeBillingPolicy(r.data);
    },
  };
}

export type BillingPoliciesApi = ReturnType<typeof billingPoliciesApi>;
