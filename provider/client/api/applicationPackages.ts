/**
 * appmanagement: first-party application packages (Power Platform API,
 * api-version 2022-03-01-preview). Installs are long-running: 202 +
 * Operation-Location (sometimes Location), polled through the one poller.
 */
import { explainDeadline, waitDeadline } from "../deadline";
import { type OperationKind, operationUrlFrom, pollOperation, type PollResponse } from "../poller";
import { headerValue, parseRetryAfter } from "../errors";
import { absoluteUrl, type ApiContext, asObject, call, type CallOptions, lastSegment, list, seg, shape, waitFor, type WaitOptions } from "./common";
import type { ApplicationPackage, ApplicationPackageOperation, InstallStarted } from "./types";
import { UnexpectedResponseError } from "../errors";

export const APPMANAGEMENT_API_VERSION = "2022-03-01-preview";
const S = "powerplatform" as const;

/**
 * The wait between two polls of an install. The service sends no Retry-After on the
 * install's 202 nor on its operation (recorded: microsoft/terraform-provider-power-platform,
 * the appmanagement operation of an install, internal/services/application/tests/resource/
 * Validate_No_Dataverse/get_operation.json, went from created to Succeeded in 18 s; first-party
 * packages take from tens of seconds to many minutes). Every 5 s shows progress within a few
 * seconds of it happening and costs a handful of GETs for a quick install.
 */
export const INSTALL_POLL_INTERVAL_MS = 5_000;

/** A code that may come as a number (`errorCode` is an integer in recorded failures) or a string. */
function codeText(v: unknown): string | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return typeof v === "string" && v ? v : undefined;
}

/**
 * An install's operation: `{operationId, status: NotStarted|Running|Succeeded|Failed|Canceled,
 * statusMessage, error}`; the error's code is `error.errorCode` (an integer) or `error.code`.
 */
export const AppInstallOperation: OperationKind = {
  name: "application package install",
  succeeded: ["Succeeded"],
  failed: ["Failed", "Canceled", "Cancelled"],
  statusOf: (b) => {
    const status = (b as { status?: unknown } | undefined)?.status;
    return typeof status === "string" && status ? status : undefined;
  },
  errorOf: (b) => {
    const o = (b && typeof b === "object" ? b : {}) as { error?: unknown; statusMessage?: unknown };
    const e = (o.error && typeof o.error === "object" ? o.error : {}) as Record<string, unknown>;
    const message = typeof e.message === "string" && e.message ? e.message : typeof o.statusMessage === "string" && o.statusMessage ? o.statusMessage : undefined;
    return { code: codeText(e.errorCode) ?? codeText(e.code), message };
  },
};

export const decodeApplicationPackage = shape<ApplicationPackage>("application package", ["uniqueName"]);
export function decodeApplicationPackageOperation(v: unknown): ApplicationPackageOperation {
  const o = asObject(v, "application package operation");
  if (typeof o.status !== "string") throw new UnexpectedResponseError(`application package operation: "status" missing`);
  if (typeof o.operationId !== "string" && typeof o.id !== "string") {
    throw new UnexpectedResponseError(`application package operation: "operationId" missing`);
  }
  return o as unknown as ApplicationPackageOperation;
}

/** Package states of an install under way (the package's `state` in an environment). */
export const INSTALLING_PACKAGE_STATES: readonly string[] = ["InstallRequested", "Installing"];

/**
 * Reads an install's progress from the package's own state in the environment (for an
 * install whose operation URL is unknown, e.g. started by a process that was killed):
 * InstallRequested/Installing → running, Installed → done, anything else (or the package
 * no longer listed) → failed, with the package's errorDetails.
 */
export const ApplicationPackageInstallState: OperationKind<ApplicationPackage | undefined> = {
  name: "application package install",
  succeeded: ["Installed"],
  failed: ["NotInstalled"],
  statusOf: (p) => {
    if (p?.state === "Installed") return "Installed";
    if (p?.state && INSTALLING_PACKAGE_STATES.includes(p.state)) return "Running";
    return "NotInstalled";
  },
  errorOf: (p) => {
    if (!p) return { message: "the package is no longer listed in the environment" };
    const details = p.errorDetails?.message ? `: ${p.errorDetails.message}` : "";
    return { code: codeText(p.errorDetails?.errorCode), message: `the package's state is ${p.state ?? "unknown"}${details}` };
  },
};

