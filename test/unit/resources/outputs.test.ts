/**
 * Every output a resource class declares resolves, even when the optional input of the
 * same name is left out (Pulumi wires up only the keys a resource registers).
 */
import * as pulumi from "@pulumi/pulumi";

pulumi.runtime.setMocks(
  {
    newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, computed: "yes" } }),
    call: () => ({}),
  },
  "project",
  "stack",
  false,
);

// Loaded after the mocks are in place.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pp = require("../../../provider") as typeof import("../../../provider");

const env = "e1000000-0000-4000-8000-000000000001";
const flow = "f1000000-0000-4000-8000-000000000001";

const minimal: Array<[string, pulumi.CustomResource, string[]]> = [
  [
    "BillingPolicy",
    new pp.BillingPolicy("bp", { name: "n", location: "europe", billingInstrument: { subscriptionId: env, resourceGroup: "rg" } }),
    ["billingPolicyId", "status", "billingInstrumentId", "createdOn"],
  ],
  [
    "Environment",
    new pp.Environment("env", { displayName: "d", location: "europe", environmentSku: "Sandbox" }),
    ["environmentId", "description", "azureRegion", "securityGroupId", "dataverse", "state"],
  ],
  ["BillingPolicyEnvironment", new pp.BillingPolicyEnvironment("link", { billingPolicyId: env, environmentId: env }), ["billingPolicyId"]],
  ["ApplicationInstall", new pp.ApplicationInstall("app", { environmentId: env, uniqueName: "X" }), ["operationTimeoutMinutes", "state", "operationUrl"]],
  ["Flow", new pp.Flow("flow", { environmentId: env, displayName: "d", definition: { triggers: {} } }), ["flowId", "connectionReferences", "state"]],
  ["FlowState", new pp.FlowState("state", { environmentId: env, flowId: flow, state: "Started" }), ["initialState", "flowDisplayName"]],
  ["FlowOwners", new pp.FlowOwners("owners", { environmentId: env, flowId: flow, owners: [] }), ["creatorId", "ignoredOwners", "principalRoles"]],
];

describe.each(minimal)("%s", (kind, resource, outputs) => {
  test("registers with its type token and static __pulumiType", async () => {
    const urn = await new Promise<string>((resolve) => resource.urn.apply(resolve));
    const cls = (pp as unknown as Record<string, { __pulumiType: string }>)[kind];
    expect(cls.__pulumiType).toBe(`pulumi-nodejs:dynamic/powerplatform:${kind}`);
    expect(urn).toContain(`::pulumi-nodejs:dynamic/powerplatform:${kind}::`);
  });

  test.each(outputs)("output %s is wired even when not declared", (name) => {
    expect(pulumi.Output.isInstance((resource as unknown as Record<string, unknown>)[name])).toBe(true);
  });
});
