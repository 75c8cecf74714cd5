/** Recovery of a DataLossPreventionPolicy create an interrupted run left pending (provider/recover/plan.ts). */
import { planRecovery, readCheckpoint } from "../../provider/recover/plan";
import { harness, json } from "./client/helpers";

const URN = (name: string) => `urn:pulumi:e2e::p::pulumi-nodejs:dynamic/powerplatform:DataLossPreventionPolicy::${name}`;
const policy = (name: string, displayName: string, createdTime: string) => ({
  policyDefinition: { name, displayName, defaultConnectorsClassification: "General", connectorGroups: [], environmentType: "AllEnvironments", environments: [], createdTime, createdBy: { displayName: "pipeline" } },
  customConnectorUrlPatternsDefinition: { rules: [] },
});

function checkpoint(pending: Array<[string, string]>, inState: string[] = []): string {
  return JSON.stringify({
    version: 3,
    deployment: {
      resources: inState.map((id) => ({ urn: URN(`in-${id}`), type: "pulumi-nodejs:dynamic/powerplatform:DataLossPreventionPolicy", id })),
      pending_operations: pending.map(([name, displayName]) => ({
        type: "creating",
        resource: { urn: URN(name), type: "pulumi-nodejs:dynamic/powerplatform:DataLossPreventionPolicy", inputs: { __provider: "stub", displayName } },
      })),
    },
  });
}

test("the one recent namesake not in the state is imported; an old one, one in the state, or none is not", async () => {
  const now = Date.now();
  const recent = new Date(now - 60_000).toISOString();
  const old = new Date(now - 86_400_000).toISOString();
  const list = json(200, { value: [policy("made", "Baseline", recent), policy("managed", "Baseline", recent), policy("ancient", "Strict", old), policy("twin1", "Twins", recent), policy("twin2", "Twins", recent)] });
  const { client } = harness([list, list, list]);
  const { pending, resources } = readCheckpoint(checkpoint([["baseline", "Baseline"], ["strict", "Strict"], ["twins", "Twins"]], ["managed"]));
  const decisions = await planRecovery(pending, resources, { client, withinMs: 3_600_000, now });
  expect(decisions.map((d) => [d.action, d.urn, "id" in d ? d.id : undefined])).toEqual([
    ["import", URN("baseline"), "made"],
    ["clear", URN("strict"), undefined],
    ["refuse", URN("twins"), undefined],
  ]);
});
