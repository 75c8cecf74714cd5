import {
  changedDlpProperties,
  dataLossPreventionPolicyHandler,
  dlpPolicyBody,
  dlpPolicyOutputsFrom,
  unknownConnectorFailures,
  type DataLossPreventionPolicyInputs,
} from "../../../provider/resources/dataLossPreventionPolicy";
import { unknownValue } from "../../../provider/resources/validation";

const ENV = "11111111-aaaa-bbbb-cccc-000000000001";
const valid = (): Record<string, unknown> => ({
  displayName: "Sales strict",
  environmentType: "OnlyEnvironments",
  environments: [ENV.toUpperCase()],
  defaultConnectorsClassification: "Blocked",
  businessConnectors: [
    "shared_sharepointonline",
    { id: "/providers/Microsoft.PowerApps/apis/shared_sql", actionRules: [{ actionId: "Z_V2", behavior: "Block" }, { actionId: "A_V2", behavior: "Allow" }], endpointRules: [{ order: 2, behavior: "Deny", endpoint: "*" }, { order: 1, behavior: "Allow", endpoint: "contoso.com" }] },
  ],
  blockedConnectors: ["shared_dropbox"],
});
const check = (news: Record<string, unknown>, olds: Record<string, unknown> = {}) => dataLossPreventionPolicyHandler.check(olds, news);

describe("DataLossPreventionPolicy check", () => {
  test("normalizes: full connector ids, sorted lists, lower-case environment ids, defaults", async () => {
    const { inputs, failures } = await check(valid());
    expect(failures).toBeUndefined();
    expect(inputs).toEqual({
      displayName: "Sales strict",
      defaultConnectorsClassification: "Blocked",
      environmentType: "OnlyEnvironments",
      environments: [ENV],
      businessConnectors: [
        { id: "/providers/Microsoft.PowerApps/apis/shared_sharepointonline" },
        {
          id: "/providers/Microsoft.PowerApps/apis/shared_sql",
          defaultActionRuleBehavior: "Allow",
          actionRules: [{ actionId: "A_V2", behavior: "Allow" }, { actionId: "Z_V2", behavior: "Block" }],
          endpointRules: [{ order: 1, behavior: "Allow", endpoint: "contoso.com" }, { order: 2, behavior: "Deny", endpoint: "*" }],
        },
      ],
      nonBusinessConnectors: [],
      blockedConnectors: [{ id: "/providers/Microsoft.PowerApps/apis/shared_dropbox" }],
      customConnectorUrlPatterns: [{ order: 1, hostUrlPattern: "*", dataGroup: "Ignore" }],
    });
  });

  test.each([
    ["displayName", { displayName: "" }, "displayName is required"],
    ["environmentType", { environmentType: "AllEnvironment" }, "did you mean AllEnvironments?"],
    ["environments", { environmentType: "AllEnvironments" }, "must be empty when environmentType is AllEnvironments"],
    ["environments", { environments: [] }, "at least one environment id"],
    ["environments[0]", { environments: ["sales"] }, "must be an environment id"],
    ["environments[1]", { environments: [ENV, ENV.toUpperCase()] }, "is listed twice"],
    ["defaultConnectorsClassification", { defaultConnectorsClassification: "Confidential" }, "must be one of Business, NonBusiness, Blocked"],
    ["businessConnectors[0]", { businessConnectors: ["shared sql"] }, "must be a connector name like shared_sql"],
    ["blockedConnectors[0]", { blockedConnectors: ["/providers/Microsoft.PowerApps/apis/shared_sharepointonline"] }, "already listed at businessConnectors[0]: a connector belongs to one group"],
    ["businessConnectors[1].actionRules[0].behavior", { businessConnectors: ["shared_teams", { id: "shared_sql", actionRules: [{ actionId: "X", behavior: "Deny" }] }] }, "must be one of Allow, Block"],
    ["businessConnectors[0].endpointRules[1].order", { businessConnectors: [{ id: "shared_sql", endpointRules: [{ order: 1, behavior: "Deny", endpoint: "*" }, { order: 1, behavior: "Allow", endpoint: "a" }] }] }, "used by another endpoint rule"],
    ["businessConnectors[0].actionRule", { businessConnectors: [{ id: "shared_sql", actionRule: [] }] }, "did you mean businessConnectors[0].actionRules?"],
    ["customConnectorUrlPatterns[0].dataGroup", { customConnectorUrlPatterns: [{ order: 1, hostUrlPattern: "*", dataGroup: "Confidential" }] }, "must be one of Business, NonBusiness, Blocked, Ignore"],
    ["customConnectorUrlPatterns[0].order", { customConnectorUrlPatterns: [{ order: 0, hostUrlPattern: "*", dataGroup: "Ignore" }] }, "whole number from 1"],
    ["blockConnectors", { blockConnectors: [] }, "did you mean blockedConnectors?"],
    ["protect", { protect: true }, "is a resource option"],
    ["adoptId", { adoptId: "x" }, "must be a GUID"],
  ])("names the bad field %s", async (property, change, reason) => {
    const { inputs, failures } = await check({ ...valid(), ...change });
    expect(inputs).toBeUndefined();
    expect(failures).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringContaining(reason) })]));
  });

  test("the default environment keeps its Default- prefix", async () => {
    const { inputs } = await check({ ...valid(), environments: ["default-AAAAAAAA-1111-2222-3333-444444444444", ENV] });
    expect(inputs!.environments).toEqual(["11111111-aaaa-bbbb-cccc-000000000001", "Default-aaaaaaaa-1111-2222-3333-444444444444"].sort());
  });

  test("values not known at preview pass through", async () => {
    const { inputs, failures } = await check({ ...valid(), environments: [unknownValue], businessConnectors: unknownValue });
    expect(failures).toBeUndefined();
    expect(inputs!.environments).toEqual([unknownValue]);
    expect(inputs!.businessConnectors).toBe(unknownValue);
  });
});

