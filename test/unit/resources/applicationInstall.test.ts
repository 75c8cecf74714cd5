import {
  applicationInstallHandlerWith,
  type ApplicationInstallApi,
  type ApplicationInstallInputs,
  type ApplicationInstallOutputs,
} from "../../../provider/resources/applicationInstall";
import type { ApplicationPackage } from "../../../provider/client/api/types";
import { DeadlineExceededError, NotFoundError, OperationFailedError } from "../../../provider/client/errors";

const ENV = "e1000000-0000-4000-8000-000000000001";
const OP_URL = `https://api.powerplatform.com/appmanagement/environments/${ENV}/operations/op1?api-version=2022-03-01-preview`;
const pkg = (state: string, extra: Partial<ApplicationPackage> = {}): ApplicationPackage =>
  ({
    uniqueName: "MicrosoftFormsPro",
    state,
    applicationId: "app-1",
    applicationName: "Forms Pro",
    localizedName: "Microsoft Forms Pro",
    version: "1.0.0.0",
    ...extra,
  }) as ApplicationPackage;

/** A fake of the client's application-package API: package states are read in order (the last one repeats). */
function fakeApi(options: {
  states: Array<ApplicationPackage | undefined>;
  waitForInstall?: () => Promise<{ status: "Succeeded" }>;
  waitForPackageState?: () => Promise<ApplicationPackage>;
  install?: () => Promise<never>;
}) {
  const calls: string[] = [];
  const states = [...options.states];
  const next = () => (states.length > 1 ? states.shift() : states[0]);
  const api: ApplicationInstallApi = {
    findInEnvironment: async (env, name) => {
      calls.push(`GET ${env}/${name}`);
      return next();
    },
    readListed: async (env, name) => {
      calls.push(`LIST ${env}/${name}`);
      return next();
    },
    findInstalled: async (env, name) => {
      calls.push(`GET installed ${env}/${name}`);
      const state = next();
      if (state?.state === "Installed") return state;
      states.unshift(state);
      return undefined;
    },
    install: async (env, name) => {
      calls.push(`POST ${env}/${name}`);
      if (options.install) return options.install();
      return { operationUrl: OP_URL, operationId: "op1", httpStatus: 202, headers: { "operation-location": OP_URL }, retryAfterMs: 1000 };
    },
    waitForInstall: async (started, opts) => {
      calls.push(`WAIT operation ${started.operationUrl}${opts?.deadline ? " (deadline)" : ""}`);
      return options.waitForInstall ? options.waitForInstall() : { status: "Succeeded", operationId: "op1" };
    },
    waitForPackageState: async (env, name, opts) => {
      calls.push(`WAIT state ${env}/${name} from ${opts?.initial?.state}`);
      return options.waitForPackageState ? options.waitForPackageState() : pkg("Installed");
    },
  };
  return { api, calls, handler: applicationInstallHandlerWith(async () => api) };
}

const inputs = (extra: Partial<ApplicationInstallInputs> = {}): ApplicationInstallInputs => ({ environmentId: ENV, uniqueName: "MicrosoftFormsPro", ...extra });
const installedOutputs = (extra: Partial<ApplicationInstallOutputs> = {}): ApplicationInstallOutputs => ({
  ...inputs(),
  state: "Installed",
  applicationId: "app-1",
  applicationName: "Forms Pro",
  localizedName: "Microsoft Forms Pro",
  version: "1.0.0.0",
  operationUrl: OP_URL,
  lastOperation: { status: "Succeeded" },
  ...extra,
});

