/**
 * Managed environments: an environment's `governanceConfiguration` (BAP).
 *
 * As Microsoft's Terraform provider calls it (internal/services/managed_environment/
 * api_managed_environment.go): `POST /providers/Microsoft.BusinessAppPlatform/environments/{id}/governanceConfiguration?api-version=2021-04-01`
 * with `{protectionLevel, settings:{extendedSettings:{…}}}` (every setting a string) turns the
 * features on (`Standard`) and configures them; `{protectionLevel:"Basic"}` turns them off.
 * The reply is 202 with an empty body and a lifecycle operation on the regional host in
 * `Location` (recorded: resource_managed_environment_test.go); the configuration is read
 * back from the environment GET (`properties.governanceConfiguration`). A 409 with an empty
 * body is answered while the environment cannot take it now (the provider retries it), and
 * for good when the environment is in an environment group (its rules lock the configuration).
 */
import { operationUrlFrom, pauseBeforeNextBapLook } from "../poller";
import { ConflictError, DeadlineExceededError } from "../errors";
import { absoluteUrl, type ApiContext, call, seg, type WaitOptions } from "./common";
import type { Environment } from "./types";
import type { EnvironmentsApi } from "./environments";

/** The api-version of the governanceConfiguration POST (recorded). */
export const GOVERNANCE_API_VERSION = "2021-04-01";
const S = "bap" as const;
const BAP = "/providers/Microsoft.BusinessAppPlatform";

/** The path of an environment's governance configuration (non-admin scope, as recorded). */
export const governanceConfigurationPath = (environmentId: string): string => `${BAP}/environments/${seg(environmentId, "environmentId")}/governanceConfiguration`;

/** Default bound of a POST that keeps answering 409 (another operation running), ms. */
export const GOVERNANCE_CONFLICT_DEADLINE_MS = 15 * 60_000;

/**
 * The managed-environment settings as the service stores them: every value a string
 * (`"true"`, `"10"`, `"excludeSharingToSecurityGroups"`, `"none"`, a comma-separated
 * rule list), as the recorded environments show.
 */
export interface GovernanceExtendedSettings {
  excludeEnvironmentFromAnalysis?: string;
  isGroupSharingDisabled?: string;
  maxLimitUserSharing?: string;
  includeOnHomepageInsights?: string;
  limitSharingMode?: string;
  solutionCheckerMode?: string;
  suppressValidationEmails?: string;
  solutionCheckerRuleOverrides?: string;
  makerOnboardingUrl?: string;
  makerOnboardingMarkdown?: string;
  disableAiGeneratedDescriptions?: string;
  [k: string]: unknown;
}

/** `properties.governanceConfiguration` of an environment: `Basic` (not managed) or `Standard` (managed) and its settings. */
export interface GovernanceConfiguration {
  protectionLevel?: string;
  settings?: { extendedSettings?: GovernanceExtendedSettings; [k: string]: unknown };
  [k: string]: unknown;
}

/** What a POST led to: the lifecycle operation to wait for, or nothing to wait for. */
export interface GovernanceChange {
  httpStatus: number;
  operationUrl?: string;
}

/** The governance configuration of an environment as read from it (`{protectionLevel:"Basic"}` when absent). */
export function governanceOf(env: Environment): GovernanceConfiguration {
  const g = env.properties.governanceConfiguration as GovernanceConfiguration | undefined;
  return g && typeof g === "object" ? g : { protectionLevel: "Basic" };
}

/** The id of the environment group the environment belongs to, if any (`properties.parentEnvironmentGroup.id`). */
export function environmentGroupOf(env: Environment): string | undefined {
  const group = (env.properties as { parentEnvironmentGroup?: { id?: unknown } }).parentEnvironmentGroup;
  return typeof group?.id === "string" && group.id ? group.id : undefined;
}

/**
 * The managed-environment calls over one HTTP client: read the configuration (from the
 * environment), set it, and set it then wait for its lifecycle operation.
 */
export function managedEnvironmentsApi(ctx: ApiContext, environments: EnvironmentsApi) {
  const api = {
    /** The environment's governance configuration, from the environment GET (404 → NotFoundError). */
    async get(environmentId: string, opts?: WaitOptions): Promise<{ environment: Environment; governance: GovernanceConfiguration }> {
      const environment = await environments.get(environmentId, opts);
      return { environment, governance: governanceOf(environment) };
    },

    /**
     * POST the configuration → 202 + Location (a lifecycle operation on the regional host),
     * or 200/204 (nothing to wait for). A 409 (empty body, recorded) is waited out on the
     * BAP poll schedule, re-reading the environment each time: it ends when `isApplied`
     * says the environment already has the configuration (nothing more to send), fails at
     * once when the environment is in an environment group (its rules set the
     * configuration: a ConflictError naming the group), and fails at the deadline otherwise.
     * Repeating the POST is harmless (it sets, it does not add).
     */
    async set(
      environmentId: string,
      configuration: GovernanceConfiguration,
      opts: WaitOptions & { isApplied?: (current: GovernanceConfiguration) => boolean } = {},
    ): Promise<GovernanceChange> {
      const clock = ctx.http.clock;
      const began = clock.now();
      const deadline = opts.deadline ?? began + GOVERNANCE_CONFLICT_DEADLINE_MS;
      for (;;) {
        const r = await call(
          ctx,
          {
            surface: S,
            method: "POST",
            path: governanceConfigurationPath(environmentId),
            apiVersion: GOVERNANCE_API_VERSION,
            body: configuration,
            expect: [200, 202, 204, 409],
            idempotent: true,
          },
          opts,
        );
        if (r.status !== 409) {
          const location = operationUrlFrom(r.headers);
          return { httpStatus: r.status, operationUrl: location ? absoluteUrl(ctx, S, location) : undefined };
        }
        const { environment, governance } = await api.get(environmentId, opts);
        const group = environmentGroupOf(environment);
        if (group) {
          throw new ConflictError(
            `environment ${environmentId} is in an environment group (${group}): the group's rules set its managed-environment configuration, ` +
              `so it cannot be changed on the environment; change the group's rules, or take the environment out of the group`,
            { status: 409, method: "POST", url: r.url },
          );
        }
        if (opts.isApplied?.(governance)) return { httpStatus: 409 };
        await pauseBeforeNextBapLook(clock, { began, deadline, signal: opts.signal }, () =>
          new DeadlineExceededError(
            `the managed-environment configuration of environment ${environmentId} kept being refused with 409 (another operation is running on it) until the deadline; run again once it is over`,
            { lastStatus: "Conflict" },
          ),
        );
      }
    },

    /**
     * `set`, then waits for its lifecycle operation (BAP lifecycle schedule, deadline) and
     * reads the environment again: the configuration as the service now reports it.
     */
    async setAndWait(
      environmentId: string,
      configuration: GovernanceConfiguration,
      opts: WaitOptions & { isApplied?: (current: GovernanceConfiguration) => boolean } = {},
    ): Promise<{ environment: Environment; governance: GovernanceConfiguration }> {
      const change = await api.set(environmentId, configuration, opts);
      if (change.operationUrl) await environments.waitForLifecycle({ operationUrl: change.operationUrl }, opts);
      return api.get(environmentId, opts);
    },
  };
  return api;
}

/** The managed-environment calls of the client. */
export type ManagedEnvironmentsApi = ReturnType<typeof managedEnvironmentsApi>;
