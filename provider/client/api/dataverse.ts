/**
 * Dataverse Web API (v9.2) of one environment, reached at its instance URL
 * (`linkedEnvironmentMetadata.instanceUrl` of the BAP environment) with a token
 * for that instance's audience (`{instanceUrl}/.default`). Only what the
 * Environment resource needs: the organization's base currency, which the BAP
 * environment does not report.
 *
 * The requests are those of Microsoft's Terraform provider
 * (microsoft/terraform-provider-power-platform internal/services/environment/
 * api_environment.go GetDefaultCurrencyForEnvironment, mocked in
 * resource_environment_test.go): `GET {instanceUrl}/api/data/v9.2/organizations`
 * → `{"value":[{"_basecurrencyid_value": …}]}`, then
 * `GET …/transactioncurrencies?$filter=transactioncurrencyid eq {id}` →
 * `{"value":[{"isocurrencycode":"PLN"}]}` (recorded
 * tests/resource/Validate_Create_And_Force_Recreate/get_transactioncurrencies_*.json).
 * We add `$select` so only those columns travel.
 */
import { UnexpectedResponseError } from "../errors";
import type { ApiContext, CallOptions } from "./common";

export const DATAVERSE_API_PATH = "/api/data/v9.2";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `https://org.crm4.dynamics.com/` → `https://org.crm4.dynamics.com` (refuses anything but an absolute http(s) URL). */
export function instanceOrigin(instanceUrl: string): string {
  let u: URL;
  try {
    u = new URL(instanceUrl);
  } catch {
    throw new UnexpectedResponseError(`Dataverse instance URL "${instanceUrl}" is not an absolute URL`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new UnexpectedResponseError(`Dataverse instance URL "${instanceUrl}" is not http(s)`);
  return u.origin;
}

function firstRow(data: unknown, what: string): Record<string, unknown> {
  const rows = data && typeof data === "object" ? (data as { value?: unknown }).value : undefined;
  const row = Array.isArray(rows) ? rows[0] : undefined;
  if (!row || typeof row !== "object") throw new UnexpectedResponseError(`Dataverse ${what}: the reply has no row`);
  return row as Record<string, unknown>;
}

export function dataverseApi(ctx: ApiContext) {
  const get = (instanceUrl: string, pathAndQuery: string, opts?: CallOptions) =>
    ctx.http.request({
      surface: "dataverse",
      method: "GET",
      url: `${instanceOrigin(instanceUrl)}${DATAVERSE_API_PATH}${pathAndQuery}`,
      expect: [200],
      signal: opts?.signal,
      correlationId: opts?.correlationId,
      headers: { "OData-MaxVersion": "4.0", "OData-Version": "4.0" },
    });

  return {
    /** The organization's base currency id (`_basecurrencyid_value`). */
    async baseCurrencyId(instanceUrl: string, opts?: CallOptions): Promise<string> {
      const r = await get(instanceUrl, "/organizations?$select=_basecurrencyid_value", opts);
      const id = firstRow(r.data, "organizations")._basecurrencyid_value;
      if (typeof id !== "string" || !GUID.test(id)) throw new UnexpectedResponseError(`Dataverse organizations: "_basecurrencyid_value" is missing or not a GUID`);
      return id;
    },

    /** The ISO code of a transaction currency. */
    async currencyCode(instanceUrl: string, transactionCurrencyId: string, opts?: CallOptions): Promise<string> {
      if (!GUID.test(transactionCurrencyId)) throw new UnexpectedResponseError(`Dataverse currency id "${transactionCurrencyId}" is not a GUID`);
      const r = await get(instanceUrl, `/transactioncurrencies?$select=isocurrencycode&$filter=${encodeURIComponent(`transactioncurrencyid eq ${transactionCurrencyId}`)}`, opts);
      const code = firstRow(r.data, "transactioncurrencies").isocurrencycode;
      if (typeof code !== "string" || code === "") throw new UnexpectedResponseError(`Dataverse transactioncurrencies: "isocurrencycode" is missing`);
      return code;
    },

    /** The base currency's ISO code (two reads). */
    async baseCurrencyCode(instanceUrl: string, opts?: CallOptions): Promise<string> {
      return this.currencyCode(instanceUrl, await this.baseCurrencyId(instanceUrl, opts), opts);
    },
  };
}

export type DataverseApi = ReturnType<typeof dataverseApi>;
