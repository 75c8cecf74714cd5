import { environmentHandler, skuChangesInPlace, type EnvironmentOutputs } from "../../../provider/resources/environment";

const GROUP = "AAAAAAAA-1111-2222-3333-444444444444";
const valid = (): Record<string, unknown> => ({
  displayName: "Contoso Sales",
  description: "Sales team",
  location: "europe",
  environmentSku: "Sandbox",
  azureRegion: "WestEurope",
  securityGroupId: GROUP,
  dataverse: { languageCode: 1033, currencyCode: "EUR", domainName: "Contoso-Sales", templates: ["D365_Sales"] },
});

describe("Environment check", () => {
  test("accepts valid input and normalizes region, domain and security group", async () => {
    const result = await environmentHandler.check({}, valid());
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toEqual({
      displayName: "Contoso Sales",
      description: "Sales team",
      location: "europe",
      environmentSku: "Sandbox",
      azureRegion: "westeurope",
      securityGroupId: "aaaaaaaa-1111-2222-3333-444444444444",
      dataverse: {
        languageCode: 1033,
        currencyCode: "EUR",
        domainName: "contoso-sales",
        securityGroupId: "aaaaaaaa-1111-2222-3333-444444444444",
        templates: ["D365_Sales"],
      },
    });
  });

  test("applies the Dataverse defaults and an empty description", async () => {
    const result = await environmentHandler.check({}, { displayName: "d", location: "unitedstates", environmentSku: "Production", dataverse: {} });
    expect(result.inputs).toEqual({ displayName: "d", description: "", location: "unitedstates", environmentSku: "Production", dataverse: { languageCode: 1033, currencyCode: "USD" } });
  });

  test.each([
    ["displayName", { displayName: "" }, "displayName is required"],
    ["displayName", { displayName: " padded " }, "must not start or end with spaces"],
    ["location", { location: "atlantis" }, "location must be one of"],
    ["environmentSku", { environmentSku: "Default" }, "environmentSku must be one of Production, Sandbox, Trial, Developer"],
    ["environmentSku", { environmentSku: undefined }, "environmentSku is required"],
    ["azureRegion", { azureRegion: "west europe" }, "Azure region name"],
    ["securityGroupId", { securityGroupId: "group" }, "securityGroupId must be a GUID"],
    ["securityGroupId", { dataverse: undefined }, "declare dataverse too"],
    ["dataverse", { dataverse: "yes" }, "dataverse must be an object"],
    ["dataverse.languageCode", { dataverse: { languageCode: "en-US" } }, "positive integer LCID"],
    ["dataverse.currencyCode", { dataverse: { currencyCode: "euro" } }, "3-letter ISO currency code"],
    ["dataverse.domainName", { dataverse: { domainName: "contoso_sales" } }, "letters, digits and hyphens"],
    ["dataverse.domainName", { dataverse: { domainName: "x".repeat(64) } }, "at most 63 characters"],
    ["dataverse.securityGroupId", { dataverse: { securityGroupId: "bbbbbbbb-1111-2222-3333-444444444444" } }, "name the same setting and differ"],
    ["dataverse.templates", { dataverse: { templates: ["ok", ""] } }, "list of template names"],
    ["adoptId", { adoptId: "env-1" }, "adoptId must be a GUID"],
  ])("names the bad field %s", async (property, change, reason) => {
    const result = await environmentHandler.check({}, { ...valid(), ...change });
    expect(result.inputs).toBeUndefined();
    expect(result.failures).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringContaining(reason) })]));
  });

  test("reports every bad field at once", async () => {
    const result = await environmentHandler.check({}, { displayName: "", location: "x", environmentSku: "Teams", dataverse: { currencyCode: "e" } });
    expect(result.failures?.map((f) => f.property).sort()).toEqual(["dataverse.currencyCode", "displayName", "environmentSku", "location"]);
  });
});

