// A minimal Dataverse Web API (v9.2) per environment with Dataverse, reached at the
// environment's instance URL (`https://{domain}.crm.localhost:PORT` in default mode,
// `https://{domain}.crm4.dynamics.com` through the proxy): only what Microsoft's tools
// read to learn an environment's currency (the BAP environment does not report it):
//   GET /api/data/v9.2/organizations            → {"value":[{"_basecurrencyid_value": …}]}
//   GET /api/data/v9.2/transactioncurrencies    → {"value":[{"isocurrencycode":"PLN"}]}
//   GET /api/data/v9.2/transactioncurrencies({id})
// Requests as microsoft/terraform-provider-power-platform sends them
// (internal/services/environment/api_environment.go GetDefaultCurrencyForEnvironment;
// recorded tests/resource/Validate_Create_And_Force_Recreate/get_transactioncurrencies_*.json).
// `$select` and a `$filter` of the form `<column> eq <value>` are honoured. The token
// must be for the instance URL's audience (checked by the server before this runs).
import { Ctx, Route, ok, err, compile, hostOf } from "../http";
import type { Obj } from "../state";

const S = "dataverse" as const;
const API = "/api/data/v9.2";

/** The environment whose Dataverse lives at the called host (`{domain}.crm….`): first DNS label = domain name. */
export function environmentOfInstanceHost(ctx: Pick<Ctx, "req" | "baseUrl" | "state">): Obj | undefined {
  const label = hostOf(ctx).split(".")[0];
  if (!label) return undefined;
  return Object.values(ctx.state.environments).find(
    (e) => e._dataverse && e.properties.linkedEnvironmentMetadata?.domainName?.toLowerCase() === label && !(e._dataverseMissingReads > 0),
  );
}

function org(ctx: Ctx): Obj {
  return environmentOfInstanceHost(ctx) ?? err(404, "0x80040217", `No Dataverse organization is served at ${hostOf(ctx)}.`);
}

const etag = (s: string) => `W/"${parseInt(s.replace(/[^0-9a-f]/gi, "").slice(0, 8), 16) % 10_000_000}"`;

/** Applies `$select` (always keeping the primary key, as Dataverse does) and adds the OData etag. */
function project(row: Obj, key: string, select: string | null): Obj {
  const cols = select ? select.split(",").map((c) => c.trim().toLowerCase()).filter(Boolean) : undefined;
  const out: Obj = { "@odata.etag": etag(String(row[key])) };
  for (const [k, v] of Object.entries(row)) if (!cols || cols.includes(k) || k === key) out[k] = v;
  return out;
}

function filtered(rows: Obj[], filter: string | null): Obj[] {
  if (!filter) return rows;
  const m = /^\s*([a-z_]+)\s+eq\s+'?([^']+?)'?\s*$/i.exec(filter);
  if (!m) err(400, "0x80060888", `The $filter '${filter}' is not supported by the emulator (only '<column> eq <value>').`);
  return rows.filter((r) => String(r[m![1].toLowerCase()] ?? "").toLowerCase() === m![2].toLowerCase());
}

const collection = (ctx: Ctx, entitySet: string, rows: Obj[], key: string) =>
  ok({ "@odata.context": `https://${hostOf(ctx)}${API}/$metadata#${entitySet}`, value: filtered(rows, ctx.query.get("$filter")).map((r) => project(r, key, ctx.query.get("$select"))) });

const organizations = (ctx: Ctx) => {
  const env = org(ctx);
  const d = env._dataverse;
  return collection(ctx, "organizations", [{ organizationid: d.organizationId, name: env.properties.linkedEnvironmentMetadata.uniqueName, _basecurrencyid_value: d.baseCurrencyId, languagecode: env.properties.linkedEnvironmentMetadata.baseLanguage }], "organizationid");
};
const currencies = (ctx: Ctx) => collection(ctx, "transactioncurrencies", org(ctx)._dataverse.currencies, "transactioncurrencyid");
const currency = (ctx: Ctx, key: string) => {
  const id = key.toLowerCase();
  const row = (org(ctx)._dataverse.currencies as Obj[]).find((c) => c.transactioncurrencyid === id);
  if (!row) err(404, "0x80040217", `transactioncurrency With Id = ${id} Does Not Exist`);
  return ok(project(row!, "transactioncurrencyid", ctx.query.get("$select")));
};

const R = (method: string, template: string, handler: Route["handler"]): Route => compile({ method, template, surface: S, admin: false, handler });

/** `/api/data/v9.2/{entitySet}` or `{entitySet}({key})`. */
const entity = (ctx: Ctx) => {
  const m = /^([a-z_]+)(?:\(([0-9a-f-]{36})\))?$/i.exec(ctx.params.entitySet);
  const set = m?.[1]?.toLowerCase();
  if (set === "organizations" && !m![2]) return organizations(ctx);
  if (set === "transactioncurrencies") return m![2] ? currency(ctx, m![2]) : currencies(ctx);
  return err(404, "0x80060888", `Resource not found for the segment '${ctx.params.entitySet}'.`);
};

export const dataverseRoutes: Route[] = [R("GET", `${API}/{entitySet}`, entity)];