describe("ApplicationInstall check", () => {
  const { handler } = fakeApi({ states: [] });

  test("accepts valid input and lower-cases the environment id", async () => {
    const result = await handler.check({}, { environmentId: ENV.toUpperCase(), uniqueName: "MicrosoftFormsPro", operationTimeoutMinutes: 45 });
    expect(result).toEqual({ inputs: { environmentId: ENV, uniqueName: "MicrosoftFormsPro", operationTimeoutMinutes: 45 } });
  });

  test.each([
    ["environmentId", { environmentId: undefined }, "environmentId is required"],
    ["environmentId", { environmentId: "Default-env" }, "environmentId must be a GUID"],
    ["uniqueName", { uniqueName: "" }, "uniqueName is required"],
    ["uniqueName", { uniqueName: "has spaces" }, "must be a package unique name"],
    ["uniqueName", { uniqueName: "../install" }, "must be a package unique name"],
    ["operationTimeoutMinutes", { operationTimeoutMinutes: 0 }, "above 0"],
    ["operationTimeoutMinutes", { operationTimeoutMinutes: 5000 }, "at most 1440"],
    ["operationTimeoutMinutes", { operationTimeoutMinutes: "10" }, "must be a number"],
  ])("names the bad field %s", async (property, change, reason) => {
    const result = await handler.check({}, { ...inputs(), ...change });
    expect(result.inputs).toBeUndefined();
    expect(result.failures).toEqual([expect.objectContaining({ property, reason: expect.stringContaining(reason) })]);
  });

  test("reports every bad field at once", async () => {
    const result = await handler.check({}, { environmentId: "x", uniqueName: "a b", operationTimeoutMinutes: -1 });
    expect(result.failures?.map((f) => f.property)).toEqual(["environmentId", "uniqueName", "operationTimeoutMinutes"]);
  });
});

