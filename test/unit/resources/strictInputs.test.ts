/**
 * Strict inputs (issue 8, item 6 and the display-name item): every resource's `check`
 * refuses argument names it does not know, naming the nearest known one, and calls a
 * resource option passed as an argument what it is; names starting with `__` (the
 * engine's and ours) are never refused; enumerations are exact; display names refuse
 * control and bidirectional formatting characters; `__proto__` keys are never lost by
 * our copying of a definition.
 */
import { applicationInstallHandler } from "../../../provider/resources/applicationInstall";
import { billingPolicyHandler } from "../../../provider/resources/billingPolicy";
import { billingPolicyEnvironmentHandler } from "../../../provider/resources/billingPolicyEnvironment";
import { environmentHandler } from "../../../provider/resources/environment";
import { flowHandler } from "../../../provider/resources/flow";
import { canonicalJson, sameJson } from "../../../provider/resources/jsonEquality";
import { flowOwnersHandler } from "../../../provider/resources/flowOwners";
import { flowStateHandler } from "../../../provider/resources/flowState";
import { managedEnvironmentHandler } from "../../../provider/resources/managedEnvironment";
import { keyPulumiCannotCarry, nearestName, unsafeCharacterIn } from "../../../provider/resources/validation";
import type { ResourceHandler } from "../../../provider/resources/handler";

const ENV = "e1000000-0000-4000-8000-000000000001";
const FLOW = "f1000000-0000-4000-8000-000000000001";
const GROUP = "c1000000-0000-4000-8000-0000000000b1";
const SUB = "11111111-2222-3333-4444-555555555555";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const valid: Array<[string, ResourceHandler<any, any>, Record<string, unknown>]> = [
  ["BillingPolicy", billingPolicyHandler, { name: "payg", location: "europe", billingInstrument: { subscriptionId: SUB, resourceGroup: "rg" } }],
  ["Environment", environmentHandler, { displayName: "Sales", location: "europe", environmentSku: "Sandbox", dataverse: { currencyCode: "EUR" } }],
  ["BillingPolicyEnvironment", billingPolicyEnvironmentHandler, { billingPolicyId: SUB, environmentId: ENV }],
  ["ApplicationInstall", applicationInstallHandler, { environmentId: ENV, uniqueName: "MicrosoftFormsPro" }],
  ["Flow", flowHandler, { environmentId: ENV, displayName: "Report", definition: { triggers: { t: {} } } }],
  ["FlowState", flowStateHandler, { environmentId: ENV, flowId: FLOW, state: "Started" }],
  ["FlowOwners", flowOwnersHandler, { environmentId: ENV, flowId: FLOW, owners: [{ principalId: GROUP, principalType: "Group" }] }],
  ["ManagedEnvironment", managedEnvironmentHandler, { environmentId: ENV, solutionCheckerMode: "Warn" }],
];

const failuresOf = async (handler: ResourceHandler<unknown, unknown>, news: Record<string, unknown>) => (await handler.check({}, news)).failures ?? [];

describe.each(valid)("%s check", (kind, handler, args) => {
  test("accepts its arguments, and the reserved __provider and __timeouts", async () => {
    const result = await handler.check({}, { ...args, __provider: "stub", __timeouts: { create: 60 } });
    expect(result.failures).toBeUndefined();
  });

  test("refuses an unknown argument, naming the known ones", async () => {
    const failures = await failuresOf(handler, { ...args, colour: "blue" });
    expect(failures).toEqual([{ property: "colour", reason: expect.stringMatching(new RegExp(`^${kind}: unknown argument colour; known: `)) }]);
  });

  test.each(["protect", "retainOnDelete", "dependsOn"])("refuses the resource option %s passed as an argument", async (option) => {
    const failures = await failuresOf(handler, { ...args, [option]: true });
    expect(failures).toEqual([{ property: option, reason: expect.stringContaining(`${option} is a resource option, not an argument`) }]);
  });
});

describe("the nearest known name", () => {
  test("securityGroupID on an Environment: did you mean securityGroupId?", async () => {
    const failures = await failuresOf(environmentHandler, { displayName: "Sales", location: "europe", environmentSku: "Sandbox", dataverse: {}, securityGroupID: GROUP });
    expect(failures).toEqual([{ property: "securityGroupID", reason: expect.stringContaining("unknown argument securityGroupID (did you mean securityGroupId?)") }]);
  });

  test("roleName in a FlowOwners owner: did you mean role? (it would have granted CanEdit)", async () => {
    const failures = await failuresOf(flowOwnersHandler, {
      environmentId: ENV,
      flowId: FLOW,
      owners: [{ principalId: GROUP, principalType: "Group", roleName: "CanView" }],
    });
    expect(failures).toEqual([{ property: "owners[0].roleName", reason: expect.stringContaining("unknown argument owners[0].roleName (did you mean owners[0].role?)") }]);
  });

  test("nested objects: billingInstrument and dataverse", async () => {
    expect(
      await failuresOf(billingPolicyHandler, { name: "p", location: "europe", billingInstrument: { subscriptionId: SUB, resourceGroup: "rg", resourcegroup: "x" } }),
    ).toEqual([{ property: "billingInstrument.resourcegroup", reason: expect.stringContaining("(did you mean billingInstrument.resourceGroup?)") }]);
    expect(await failuresOf(environmentHandler, { displayName: "S", location: "europe", environmentSku: "Sandbox", dataverse: { domain: "x" } })).toEqual([
      { property: "dataverse.domain", reason: expect.stringContaining("(did you mean dataverse.domainName?)") },
    ]);
  });

  test("typos, case and nothing close", () => {
    expect(nearestName("dispalyName", ["displayName", "description"])).toBe("displayName");
    expect(nearestName("ADOPTID", ["adoptId"])).toBe("adoptId");
    expect(nearestName("colour", ["displayName", "location"])).toBeUndefined();
  });
});

