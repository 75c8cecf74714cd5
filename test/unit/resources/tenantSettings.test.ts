import * as fs from "node:fs";
import * as path from "node:path";
import { tenantSettingsHandler, flattenSettings, nestSettings, type TenantSettingsOutputs } from "../../../provider/resources/tenantSettings";
import { knownTenantSettings, tenantSettingPaths } from "../../../provider/resources/tenantSettingNames";

const fakeTenantSettings = { get: jest.fn(), update: jest.fn() };
jest.mock("../../../provider/resources/runtimeSupport", () => {
  const actual = jest.requireActual("../../../provider/resources/runtimeSupport");
  return { ...actual, clientFromEnvironment: async () => ({ tenantSettings: fakeTenantSettings }) };
});

const recorded = () =>
  JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "conformance", "recorded", "tenant-settings", "list", "post_list_tenant_settings.json"), "utf8"));

/** A tenant whose settings object the fake client serves, applying updates as the service does (merge). */
function tenant(start = recorded()) {
  let current = start;
  fakeTenantSettings.get.mockReset().mockImplementation(async () => structuredClone(current));
  fakeTenantSettings.update.mockReset().mockImplementation(async (changes: Record<string, unknown>) => {
    current = nestSettings([...flattenSettings(current), ...flattenSettings(changes)]);
    return structuredClone(current);
  });
  return { now: () => current };
}

const declared = () => ({
  settings: {
    disableTrialEnvironmentCreationByNonAdminUsers: true,
    powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: true } },
  },
});

describe("the known setting names", () => {
  test("are exactly the settings of the recorded real response, with their JSON types", () => {
    const fromRecording = [...flattenSettings(recorded())].map(([p, v]) => [p, typeof v]);
    expect(tenantSettingPaths()).toEqual(fromRecording);
    // The recorded empty group (powerPages: {}) is known too.
    expect(knownTenantSettings.powerPlatform).toHaveProperty("powerPages", {});
  });

  test("the tenant file schema describes the same tree", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "schema", "tenant.schema.json"), "utf8"));
    const walk = (node: { properties?: Record<string, any> }, prefix = ""): string[] =>
      Object.entries(node.properties ?? {}).flatMap(([name, child]) =>
        child.type === "object" ? walk(child, `${prefix}${name}.`) : child.$ref ? [] : [`${prefix}${name}`],
      );
    expect(walk(schema.definitions.tenantSettings)).toEqual(tenantSettingPaths().map(([p]) => p));
  });
});

describe("TenantSettings check", () => {
  beforeEach(() => tenant());

  test("accepts settings the service has and records their values before any change", async () => {
    const result = await tenantSettingsHandler.check({}, declared());
    expect(result).toEqual({
      inputs: {
        ...declared(),
        initialSettings: {
          disableTrialEnvironmentCreationByNonAdminUsers: false,
          powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: false } },
        },
      },
    });
    expect(fakeTenantSettings.update).not.toHaveBeenCalled();
  });

  test("carries the recorded values over: no read when every setting already has one", async () => {
    const olds = { ...declared(), initialSettings: { disableTrialEnvironmentCreationByNonAdminUsers: false, powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: true } } } };
    const result = await tenantSettingsHandler.check(olds, declared());
    expect(result.inputs?.initialSettings).toEqual(olds.initialSettings);
    expect(fakeTenantSettings.get).not.toHaveBeenCalled();
  });

  test("names unknown settings with the nearest known one, also across groups, and wrong types, all at once, with no API call", async () => {
    fakeTenantSettings.get.mockClear();
    const result = await tenantSettingsHandler.check({}, {
      settings: {
        disableTrialEnvironmentCreationByNonAdminUser: true,
        disableDeveloperEnvironmentCreationByNonAdminUsers: true,
        walkMeOptOut: "yes",
        powerPlatform: { governance: "on", licensing: { storageCapacityConsumptionWarningThreshold: 12.5 } },
      },
      protect: true,
    });
    expect(result.inputs).toBeUndefined();
    const byProperty = Object.fromEntries((result.failures ?? []).map((f) => [f.property, f.reason]));
    expect(byProperty["settings.disableTrialEnvironmentCreationByNonAdminUser"]).toContain("did you mean settings.disableTrialEnvironmentCreationByNonAdminUsers?");
    expect(byProperty["settings.disableDeveloperEnvironmentCreationByNonAdminUsers"]).toContain(
      "did you mean settings.powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers?",
    );
    expect(byProperty["settings.walkMeOptOut"]).toContain("must be a boolean");
    expect(byProperty["settings.powerPlatform.governance"]).toContain("is a group of settings");
    expect(byProperty["settings.powerPlatform.licensing.storageCapacityConsumptionWarningThreshold"]).toContain("whole number");
    expect(byProperty.protect).toContain("is a resource option");
    expect(fakeTenantSettings.get).not.toHaveBeenCalled();
  });

  test("refuses settings that name no setting", async () => {
    const result = await tenantSettingsHandler.check({}, { settings: { powerPlatform: {} } });
    expect(result.failures).toEqual([expect.objectContaining({ property: "settings", reason: expect.stringContaining("names no setting") })]);
  });
});

