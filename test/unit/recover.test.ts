/**
 * The recovery of an interrupted run (provider/recover/plan.ts): reading the pending
 * creates of a checkpoint, deciding per kind, and writing the decisions back.
 * The whole command runs on the real engine in test/e2e/interruptedRun.e2e.test.ts.
 */
import { applyDecisions, kindOf, planRecovery, readCheckpoint } from "../../provider/recover/plan";
import { harness, json } from "./client/helpers";

const URN = (kind: string, name: string) => `urn:pulumi:e2e::p::pulumi-nodejs:dynamic/powerplatform:${kind}::${name}`;
const US = "a1000000-0000-4000-8000-00000000b001";

function checkpoint(pending: Array<{ kind: string; name: string; inputs: Record<string, unknown> }>, resources: Array<{ kind: string; id: string }> = []): string {
  return JSON.stringify({
    version: 3,
    deployment: {
      resources: [
        { urn: "urn:pulumi:e2e::p::pulumi:pulumi:Stack::p-e2e", type: "pulumi:pulumi:Stack" },
        ...resources.map((r) => ({ urn: URN(r.kind, r.id), type: `pulumi-nodejs:dynamic/powerplatform:${r.kind}`, id: r.id })),
      ],
      pending_operations: [
        ...pending.map((p) => ({ type: "creating", resource: { urn: URN(p.kind, p.name), type: `pulumi-nodejs:dynamic/powerplatform:${p.kind}`, custom: true, inputs: { __provider: "stub", ...p.inputs } } })),
        { type: "updating", resource: { urn: URN("Flow", "busy"), type: "pulumi-nodejs:dynamic/powerplatform:Flow" } },
      ],
    },
  });
}

test("readCheckpoint returns the pending creates (not other pending operations) and the resources", () => {
  const { pending, resources } = readCheckpoint(checkpoint([{ kind: "BillingPolicy", name: "p", inputs: { name: "x" } }], [{ kind: "Flow", id: "f1" }]));
  expect(pending.map((p) => [kindOf(p.type), p.urn])).toEqual([["BillingPolicy", URN("BillingPolicy", "p")]]);
  expect(resources.filter((r) => r.id).map((r) => r.id)).toEqual(["f1"]);
});

test("a billing policy our principal made recently is imported; another principal's is not; nothing made is cleared", async () => {
  const policy = (id: string, by: string, name: string) => ({
    id,
    name,
    type: "TenantOwned",
    status: "Enabled",
    location: "europe",
    billingInstrument: { subscriptionId: "11111111-2222-3333-4444-555555555555", resourceGroup: "rg" },
    createdOn: new Date().toISOString(),
    createdBy: { id: by },
  });
  const list = json(200, { value: [policy("ours", US, "made"), policy("foreign", "c1000000-0000-4000-8000-0000000000a3", "made"), policy("foreign2", "c1000000-0000-4000-8000-0000000000a3", "nothing")] });
  const { client } = harness([list, list]);
  jest.spyOn(client.http, "callerObjectId").mockResolvedValue(US);
  const inputs = (name: string) => ({ name, location: "europe", status: "Enabled", billingInstrument: { subscriptionId: "11111111-2222-3333-4444-555555555555", resourceGroup: "rg" } });
  const { pending, resources } = readCheckpoint(
    checkpoint([
      { kind: "BillingPolicy", name: "made", inputs: inputs("made") },
      { kind: "BillingPolicy", name: "nothing", inputs: inputs("nothing") },
    ]),
  );
  const decisions = await planRecovery(pending, resources, { client, withinMs: 3_600_000, now: Date.now() });
  expect(decisions.map((d) => [d.action, d.urn, "id" in d ? d.id : undefined])).toEqual([
    ["import", URN("BillingPolicy", "made"), "ours"],
    ["clear", URN("BillingPolicy", "nothing"), undefined],
  ]);
});

test("applyDecisions turns an import into a resource with the id and the inputs as outputs, drops a clear, keeps the rest pending", () => {
  const exported = checkpoint([
    { kind: "FlowState", name: "s", inputs: { environmentId: "e", flowId: "f", state: "Started", initialState: "Stopped" } },
    { kind: "BillingPolicy", name: "gone", inputs: { name: "x" } },
  ]);
  const out = JSON.parse(
    applyDecisions(exported, [
      { action: "import", urn: URN("FlowState", "s"), id: "f", reason: "" },
      { action: "clear", urn: URN("BillingPolicy", "gone"), reason: "" },
    ]),
  );
  const imported = out.deployment.resources.find((r: { urn: string }) => r.urn === URN("FlowState", "s"));
  expect(imported).toMatchObject({ id: "f", custom: true, outputs: { __provider: "stub", initialState: "Stopped", flowId: "f" } });
  expect(out.deployment.pending_operations.map((o: { type: string }) => o.type)).toEqual(["updating"]);
});

test("a ManagedEnvironment's pending create is imported under the environment's id when it exists (its initialGovernance kept), cleared otherwise", async () => {
  const ENV = "e1000000-0000-4000-8000-000000000001";
  const env = json(200, { name: ENV, id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${ENV}`, location: "europe", properties: { displayName: "Sales" } });
  const gone = json(404, { error: { code: "EnvironmentNotFound", message: "gone" } });
  const { client } = harness([env, gone]);
  const { pending, resources } = readCheckpoint(
    checkpoint([
      { kind: "ManagedEnvironment", name: "sales", inputs: { environmentId: ENV, protectionLevel: "Standard", initialGovernance: { protectionLevel: "Basic" } } },
      { kind: "ManagedEnvironment", name: "old", inputs: { environmentId: "e1000000-0000-4000-8000-000000000009", protectionLevel: "Standard" } },
    ]),
  );
  const decisions = await planRecovery(pending, resources, { client, withinMs: 3_600_000, now: Date.now() });
  expect(decisions.map((d) => [d.action, d.urn, "id" in d ? d.id : undefined])).toEqual([
    ["import", URN("ManagedEnvironment", "sales"), ENV],
    ["clear", URN("ManagedEnvironment", "old"), undefined],
  ]);
});

test("an environment group our principal made recently is imported; another principal's of the same name is not", async () => {
  const group = (id: string, by: string) => ({ id, displayName: "Makers", description: "", createdTime: new Date().toISOString(), createdBy: { id: by, type: "ServicePrincipal" } });
  const list = json(200, { value: [group("ours", US), group("foreign", "c1000000-0000-4000-8000-0000000000a3")] });
  const { client } = harness([list]);
  jest.spyOn(client.http, "callerObjectId").mockResolvedValue(US);
  const { pending, resources } = readCheckpoint(checkpoint([{ kind: "EnvironmentGroup", name: "makers", inputs: { displayName: "Makers", description: "" } }]));
  const decisions = await planRecovery(pending, resources, { client, withinMs: 3_600_000, now: Date.now() });
  expect(decisions.map((d) => [d.action, d.urn, "id" in d ? d.id : undefined])).toEqual([["import", URN("EnvironmentGroup", "makers"), "ours"]]);
});
