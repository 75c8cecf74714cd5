/**
 * Reads served from lists: which list carries what a resource's read needs, and which of
 * our writes make a list stale.
 *
 * | read | list (one per scope) | scope |
 * | --- | --- | --- |
 * | a flow (state, display name; for FlowState, and Flow's admin view) | admin `…/environments/{env}/v2/flows` | the environment |
 * | an environment | admin `…/scopes/admin/environments` | the tenant |
 * | a billing policy | `/licensing/billingPolicies` | the tenant |
 * | a policy's environment links | `/licensing/billingPolicies/{id}/environments` | the policy |
 * | an installed package of an environment | `/appmanagement/environments/{env}/applicationPackages?appInstallState=Installed` | the environment |
 *
 * An object a list does not have is read by id (a GET), so the answer is the service's
 * own for that object: a 404 there is confirmed by the caller (confirmGone.ts), never
 * concluded from the list.
 */
import type { Surface } from "./clouds";
import type { ReadCache } from "./readCache";
import type { ApplicationPackage, BillingPolicy, BillingPolicyEnvironmentLink, Environment, Flow } from "./api/types";
import type { FlowsApi } from "./api/flows";
import type { EnvironmentsApi } from "./api/environments";
import type { BillingPoliciesApi } from "./api/billingPolicies";
import type { ApplicationPackagesApi } from "./api/applicationPackages";
import type { CallOptions } from "./api/common";

const same = (a: string | undefined, b: string): boolean => a !== undefined && a.toLowerCase() === b.toLowerCase();
const key = (v: string): string => v.toLowerCase();

/** The cache scope of each list (surface first: a write the rules below do not know drops its whole surface). */
export const readScopes = {
  flows: (environmentId: string) => `flow:flows:${key(environmentId)}`,
  environments: () => "bap:environments",
  billingPolicies: () => "powerplatform:billingPolicies",
  billingLinks: (policyId?: string) => (policyId ? `powerplatform:billingLinks:${key(policyId)}` : "powerplatform:billingLinks"),
  packages: (environmentId: string) => `powerplatform:packages:${key(environmentId)}`,
};

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The scopes a write (any method but GET) to `pathOrUrl` on `surface` may make stale. A
 * write no rule knows drops every list of its surface.
 */
export function scopesWrittenBy(surface: Surface, pathOrUrl: string): string[] {
  const path = pathOrUrl.replace(/^https?:\/\/[^/]+/i, "").split("?")[0]!;
  if (surface === "flow") {
    const m = /\/environments\/([^/]+)\/flows(\/|$)/i.exec(path);
    return m ? [readScopes.flows(decoded(m[1]!))] : ["flow"];
  }
  if (surface === "bap") {
    // An environment created, changed or deleted; a deleted one also leaves its billing policy.
    return ["bap", readScopes.billingLinks()];
  }
  if (surface === "powerplatform") {
    const link = /\/licensing\/billingPolicies\/([^/]+)\/environments(\/|$)/i.exec(path);
    if (link) return [readScopes.billingLinks(decoded(link[1]!)), readScopes.environments()];
    if (/\/licensing\/billingPolicies(\/|$)/i.test(path)) return [readScopes.billingPolicies(), readScopes.billingLinks(), readScopes.environments()];
    const packages = /\/appmanagement\/environments\/([^/]+)\//i.exec(path);
    if (packages) return [readScopes.packages(decoded(packages[1]!))];
  }
  return [surface];
}

/**
 * The one listed object a write changes, when the write names it (a flow's start, stop,
 * permissions, definition or deletion): only that object of its list is stale.
 */
export function objectWrittenBy(surface: Surface, pathOrUrl: string): { scope: string; itemKey: string } | undefined {
  const path = pathOrUrl.replace(/^https?:\/\/[^/]+/i, "").split("?")[0]!;
  if (surface === "flow") {
    const m = /\/environments\/([^/]+)\/flows\/([^/]+)(\/|$)/i.exec(path);
    if (m) return { scope: readScopes.flows(decoded(m[1]!)), itemKey: decoded(m[2]!) };
  }
  return undefined;
}

/**
 * A write to an environment's flow collection itself (the maker API's POST
 * `…/environments/{id}/flows`) creates a flow: the objects the list has are unchanged, and
 * the new one is not in it, so its reads go to its own GET (a list serves only the ids it
 * has). Dropping the list would make every read of the environment's other flows fetch it
 * again, once per flow created.
 */
export function createsInListedCollection(surface: Surface, pathOrUrl: string): boolean {
  const path = pathOrUrl.replace(/^https?:\/\/[^/]+/i, "").split("?")[0]!;
  return surface === "flow" && /\/environments\/[^/]+\/flows\/?$/i.test(path);
}

