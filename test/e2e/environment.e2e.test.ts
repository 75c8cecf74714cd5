/**
 * Environment through its whole life on the real Pulumi engine against the emulator:
 * up (with and without Dataverse) → no drift → rename by hand → drift reported → up
 * restores → in-place update and type conversion → 429s and 409 OperationNotStartable
 * survived → bad input refused before any API call → destroy. Lifecycle operations
 * finish at their first poll (environmentOperationMs 0), so the API call counts are exact.
 * The emulator answers as the real service (issue 7): create, PATCH, modifySku and DELETE
 * answer 202 with an empty body and the operation on the regional host
 * (`europe.localhost:PORT`, the client follows it by family), lifecycle polls carry no
 * Retry-After, the first GET after a Dataverse create lacks linkedEnvironmentMetadata, and
 * the currency is read from the environment's Dataverse (`{domain}.crm.localhost:PORT`).
 */
import * as path from "node:path";
import type { RunningEmulator } from "../emulator/server";
import { EmulatorControl, PulumiProject, startTestEmulator } from "./harness";

interface EnvironmentObject {
  name: string;
  location: string;
  properties: { displayName: string; description: string; environmentSku: string; linkedEnvironmentMetadata?: { domainName: string } };
}

describe("Environment on the real engine", () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let project: PulumiProject;
  let environmentId: string;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    await control.request("PUT", "settings", { environmentOperationMs: 0, retryAfterSeconds: 1 });
    project = PulumiProject.create("examples/environment", emulator.env);
    await project.initStack("e2e", { displayName: "e2e-env", description: "end to end", location: "europe", environmentSku: "Sandbox" });
  }, 120_000);

  afterAll(async () => {
    project?.cleanup();
    await emulator?.stop();
  });

  const getEnvironment = (id: string) => control.request<EnvironmentObject>("GET", `objects/environments/${id}`);
  const calls = async () => (await control.apiRequests()).map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, "{id}")} ${r.status}`);
  const ORGS = "GET /api/data/v9.2/organizations 200";
  const CURRENCIES = "GET /api/data/v9.2/transactioncurrencies 200";
  const ENV = "/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/{id}";
  const OP = "/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/{id}";
  /** The tenant's environment list: one serves the refresh of every Environment (provider/client/listedReads.ts). */
  const LIST = "GET /providers/Microsoft.BusinessAppPlatform/scopes/admin/environments 200";

  test("up creates an environment without Dataverse: 202, its lifecycle operation (regional host), one read", async () => {
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    environmentId = (await project.outputs()).environmentId as string;
    expect(environmentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await getEnvironment(environmentId)).toMatchObject({
      location: "europe",
      properties: { displayName: "e2e-env", description: "end to end", environmentSku: "Sandbox" },
    });
    // The duplicate guard's list, the POST, the lifecycle operation's poll (it names the new
    // environment), the environment.
    expect(await calls()).toEqual([
      "GET /providers/Microsoft.BusinessAppPlatform/scopes/admin/environments 200",
      "POST /providers/Microsoft.BusinessAppPlatform/environments 202",
      `GET ${OP} 200`,
      `GET ${ENV} 200`,
    ]);
  });

  test("refresh --expect-no-changes passes right after up, with one call (the environment list)", async () => {
    await control.clearRequests();
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
    expect(await calls()).toEqual([LIST]);
  });

  test("a rename in the portal shows as drift, and up --refresh restores the declared name", async () => {
    await control.request("PATCH", `objects/environments/${environmentId}`, { properties: { displayName: "renamed-by-hand" } });
    const drift = await project.pulumi(["refresh", "--preview-only", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    expect(drift.output).toMatch(/displayName/);
    expect(drift.output).toMatch(/renamed-by-hand/);

    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview", "--refresh"]);
    expect((await getEnvironment(environmentId)).properties.displayName).toBe("e2e-env");
    // refresh read (the list), read before writing (the environment's own GET), PATCH, its lifecycle operation, final read
    expect(await calls()).toEqual([LIST, `GET ${ENV} 200`, `PATCH ${ENV} 202`, `GET ${OP} 200`, `GET ${ENV} 200`]);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("a description change updates in place", async () => {
    await project.pulumiOk(["config", "set", "description", "changed"]);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect((await getEnvironment(environmentId)).properties.description).toBe("changed");
    expect((await project.outputs()).environmentId).toBe(environmentId);
    expect(await calls()).toEqual([`GET ${ENV} 200`, `PATCH ${ENV} 202`, `GET ${OP} 200`, `GET ${ENV} 200`]);
  });

  test("Sandbox → Production converts in place", async () => {
    await project.pulumiOk(["config", "set", "environmentSku", "Production"]);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect((await getEnvironment(environmentId)).properties.environmentSku).toBe("Production");
    expect((await project.outputs()).environmentId).toBe(environmentId);
    expect(await calls()).toEqual([`GET ${ENV} 200`, `POST ${ENV}/modifySku 202`, `GET ${OP} 200`, `GET ${ENV} 200`]);
    await project.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
  });

  test("an update survives a 429 storm and 409 OperationNotStartable", async () => {
    await control.request("POST", "faults", { method: "PATCH", path: "/scopes/admin/environments/", status: 429, times: 2, retryAfter: 1 });
    await control.request("POST", "faults", {
      method: "PATCH",
      path: "/scopes/admin/environments/",
      status: 409,
      times: 2,
      retryAfter: 1,
      body: { error: { code: "OperationNotStartable", message: "Another lifecycle operation is running (injected)." } },
    });
    await project.pulumiOk(["config", "set", "displayName", "e2e-env-2"]);
    await control.clearRequests();
    await project.pulumiOk(["up", "--yes", "--skip-preview"]);
    expect((await getEnvironment(environmentId)).properties.displayName).toBe("e2e-env-2");
    const log = await calls();
    expect(log.filter((c) => c.startsWith("PATCH"))).toEqual([`PATCH ${ENV} 429`, `PATCH ${ENV} 429`, `PATCH ${ENV} 409`, `PATCH ${ENV} 409`, `PATCH ${ENV} 202`]);
    await control.request("DELETE", "faults");
  });

  test("bad input fails at preview, naming the fields, with zero API calls", async () => {
    await project.pulumiOk(["config", "set", "environmentSku", "Default"]);
    await project.pulumiOk(["config", "set", "location", "atlantis"]);
    await control.clearRequests();
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain("environmentSku must be one of Production, Sandbox, Trial, Developer");
    expect(preview.output).toContain("location must be one of");
    expect(await control.apiRequests()).toHaveLength(0);
    await project.pulumiOk(["config", "set", "environmentSku", "Production"]);
    await project.pulumiOk(["config", "set", "location", "europe"]);
  });

  test("destroy deletes the environment and waits for the operation", async () => {
    await control.clearRequests();
    await project.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    await expect(getEnvironment(environmentId)).rejects.toThrow(/404/);
    expect(await calls()).toEqual([`DELETE ${ENV} 202`, `GET ${OP} 200`]);
  });

  describe("with Dataverse", () => {
    let dvProject: PulumiProject;
    let dvId: string;

    beforeAll(async () => {
      dvProject = PulumiProject.create("examples/environment", emulator.env);
      await dvProject.initStack("e2e-dv", { displayName: "e2e-dataverse", location: "europe", dataverse: "true", domainName: "e2e-dataverse" });
    }, 60_000);
    afterAll(() => dvProject?.cleanup());

    test("up checks the domain name, creates it through the lifecycle operation (surviving a 429 on the POST), waits for the Dataverse metadata and reads the currency from Dataverse", async () => {
      await control.request("POST", "faults", { method: "POST", path: "Microsoft\\.BusinessAppPlatform/environments$", status: 429, times: 1, retryAfter: 1 });
      await control.clearRequests();
      await dvProject.pulumiOk(["up", "--yes", "--skip-preview"]);
      const outputs = await dvProject.outputs();
      dvId = outputs.environmentId as string;
      // Default mode serves the instance on a distinct local host the client accepts by family.
      expect(outputs.instanceUrl).toBe(`https://e2e-dataverse.crm.localhost:${emulator.port}/`);
      expect((await getEnvironment(dvId)).properties.linkedEnvironmentMetadata?.domainName).toBe("e2e-dataverse");
      // The 429 proves the POST was not applied, so it is repeated; a 202 is never repeated.
      expect(await calls()).toEqual([
        "POST /providers/Microsoft.BusinessAppPlatform/validateEnvironmentDetails 200",
        "GET /providers/Microsoft.BusinessAppPlatform/scopes/admin/environments 200",
        "POST /providers/Microsoft.BusinessAppPlatform/environments 429",
        "POST /providers/Microsoft.BusinessAppPlatform/environments 202",
        `GET ${OP} 200`,
        `GET ${ENV} 200`, // Succeeded, but no linkedEnvironmentMetadata yet
        `GET ${ENV} 200`,
        ORGS,
        CURRENCIES,
      ]);
      expect(await control.request<{ faults: unknown[] }>("GET", "faults")).toEqual({ faults: [] });
      await control.clearRequests();
      // No replace, no update: the currency is read where it lives, not from BAP.
      await dvProject.pulumiOk(["refresh", "--preview-only", "--expect-no-changes"]);
      expect(await calls()).toEqual([LIST, ORGS, CURRENCIES]);
      const preview = await dvProject.pulumiOk(["preview", "--expect-no-changes"]);
      expect(preview.output).not.toMatch(/replace/);
    });

    test("a second environment with the same domain name fails with the service's reason", async () => {
      const other = PulumiProject.create("examples/environment", emulator.env);
      try {
        await other.initStack("e2e-dup", { displayName: "e2e-dup", location: "europe", dataverse: "true", domainName: "e2e-dataverse" });
        const up = await other.pulumi(["up", "--yes", "--skip-preview"]);
        expect(up.code).not.toBe(0);
        expect(up.output).toContain("DomainNameAlreadyInUse");
      } finally {
        other.cleanup();
      }
    });

    test("destroy deletes it", async () => {
      await control.clearRequests();
      await dvProject.pulumiOk(["destroy", "--yes", "--skip-preview"]);
      await expect(getEnvironment(dvId)).rejects.toThrow(/404/);
      expect(await calls()).toEqual([`DELETE ${ENV} 202`, `GET ${OP} 200`]);
    });
  });
});
