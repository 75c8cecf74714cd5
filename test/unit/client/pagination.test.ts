import { collectPages, nextLinkOf } from "../../../provider/client/pagination";
import { harness, json } from "./helpers";

const policy = (id: string) => ({ id, name: id, status: "Enabled", location: "europe", billingInstrument: { subscriptionId: "s", resourceGroup: "rg" } });

describe("pagination", () => {
  test("follows @odata.nextLink on the same host and concatenates value arrays", async () => {
    const next1 = "https://api.powerplatform.com/licensing/billingPolicies?api-version=2022-03-01-preview&$skiptoken=abc";
    const next2 = "https://api.powerplatform.com/licensing/billingPolicies?api-version=2022-03-01-preview&$skiptoken=def";
    const { client, transport } = harness([
      json(200, { value: [policy("a"), policy("b")], "@odata.nextLink": next1 }),
      json(200, { value: [policy("c")], "@odata.nextLink": next2 }),
      json(200, { value: [policy("d")] }),
    ]);
    const all = await client.billingPolicies.list();
    expect(all.map((p) => p.id)).toEqual(["a", "b", "c", "d"]);
    expect(transport.requests.map((r) => r.url)).toEqual([
      "https://api.powerplatform.com/licensing/billingPolicies?api-version=2022-03-01-preview",
      next1,
      next2,
    ]);
    // api-version is not duplicated on nextLinks
    expect(new URL(transport.requests[1]!.url).searchParams.getAll("api-version")).toHaveLength(1);
  });

  test("a lookup stops at the page holding the item (findInEnvironment)", async () => {
    const pkg = (uniqueName: string, state = "None") => ({ uniqueName, state });
    const base = "https://api.powerplatform.com/appmanagement/environments/env1/applicationPackages?api-version=2022-03-01-preview";
    const { client, transport } = harness([
      json(200, { value: [pkg("A"), pkg("B")], "@odata.nextLink": `${base}&$skiptoken=2` }),
      json(200, { value: [pkg("Wanted", "Installed"), pkg("C")], "@odata.nextLink": `${base}&$skiptoken=3` }),
      json(200, { value: [pkg("D")] }),
    ]);
    const found = await client.applicationPackages.findInEnvironment("env1", "wanted");
    expect(found).toMatchObject({ uniqueName: "Wanted", state: "Installed" });
    expect(transport.requests).toHaveLength(2);
  });

  test("refuses a nextLink to another host (no token sent there)", async () => {
    const { client, transport } = harness([json(200, { value: [policy("a")], "@odata.nextLink": "https://attacker.example.net/steal?x=1" })]);
    await expect(client.billingPolicies.list()).rejects.toThrow(/another host/);
    expect(transport.requests).toHaveLength(1);
  });

  test("refuses a nextLink with another port or scheme", () => {
    expect(() => nextLinkOf({ "@odata.nextLink": "http://api.powerplatform.com/x" }, "https://api.powerplatform.com")).toThrow(/another host/);
    expect(() => nextLinkOf({ "@odata.nextLink": "https://api.powerplatform.com:8443/x" }, "https://api.powerplatform.com")).toThrow(/another host/);
    expect(nextLinkOf({ "@odata.nextLink": null }, "https://api.powerplatform.com")).toBeUndefined();
  });

  test("stops at the maximum page count", async () => {
    let n = 0;
    const page = () => ({ value: [n], "@odata.nextLink": `https://h.example/p${++n}` });
    await expect(collectPages(page(), async () => page(), { origin: "https://h.example", maxPages: 5 })).rejects.toThrow(/more than 5 pages/);
  });

  test("refuses a nextLink loop", async () => {
    const p = { value: [1], "@odata.nextLink": "https://h.example/same" };
    await expect(collectPages(p, async () => p, { origin: "https://h.example", maxPages: 50 })).rejects.toThrow(/loops/);
  });

  test("204 (no runs) is an empty list", async () => {
    const { client } = harness([{ status: 204, headers: {} }]);
    await expect(client.flowRuns.listForWorkflow("env", "wf")).resolves.toEqual([]);
  });
});
