/**
 * The tenant library registers the objects with the longest operations (environments,
 * billing policies) before it even builds the rest, so the engine, which checks
 * registrations one at a time in the order they arrive, starts their creates first
 * (issue 9: in a 200-resource tenant the environments otherwise waited behind 150 flows).
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/** Each registration that reached the engine, with how many flow resources had been built by then. */
const registered: Array<{ resource: string; flowsBuilt: number }> = [];
let flowsBuilt = 0;
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push({ resource: `${args.type.split(":").pop()}/${args.name}`, flowsBuilt });
      return { id: `${args.name}-id`, state: { ...args.inputs, environmentId: `${args.name}-env`, billingPolicyId: `${args.name}-bp` } };
    },
    call: () => ({}),
  },
  "project",
  "stack",
  false,
);

// Loaded after the mocks are in place; the program loads the provider package as built (dist).
/* eslint-disable @typescript-eslint/no-require-imports */
const claims = require("../../../provider/dist/resources/claims") as { claim: (kind: string, ...rest: unknown[]) => void };
const { declareTenant } = require("../../../program/declareTenant") as typeof import("../../../program/declareTenant");
const { declareTenantFromFile } = require("../../../program/declareTenantFromFile") as typeof import("../../../program/declareTenantFromFile");
const { loadTenantFile } = require("../../../program/tenantFile") as typeof import("../../../program/tenantFile");
/* eslint-enable @typescript-eslint/no-require-imports */

const repo = path.join(__dirname, "..", "..", "..");
const demo = loadTenantFile("tenants/demo.yaml", repo);
const longOperations = [
  ...Object.keys(demo.environments).map((key) => `Environment/${key}`),
  ...Object.keys(demo.billingPolicies).map((key) => `BillingPolicy/${key}`),
];

const claim = claims.claim;
jest.spyOn(claims, "claim").mockImplementation((kind, ...rest) => {
  if (kind === "FlowState" || kind === "FlowOwners") flowsBuilt++;
  return claim(kind, ...rest);
});

/** Registrations of the long operations, once every registration of the run has arrived. */
async function longOperationRegistrations() {
  await new Promise((resolve) => setTimeout(resolve, 300));
  return registered.filter((r) => longOperations.includes(r.resource));
}

beforeEach(async () => {
  // What an earlier test registered may still be on its way.
  await new Promise((resolve) => setTimeout(resolve, 300));
  registered.length = 0;
  flowsBuilt = 0;
});

test("declareTenantFromFile: every environment and billing policy reaches the engine before any flow resource is built", async () => {
  expect(longOperations.length).toBeGreaterThan(3);
  await declareTenantFromFile("tenants/demo.yaml", { baseDir: repo, deletionGuard: { allowMassDeletion: true, maxDeletionShare: 0.25 } });
  const seen = await longOperationRegistrations();
  expect(seen.map((r) => r.resource).sort()).toEqual([...longOperations].sort());
  expect(seen.every((r) => r.flowsBuilt === 0)).toBe(true);
  expect(flowsBuilt).toBeGreaterThan(0);
});

test("negative control: declareTenant builds every flow resource before anything is registered", async () => {
  declareTenant(demo);
  const seen = await longOperationRegistrations();
  expect(seen).toHaveLength(longOperations.length);
  expect(seen.every((r) => r.flowsBuilt === flowsBuilt && flowsBuilt > 0)).toBe(true);
});
