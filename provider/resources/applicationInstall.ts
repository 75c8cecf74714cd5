import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceProps, dynamicResourceType } from "./dynamicProvider";
import { programFramesOnly } from "./sourceFrames";
import { timeoutsInput } from "./timeouts";
import { claim } from "./claims";
import { InputChecker, isUnknown } from "./validation";
import type { ResourceHandler, CheckResult, DiffResult, ReadResult } from "./handler";
import { clientFromEnvironment, isNotFound, keepIdOnFailure } from "./runtimeSupport";
import type { ApplicationPackagesApi } from "../client/api/applicationPackages";
import type { ApplicationPackage } from "../client/api/types";

/** Package states of an install under way: a new install is not requested, the running one is awaited. */
export const installingPackageStates = ["InstallRequested", "Installing"] as const;
/** Operation statuses after which nothing more happens. */
const terminalOperationStatuses = ["Succeeded", "Failed", "Canceled", "Cancelled"];
/** Longest accepted `operationTimeoutMinutes` (one day). */
export const maxOperationTimeoutMinutes = 1440;

/** The arguments of an {@link ApplicationInstall}; `check` refuses any other name. */
export interface ApplicationInstallArgs {
  /** The environment (a GUID) to install into; it must have a Dataverse database. Changing it replaces the resource. */
  environmentId: pulumi.Input<string>;
  /** The package's unique name in the tenant catalog, e.g. `MicrosoftFormsPro`. Changing it replaces the resource. */
  uniqueName: pulumi.Input<string>;
  /**
   * How long one `pulumi up` waits for the install to finish, in minutes (default: the
   * client's operation deadline, 30 minutes). When it passes, the resource is kept with
   * its operation URL and the next `pulumi up` resumes waiting. Updated in place.
   */
  operationTimeoutMinutes?: pulumi.Input<number>;
}

/** Inputs after `check`: validated and normalized (environment id in lower case). */
export interface ApplicationInstallInputs {
  environmentId: string;
  uniqueName: string;
  operationTimeoutMinutes?: number;
}

/** What the last install operation requested by this resource reported. */
export interface ApplicationInstallOperation {
  /** NotStarted, Running, Succeeded, Failed or Canceled. */
  status: string;
  /** The operation's own error message when it failed. */
  error?: string;
}

/** What the state holds: the inputs, the package as the environment reports it, and the last install operation. */
export interface ApplicationInstallOutputs extends ApplicationInstallInputs {
  /** The package's state in the environment (`Installed` once done; anything else shows as drift). */
  state: string;
  applicationId: string;
  applicationName: string;
  localizedName: string;
  version: string;
  /** The URL of the install operation this resource requested (absent when an installed package was adopted). */
  operationUrl?: string;
  /** The last install operation's outcome (absent when an installed package was adopted). */
  lastOperation?: ApplicationInstallOperation;
}

/**
 * The part of the client this resource uses (a fake in the unit tests). `readListed` is the
 * package as the process's list of the environment's installed packages shows it
 * (client/listedReads.ts: one short list per environment serves the refresh of every install
 * there, dropped by our own installs), read afresh when that list does not have it;
 * `findInEnvironment` reads the service afresh.
 */
export type ApplicationInstallApi = Pick<
  ApplicationPackagesApi,
  "findInEnvironment" | "findInstalled" | "install" | "waitForInstall" | "waitForPackageState"
> & {
  readListed(environmentId: string, uniqueName: string): Promise<ApplicationPackage | undefined>;
};

const resourceName = "ApplicationInstall";

/** The arguments of an ApplicationInstall: check refuses any other name (`__` names excepted). */
export const applicationInstallArguments = ["environmentId", "uniqueName", "operationTimeoutMinutes"] as const;

