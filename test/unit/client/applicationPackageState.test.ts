import { DeadlineExceededError, OperationFailedError } from "../../../provider/client/errors";
import { harness, json, T0 } from "./helpers";

const LIST_URL = "https://api.powerplatform.com/appmanagement/environments/env1/applicationPackages?api-version=2022-03-01-preview";
const list = (state: string | undefined, extra: Record<string, unknown> = {}) =>
  json(200, { value: [{ uniqueName: "Other", state: "Installed" }, ...(state === undefined ? [] : [{ uniqueName: "MicrosoftFormsPro", state, ...extra }])] });

describe("applicationPackages.waitForPackageState", () => {
  test("re-reads the environment's packages at the default interval until the package is Installed", async () => {
    const { client, transport, clock } = harness([list("Installing"), list("Installing"), list("Installed", { version: "1.2" })]);
    const pkg = await client.applicationPackages.waitForPackageState("env1", "microsoftformspro");
    expect(pkg).toMatchObject({ uniqueName: "MicrosoftFormsPro", state: "Installed", version: "1.2" });
    expect(transport.requests.map((q) => `${q.method} ${q.url}`)).toEqual(Array(3).fill(`GET ${LIST_URL}`));
    // first read at once, then the default poll interval (the list gives no Retry-After)
    expect(clock.sleeps).toEqual([5000, 5000]);
  });

  test("an initial package read counts as the first poll", async () => {
    const { client, transport, clock } = harness([list("Installed")]);
    const pkg = await client.applicationPackages.waitForPackageState("env1", "MicrosoftFormsPro", {
      initial: { uniqueName: "MicrosoftFormsPro", state: "InstallRequested" },
    });
    expect(pkg.state).toBe("Installed");
    expect(transport.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([5000]);
  });

  test("an install that ends InstallFailed fails with the package's errorDetails", async () => {
    const { client } = harness([
      list("Installing"),
      list("InstallFailed", { errorDetails: { errorCode: "0x80048033", errorName: "InstallFailed", message: "solution import error" } }),
    ]);
    const err = await client.applicationPackages.waitForPackageState("env1", "MicrosoftFormsPro").catch((e) => e);
    expect(err).toBeInstanceOf(OperationFailedError);
    expect(err.message).toContain("the package's state is InstallFailed: solution import error");
    expect(err.code).toBe("0x80048033");
  });

  test("a package that disappears from the list fails instead of waiting", async () => {
    const { client } = harness([list(undefined)]);
    await expect(client.applicationPackages.waitForPackageState("env1", "MicrosoftFormsPro")).rejects.toThrow(/no longer listed/);
  });

  test("the deadline bounds the wait", async () => {
    const { client, transport } = harness(Array.from({ length: 10 }, () => list("Installing")));
    const err = await client.applicationPackages.waitForPackageState("env1", "MicrosoftFormsPro", { deadline: T0 + 12_000 }).catch((e) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    // reads at 0 s, 5 s, 10 s; the next one (15 s) would pass the deadline
    expect(transport.requests).toHaveLength(3);
  });
});