/** Drops the lists a write to `pathOrUrl` on `surface` may have made stale (or, for a write to one listed object, marks just that object). */
export function invalidateAfterWrite(cache: ReadCache, surface: Surface, pathOrUrl: string): void {
  if (createsInListedCollection(surface, pathOrUrl)) return;
  const object = objectWrittenBy(surface, pathOrUrl);
  if (object) {
    cache.forget(object.scope, object.itemKey);
    return;
  }
  for (const scope of scopesWrittenBy(surface, pathOrUrl)) cache.invalidate(scope);
}

/** The API areas whose lists serve reads. */
export interface ListedReadApis {
  flows: Pick<FlowsApi, "list" | "get">;
  environments: Pick<EnvironmentsApi, "list" | "get">;
  billingPolicies: Pick<BillingPoliciesApi, "list" | "get" | "listEnvironments">;
  applicationPackages: Pick<ApplicationPackagesApi, "listForEnvironment" | "findInEnvironment">;
}

/**
 * Reads served from the process's lists, each falling back to the service's own read of the
 * object. With the cache off (expiry 0) each read is the object's own read, as without lists.
 */
export function listedReads(cache: ReadCache, apis: ListedReadApis) {
  const on = cache.ttlMs > 0;
  return {
    /** A flow as the admin list shows it (state, display name); not listed → the admin GET (404 → NotFoundError). */
    async flow(environmentId: string, flowId: string, opts?: CallOptions): Promise<Flow> {
      if (!on) return apis.flows.get(environmentId, flowId, opts);
      const listed = await cache.find(readScopes.flows(environmentId), () => apis.flows.list(environmentId, opts), (f) => same(f.name, flowId), flowId);
      return listed ?? apis.flows.get(environmentId, flowId, opts);
    },

    /** An environment from the tenant's list; not listed → its GET (404 → NotFoundError). */
    async environment(environmentId: string, opts?: CallOptions): Promise<Environment> {
      if (!on) return apis.environments.get(environmentId, opts);
      const listed = await cache.find(readScopes.environments(), () => apis.environments.list(opts), (e) => same(e.name, environmentId));
      return listed ?? apis.environments.get(environmentId, opts);
    },

    /** A billing policy from the tenant's list; not listed → its GET (404 → NotFoundError). */
    async billingPolicy(policyId: string, opts?: CallOptions): Promise<BillingPolicy> {
      if (!on) return apis.billingPolicies.get(policyId, opts);
      const listed = await cache.find(readScopes.billingPolicies(), () => apis.billingPolicies.list(opts), (p) => same(p.id, policyId));
      return listed ?? apis.billingPolicies.get(policyId, opts);
    },

    /**
     * The link of a policy to an environment from the policy's list of links; not listed in a
     * list read earlier → the policy's links read again (the list is the only read of a link),
     * undefined when that fresh list does not have it either.
     */
    async billingPolicyLink(policyId: string, environmentId: string, opts?: CallOptions): Promise<BillingPolicyEnvironmentLink | undefined> {
      const matches = (l: BillingPolicyEnvironmentLink) => same(l.environmentId, environmentId);
      if (!on) return (await apis.billingPolicies.listEnvironments(policyId, opts)).find(matches);
      const { found, fetchedNow } = await cache.lookup(readScopes.billingLinks(policyId), () => apis.billingPolicies.listEnvironments(policyId, opts), matches);
      if (found || fetchedNow) return found;
      return (await apis.billingPolicies.listEnvironments(policyId, opts)).find(matches);
    },

    /**
     * A package of an environment with its install `state`: from the environment's INSTALLED
     * packages (a short list, about one page, where the whole list is the tenant's catalog of
     * some 250 packages over several pages); a package not there is not installed, and the
     * whole list, read afresh up to the package, tells its state (undefined when it does not
     * have it either).
     */
    async packageInEnvironment(environmentId: string, uniqueName: string, opts?: CallOptions): Promise<ApplicationPackage | undefined> {
      if (!on) return apis.applicationPackages.findInEnvironment(environmentId, uniqueName, opts);
      const listed = await cache.find(
        readScopes.packages(environmentId),
        () => apis.applicationPackages.listForEnvironment(environmentId, { ...opts, appInstallState: "Installed" }),
        (p) => same(p.uniqueName, uniqueName),
      );
      return listed ?? apis.applicationPackages.findInEnvironment(environmentId, uniqueName, opts);
    },
  };
}

/** The reads {@link listedReads} serves. */
export type ListedReads = ReturnType<typeof listedReads>;