export const tenantPackagesPath = (): string => "/appmanagement/applicationPackages";
export const environmentPackagesPath = (env: string): string =>
  `/appmanagement/environments/${seg(env, "environmentId")}/applicationPackages`;
export const installPath = (env: string, uniqueName: string): string =>
  `${environmentPackagesPath(env)}/${seg(uniqueName, "uniqueName")}/install`;
export const appOperationPath = (env: string, operationId: string): string =>
  `/appmanagement/environments/${seg(env, "environmentId")}/operations/${seg(operationId, "operationId")}`;

export function applicationPackagesApi(ctx: ApiContext) {
  const api = {
    /** GET /appmanagement/applicationPackages: the tenant catalog. */
    listTenant(opts?: CallOptions): Promise<ApplicationPackage[]> {
      return list(ctx, { surface: S, path: tenantPackagesPath(), apiVersion: APPMANAGEMENT_API_VERSION }, decodeApplicationPackage, "tenant application packages", opts);
    },

    /** GET /appmanagement/environments/{env}/applicationPackages: packages with their install `state` in one environment. */
    listForEnvironment(
      environmentId: string,
      opts?: CallOptions & { appInstallState?: string; stopWhen?: (p: ApplicationPackage) => boolean },
    ): Promise<ApplicationPackage[]> {
      return list(
        ctx,
        { surface: S, path: environmentPackagesPath(environmentId), apiVersion: APPMANAGEMENT_API_VERSION, query: { appInstallState: opts?.appInstallState } },
        decodeApplicationPackage,
        "environment application packages",
        opts,
      );
    },

    /** One package of an environment by unique name (case-insensitive), or undefined; reads pages only until it is found. */
    async findInEnvironment(environmentId: string, uniqueName: string, opts?: CallOptions): Promise<ApplicationPackage | undefined> {
      const want = uniqueName.toLowerCase();
      const matches = (p: ApplicationPackage) => p.uniqueName.toLowerCase() === want;
      const read = await api.listForEnvironment(environmentId, { ...opts, stopWhen: matches });
      return read.find(matches);
    },

    /**
     * One package among the environment's INSTALLED packages (`appInstallState=Installed`,
     * a documented filter: `pac app-management get-environment-application-package
     * --app-install-state All|Installed|NotInstalled`), or undefined. The installed packages
     * are a few, the whole list is the tenant's catalog (245 recorded): after an install
     * succeeded, this confirms it in about one page instead of paging the catalog.
     */
    async findInstalled(environmentId: string, uniqueName: string, opts?: CallOptions): Promise<ApplicationPackage | undefined> {
      const want = uniqueName.toLowerCase();
      const matches = (p: ApplicationPackage) => p.uniqueName.toLowerCase() === want;
      const read = await api.listForEnvironment(environmentId, { ...opts, appInstallState: "Installed", stopWhen: matches });
      return read.find(matches);
    },

    /**
     * POST …/applicationPackages/{uniqueName}/install (no body) → 202, empty body,
     * `Operation-Location: https://{host}/appmanagement/environments/{env}/operations/{op}?api-version=1`
     * (recorded; that api-version is the one to poll with, so it is kept as is). Not blindly
     * retried (errors may carry maybeApplied: re-read the package state before installing again).
     */
    async install(environmentId: string, uniqueName: string, opts?: CallOptions): Promise<InstallStarted> {
      const r = await call(
        ctx,
        { surface: S, method: "POST", path: installPath(environmentId, uniqueName), apiVersion: APPMANAGEMENT_API_VERSION, expect: [200, 201, 202], idempotent: false },
        opts,
      );
      let operationUrl = operationUrlFrom(r.headers);
      const body = r.data as Record<string, unknown> | undefined;
      const bodyOpId = body && typeof body === "object" ? (body.operationId ?? body.id) : undefined;
      if (!operationUrl && typeof bodyOpId === "string") {
        operationUrl = ctx.http.buildUrl({ surface: S, path: appOperationPath(environmentId, bodyOpId), apiVersion: APPMANAGEMENT_API_VERSION }).toString();
      }
      if (operationUrl) operationUrl = absoluteUrl(ctx, S, operationUrl);
      return {
        operationUrl,
        operationId: typeof bodyOpId === "string" ? bodyOpId : lastSegment(operationUrl),
        retryAfterMs: parseRetryAfter(headerValue(r.headers, "retry-after"), ctx.http.clock.now()),
        httpStatus: r.status,
        body: r.data,
        headers: r.headers,
      };
    },

    /** GET /appmanagement/environments/{env}/operations/{operationId}. */
    async getOperation(environmentId: string, operationId: string, opts?: CallOptions): Promise<ApplicationPackageOperation> {
      const r = await call(
        ctx,
        { surface: S, method: "GET", path: appOperationPath(environmentId, operationId), apiVersion: APPMANAGEMENT_API_VERSION, expect: [200] },
        opts,
      );
      return decodeApplicationPackageOperation(r.data);
    },

    /**
     * Waits for an install: from what install() returned, or from a saved
     * operation URL (resume). Failed/Canceled → OperationFailedError with the
     * operation's message; deadline → DeadlineExceededError with the URL.
     */
    async waitForInstall(started: InstallStarted | { operationUrl: string }, opts?: WaitOptions): Promise<ApplicationPackageOperation> {
      const initial: PollResponse | undefined =
        "httpStatus" in started ? { status: started.httpStatus, headers: started.headers, data: started.body } : undefined;
      // The operation URL carries its own api-version (1): the poll keeps it, adds none.
      const res = await waitFor(ctx, S, APPMANAGEMENT_API_VERSION, AppInstallOperation, { initial, url: started.operationUrl }, {
        defaultIntervalMs: INSTALL_POLL_INTERVAL_MS,
        ...opts,
      });
      if (res.body === undefined) {
        return { status: res.status ?? "Succeeded", operationId: lastSegment(res.operationUrl) };
      }
      return decodeApplicationPackageOperation(res.body);
    },

    /**
     * Waits until a package's state in an environment leaves InstallRequested/Installing,
     * re-reading the environment's package list (the server gives no Retry-After there: the
     * default poll interval applies). Installed → the package; another state → an
     * OperationFailedError with the state and errorDetails; deadline → DeadlineExceededError.
     */
    async waitForPackageState(
      environmentId: string,
      uniqueName: string,
      opts: WaitOptions & { /** The package as just read (its state is the first poll). */ initial?: ApplicationPackage } = {},
    ): Promise<ApplicationPackage> {
      const cfg = ctx.http.config;
      const clock = ctx.http.clock;
      const deadline = waitDeadline(opts.deadline, clock.now(), cfg.operationDeadlineMs);
      const url = ctx.http.buildUrl({ surface: S, path: environmentPackagesPath(environmentId), apiVersion: APPMANAGEMENT_API_VERSION }).toString();
      const res = await pollOperation<ApplicationPackage | undefined>({
        kind: ApplicationPackageInstallState,
        url,
        initial: opts.initial ? { status: 200, headers: {}, data: opts.initial } : undefined,
        get: async (_url, signal) => {
          const pkg = await api.findInEnvironment(environmentId, uniqueName, { ...opts, signal });
          return { status: 200, headers: {}, data: pkg };
        },
        deadline: deadline.at,
        defaultIntervalMs: opts.defaultIntervalMs ?? INSTALL_POLL_INTERVAL_MS,
        minIntervalMs: cfg.poll.minIntervalMs,
        maxIntervalMs: cfg.poll.maxIntervalMs,
        clock,
        signal: opts.signal,
        onProgress: opts.onProgress ? (s) => opts.onProgress!(s) : undefined,
      }).catch((error: unknown) => explainDeadline(error, deadline.scope));
      return res.body!;
    },

    /** install() then waitForInstall(). */
    async installAndWait(environmentId: string, uniqueName: string, opts?: WaitOptions): Promise<ApplicationPackageOperation> {
      const started = await api.install(environmentId, uniqueName, opts);
      return api.waitForInstall(started, opts);
    },
  };
  return api;
}

export type ApplicationPackagesApi = ReturnType<typeof applicationPackagesApi>;