describe("TenantSettings diff", () => {
  const olds: TenantSettingsOutputs = { ...declared(), initialSettings: {} };
  test("no change; order of keys never matters", async () => {
    const reordered = { settings: { powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: true } }, disableTrialEnvironmentCreationByNonAdminUsers: true } };
    expect(await tenantSettingsHandler.diff("tenant-settings", olds, reordered)).toEqual({ changes: false, replaces: [] });
  });
  test("a value changed by hand (refreshed olds), a setting added or removed: in place, never a replacement", async () => {
    const handMade = { ...olds, settings: { ...olds.settings, disableTrialEnvironmentCreationByNonAdminUsers: false } };
    expect(await tenantSettingsHandler.diff("tenant-settings", handMade, declared())).toEqual({ changes: true, replaces: [] });
    expect(await tenantSettingsHandler.diff("tenant-settings", olds, { settings: { ...declared().settings, walkMeOptOut: true } })).toEqual({ changes: true, replaces: [] });
    expect(await tenantSettingsHandler.diff("tenant-settings", olds, { settings: { walkMeOptOut: false } })).toEqual({ changes: true, replaces: [] });
  });
});

describe("TenantSettings against a fake client", () => {
  test("create sends one partial update with only the settings that differ; delete restores the values before", async () => {
    const t = tenant();
    const { inputs } = await tenantSettingsHandler.check({}, { settings: { ...declared().settings, walkMeOptOut: false } });
    const { id, outs } = await tenantSettingsHandler.create(inputs!);
    expect(id).toBe("tenant-settings");
    expect(fakeTenantSettings.update).toHaveBeenCalledTimes(1);
    expect(fakeTenantSettings.update).toHaveBeenCalledWith(declared().settings); // walkMeOptOut is already false: not sent
    expect(outs.settings).toEqual({ ...declared().settings, walkMeOptOut: false });
    expect(t.now().powerPlatform.governance.disableAdminDigest).toBe(false); // untouched

    fakeTenantSettings.update.mockClear();
    await tenantSettingsHandler.delete(id, outs);
    expect(fakeTenantSettings.update).toHaveBeenCalledWith({
      disableTrialEnvironmentCreationByNonAdminUsers: false,
      powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: false } },
    });
    expect(flattenSettings(t.now())).toEqual(flattenSettings(recorded()));
  });

  test("create with nothing to change sends no update", async () => {
    tenant();
    const { inputs } = await tenantSettingsHandler.check({}, { settings: { walkMeOptOut: false } });
    await tenantSettingsHandler.create(inputs!);
    expect(fakeTenantSettings.update).not.toHaveBeenCalled();
  });

  test("the values recorded by check win over what create finds (a killed run already changed them)", async () => {
    tenant();
    const { inputs } = await tenantSettingsHandler.check({}, declared());
    await fakeTenantSettings.update(declared().settings); // the killed run's update
    const { outs } = await tenantSettingsHandler.create(inputs!);
    expect(outs.initialSettings).toEqual({ disableTrialEnvironmentCreationByNonAdminUsers: false, powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: false } } });
  });

  test("read reports the managed settings as they are (drift) and the inputs that would produce them", async () => {
    const t = tenant();
    const { inputs } = await tenantSettingsHandler.check({}, declared());
    const { outs } = await tenantSettingsHandler.create(inputs!);
    t.now().disableTrialEnvironmentCreationByNonAdminUsers = false; // changed by hand
    const read = await tenantSettingsHandler.read("tenant-settings", outs);
    expect(read.props.settings).toEqual({ disableTrialEnvironmentCreationByNonAdminUsers: false, powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: true } } });
    expect(read.inputs?.settings).toEqual(read.props.settings);
    expect(read.props.initialSettings).toEqual(outs.initialSettings);
  });

  test("update: a setting no longer declared gets back its value before; a new one is recorded and set", async () => {
    const t = tenant();
    const first = await tenantSettingsHandler.check({}, declared());
    const { outs } = await tenantSettingsHandler.create(first.inputs!);
    const next = await tenantSettingsHandler.check(first.inputs as unknown as Record<string, unknown>, {
      settings: { disableTrialEnvironmentCreationByNonAdminUsers: true, disableEnvironmentCreationByNonAdminUsers: true },
    });
    fakeTenantSettings.update.mockClear();
    const updated = await tenantSettingsHandler.update("tenant-settings", outs, next.inputs!);
    expect(fakeTenantSettings.update).toHaveBeenCalledTimes(1);
    expect(fakeTenantSettings.update).toHaveBeenCalledWith({
      powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: false } },
      disableEnvironmentCreationByNonAdminUsers: true,
    });
    expect(t.now().powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers).toBe(false);
    expect(updated.outs.initialSettings).toEqual({ disableTrialEnvironmentCreationByNonAdminUsers: false, disableEnvironmentCreationByNonAdminUsers: false });
  });
});