describe("Environment diff", () => {
  const olds: EnvironmentOutputs = {
    displayName: "Contoso Sales",
    description: "Sales team",
    location: "europe",
    environmentSku: "Sandbox",
    azureRegion: "westeurope",
    securityGroupId: "aaaaaaaa-1111-2222-3333-444444444444",
    dataverse: {
      languageCode: 1033,
      currencyCode: "EUR",
      domainName: "contoso-sales",
      securityGroupId: "aaaaaaaa-1111-2222-3333-444444444444",
      templates: ["D365_Sales"],
      instanceUrl: "https://contoso-sales.crm4.dynamics.com/",
      version: "9.2",
    },
    environmentId: "e1",
    provisioningState: "Succeeded",
    state: "Ready",
    createdTime: "2026-01-01T00:00:00Z",
  };
  const news = async (change: Record<string, unknown> = {}) => (await environmentHandler.check({}, { ...valid(), ...change })).inputs!;
  const dv = (change: Record<string, unknown>) => ({ dataverse: { ...(valid().dataverse as object), ...change } });

  test("no change", async () => {
    expect(await environmentHandler.diff("e1", olds, await news())).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test("the inputs read back from the outputs show no change (refresh right after up)", async () => {
    // What read returns as inputs: the outputs less what only the service computes (check refuses unknown names).
    const { environmentId: _id, provisioningState: _p, state: _s, createdTime: _c, dataverse, ...inputs } = olds;
    const { instanceUrl: _u, version: _v, ...dataverseInputs } = dataverse!;
    const read = (await environmentHandler.check({}, { ...inputs, dataverse: dataverseInputs })).inputs!;
    expect(await environmentHandler.diff("e1", olds, read)).toMatchObject({ changes: false });
  });

  test.each([
    ["displayName", { displayName: "Renamed" }],
    ["description", { description: "" }],
    ["securityGroupId", { securityGroupId: "bbbbbbbb-1111-2222-3333-444444444444" }],
    ["securityGroupId removed", { securityGroupId: undefined }],
    ["Sandbox → Production", { environmentSku: "Production" }],
    ["dataverse.domainName", dv({ domainName: "contoso-sales-2" })],
    ["azureRegion left to the service", { azureRegion: undefined }],
  ])("%s updates in place", async (_name, change) => {
    const result = await environmentHandler.diff("e1", olds, await news(change));
    expect(result.replaces).toEqual([]);
    expect(result.deleteBeforeReplace).toBe(false);
    expect(result.changes).toBe(_name !== "azureRegion left to the service");
  });

  test("an undeclared domain name keeps the generated one", async () => {
    const result = await environmentHandler.diff("e1", olds, await news(dv({ domainName: undefined })));
    expect(result).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test.each([
    ["location", { location: "asia", azureRegion: undefined }],
    ["environmentSku", { environmentSku: "Developer" }],
    ["environmentSku", { environmentSku: "Trial" }],
    ["azureRegion", { azureRegion: "northeurope" }],
    ["dataverse", { dataverse: undefined, securityGroupId: undefined }],
    ["dataverse.languageCode", dv({ languageCode: 1036 })],
    ["dataverse.currencyCode", dv({ currencyCode: "USD" })],
    ["dataverse.templates", dv({ templates: ["D365_CustomerService"] })],
  ])("%s replaces", async (field, change) => {
    const result = await environmentHandler.diff("e1", olds, await news(change));
    expect(result).toMatchObject({ changes: true, replaces: [field] });
  });

  test("a replacement that keeps the declared domain name deletes first (the name is unique in the tenant)", async () => {
    expect(await environmentHandler.diff("e1", olds, await news({ location: "asia", azureRegion: undefined }))).toMatchObject({ deleteBeforeReplace: true });
    expect(await environmentHandler.diff("e1", olds, await news({ location: "asia", azureRegion: undefined, ...dv({ domainName: "contoso-asia" }) }))).toMatchObject({
      deleteBeforeReplace: false,
    });
    expect(await environmentHandler.diff("e1", olds, await news({ location: "asia", azureRegion: undefined, ...dv({ domainName: undefined }) }))).toMatchObject({
      deleteBeforeReplace: false,
    });
  });

  test("adding Dataverse replaces", async () => {
    const { dataverse: _d, securityGroupId: _s, ...plain } = olds;
    const result = await environmentHandler.diff("e1", plain as EnvironmentOutputs, await news());
    expect(result).toMatchObject({ changes: true, replaces: ["dataverse"] });
  });
});

describe("environment type conversions", () => {
  test.each([
    ["Sandbox", "Production", true],
    ["Production", "Sandbox", true],
    ["Trial", "Production", true],
    ["Trial", "Sandbox", false],
    ["Developer", "Production", false],
    ["Production", "Trial", false],
    ["Sandbox", "Developer", false],
  ])("%s → %s in place: %s", (from, to, expected) => {
    expect(skuChangesInPlace(from, to)).toBe(expected);
  });
});
