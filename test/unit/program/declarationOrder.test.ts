/**
 * The tenant library registers the objects with the longest operations (environments,
 * billing policies) before it even builds the rest, so the engine, which checks
 * registrations one at a time in the order they arrive, starts their creates first
 * (issue 9: in a 200-resource tenant the environments otherwise waited behind 150 flows).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { TenantFile } from "../../../program/tenantFile";

const registered: string[] = [];
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push(`${args.type.split(":").pop()}/${args.name}`);
      return { id: `${args.name}-id`, state: { ...args.inputs, environmentId: `${args.name}-env`, billingPolicyId: `${args.name}-bp` } };
    },
    call: () => ({}),
  },
  "project",
  "stack",
  false,
);

// Loaded after the mocks are in place.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { declareTenant, declareTenantInOrder } = require("../../../program/declareTenant") as typeof import("../../../program/declareTenant");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseTenantFile } = require("../../../program/tenantFile") as typeof import("../../../program/tenantFile");

const demo = parseTenantFile(fs.readFileSync(path.join(__dirname, "..", "..", "..", "tenants", "demo.yaml"), "utf8"), "tenants/demo.yaml");

/** The demo tenant, noting what had reached the engine when the flows section was first read. */
function watched(): { tenant: TenantFile; seenWhenFlowsRead: () => string[] | undefined } {
  let seen: string[] | undefined;
  const tenant = { ...demo };
  Object.defineProperty(tenant, "flows", {
    enumerable: true,
    get: () => {
      seen ??= [...registered];
      return demo.flows;
    },
  });
  return { tenant, seenWhenFlowsRead: () => seen };
}

const longOperations = [
  ...Object.keys(demo.environments).map((key) => `Environment/${key}`),
  ...Object.keys(demo.billingPolicies).map((key) => `BillingPolicy/${key}`),
];

beforeEach(async () => {
  // What an earlier test registered may still be on its way.
  await new Promise((resolve) => setTimeout(resolve, 200));
  registered.length = 0;
});

test("declareTenantInOrder: every environment and billing policy has reached the engine before the flows are built", async () => {
  expect(longOperations.length).toBeGreaterThan(3);
  const { tenant, seenWhenFlowsRead } = watched();
  const declared = await declareTenantInOrder(tenant);
  expect(seenWhenFlowsRead()).toEqual(expect.arrayContaining(longOperations));
  expect(seenWhenFlowsRead()!.some((r) => r.startsWith("FlowState/") || r.startsWith("FlowOwners/"))).toBe(false);
  // The same resources as declareTenant, all of them.
  expect(Object.keys(declared.flowStates)).toEqual(Object.keys(demo.flows).filter((k) => demo.flows[k]!.state));
  expect(Object.keys(declared.environments)).toEqual(Object.keys(demo.environments));
});

test("negative control: declareTenant builds everything before anything is registered", async () => {
  const { tenant, seenWhenFlowsRead } = watched();
  declareTenant(tenant);
  expect(seenWhenFlowsRead()).toEqual([]);
});
