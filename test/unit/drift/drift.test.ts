import type { EngineEvent } from "@pulumi/pulumi/automation";
import { driftFromEvents, violationsFromEvents } from "../../../provider/drift/detect";
import { tenantNowFromEvents } from "../../../provider/drift/policyCheck";
import { diffProperties } from "../../../provider/drift/propertyDiff";
import { type DriftReport, renderJson, renderMarkdown, renderText } from "../../../provider/drift/report";

const urn = (name: string, type = "pulumi-nodejs:dynamic/powerplatform:BillingPolicy") => `urn:pulumi:prod::tenant::${type}::${name}`;

function step(op: string, name: string, old?: Record<string, unknown>, next?: Record<string, unknown> | null): EngineEvent {
  const type = "pulumi-nodejs:dynamic/powerplatform:BillingPolicy";
  return {
    sequence: 1,
    timestamp: 0,
    resourcePreEvent: {
      metadata: {
        op,
        urn: urn(name),
        type,
        provider: "",
        ...(old ? { old: { type, urn: urn(name), id: "id-" + name, parent: "", provider: "", inputs: {}, outputs: old } } : {}),
        ...(next ? { new: { type, urn: urn(name), id: "id-" + name, parent: "", provider: "", inputs: {}, outputs: next } } : {}),
      },
    },
  } as unknown as EngineEvent;
}

describe("diffProperties", () => {
  test("reports nested and array paths, ignores __provider and equal values", () => {
    expect(
      diffProperties(
        { name: "a", status: "Enabled", billingInstrument: { resourceGroup: "rg" }, owners: [{ id: "1" }], __provider: "x" },
        { name: "a", status: "Disabled", billingInstrument: { resourceGroup: "rg2" }, owners: [{ id: "1" }, { id: "2" }], __provider: "y" },
      ),
    ).toEqual([
      { path: "billingInstrument.resourceGroup", before: "rg", after: "rg2" },
      { path: "owners[1]", after: { id: "2" } },
      { path: "status", before: "Enabled", after: "Disabled" },
    ]);
  });
});

describe("driftFromEvents", () => {
  test("unchanged resources are counted but not reported; changed and deleted ones are", () => {
    const events = [
      step("same", "same", { name: "a" }, { name: "a" }),
      step("update", "changed", { name: "a", status: "Enabled" }, { name: "a", status: "Disabled" }),
      step("delete", "gone", { name: "b" }, null),
      { sequence: 2, timestamp: 0, resourcePreEvent: { metadata: { op: "same", urn: "urn:pulumi:prod::tenant::pulumi:pulumi:Stack::tenant-prod", type: "pulumi:pulumi:Stack", provider: "" } } } as unknown as EngineEvent,
    ];
    const { drifted, checked } = driftFromEvents(events);
    expect(checked).toBe(3);
    expect(drifted).toEqual([
      { urn: urn("changed"), type: expect.any(String), name: "changed", id: "id-changed", change: "modified", properties: [{ path: "status", before: "Enabled", after: "Disabled" }] },
      { urn: urn("gone"), type: expect.any(String), name: "gone", id: "id-gone", change: "deleted", properties: [] },
    ]);
  });

  test("an update step whose outputs do not differ is not drift", () => {
    expect(driftFromEvents([step("update", "x", { name: "a" }, { name: "a" })]).drifted).toEqual([]);
  });

  test("policy events become violations", () => {
    const events = [
      { sequence: 1, timestamp: 0, policyEvent: { message: "not allowed", color: "", policyName: "allowed-locations", policyPackName: "gov", policyPackVersion: "1", policyPackVersionTag: "1", enforcementLevel: "mandatory", resourceUrn: urn("x") } },
    ] as unknown as EngineEvent[];
    expect(violationsFromEvents(events)).toEqual([
      { policyPack: "gov", policy: "allowed-locations", enforcementLevel: "mandatory", message: "not allowed", urn: urn("x") },
    ]);
  });
});

describe("tenantNowFromEvents", () => {
  test("takes the refreshed outputs (the outputs event wins over the pre event) and leaves out deleted resources", () => {
    const outputsEvent = (name: string, outputs: Record<string, unknown>) => {
      const pre = step("update", name, { location: "europe" }, { location: "europe" });
      return { sequence: 2, timestamp: 0, resOutputsEvent: { metadata: { ...pre.resourcePreEvent!.metadata, new: { ...pre.resourcePreEvent!.metadata.new!, outputs } } } } as unknown as EngineEvent;
    };
    const events = [
      step("update", "changed", { location: "europe" }, { location: "europe" }),
      outputsEvent("changed", { location: "usgov" }),
      step("same", "same", { location: "asia" }, { location: "asia" }),
      step("delete", "gone", { location: "x" }, null),
    ];
    expect(tenantNowFromEvents(events)).toEqual([
      { type: "pulumi-nodejs:dynamic/powerplatform:BillingPolicy", name: "changed", properties: { location: "usgov" }, protect: false },
      { type: "pulumi-nodejs:dynamic/powerplatform:BillingPolicy", name: "same", properties: { location: "asia" }, protect: false },
    ]);
  });
});

describe("renderers", () => {
  const report: DriftReport = {
    stack: "prod",
    project: "tenant",
    checkedAt: "2026-11-21T00:00:00.000Z",
    resourcesChecked: 3,
    drifted: [
      { urn: urn("payg"), type: "pulumi-nodejs:dynamic/powerplatform:BillingPolicy", name: "payg", id: "p1", change: "modified", properties: [{ path: "status", before: "Enabled", after: "Disabled" }] },
    ],
    policyViolations: [],
  };

  test("text names the resource, the property and both values", () => {
    const text = renderText(report);
    expect(text).toContain("Drift found in stack prod: 1 of 3 resources");
    expect(text).toContain("BillingPolicy payg (p1): changed outside Pulumi");
    expect(text).toContain('status: "Enabled" -> "Disabled"');
  });

  test("markdown is a table fit for a job summary", () => {
    const md = renderMarkdown(report);
    expect(md).toContain("| BillingPolicy `payg` | modified | `status` | \"Enabled\" | \"Disabled\" |");
  });

  test("json carries a status for machines", () => {
    expect(JSON.parse(renderJson(report))).toMatchObject({ status: "drift", stack: "prod", drifted: [{ name: "payg" }] });
    expect(JSON.parse(renderJson({ ...report, drifted: [] })).status).toBe("no-drift");
    expect(renderText({ ...report, drifted: [] })).toContain("No drift");
  });
});