describe("enumerations are exact", () => {
  test("canview is not taken for CanView: refused, with the exact spelling offered", async () => {
    const failures = await failuresOf(flowOwnersHandler, { environmentId: ENV, flowId: FLOW, owners: [{ principalId: GROUP, principalType: "Group", role: "canview" }] });
    expect(failures).toEqual([{ property: "owners[0].role", reason: 'FlowOwners: owners[0].role must be one of CanEdit, CanView (got "canview"; did you mean CanView?)' }]);
  });

  test("environmentSku, state and location in another case are refused", async () => {
    expect((await failuresOf(environmentHandler, { displayName: "S", location: "Europe", environmentSku: "sandbox" })).map((f) => f.reason)).toEqual([
      expect.stringContaining('(got "Europe"; did you mean europe?)'),
      expect.stringContaining('(got "sandbox"; did you mean Sandbox?)'),
    ]);
    expect(await failuresOf(flowStateHandler, { environmentId: ENV, flowId: FLOW, state: "started" })).toEqual([
      { property: "state", reason: expect.stringContaining("did you mean Started?") },
    ]);
  });
});

describe("display names refuse control and bidirectional formatting characters", () => {
  test.each([
    ["\u202E (right-to-left override)", "Sales\u202Egnp.exe", "U+202E (RIGHT-TO-LEFT OVERRIDE, a bidirectional formatting character) at position 6"],
    ["\u2066 (isolate)", "A\u2066B", "U+2066 (LEFT-TO-RIGHT ISOLATE"],
    ["\u200F (mark)", "A\u200FB", "U+200F (RIGHT-TO-LEFT MARK"],
    ["a newline", "Sales\nProd", "U+000A (a control character) at position 6"],
    ["an escape", "Sales\u001b[31m", "U+001B (a control character)"],
    ["a C1 control", "Sales\u0085", "U+0085 (a control character)"],
  ])("%s in an Environment's displayName", async (_what, displayName, found) => {
    const failures = await failuresOf(environmentHandler, { displayName, location: "europe", environmentSku: "Sandbox" });
    expect(failures).toEqual([{ property: "displayName", reason: expect.stringContaining(`displayName must not contain control or bidirectional formatting characters (found ${found}`) }]);
  });

  test("a Flow's displayName too; an Environment's description may have line breaks but no override", async () => {
    expect(await failuresOf(flowHandler, { environmentId: ENV, displayName: "Report\u202E", definition: { triggers: { t: {} } } })).toEqual([
      { property: "displayName", reason: expect.stringContaining("U+202E") },
    ]);
    expect(await failuresOf(environmentHandler, { displayName: "S", description: "line 1\nline 2", location: "europe", environmentSku: "Sandbox" })).toEqual([]);
    expect(await failuresOf(environmentHandler, { displayName: "S", description: "x\u202Dy", location: "europe", environmentSku: "Sandbox" })).toEqual([
      { property: "description", reason: expect.stringContaining("U+202D") },
    ]);
  });

  test("ordinary names of every script pass", () => {
    for (const name of ["Sales – EMEA", "Ventes & Marketing", "販売", "מכירות", "مبيعات", "Продажи 2026"]) expect(unsafeCharacterIn(name)).toBeUndefined();
  });
});

describe("__proto__ keys in a definition", () => {
  const definition = () => JSON.parse('{"triggers":{"t":{}},"actions":{"__proto__":{"type":"Compose","inputs":1},"b":{"type":"Compose"}}}') as Record<string, unknown>;

  test("canonicalJson keeps them as own keys (an assignment would set the prototype and lose them)", () => {
    const copy = canonicalJson(definition()) as { actions: Record<string, unknown> };
    expect(Object.keys(copy.actions)).toEqual(["__proto__", "b"]);
    expect(JSON.stringify(copy)).toContain('"__proto__":{"inputs":1,"type":"Compose"}');
    expect(Object.getPrototypeOf(copy.actions)).toBe(Object.prototype);
  });

  test("a definition with and one without the key differ", () => {
    const without = JSON.parse('{"triggers":{"t":{}},"actions":{"b":{"type":"Compose"}}}');
    expect(sameJson(definition(), without)).toBe(false);
  });

  test("Flow check keeps them in the checked definition", async () => {
    const result = await flowHandler.check({}, { environmentId: ENV, displayName: "R", definition: definition() });
    expect(Object.keys((result.inputs!.definition as { actions: object }).actions)).toEqual(["__proto__", "b"]);
  });

  test("the program side names the path of a key the Pulumi SDK would drop", () => {
    expect(keyPulumiCannotCarry(definition(), "definition")).toBe("definition.actions.__proto__");
    expect(keyPulumiCannotCarry({ triggers: { t: {} } }, "definition")).toBeUndefined();
  });
});