describe("ApplicationInstall diff", () => {
  const { handler } = fakeApi({ states: [] });

  test("no change when installed and the inputs match", async () => {
    expect(await handler.diff("id", installedOutputs(), inputs())).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test("a change of case in uniqueName is the same package", async () => {
    expect(await handler.diff("id", installedOutputs(), inputs({ uniqueName: "microsoftformspro" }))).toMatchObject({ changes: false });
  });

  test.each([
    ["environmentId", { environmentId: "e1000000-0000-4000-8000-000000000002" }],
    ["uniqueName", { uniqueName: "msdyn_FlowApprovals" }],
  ])("%s replaces", async (field, change) => {
    expect(await handler.diff("id", installedOutputs(), inputs(change))).toMatchObject({ changes: true, replaces: [field] });
  });

  test("operationTimeoutMinutes updates in place", async () => {
    expect(await handler.diff("id", installedOutputs(), inputs({ operationTimeoutMinutes: 10 }))).toMatchObject({ changes: true, replaces: [] });
  });

  test.each(["Uninstalled", "None", "Installing", "InstallFailed"])("a package refreshed as %s needs an update (install again or resume)", async (state) => {
    expect(await handler.diff("id", installedOutputs({ state }), inputs())).toMatchObject({ changes: true, replaces: [] });
  });
});

describe("ApplicationInstall create decides from the package's state", () => {
  test("Installed: adopted, no install request", async () => {
    const { handler, calls } = fakeApi({ states: [pkg("Installed")] });
    const result = await handler.create(inputs());
    expect(calls).toEqual([`GET ${ENV}/MicrosoftFormsPro`]);
    expect(result).toEqual({
      id: `${ENV}/MicrosoftFormsPro`,
      outs: { ...inputs(), state: "Installed", applicationId: "app-1", applicationName: "Forms Pro", localizedName: "Microsoft Forms Pro", version: "1.0.0.0" },
    });
  });

  test.each(["Installing", "InstallRequested"])("%s: waits for the install under way, no second POST", async (state) => {
    const { handler, calls } = fakeApi({ states: [pkg(state)] });
    const result = await handler.create(inputs());
    expect(calls).toEqual([`GET ${ENV}/MicrosoftFormsPro`, `WAIT state ${ENV}/MicrosoftFormsPro from ${state}`]);
    expect(result.outs.state).toBe("Installed");
  });

  test.each(["None", "Uninstalled", "InstallFailed"])("%s: POSTs the install once and polls its operation", async (state) => {
    const { handler, calls } = fakeApi({ states: [pkg(state), pkg("Installed")] });
    const result = await handler.create(inputs({ operationTimeoutMinutes: 5 }));
    expect(calls).toEqual([
      `GET ${ENV}/MicrosoftFormsPro`,
      `POST ${ENV}/MicrosoftFormsPro`,
      `WAIT operation ${OP_URL} (deadline)`,
      `GET installed ${ENV}/MicrosoftFormsPro`,
    ]);
    expect(result.outs).toMatchObject({ state: "Installed", operationUrl: OP_URL, lastOperation: { status: "Succeeded" }, operationTimeoutMinutes: 5 });
  });

  test("an operation that Succeeded while the installed packages lack the package: the whole list tells its state", async () => {
    const { handler, calls } = fakeApi({ states: [pkg("None"), pkg("InstallFailed")] });
    const err = await handler.create(inputs()).catch((e) => e);
    expect(calls).toEqual([
      `GET ${ENV}/MicrosoftFormsPro`,
      `POST ${ENV}/MicrosoftFormsPro`,
      `WAIT operation ${OP_URL}`,
      `GET installed ${ENV}/MicrosoftFormsPro`,
      `GET ${ENV}/MicrosoftFormsPro`,
    ]);
    expect(err.message).toContain("ended Succeeded but the package's state in environment");
    expect(err.message).toContain("is InstallFailed");
    expect(err.id).toBe(`${ENV}/MicrosoftFormsPro`);
  });

  test("a deadline after the POST throws with the id and the operation URL (resumable)", async () => {
    const { handler } = fakeApi({
      states: [pkg("None"), pkg("Installing")],
      waitForInstall: () => Promise.reject(new DeadlineExceededError("did not finish before the deadline", { operationUrl: OP_URL, lastStatus: "Running" })),
    });
    const err = await handler.create(inputs()).catch((e) => e);
    expect(err.id).toBe(`${ENV}/MicrosoftFormsPro`);
    expect(err.properties).toMatchObject({ state: "Installing", operationUrl: OP_URL, lastOperation: { status: "Running" } });
    expect(err.message).toContain("resumes waiting");
  });

  test("a failed operation fails with the operation's message and the package's errorDetails", async () => {
    const { handler } = fakeApi({
      states: [pkg("None"), pkg("InstallFailed", { errorDetails: { errorCode: "0x80048033", errorName: "InstallFailed", message: "Dataverse said no" } })],
      waitForInstall: () =>
        Promise.reject(new OperationFailedError("The application package install ended Failed: solution import error", { operationStatus: "Failed", operationUrl: OP_URL })),
    });
    const err = await handler.create(inputs()).catch((e) => e);
    expect(err.message).toContain("solution import error");
    expect(err.message).toContain("(package state InstallFailed, errorDetails: 0x80048033 InstallFailed: Dataverse said no)");
    expect(err.properties).toMatchObject({ state: "InstallFailed", lastOperation: { status: "Failed" } });
  });

  test("a POST that may have been applied is not repeated: the state is re-read and the install awaited", async () => {
    const maybe = Object.assign(new Error("socket hang up"), { maybeApplied: true });
    const { handler, calls } = fakeApi({ states: [pkg("None"), pkg("InstallRequested")], install: () => Promise.reject(maybe) });
    await handler.create(inputs());
    expect(calls).toEqual([
      `GET ${ENV}/MicrosoftFormsPro`,
      `POST ${ENV}/MicrosoftFormsPro`,
      `GET ${ENV}/MicrosoftFormsPro`,
      `WAIT state ${ENV}/MicrosoftFormsPro from InstallRequested`,
    ]);
  });

  test("an install the API refuses fails naming the package and environment", async () => {
    const refused = Object.assign(new Error("Package requested for installation was not found"), { status: 400 });
    const { handler, calls } = fakeApi({ states: [undefined], install: () => Promise.reject(refused) });
    await expect(handler.create(inputs())).rejects.toThrow(`cannot install MicrosoftFormsPro into environment ${ENV}: Package requested for installation was not found`);
    expect(calls.filter((c) => c.startsWith("POST"))).toHaveLength(1);
  });
});

describe("ApplicationInstall update", () => {
  test("an unfinished install is resumed by polling the saved operation URL, without a POST", async () => {
    const { handler, calls } = fakeApi({ states: [pkg("Installed")] });
    const olds = installedOutputs({ state: "Installing", lastOperation: { status: "Running" } });
    const result = await handler.update("id", olds, inputs());
    expect(calls).toEqual([`WAIT operation ${OP_URL}`, `GET installed ${ENV}/MicrosoftFormsPro`]);
    expect(result.outs).toMatchObject({ state: "Installed", operationUrl: OP_URL, lastOperation: { status: "Succeeded" } });
  });

  test("a saved operation the service no longer knows falls back to the package's state", async () => {
    const { handler, calls } = fakeApi({
      states: [pkg("Installed")],
      waitForInstall: () => Promise.reject(new NotFoundError("operation not found", { status: 404 })),
    });
    await handler.update("id", installedOutputs({ state: "Installing", lastOperation: { status: "Running" } }), inputs());
    expect(calls).toEqual([`WAIT operation ${OP_URL}`, `GET ${ENV}/MicrosoftFormsPro`]);
  });

  test("uninstalled by hand (refreshed): installs again", async () => {
    const { handler, calls } = fakeApi({ states: [pkg("Uninstalled"), pkg("Installed")] });
    const result = await handler.update("id", installedOutputs({ state: "Uninstalled" }), inputs());
    expect(calls.filter((c) => c.startsWith("POST"))).toHaveLength(1);
    expect(result.outs.state).toBe("Installed");
  });

  test("only the timeout changed: no API call", async () => {
    const { handler, calls } = fakeApi({ states: [] });
    const result = await handler.update("id", installedOutputs(), inputs({ operationTimeoutMinutes: 9 }));
    expect(calls).toEqual([]);
    expect(result.outs).toEqual(installedOutputs({ operationTimeoutMinutes: 9 }));
  });

  test("removing the timeout removes it from the outputs (no lasting diff)", async () => {
    const { handler } = fakeApi({ states: [] });
    const result = await handler.update("id", installedOutputs({ operationTimeoutMinutes: 9 }), inputs());
    expect(result.outs).toEqual(installedOutputs());
    expect(await handler.diff("id", result.outs, inputs())).toMatchObject({ changes: false });
  });
});

describe("ApplicationInstall read and delete", () => {
  test("read reports the package's real state and keeps the operation fields", async () => {
    const { handler, calls } = fakeApi({ states: [pkg("Uninstalled")] });
    const result = await handler.read("id", installedOutputs());
    expect(result).toEqual({ id: "id", props: installedOutputs({ state: "Uninstalled" }), inputs: inputs() });
    // The refresh is served by the environment's list of installed packages (shared by its installs).
    expect(calls).toEqual([`LIST ${ENV}/MicrosoftFormsPro`]);
  });

  test("read drops the resource when the package or the environment is gone", async () => {
    expect((await fakeApi({ states: [undefined] }).handler.read("id", installedOutputs())).id).toBe("");
    const api = fakeApi({ states: [] });
    api.api.readListed = () => Promise.reject(new NotFoundError("environment not found", { status: 404 }));
    expect((await api.handler.read("id", installedOutputs())).id).toBe("");
  });

  test("delete makes no API call and warns that the package stays installed", async () => {
    const { handler, calls } = fakeApi({ states: [] });
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await handler.delete("id", installedOutputs());
    } finally {
      spy.mockRestore();
    }
    expect(calls).toEqual([]);
    expect(written.join("")).toMatch(/warning: .*no uninstall.*stays installed/);
  });
});