function checkInputs(news: Record<string, unknown>): CheckResult<ApplicationInstallInputs> {
  const c = new InputChecker(resourceName);
  c.knownNames(news, "", applicationInstallArguments);
  const environmentId = c.guid(news.environmentId, "environmentId", { required: true });
  const uniqueName = c.string(news.uniqueName, "uniqueName", {
    required: true,
    maxLength: 256,
    pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    patternHint: "must be a package unique name (letters, digits, '_', '.', '-'), e.g. MicrosoftFormsPro",
  });
  let operationTimeoutMinutes: number | undefined;
  const timeout = news.operationTimeoutMinutes;
  if (timeout !== undefined && timeout !== null && !isUnknown(timeout)) {
    if (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout <= 0 || timeout > maxOperationTimeoutMinutes) {
      c.fail(
        "operationTimeoutMinutes",
        `${resourceName}: operationTimeoutMinutes must be a number of minutes above 0 and at most ${maxOperationTimeoutMinutes} (got ${JSON.stringify(timeout)})`,
      );
    } else {
      operationTimeoutMinutes = timeout;
    }
  }
  if (c.failures.length > 0) return { failures: c.failures };
  return {
    inputs: {
      environmentId: environmentId!,
      uniqueName: uniqueName!,
      ...(operationTimeoutMinutes !== undefined ? { operationTimeoutMinutes } : {}),
    },
  };
}

function idOf(inputs: ApplicationInstallInputs): string {
  return `${inputs.environmentId}/${inputs.uniqueName}`;
}

function inputsFrom(outputs: ApplicationInstallInputs): ApplicationInstallInputs {
  const { environmentId, uniqueName, operationTimeoutMinutes } = outputs;
  return { environmentId, uniqueName, ...(operationTimeoutMinutes !== undefined ? { operationTimeoutMinutes } : {}) };
}

/** Only defined values: the engine's property maps take no `undefined`. */
function operationFields(
  operationUrl: string | undefined,
  lastOperation: ApplicationInstallOperation | undefined,
): Partial<ApplicationInstallOutputs> {
  return {
    ...(operationUrl ? { operationUrl } : {}),
    ...(lastOperation
      ? { lastOperation: { status: lastOperation.status, ...(lastOperation.error ? { error: lastOperation.error } : {}) } }
      : {}),
  };
}

function outputsFrom(
  pkg: ApplicationPackage | undefined,
  inputs: ApplicationInstallInputs,
  operation: { operationUrl?: string; lastOperation?: ApplicationInstallOperation },
): ApplicationInstallOutputs {
  return {
    ...inputsFrom(inputs),
    state: pkg?.state ?? "None",
    applicationId: pkg?.applicationId ?? "",
    applicationName: pkg?.applicationName ?? "",
    localizedName: pkg?.localizedName ?? "",
    version: pkg?.version ?? "",
    ...operationFields(operation.operationUrl, operation.lastOperation),
  };
}

