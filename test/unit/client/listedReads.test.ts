import type { TransportRequest } from "../../../provider/client/transport";
import { scopesWrittenBy } from "../../../provider/client/listedReads";
import { resolveConfig } from "../../../provider/client/config";
import { readConfirmingGone } from "../../../provider/resources/confirmGone";
import { NotFoundUnconfirmedError } from "../../../provider/client/lookup";
import { harness, json } from "./helpers";

const E1 = "e1000000-0000-4000-8000-000000000001";
const E2 = "e2000000-0000-4000-8000-000000000002";
const flowId = (n: number) => `f0000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const flow = (env: string, n: number, state = "Started") => ({
  name: flowId(n),
  id: `/providers/Microsoft.ProcessSimple/environments/${env}/flows/${flowId(n)}`,
  type: "Microsoft.ProcessSimple/environments/flows",
  properties: { displayName: `Flow ${n}`, state },
});

/** A tenant behind the fake transport: flows per environment (2 per page), other flows only by GET. */
function tenant(readCacheMs?: number) {
  const flows: Record<string, Array<ReturnType<typeof flow>>> = {
    [E1]: [flow(E1, 1), flow(E1, 2, "Stopped"), flow(E1, 3)],
    [E2]: [flow(E2, 4)],
  };
  const h = harness([], { safety: { notFoundConfirmMs: 5000 }, ...(readCacheMs !== undefined ? { readCacheMs } : {}) });
  const log: string[] = [];
  /** Flows whose GET answers 404 while lists still have them (an eventually consistent service). */
  const hiddenFromGet = new Set<string>();
  h.transport.router = (req: TransportRequest) => {
    const u = new URL(req.url);
    log.push(`${req.method} ${u.pathname}${u.searchParams.has("$skiptoken") ? " (page 2)" : ""}`);
    const list = /\/scopes\/admin\/environments\/([^/]+)\/v2\/flows$/.exec(u.pathname);
    if (list && req.method === "GET") {
      const all = flows[decodeURIComponent(list[1]!)] ?? [];
      const skip = u.searchParams.has("$skiptoken") ? 2 : 0;
      const next = skip + 2 < all.length ? { "@odata.nextLink": `${u.origin}${u.pathname}?api-version=2016-11-01&$skiptoken=2` } : {};
      return json(200, { value: all.slice(skip, skip + 2), ...next });
    }
    const one = /\/scopes\/admin\/environments\/([^/]+)\/flows\/([^/]+)(\/(start|stop))?$/.exec(u.pathname);
    if (one) {
      if (one[4]) return json(200, {});
      const found = Object.values(flows).flat().find((f) => f.name === decodeURIComponent(one[2]!) && !hiddenFromGet.has(f.name));
      return found ? json(200, found) : json(404, { error: { code: "FlowNotFound", message: "The flow could not be found." } });
    }
    return new Error(`unexpected ${req.method} ${req.url}`);
  };
  return { ...h, flows, log, hiddenFromGet };
}

describe("reads served from lists", () => {
  test("many flows of an environment cost its list pages, not one GET each", async () => {
    const { client, log } = tenant();
    const read = await Promise.all([1, 2, 3].map((n) => client.reads.flow(E1, flowId(n))));
    expect(read.map((f) => f.properties.state)).toEqual(["Started", "Stopped", "Started"]);
    expect(log).toEqual([
      `GET /providers/Microsoft.ProcessSimple/scopes/admin/environments/${E1}/v2/flows`,
      `GET /providers/Microsoft.ProcessSimple/scopes/admin/environments/${E1}/v2/flows (page 2)`,
    ]);
  });

  test("a flow the list does not have is read by its GET", async () => {
    const { client, flows, log } = tenant();
    await client.reads.flow(E1, flowId(1));
    flows[E1]!.push(flow(E1, 9)); // made after the list was read
    expect((await client.reads.flow(E1, flowId(9))).name).toBe(flowId(9));
    expect(log.slice(2)).toEqual([`GET /providers/Microsoft.ProcessSimple/scopes/admin/environments/${E1}/flows/${flowId(9)}`]);
  });

  test("our own write to a flow makes that flow stale in its list: its next read is its GET; the others are still served by the list", async () => {
    const { client, flows, log } = tenant();
    await client.reads.flow(E1, flowId(1));
    await client.reads.flow(E2, flowId(4));
    await client.flows.stop(E1, flowId(1));
    flows[E1]![0] = flow(E1, 1, "Stopped");
    expect((await client.reads.flow(E1, flowId(1))).properties.state).toBe("Stopped");
    expect((await client.reads.flow(E1, flowId(2))).properties.state).toBe("Stopped");
    await client.reads.flow(E2, flowId(4));
    // One fetch of each list (two pages for E1), the stopped flow's own GET, nothing more.
    expect(log.filter((l) => l.includes("/v2/flows"))).toHaveLength(3);
    expect(log.filter((l) => l.endsWith(`${E1}/flows/${flowId(1)}`))).toEqual([`GET /providers/Microsoft.ProcessSimple/scopes/admin/environments/${E1}/flows/${flowId(1)}`]);
  });

  test("a new flow (the maker POST …/environments/{env}/flows) leaves the list serving the others; the new one is read by its GET", async () => {
    const { client, flows, log, transport } = tenant();
    await client.reads.flow(E1, flowId(1));
    const route = transport.router!;
    transport.router = (req: TransportRequest) => {
      if (req.method === "POST" && new URL(req.url).pathname === `/providers/Microsoft.ProcessSimple/environments/${E1}/flows`) {
        log.push(`POST ${new URL(req.url).pathname}`);
        flows[E1]!.push(flow(E1, 9, "Stopped"));
        return json(201, flow(E1, 9, "Stopped"));
      }
      return route(req);
    };
    await client.flows.create(E1, { properties: { displayName: "Flow 9", state: "Stopped", definition: {} } } as never);
    expect((await client.reads.flow(E1, flowId(2))).properties.state).toBe("Stopped");
    expect((await client.reads.flow(E1, flowId(9))).name).toBe(flowId(9));
    // One fetch of the list (two pages), the create, the new flow's own GET: no second fetch of the list.
    expect(log.filter((l) => l.includes(`${E1}/v2/flows`))).toHaveLength(2);
    expect(log.slice(2)).toEqual([
      `POST /providers/Microsoft.ProcessSimple/environments/${E1}/flows`,
      `GET /providers/Microsoft.ProcessSimple/scopes/admin/environments/${E1}/flows/${flowId(9)}`,
    ]);
  });

  test("a change made by someone else shows once the list expires", async () => {
    const { client, clock, flows } = tenant();
    await client.reads.flow(E2, flowId(4));
    flows[E2]![0] = flow(E2, 4, "Stopped");
    expect((await client.reads.flow(E2, flowId(4))).properties.state).toBe("Started");
    clock.t += client.config.readCacheMs;
    expect((await client.reads.flow(E2, flowId(4))).properties.state).toBe("Stopped");
  });

  test("gone is never concluded from the list: the GET answers 404 twice, after a pause, and a fresh list agrees", async () => {
    const { client, clock, log } = tenant();
    const missing = flowId(77);
    const gone = await readConfirmingGone(
      client,
      `flow ${missing}`,
      () => client.reads.flow(E1, missing),
      async () => (await client.flows.list(E1)).some((f) => f.name === missing),
    );
    expect(gone).toBeUndefined();
    expect(clock.sleeps).toEqual([5000]);
    expect(log.filter((l) => l.endsWith(`/flows/${missing}`))).toHaveLength(2);
  });

  test("a flow the GET says is gone but a fresh list still has is kept (not gone)", async () => {
    const { client, flows, hiddenFromGet } = tenant();
    const ghost = flow(E1, 55);
    await client.reads.flow(E1, flowId(1)); // the cached list was read before the flow showed in lists
    flows[E1]!.push(ghost);
    hiddenFromGet.add(ghost.name);
    await expect(
      readConfirmingGone(
        client,
        `flow ${ghost.name}`,
        () => client.reads.flow(E1, ghost.name),
        async () => (await client.flows.list(E1)).some((f) => f.name === ghost.name),
      ),
    ).rejects.toBeInstanceOf(NotFoundUnconfirmedError);
  });
});

describe("package states", () => {
  test("installed packages of an environment: one short list for all; one not installed is read afresh up to it", async () => {
    const h = harness();
    const seen: string[] = [];
    const catalog = ["A", "B", "C", "D", "E"].map((n, i) => ({ uniqueName: n, state: i < 2 ? "Installed" : i === 2 ? "Installing" : "None" }));
    h.transport.router = (req: TransportRequest) => {
      const u = new URL(req.url);
      const installedOnly = u.searchParams.get("appInstallState") === "Installed";
      const skip = Number(u.searchParams.get("$skiptoken") ?? 0);
      seen.push(`${installedOnly ? "installed" : "all"} from ${skip}`);
      const items = installedOnly ? catalog.filter((p) => p.state === "Installed") : catalog;
      const next = skip + 2 < items.length ? { "@odata.nextLink": `${u.origin}${u.pathname}?api-version=x&$skiptoken=${skip + 2}` } : {};
      return json(200, { value: items.slice(skip, skip + 2), ...next });
    };
    const states = await Promise.all(["A", "b", "C"].map((n) => h.client.reads.packageInEnvironment(E1, n)));
    expect(states.map((p) => p?.state)).toEqual(["Installed", "Installed", "Installing"]);
    expect(seen).toEqual(["installed from 0", "all from 0", "all from 2"]);
  });
});

describe("the cache turned off (POWERPLATFORM_READ_CACHE_SECONDS=0)", () => {
  test("each read is the object's own GET, as without lists", async () => {
    const { client, log } = tenant(0);
    await client.reads.flow(E1, flowId(1));
    await client.reads.flow(E1, flowId(2));
    expect(log).toEqual([1, 2].map((n) => `GET /providers/Microsoft.ProcessSimple/scopes/admin/environments/${E1}/flows/${flowId(n)}`));
  });
});

describe("which writes drop which lists", () => {
  test.each([
    ["flow", `/providers/Microsoft.ProcessSimple/scopes/admin/environments/${E1.toUpperCase()}/flows/x/start`, [`flow:flows:${E1}`]],
    ["flow", `/providers/Microsoft.ProcessSimple/environments/${E1}/flows/x`, [`flow:flows:${E1}`]],
    ["flow", "/providers/Microsoft.ProcessSimple/somethingElse", ["flow"]],
    ["bap", "/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/x", ["bap", "powerplatform:billingLinks"]],
    ["powerplatform", "/licensing/billingPolicies/P1/environments/add", ["powerplatform:billingLinks:p1", "bap:environments"]],
    ["powerplatform", "/licensing/billingPolicies/P1", ["powerplatform:billingPolicies", "powerplatform:billingLinks", "bap:environments"]],
    ["powerplatform", `/appmanagement/environments/${E1}/applicationPackages/Forms/install`, [`powerplatform:packages:${E1}`]],
    ["powerplatform", "/somewhere/else", ["powerplatform"]],
  ] as const)("%s %s", (surface, path, scopes) => {
    expect(scopesWrittenBy(surface, path)).toEqual(scopes);
    expect(scopesWrittenBy(surface, `https://host.example${path}?api-version=1`)).toEqual(scopes);
  });
});

describe("read cache setting", () => {
  test("30 s by default; POWERPLATFORM_READ_CACHE_SECONDS sets it, 0 turns it off; a bad value is refused by name", () => {
    expect(resolveConfig({ env: {} }).readCacheMs).toBe(30_000);
    expect(resolveConfig({ env: { POWERPLATFORM_READ_CACHE_SECONDS: "5" } }).readCacheMs).toBe(5_000);
    expect(resolveConfig({ env: { POWERPLATFORM_READ_CACHE_SECONDS: "0" } }).readCacheMs).toBe(0);
    expect(() => resolveConfig({ env: { POWERPLATFORM_READ_CACHE_SECONDS: "soon" } })).toThrow(/POWERPLATFORM_READ_CACHE_SECONDS/);
  });
});
