/**
 * Two resources of one program that manage the same object are refused at once, naming
 * both (issue 8, item 9: two declarations of one flow fought, co-owners flipping on every
 * run). Different aspects of one flow (its state, its co-owners) may have one manager each.
 */
import * as pulumi from "@pulumi/pulumi";

pulumi.runtime.setMocks(
  { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
  "project",
  "stack",
  false,
);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pp = require("../../../provider/index") as typeof import("../../../provider/index");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { forgetClaims } = require("../../../provider/resources/claims") as typeof import("../../../provider/resources/claims");

const ENV = "e1000000-0000-4000-8000-000000000001";
const FLOW = "f1000000-0000-4000-8000-000000000001";
const GROUP = "c1000000-0000-4000-8000-0000000000b1";
const owners = [{ principalId: GROUP, principalType: "Group" as const }];

/** Every resource made, so that each test waits for its registration (the mocks serialize it). */
const made: pulumi.Resource[] = [];
const track = <T extends pulumi.Resource>(resource: T): T => {
  made.push(resource);
  return resource;
};

beforeEach(() => forgetClaims());
afterEach(async () => {
  await Promise.all(made.splice(0).map((r) => new Promise((resolve) => r.urn.apply(resolve))));
});

describe("one manager per object in a program", () => {
  test("two FlowOwners on one flow: the second fails, naming both", () => {
    track(new pp.FlowOwners("report-owners", { environmentId: ENV, flowId: FLOW, owners }));
    expect(() => new pp.FlowOwners("report-owners-again", { environmentId: ENV, flowId: FLOW.toUpperCase(), owners })).toThrow(
      `FlowOwners "report-owners-again" and FlowOwners "report-owners" both manage the co-owners of flow ${FLOW}: two resources of one program would undo each other on every run`,
    );
  });

  test("a Flow adopting the flow a FlowState turns on and off", () => {
    track(new pp.FlowState("report-state", { environmentId: ENV, flowId: FLOW, state: "Started" }));
    expect(() => new pp.Flow("report", { environmentId: ENV, displayName: "R", definition: { triggers: { t: {} } }, adoptId: FLOW })).toThrow(
      /Flow "report" and FlowState "report-state" both manage the on\/off state of flow/,
    );
  });

  test("one environment adopted twice, one billing policy adopted twice, one environment billed twice, one package installed twice", () => {
    track(new pp.Environment("a", { displayName: "A", location: "europe", environmentSku: "Sandbox", adoptId: ENV }));
    expect(() => new pp.Environment("b", { displayName: "B", location: "europe", environmentSku: "Sandbox", adoptId: ENV })).toThrow(/Environment "b" and Environment "a" both manage the environment/);
    const bi = { subscriptionId: GROUP, resourceGroup: "rg" };
    track(new pp.BillingPolicy("p", { name: "p", location: "europe", billingInstrument: bi, adoptId: GROUP }));
    expect(() => new pp.BillingPolicy("q", { name: "q", location: "europe", billingInstrument: bi, adoptId: GROUP })).toThrow(/BillingPolicy "q" and BillingPolicy "p"/);
    track(new pp.BillingPolicyEnvironment("l1", { billingPolicyId: GROUP, environmentId: ENV }));
    expect(() => new pp.BillingPolicyEnvironment("l2", { billingPolicyId: FLOW, environmentId: ENV })).toThrow(/both manage the billing of environment/);
    track(new pp.ApplicationInstall("i1", { environmentId: ENV, uniqueName: "MicrosoftFormsPro" }));
    expect(() => new pp.ApplicationInstall("i2", { environmentId: ENV, uniqueName: "microsoftformspro" })).toThrow(/both manage the installation of package/);
  });

  test("state and co-owners of one flow, and new objects without ids, are no clash", () => {
    expect(() => {
      track(new pp.FlowState("s", { environmentId: ENV, flowId: FLOW, state: "Started" }));
      track(new pp.FlowOwners("o", { environmentId: ENV, flowId: FLOW, owners }));
      track(new pp.Environment("new-1", { displayName: "A", location: "europe", environmentSku: "Sandbox" }));
      track(new pp.Environment("new-2", { displayName: "A", location: "europe", environmentSku: "Sandbox" }));
    }).not.toThrow();
  });
});