function replacedFields(olds: ApplicationInstallInputs, news: ApplicationInstallInputs): string[] {
  const replaces: string[] = [];
  if (olds.environmentId !== news.environmentId) replaces.push("environmentId");
  // The API matches unique names case-insensitively: a change of case is the same package.
  if (olds.uniqueName?.toLowerCase() !== news.uniqueName.toLowerCase()) replaces.push("uniqueName");
  return replaces;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The operation URL a deadline error carries (to resume polling it). */
function operationUrlOf(error: unknown): string | undefined {
  const url = (error as { operationUrl?: unknown })?.operationUrl;
  return typeof url === "string" && url ? url : undefined;
}

function deadlineOf(inputs: ApplicationInstallInputs): number | undefined {
  return inputs.operationTimeoutMinutes === undefined ? undefined : Date.now() + inputs.operationTimeoutMinutes * 60_000;
}

/**
 * Brings the package to `Installed` without ever requesting a second install of the same
 * package: one fresh read of the package's state decides (the pages of the environment's
 * package list up to the package). Installed → adopt; InstallRequested or Installing → wait
 * for that install; anything else → POST install and poll its operation.
 * Once the POST is accepted, any failure (deadline, failed operation) is thrown with the
 * id and the operation URL, so the engine keeps the resource and the next `up` resumes.
 */
async function ensureInstalled(
  api: ApplicationInstallApi,
  inputs: ApplicationInstallInputs,
): Promise<{ id: string; outs: ApplicationInstallOutputs }> {
  const id = idOf(inputs);
  const { environmentId, uniqueName } = inputs;
  const deadline = deadlineOf(inputs);
  const current = await api.findInEnvironment(environmentId, uniqueName);
  if (current?.state === "Installed") {
    return { id, outs: outputsFrom(current, inputs, {}) };
  }
  if (current?.state && (installingPackageStates as readonly string[]).includes(current.state)) {
    return waitForRunningInstall(api, inputs, current, deadline);
  }

  let started: Awaited<ReturnType<ApplicationInstallApi["install"]>>;
  try {
    started = await api.install(environmentId, uniqueName);
  } catch (error) {
    if (!(error as { maybeApplied?: boolean }).maybeApplied) {
      throw new Error(`${resourceName}: cannot install ${uniqueName} into environment ${environmentId}: ${errorMessage(error)}`);
    }
    // The request may have been applied: never POST again blindly, read what happened.
    const after = await api.findInEnvironment(environmentId, uniqueName);
    if (after?.state === "Installed") return { id, outs: outputsFrom(after, inputs, {}) };
    if (after?.state && (installingPackageStates as readonly string[]).includes(after.state)) {
      return waitForRunningInstall(api, inputs, after, deadline);
    }
    throw error;
  }
  const { outs } = await waitForOperation(api, inputs, started.operationUrl, deadline, current, started);
  return { id, outs: outs! };
}

/** Waits for an install whose operation URL is unknown, by the package's state. */
async function waitForRunningInstall(
  api: ApplicationInstallApi,
  inputs: ApplicationInstallInputs,
  current: ApplicationPackage,
  deadline: number | undefined,
): Promise<{ id: string; outs: ApplicationInstallOutputs }> {
  const id = idOf(inputs);
  const known = outputsFrom(current, inputs, {});
  return keepIdOnFailure(id, known, async () => {
    try {
      const installed = await api.waitForPackageState(inputs.environmentId, inputs.uniqueName, { initial: current, deadline });
      return { id, outs: outputsFrom(installed, inputs, {}) };
    } catch (error) {
      // `known` is the object keepIdOnFailure puts in the error: record what was last seen.
      await refreshKnown(api, inputs, known);
      throw new Error(
        `${resourceName}: the install of ${inputs.uniqueName} already under way in environment ${inputs.environmentId} did not complete: ${errorMessage(error)}`,
      );
    }
  });
}

/** Polls the install operation (just started, or saved by an earlier run) and reads the installed package. */
async function waitForOperation(
  api: ApplicationInstallApi,
  inputs: ApplicationInstallInputs,
  operationUrl: string | undefined,
  deadline: number | undefined,
  lastSeen: ApplicationPackage | undefined,
  started?: Awaited<ReturnType<ApplicationInstallApi["install"]>>,
): Promise<{ id: string; outs: ApplicationInstallOutputs | undefined }> {
  const id = idOf(inputs);
  const known = outputsFrom(lastSeen, inputs, { operationUrl, lastOperation: { status: "Running" } });
  if (!lastSeen || lastSeen.state !== "Installed") known.state = "InstallRequested";
  return keepIdOnFailure<ApplicationInstallOutputs | undefined>(id, known, async () => {
    let operation: Awaited<ReturnType<ApplicationInstallApi["waitForInstall"]>>;
    try {
      operation = await api.waitForInstall(started ?? { operationUrl: operationUrl! }, {
        deadline,
        onOperationUrl: (url) => {
          known.operationUrl ??= url;
        },
      });
    } catch (error) {
      // Resuming a saved operation the service no longer knows (expired): the caller decides again from the package's state.
      if (!started && isNotFound(error)) return { id, outs: undefined };
      known.operationUrl = operationUrlOf(error) ?? known.operationUrl;
      const failedStatus = (error as { operationStatus?: string }).operationStatus;
      const pkg = await refreshKnown(api, inputs, known);
      if (failedStatus) {
        known.lastOperation = { status: failedStatus, error: errorMessage(error) };
        const d = pkg?.errorDetails;
        const details =
          d && (d.errorCode || d.errorName || d.message)
            ? ` (package state ${pkg!.state ?? "unknown"}, errorDetails: ${[d.errorCode, d.errorName].filter(Boolean).join(" ")}` +
              `${d.message && !errorMessage(error).includes(d.message) ? `: ${d.message}` : ""})`
            : "";
        throw new Error(
          `${resourceName}: installing ${inputs.uniqueName} into environment ${inputs.environmentId} failed: ${errorMessage(error)}${details}`,
        );
      }
      const resume = known.operationUrl ? ` The install goes on: the next \`pulumi up\` resumes waiting on ${known.operationUrl}.` : "";
      throw new Error(
        `${resourceName}: waiting for the install of ${inputs.uniqueName} into environment ${inputs.environmentId}: ${errorMessage(error)}.${resume}`,
      );
    }
    // The operation said Succeeded: the installed packages (about one page) confirm it and
    // give the version; only when they do not show it is the whole list read for its state.
    const installed =
      (await api.findInstalled(inputs.environmentId, inputs.uniqueName)) ?? (await api.findInEnvironment(inputs.environmentId, inputs.uniqueName));
    const lastOperation = { status: operation.status, ...(operation.error?.message ? { error: operation.error.message } : {}) };
    if (installed?.state !== "Installed") {
      known.lastOperation = lastOperation;
      if (installed) Object.assign(known, outputsFrom(installed, inputs, { operationUrl: known.operationUrl, lastOperation }));
      throw new Error(
        `${resourceName}: the install operation of ${inputs.uniqueName} ended ${operation.status} but the package's state in environment ${inputs.environmentId} is ${installed?.state ?? "absent"}`,
      );
    }
    return { id, outs: outputsFrom(installed, inputs, { operationUrl: known.operationUrl, lastOperation }) };
  });
}

/** Re-reads the package after a failed wait so the kept properties show its real state; never throws. */
async function refreshKnown(
  api: ApplicationInstallApi,
  inputs: ApplicationInstallInputs,
  known: ApplicationInstallOutputs,
): Promise<ApplicationPackage | undefined> {
  try {
    const pkg = await api.findInEnvironment(inputs.environmentId, inputs.uniqueName);
    if (pkg) Object.assign(known, outputsFrom(pkg, inputs, { operationUrl: known.operationUrl, lastOperation: known.lastOperation }));
    return pkg;
  } catch {
    return undefined;
  }
}

/** Creates the handler around a source of the client's application-package API (a fake in unit tests). */
export function applicationInstallHandlerWith(
  packagesApi: () => Promise<ApplicationInstallApi>,
): ResourceHandler<ApplicationInstallInputs, ApplicationInstallOutputs> {
  return {
    async check(_olds, news) {
      return checkInputs(news);
    },

    async diff(_id, olds, news): Promise<DiffResult> {
      const replaces = replacedFields(olds, news);
      const timeoutChanged = olds.operationTimeoutMinutes !== news.operationTimeoutMinutes;
      // Not installed (uninstalled by hand and refreshed, or an install left unfinished): update installs or resumes.
      const notInstalled = olds.state !== "Installed";
      return {
        changes: replaces.length > 0 || timeoutChanged || notInstalled,
        replaces,
        deleteBeforeReplace: false,
      };
    },

    async create(inputs) {
      return ensureInstalled(await packagesApi(), inputs);
    },

    async read(id, props): Promise<ReadResult<ApplicationInstallInputs, ApplicationInstallOutputs>> {
      const api = await packagesApi();
      let pkg: ApplicationPackage | undefined;
      try {
        pkg = await api.readListed(props.environmentId, props.uniqueName);
      } catch (error) {
        if (isNotFound(error)) return { id: "", props: {} as ApplicationInstallOutputs };
        throw error;
      }
      if (!pkg) return { id: "", props: {} as ApplicationInstallOutputs };
      const outs = outputsFrom(pkg, props, { operationUrl: props.operationUrl, lastOperation: props.lastOperation });
      return { id, props: outs, inputs: inputsFrom(outs) };
    },

    async update(_id, olds, news) {
      const api = await packagesApi();
      const last = olds.lastOperation;
      // An install this resource requested was still running when an earlier `up` stopped: resume polling it.
      if (olds.operationUrl && last && !terminalOperationStatuses.includes(last.status) && olds.state !== "Installed") {
        const resumed = await waitForOperation(api, news, olds.operationUrl, deadlineOf(news), undefined);
        if (resumed.outs) return { outs: resumed.outs };
        // The saved operation is gone (expired): decide again from the package's state.
      }
      if (olds.state === "Installed") {
        // Nothing to install (only operationTimeoutMinutes or the provider changed): keep the outputs.
        const { state, applicationId, applicationName, localizedName, version } = olds;
        return {
          outs: {
            ...inputsFrom(news),
            state,
            applicationId,
            applicationName,
            localizedName,
            version,
            ...operationFields(olds.operationUrl, olds.lastOperation),
          },
        };
      }
      return { outs: (await ensureInstalled(api, news)).outs };
    },

    async delete(id) {
      process.stderr.write(
        `warning: ${resourceName} ${id}: the Power Platform API has no uninstall for application packages; ` +
          `the package stays installed in the environment and is only removed from the Pulumi state. ` +
          `Uninstall it from the Power Platform admin center if it must go.\n`,
      );
    },
  };
}

export const applicationInstallHandler = applicationInstallHandlerWith(async () => {
  const client = await clientFromEnvironment();
  return { ...client.applicationPackages, readListed: client.reads.packageInEnvironment };
});

/**
 * A first-party application package installed into an environment (which must have a
 * Dataverse database), by its `uniqueName` from the tenant catalog.
 *
 * `create` reads the package's state in the environment first (the pages of the
 * environment's package list up to the package):
 * - `Installed`: the package is adopted as is, no install is requested (so there is no
 *   `adoptId`: an already installed package is always adopted);
 * - `InstallRequested`/`Installing`: the install under way (e.g. started by a `pulumi up`
 *   that was killed) is awaited instead of requesting another;
 * - otherwise the install is requested and its operation polled (every 5 s: the service
 *   sends no Retry-After on installs), up to `operationTimeoutMinutes` or the resource's
 *   `customTimeouts.create` / `customTimeouts.update`, whichever ends first.
 * When the wait ends before the install does, the resource is kept with its
 * `operationUrl` and the next `pulumi up` resumes waiting. A failed install fails the
 * update with the operation's own message (and the package's errorDetails).
 *
 * `pulumi refresh` reports the package's real state: an uninstall done by hand shows as
 * drift (`state` no longer `Installed`), and `pulumi up --refresh` installs it again.
 *
 * **Delete does not uninstall.** The API offers no uninstall: destroying this resource
 * (or replacing it) leaves the package installed, only removes it from the state, and
 * logs a warning saying so.
 */
export class ApplicationInstall extends pulumi.CustomResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/powerplatform:ApplicationInstall";

  /** The environment the package is installed into. */
  declare readonly environmentId: pulumi.Output<string>;
  /** The package's unique name in the tenant catalog. */
  declare readonly uniqueName: pulumi.Output<string>;
  /** How long one `pulumi up` waits for the install, as declared. */
  declare readonly operationTimeoutMinutes: pulumi.Output<number | undefined>;
  /** The package's state in the environment (`Installed`, or what an out-of-band change made it). */
  declare readonly state: pulumi.Output<string>;
  /** The application's id in the catalog. */
  declare readonly applicationId: pulumi.Output<string>;
  /** The application's name in the catalog. */
  declare readonly applicationName: pulumi.Output<string>;
  /** The package's display name in the catalog. */
  declare readonly localizedName: pulumi.Output<string>;
  /** The package version installed (or being installed). */
  declare readonly version: pulumi.Output<string>;
  /** The install operation's URL (absent when an installed package was adopted). */
  declare readonly operationUrl: pulumi.Output<string | undefined>;
  /** The last install operation's status and error (absent when an installed package was adopted). */
  declare readonly lastOperation: pulumi.Output<ApplicationInstallOperation | undefined>;

  constructor(name: string, args: ApplicationInstallArgs, opts?: pulumi.CustomResourceOptions) {
    claim(resourceName, name, "installation of package", [args.environmentId, args.uniqueName]);
    const endProgramFrames = programFramesOnly();
    try {
      super(
        dynamicResourceType(resourceName),
        name,
        dynamicResourceProps(resourceName, { ...args, ...timeoutsInput(opts) }, [
          "environmentId",
          "uniqueName",
          "operationTimeoutMinutes",
          "state",
          "applicationId",
          "applicationName",
          "localizedName",
          "version",
          "operationUrl",
          "lastOperation",
        ]),
        opts,
      );
    } finally {
      endProgramFrames();
    }
  }
}