describe("getTenantSettings", () => {
  // Imported here: the data function calls the client it is given, never the resources' one.
  const { getTenantSettings } = jest.requireActual("../../../provider/functions") as typeof import("../../../provider/functions");
  const client = { tenantSettings: { get: async () => recorded() } } as unknown as import("../../../provider/client").PowerPlatformClient;

  test("returns the whole object, or only the settings and groups named, in the service's nesting", async () => {
    expect(await getTenantSettings({}, { client })).toEqual(recorded());
    expect(
      await getTenantSettings({ paths: ["disableTrialEnvironmentCreationByNonAdminUsers", "powerPlatform.governance.policy", "powerPlatform.nothing"] }, { client }),
    ).toEqual({
      disableTrialEnvironmentCreationByNonAdminUsers: false,
      powerPlatform: { governance: { policy: { enableDesktopFlowDataPolicyManagement: false } } },
    });
  });
});

describe("TenantSettings across failures and interrupted runs", () => {
  test("an update that fails (or whose answer is lost) keeps the resource, with the values before, so the next up updates it", async () => {
    tenant();
    const { inputs } = await tenantSettingsHandler.check({}, declared());
    fakeTenantSettings.update.mockRejectedValueOnce(new Error("socket hang up"));
    const error = (await tenantSettingsHandler.create(inputs!).catch((e: unknown) => e)) as { id?: string; properties?: TenantSettingsOutputs; message: string };
    expect(error.message).toBe("socket hang up");
    expect(error.id).toBe("tenant-settings");
    expect(error.properties).toEqual({
      settings: { disableTrialEnvironmentCreationByNonAdminUsers: false, powerPlatform: { governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: false } } },
      initialSettings: inputs!.initialSettings,
    });
    // The next up: check carries the recorded values over, diff proposes the update.
    const next = await tenantSettingsHandler.check(inputs as unknown as Record<string, unknown>, declared());
    expect(next.inputs?.initialSettings).toEqual(inputs!.initialSettings);
    expect((await tenantSettingsHandler.diff("tenant-settings", error.properties!, next.inputs!)).changes).toBe(true);
  });

  test("a killed run's pending create is imported by the recovery command, and its read keeps the values before", async () => {
    const { planRecovery } = jest.requireActual("../../../provider/recover/plan") as typeof import("../../../provider/recover/plan");
    const urn = "urn:pulumi:dev::tenant::pulumi-nodejs:dynamic/powerplatform:TenantSettings::tenant-settings";
    const t = tenant();
    const { inputs } = await tenantSettingsHandler.check({}, declared());
    await fakeTenantSettings.update(declared().settings); // the killed run's update went through
    const decisions = await planRecovery([{ urn, type: "pulumi-nodejs:dynamic/powerplatform:TenantSettings", inputs: inputs as unknown as Record<string, unknown> }], [], {
      client: {} as never,
      withinMs: 3_600_000,
      now: Date.now(),
    });
    expect(decisions).toEqual([expect.objectContaining({ action: "import", urn, id: "tenant-settings" })]);
    // After the import, the resource's outputs are its pending inputs; refresh reads it.
    const read = await tenantSettingsHandler.read("tenant-settings", inputs as unknown as TenantSettingsOutputs);
    expect(read.props.initialSettings).toEqual(inputs!.initialSettings);
    expect(read.props.settings).toEqual(declared().settings);
    await tenantSettingsHandler.delete("tenant-settings", read.props);
    expect(flattenSettings(t.now())).toEqual(flattenSettings(recorded()));
  });
});

describe("TenantSettings check: null", () => {
  test("a setting given as null is not declared (not managed); settings of nulls only name no setting", async () => {
    tenant();
    const result = await tenantSettingsHandler.check({}, { settings: { walkMeOptOut: null, disableTrialEnvironmentCreationByNonAdminUsers: true } });
    expect(result.inputs?.settings).toEqual({ disableTrialEnvironmentCreationByNonAdminUsers: true });
    const none = await tenantSettingsHandler.check({}, { settings: { walkMeOptOut: null } });
    expect(none.failures).toEqual([expect.objectContaining({ property: "settings", reason: expect.stringContaining("names no setting") })]);
  });
});