describe("DataLossPreventionPolicy diff", () => {
  const outputs = async () => ({ ...((await check(valid())).inputs as DataLossPreventionPolicyInputs), policyId: "p1", lastModifiedTime: "t" });

  test("another order of connectors, rules and environments is no change", async () => {
    const reordered = { ...valid(), businessConnectors: [...(valid().businessConnectors as unknown[])].reverse(), environments: [ENV] };
    const news = (await check(reordered)).inputs!;
    expect(await dataLossPreventionPolicyHandler.diff("p1", await outputs(), news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test.each([
    ["displayName", { displayName: "Other" }],
    ["environmentType", { environmentType: "ExceptEnvironments" }],
    ["blockedConnectors", { blockedConnectors: ["shared_ftp"] }],
    ["customConnectorUrlPatterns", { customConnectorUrlPatterns: [{ order: 1, hostUrlPattern: "*", dataGroup: "Blocked" }] }],
  ])("%s updates in place", async (property, change) => {
    const news = (await check({ ...valid(), ...change })).inputs!;
    expect(changedDlpProperties(await outputs(), news)).toEqual([property]);
    expect(await dataLossPreventionPolicyHandler.diff("p1", await outputs(), news)).toMatchObject({ changes: true, replaces: [] });
  });

  test("the order of keys inside connectors and patterns changes nothing (the engine sorts them; a policy read back has them in mapping order)", async () => {
    const read = await outputs();
    const sortKeys = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(sortKeys) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])) : v;
    const fromEngine = sortKeys(read) as DataLossPreventionPolicyInputs;
    expect(JSON.stringify(fromEngine.customConnectorUrlPatterns)).not.toBe(JSON.stringify(read.customConnectorUrlPatterns));
    expect(changedDlpProperties(read, fromEngine)).toEqual([]);
  });

  test("adoptId alone changes nothing", async () => {
    const news = (await check({ ...valid(), adoptId: "22222222-aaaa-bbbb-cccc-000000000002" })).inputs!;
    expect(await dataLossPreventionPolicyHandler.diff("p1", await outputs(), news)).toMatchObject({ changes: false });
  });
});

describe("DataLossPreventionPolicy wire mapping", () => {
  test("the body a declaration sends reads back as the same declaration", async () => {
    const inputs = (await check(valid())).inputs!;
    const body = dlpPolicyBody(inputs, "p1");
    expect(body.policyDefinition.connectorGroups.map((g) => g.classification)).toEqual(["Confidential", "General", "Blocked"]);
    expect(body.policyDefinition.defaultConnectorsClassification).toBe("Blocked");
    expect(body.policyDefinition.environments).toEqual([
      { id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${ENV}`, name: ENV, type: "Microsoft.BusinessAppPlatform/scopes/environments" },
    ]);
    const back = dlpPolicyOutputsFrom({ ...body, policyDefinition: { ...body.policyDefinition, name: "p1" } });
    expect(changedDlpProperties(back, inputs)).toEqual([]);
  });

  test("no rules: no connectorConfigurationsDefinition in the body", async () => {
    const inputs = (await check({ displayName: "x", environmentType: "AllEnvironments" })).inputs!;
    expect(dlpPolicyBody(inputs)).not.toHaveProperty("connectorConfigurationsDefinition");
  });
});

describe("connectors the tenant does not have", () => {
  test("are field errors naming the property and the nearest connector", async () => {
    const inputs = (await check(valid())).inputs!;
    const known = ["shared_sharepointonline", "shared_sql", "shared_dropbox1"].map((n) => `/providers/Microsoft.PowerApps/apis/${n}`);
    expect(unknownConnectorFailures(inputs, known)).toEqual([
      { property: "blockedConnectors[0]", reason: expect.stringContaining("names connector /providers/Microsoft.PowerApps/apis/shared_dropbox, which this tenant does not have (did you mean shared_dropbox1?)") },
    ]);
  });

  test("only the ones asked about are checked (connectors new to the declaration)", async () => {
    const inputs = (await check(valid())).inputs!;
    expect(unknownConnectorFailures(inputs, [], new Set(["/providers/microsoft.powerapps/apis/shared_sql"]))).toHaveLength(1);
  });
});
