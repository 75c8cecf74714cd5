/**
 * During a preview, inputs computed by resources not created yet reach `check` as the
 * engine's unknown sentinel. No resource may refuse them: they are checked at apply.
 */
import { applicationInstallHandler } from "../../../provider/resources/applicationInstall";
import { billingPolicyHandler } from "../../../provider/resources/billingPolicy";
import { billingPolicyEnvironmentHandler } from "../../../provider/resources/billingPolicyEnvironment";
import { environmentHandler } from "../../../provider/resources/environment";
import { flowHandler } from "../../../provider/resources/flow";
import { flowOwnersHandler } from "../../../provider/resources/flowOwners";
import { flowStateHandler } from "../../../provider/resources/flowState";
import type { ResourceHandler } from "../../../provider/resources/handler";
import { unknownValue } from "../../../provider/resources/validation";

const env = "e1000000-0000-4000-8000-000000000001";
const flow = "f1000000-0000-4000-8000-000000000001";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const valid: Array<[string, ResourceHandler<any, any>, Record<string, unknown>]> = [
  ["BillingPolicy", billingPolicyHandler, { name: "n", location: "europe", status: "Enabled", billingInstrument: { subscriptionId: env, resourceGroup: "rg" } }],
  [
    "Environment",
    environmentHandler,
    { displayName: "d", description: "x", location: "europe", environmentSku: "Sandbox", dataverse: { languageCode: 1033, currencyCode: "EUR", domainName: "contoso", templates: ["D365_Sales"] } },
  ],
  ["BillingPolicyEnvironment", billingPolicyEnvironmentHandler, { billingPolicyId: env, environmentId: env }],
  ["ApplicationInstall", applicationInstallHandler, { environmentId: env, uniqueName: "X", operationTimeoutMinutes: 5 }],
  ["Flow", flowHandler, { environmentId: env, displayName: "d", definition: { triggers: { manual: {} }, actions: {} }, state: "Started" }],
  ["FlowState", flowStateHandler, { environmentId: env, flowId: flow, state: "Started" }],
  ["FlowOwners", flowOwnersHandler, { environmentId: env, flowId: flow, owners: [{ principalId: env, principalType: "User", role: "CanView" }] }],
];

/** Every path to a leaf or object of the inputs: each gets replaced by the sentinel in turn. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object") return [prefix];
  const children = Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => paths(v, [...prefix, k]));
  return prefix.length === 0 ? children : [prefix, ...children];
}

function withUnknownAt(inputs: Record<string, unknown>, at: string[]): Record<string, unknown> {
  const copy = structuredClone(inputs);
  let node = copy as Record<string, unknown>;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[at[at.length - 1]!] = unknownValue;
  return copy;
}

describe.each(valid)("%s", (_kind, handler, inputs) => {
  test("the valid inputs pass", async () => {
    expect((await handler.check({}, inputs)).failures ?? []).toEqual([]);
  });

  test.each(paths(inputs).map((p) => [p.join(".")]))("an unknown %s passes", async (at) => {
    const result = await handler.check({}, withUnknownAt(inputs, at.split(".")));
    expect(result.failures ?? []).toEqual([]);
  });
});
