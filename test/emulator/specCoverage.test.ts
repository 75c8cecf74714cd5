/**
 * The emulator serves every operation of both OpenAPI specs (kept in the repository, in
 * test/conformance/specs: a missing spec fails the test) and the
 * field-observed operations of DESIGN.md §3: each one matches a route.
 */
import { parse } from "yaml";
import { specText } from "../conformance/recordings";
import { match } from "./http";
import { bapRoutes } from "./surfaces/bap";
import { flowRoutes } from "./surfaces/flow";
import { powerPlatformRoutes } from "./surfaces/powerplatform";

const routes = [...powerPlatformRoutes, ...bapRoutes, ...flowRoutes];
const methods = ["get", "post", "put", "patch", "delete"];

function operationsOf(spec: { paths: Record<string, Record<string, unknown>> }): Array<[string, string]> {
  return Object.entries(spec.paths).flatMap(([p, item]) =>
    Object.keys(item)
      .filter((m) => methods.includes(m))
      .map((m): [string, string] => [m.toUpperCase(), p]),
  );
}

const specOperations: Array<[string, string]> = [
  ...operationsOf(JSON.parse(specText("power-platform-api.openapi.json"))),
  ...operationsOf(parse(specText("power-automate-management-api.openapi.yaml"))),
];

const admin = "/providers/Microsoft.ProcessSimple/scopes/admin/environments/{env}";
const fieldOperations: Array<[string, string]> = [
  ["PUT", "/licensing/billingPolicies/{id}"],
  ["GET", "/licensing/billingPolicies/{id}/environments"],
  ["POST", "/licensing/billingPolicies/{id}/environments/add"],
  ["POST", "/licensing/billingPolicies/{id}/environments/remove"],
  ["GET", "/licensing/environments/{env}/billingPolicy"],
  ["POST", "/providers/Microsoft.BusinessAppPlatform/environments"],
  ["PATCH", "/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/{env}"],
  ["GET", "/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/{op}"],
  ["GET", `${admin}/v2/flows`],
  ["GET", `${admin}/flows/{flow}`],
  ["PATCH", `${admin}/flows/{flow}`],
  ["DELETE", `${admin}/flows/{flow}`],
  ["POST", `${admin}/flows/{flow}/start`],
  ["POST", `${admin}/flows/{flow}/stop`],
  ["GET", `${admin}/flows/{flow}/permissions`],
  ["POST", `${admin}/flows/{flow}/modifyPermissions`],
];

const concrete = (p: string) => p.replace(/\{[^}]+\}/g, "x1000000-0000-4000-8000-000000000001");

describe("the emulator's surface", () => {
  test("both specs were read (31 operations)", () => {
    expect(specOperations.length).toBe(31);
  });

  test.each([...specOperations, ...fieldOperations])("%s %s is served", (method, p) => {
    expect(match(routes, method, concrete(p)).route).toBeDefined();
  });
});
