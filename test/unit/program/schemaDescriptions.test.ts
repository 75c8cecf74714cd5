/**
 * The tenant schema is the reference users read in their editor (the yaml-language-server
 * shows each property's description): every property is described, and each description of a
 * declared object's field says what a change does. That claim is checked against the truth,
 * the provider's own `diff`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { environmentHandler } from "../../../provider/resources/environment";
import { billingPolicyHandler } from "../../../provider/resources/billingPolicy";
import { flowStateHandler } from "../../../provider/resources/flowState";
import { flowOwnersHandler } from "../../../provider/resources/flowOwners";
import { environmentGroupHandler } from "../../../provider/resources/environmentGroup";
import { environmentGroupRuleSetHandler } from "../../../provider/resources/environmentGroupRuleSet";
import { dataLossPreventionPolicyHandler } from "../../../provider/resources/dataLossPreventionPolicy";
import { managedEnvironmentHandler } from "../../../provider/resources/managedEnvironment";
import { tenantSettingsHandler } from "../../../provider/resources/tenantSettings";
import { tenantSettingPaths } from "../../../provider/resources/tenantSettingNames";
import type { ResourceHandler } from "../../../provider/resources/handler";

type Node = Record<string, unknown>;
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "schema", "tenant.schema.json"), "utf8")) as Node;

function resolve(pointer: string): Node {
  return pointer
    .replace(/^#\//, "")
    .split("/")
    .reduce<Node>((node, part) => node[part] as Node, schema);
}

/** The description an editor shows for a property: its own, or that of the definition it refers to. */
function descriptionOf(property: Node): string | undefined {
  if (typeof property.description === "string") return property.description;
  if (typeof property.$ref === "string") return descriptionOf(resolve(property.$ref));
  return undefined;
}

/** Every property of the schema (anything under a `properties` keyword), by JSON pointer. */
function allProperties(node: unknown, pointer = ""): Array<[string, Node]> {
  if (node === null || typeof node !== "object") return [];
  const found: Array<[string, Node]> = [];
  for (const [key, child] of Object.entries(node as Node)) {
    if (key === "properties" && child && typeof child === "object") {
      for (const [name, property] of Object.entries(child as Node)) found.push([`${pointer}/properties/${name}`, property as Node]);
    }
    found.push(...allProperties(child, `${pointer}/${key}`));
  }
  return found;
}

/** Properties of the objects a tenant file declares (everything below billingPolicies, environments and flows). */
const fieldPointers = allProperties(schema)
  .map(([pointer]) => pointer)
  .filter((pointer) => pointer.startsWith("/definitions/"));

describe("tenant schema descriptions", () => {
  test("the schema has the properties this test walks", () => {
    expect(allProperties(schema).length).toBeGreaterThanOrEqual(33);
    expect(fieldPointers).toContain("/definitions/environment/properties/dataverse/properties/languageCode");
  });

  test.each(allProperties(schema).map(([pointer, property]) => [pointer, property] as const))("%s is described", (_pointer, property) => {
    const description = descriptionOf(property);
    expect(description).toEqual(expect.any(String));
    expect(description!.trim().length).toBeGreaterThan(10);
  });

  // Editors disagree on which description wins when a property and the definition it refers
  // to both have one (JSON Schema draft-07 ignores $ref siblings): never let them compete.
  test.each(allProperties(schema).filter(([, p]) => typeof p.$ref === "string" && typeof p.description === "string").map(([pointer, p]) => [pointer, p.$ref as string] as const))(
    "%s has its own description and refers to %s, which has none",
    (_pointer, ref) => {
      expect(resolve(ref).description).toBeUndefined();
    },
  );

  test.each(fieldPointers)("%s says what changing it does", (pointer) => {
    expect(descriptionOf(resolve(`#${pointer}`))).toMatch(/replaces|in place|no effect|never replaced/i);
  });
});

// --- the claims, checked against each resource's diff -------------------------------------

type Effect = "replaces" | "in place" | "no change";
interface Case {
  pointer: string;
  /** What the description must say for this case. */
  says: RegExp;
  effect: Effect;
  handler: ResourceHandler<any, any>;
  base: Node;
  change: Node;
}

const GROUP = "aaaaaaaa-1111-2222-3333-444444444444";
const OTHER = "bbbbbbbb-1111-2222-3333-444444444444";
const environment: Node = {
  displayName: "Sales",
  description: "Sales team",
  location: "europe",
  environmentSku: "Sandbox",
  azureRegion: "westeurope",
  securityGroupId: GROUP,
  dataverse: { languageCode: 1033, currencyCode: "EUR", domainName: "contoso-sales", templates: ["D365_Sales"] },
};
const dataverse = (change: Node) => ({ dataverse: { ...(environment.dataverse as Node), ...change } });
const policy: Node = {
  name: "payg-europe",
  location: "europe",
  status: "Enabled",
  billingInstrument: { subscriptionId: GROUP, resourceGroup: "rg-billing" },
};
const flowTarget = { environmentId: "Default-" + GROUP, flowId: "f1000000-0000-4000-8000-000000000001" };
const flowState: Node = { ...flowTarget, state: "Started" };
const flowOwners: Node = { ...flowTarget, owners: [{ principalId: GROUP, principalType: "User", role: "CanEdit" }] };
const owner = (change: Node) => ({ owners: [{ principalId: GROUP, principalType: "User", role: "CanEdit", ...change }] });

const ENV = "/definitions/environment/properties";
const POLICY = "/definitions/billingPolicy/properties";
const FLOW = "/definitions/flow/properties";
const REPLACES_ENV = /Changing it replaces the environment|Adding or removing this section replaces the environment|Changing them replaces the environment/;
const REPLACES_POLICY = /replaces the billing policy/;
const REPLACES_FLOW = /Changing it replaces the managed state and owners/;
const IN_PLACE = /Updated in place|updated in place|updates the owners in place/;
const NO_EFFECT = /changing it afterwards has no effect/;

const cases: Case[] = [
  { pointer: `${ENV}/displayName`, says: IN_PLACE, effect: "in place", handler: environmentHandler, base: environment, change: { displayName: "Sales EU" } },
  { pointer: `${ENV}/description`, says: IN_PLACE, effect: "in place", handler: environmentHandler, base: environment, change: { description: "EU sales" } },
  { pointer: `${ENV}/location`, says: REPLACES_ENV, effect: "replaces", handler: environmentHandler, base: environment, change: { location: "unitedstates", azureRegion: "eastus" } },
  { pointer: `${ENV}/environmentSku`, says: /Sandbox to Production, .* updated in place/, effect: "in place", handler: environmentHandler, base: environment, change: { environmentSku: "Production" } },
  { pointer: `${ENV}/environmentSku`, says: /Trial to Production are updated in place/, effect: "in place", handler: environmentHandler, base: { ...environment, environmentSku: "Trial" }, change: { environmentSku: "Production" } },
  { pointer: `${ENV}/environmentSku`, says: /every other change \(e\.g\. to or from Developer\) replaces the environment/, effect: "replaces", handler: environmentHandler, base: environment, change: { environmentSku: "Developer" } },
  { pointer: `${ENV}/azureRegion`, says: REPLACES_ENV, effect: "replaces", handler: environmentHandler, base: environment, change: { azureRegion: "northeurope" } },
  { pointer: `${ENV}/azureRegion`, says: /removing it changes nothing/, effect: "no change", handler: environmentHandler, base: environment, change: { azureRegion: undefined } },
  { pointer: `${ENV}/securityGroupId`, says: IN_PLACE, effect: "in place", handler: environmentHandler, base: environment, change: { securityGroupId: OTHER, ...dataverse({ securityGroupId: OTHER }) } },
  { pointer: `${ENV}/dataverse`, says: REPLACES_ENV, effect: "replaces", handler: environmentHandler, base: environment, change: { dataverse: undefined, securityGroupId: undefined } },
  { pointer: `${ENV}/dataverse`, says: REPLACES_ENV, effect: "replaces", handler: environmentHandler, base: { ...environment, dataverse: undefined, securityGroupId: undefined }, change: { dataverse: {} } },
  { pointer: `${ENV}/dataverse/properties/languageCode`, says: REPLACES_ENV, effect: "replaces", handler: environmentHandler, base: environment, change: dataverse({ languageCode: 1036 }) },
  { pointer: `${ENV}/dataverse/properties/currencyCode`, says: REPLACES_ENV, effect: "replaces", handler: environmentHandler, base: environment, change: dataverse({ currencyCode: "USD" }) },
  { pointer: `${ENV}/dataverse/properties/domainName`, says: IN_PLACE, effect: "in place", handler: environmentHandler, base: environment, change: dataverse({ domainName: "contoso-eu" }) },
  { pointer: `${ENV}/dataverse/properties/securityGroupId`, says: IN_PLACE, effect: "in place", handler: environmentHandler, base: environment, change: { securityGroupId: undefined, ...dataverse({ securityGroupId: OTHER }) } },
  { pointer: `${ENV}/dataverse/properties/templates`, says: REPLACES_ENV, effect: "replaces", handler: environmentHandler, base: environment, change: dataverse({ templates: ["D365_CustomerService"] }) },
  { pointer: `${ENV}/adoptId`, says: NO_EFFECT, effect: "no change", handler: environmentHandler, base: { ...environment, adoptId: GROUP }, change: { adoptId: OTHER } },
  { pointer: `${POLICY}/name`, says: IN_PLACE, effect: "in place", handler: billingPolicyHandler, base: policy, change: { name: "payg-eu" } },
  { pointer: `${POLICY}/location`, says: REPLACES_POLICY, effect: "replaces", handler: billingPolicyHandler, base: policy, change: { location: "unitedstates" } },
  { pointer: `${POLICY}/status`, says: IN_PLACE, effect: "in place", handler: billingPolicyHandler, base: policy, change: { status: "Disabled" } },
  { pointer: `${POLICY}/billingInstrument`, says: REPLACES_POLICY, effect: "replaces", handler: billingPolicyHandler, base: policy, change: { billingInstrument: { subscriptionId: OTHER, resourceGroup: "rg-other" } } },
  { pointer: `${POLICY}/billingInstrument/properties/subscriptionId`, says: REPLACES_POLICY, effect: "replaces", handler: billingPolicyHandler, base: policy, change: { billingInstrument: { subscriptionId: OTHER, resourceGroup: "rg-billing" } } },
  { pointer: `${POLICY}/billingInstrument/properties/resourceGroup`, says: REPLACES_POLICY, effect: "replaces", handler: billingPolicyHandler, base: policy, change: { billingInstrument: { subscriptionId: GROUP, resourceGroup: "rg-other" } } },
  { pointer: `${POLICY}/adoptId`, says: NO_EFFECT, effect: "no change", handler: billingPolicyHandler, base: { ...policy, adoptId: GROUP }, change: { adoptId: OTHER } },
  { pointer: `${FLOW}/environment`, says: REPLACES_FLOW, effect: "replaces", handler: flowStateHandler, base: flowState, change: { environmentId: OTHER } },
  { pointer: `${FLOW}/environment`, says: REPLACES_FLOW, effect: "replaces", handler: flowOwnersHandler, base: flowOwners, change: { environmentId: OTHER } },
  { pointer: `${FLOW}/flowId`, says: REPLACES_FLOW, effect: "replaces", handler: flowStateHandler, base: flowState, change: { flowId: OTHER } },
  { pointer: `${FLOW}/flowId`, says: REPLACES_FLOW, effect: "replaces", handler: flowOwnersHandler, base: flowOwners, change: { flowId: OTHER } },
  { pointer: `${FLOW}/state`, says: IN_PLACE, effect: "in place", handler: flowStateHandler, base: flowState, change: { state: "Stopped" } },
  { pointer: `${FLOW}/owners`, says: IN_PLACE, effect: "in place", handler: flowOwnersHandler, base: flowOwners, change: { owners: [] } },
  { pointer: `${FLOW}/owners/items/properties/principalId`, says: IN_PLACE, effect: "in place", handler: flowOwnersHandler, base: flowOwners, change: owner({ principalId: OTHER }) },
  { pointer: `${FLOW}/owners/items/properties/principalType`, says: IN_PLACE, effect: "in place", handler: flowOwnersHandler, base: flowOwners, change: owner({ principalType: "Group" }) },
  { pointer: `${FLOW}/owners/items/properties/role`, says: IN_PLACE, effect: "in place", handler: flowOwnersHandler, base: flowOwners, change: owner({ role: "CanView" }) },
  ...tenantSettingsCases(),
  ...managedCases(),
];

/** The settings under environments.<key>.managed: each updates the ManagedEnvironment in place. */
function managedCases(): Case[] {
  const managed: Node = { environmentId: "e1000000-0000-4000-8000-000000000001", groupSharingDisabled: true, maxLimitUserSharing: 10 };
  const changes: Record<string, Node> = {
    limitSharingMode: { limitSharingMode: "ExcludeSharingToSecurityGroups" },
    groupSharingDisabled: { groupSharingDisabled: false, maxLimitUserSharing: -1 },
    maxLimitUserSharing: { maxLimitUserSharing: 25 },
    usageInsightsDisabled: { usageInsightsDisabled: true },
    solutionCheckerMode: { solutionCheckerMode: "Warn" },
    suppressValidationEmails: { suppressValidationEmails: true },
    solutionCheckerRuleOverrides: { solutionCheckerRuleOverrides: ["web-avoid-eval"] },
    makerOnboardingMarkdown: { makerOnboardingMarkdown: "Welcome" },
    makerOnboardingUrl: { makerOnboardingUrl: "https://contoso.com/makers" },
  };
  return Object.entries(changes).map(([name, change]) => ({
    pointer: `${ENV}/managed/properties/${name}`,
    says: IN_PLACE,
    effect: "in place" as const,
    handler: managedEnvironmentHandler,
    base: managed,
    change,
  }));
}

/** Every setting and group of the tenantSettings section: a changed value is updated in place. */
function tenantSettingsCases(): Case[] {
  const TS = "/definitions/tenantSettings";
  const nested = (dotted: string, value: unknown): Node => dotted.split(".").reduceRight<Node>((inner, name) => ({ [name]: inner }), value as Node);
  const sample = { boolean: [false, true], number: [10, 20], string: ["a", "b"] } as const;
  const cases: Case[] = [];
  const groups = new Set<string>();
  for (const [dotted, type] of tenantSettingPaths()) {
    const [before, after] = sample[type];
    const names = dotted.split(".");
    names.slice(0, -1).forEach((_, i) => groups.add(names.slice(0, i + 1).join(".")));
    const pointer = `${TS}/properties/${names.join("/properties/")}`;
    cases.push({ pointer, says: IN_PLACE, effect: "in place", handler: tenantSettingsHandler, base: { settings: nested(dotted, before) }, change: { settings: nested(dotted, after) } });
  }
  for (const group of [...groups, "powerPlatform.powerPages"]) {
    const pointer = `${TS}/properties/${group.split(".").join("/properties/")}`;
    // A setting of the group starts being managed (powerPages has none known: a setting next to it).
    const [dotted, type] = tenantSettingPaths().find(([p]) => p.startsWith(`${group}.`)) ?? ["powerPlatform.search.disableDocsSearch", "boolean"];
    cases.push({ pointer, says: IN_PLACE, effect: "in place", handler: tenantSettingsHandler, base: { settings: { walkMeOptOut: false } }, change: { settings: { walkMeOptOut: false, ...nested(dotted, sample[type][1]) } } });
  }
  return cases;
}

// Environment groups: the group (EnvironmentGroup) and its rules (EnvironmentGroupRuleSet).
const GROUP_PROPS = "/definitions/environmentGroup/properties";
const RULES = "/definitions/environmentGroupRules/properties";
const group: Node = { displayName: "Makers", description: "Makers' environments", environments: [GROUP] };
const allRules: Node = {
  sharingControls: { shareMode: "ExcludeSharingToSecurityGroups", shareMaxLimit: 1 },
  usageInsights: { insightsEnabled: true },
  makerWelcomeContent: { makerOnboardingUrl: "https://contoso.com/makers", makerOnboardingMarkdown: "Hi" },
  solutionCheckerEnforcement: { solutionCheckerMode: "Warn", suppressValidationEmails: false },
  backupRetention: { periodInDays: 7 },
  aiGeneratedDescriptions: { enabled: true },
  aiGenerativeSettings: { moveDataAcrossRegionsEnabled: false, bingSearchEnabled: false },
};
const ruleSet: Node = { environmentGroupId: GROUP, rules: allRules };
const rule = (name: string, change: Node): Node => ({ rules: { ...allRules, [name]: { ...(allRules[name] as Node), ...change } } });
cases.push(
  { pointer: `${GROUP_PROPS}/displayName`, says: IN_PLACE, effect: "in place", handler: environmentGroupHandler, base: group, change: { displayName: "Makers 2" } },
  { pointer: `${GROUP_PROPS}/description`, says: IN_PLACE, effect: "in place", handler: environmentGroupHandler, base: group, change: { description: "other" } },
  { pointer: `${GROUP_PROPS}/environments`, says: IN_PLACE, effect: "in place", handler: environmentGroupHandler, base: group, change: { environments: [GROUP, OTHER] } },
  { pointer: `${GROUP_PROPS}/adoptId`, says: NO_EFFECT, effect: "no change", handler: environmentGroupHandler, base: { ...group, adoptId: GROUP }, change: { adoptId: OTHER } },
  { pointer: `${GROUP_PROPS}/rules`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: { rules: { backupRetention: { periodInDays: 7 } } } },
  { pointer: `${RULES}/sharingControls`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: { rules: { ...allRules, sharingControls: { shareMode: "NoLimit" } } } },
  { pointer: `${RULES}/sharingControls/properties/shareMode`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: { rules: { ...allRules, sharingControls: { shareMode: "NoLimit" } } } },
  { pointer: `${RULES}/sharingControls/properties/shareMaxLimit`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("sharingControls", { shareMaxLimit: 5 }) },
  { pointer: `${RULES}/usageInsights`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("usageInsights", { insightsEnabled: false }) },
  { pointer: `${RULES}/usageInsights/properties/insightsEnabled`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("usageInsights", { insightsEnabled: false }) },
  { pointer: `${RULES}/makerWelcomeContent`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("makerWelcomeContent", { makerOnboardingMarkdown: "Hello" }) },
  { pointer: `${RULES}/makerWelcomeContent/properties/makerOnboardingUrl`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("makerWelcomeContent", { makerOnboardingUrl: "https://contoso.com/new" }) },
  { pointer: `${RULES}/makerWelcomeContent/properties/makerOnboardingMarkdown`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("makerWelcomeContent", { makerOnboardingMarkdown: "Hello" }) },
  { pointer: `${RULES}/solutionCheckerEnforcement`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("solutionCheckerEnforcement", { solutionCheckerMode: "Block" }) },
  { pointer: `${RULES}/solutionCheckerEnforcement/properties/solutionCheckerMode`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("solutionCheckerEnforcement", { solutionCheckerMode: "Block" }) },
  { pointer: `${RULES}/solutionCheckerEnforcement/properties/suppressValidationEmails`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("solutionCheckerEnforcement", { suppressValidationEmails: true }) },
  { pointer: `${RULES}/backupRetention`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("backupRetention", { periodInDays: 28 }) },
  { pointer: `${RULES}/backupRetention/properties/periodInDays`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("backupRetention", { periodInDays: 28 }) },
  { pointer: `${RULES}/aiGeneratedDescriptions`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("aiGeneratedDescriptions", { enabled: false }) },
  { pointer: `${RULES}/aiGeneratedDescriptions/properties/enabled`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("aiGeneratedDescriptions", { enabled: false }) },
  { pointer: `${RULES}/aiGenerativeSettings`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("aiGenerativeSettings", { bingSearchEnabled: true }) },
  { pointer: `${RULES}/aiGenerativeSettings/properties/moveDataAcrossRegionsEnabled`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("aiGenerativeSettings", { moveDataAcrossRegionsEnabled: true }) },
  { pointer: `${RULES}/aiGenerativeSettings/properties/bingSearchEnabled`, says: IN_PLACE, effect: "in place", handler: environmentGroupRuleSetHandler, base: ruleSet, change: rule("aiGenerativeSettings", { bingSearchEnabled: true }) },
);

/**
 * Fields that are no input of the object's own resource: each is its own resource (links,
 * installs) or a Pulumi resource option; their descriptions say so.
 */
const notInTheDiff: Record<string, RegExp> = {
  [`${POLICY}/environments`]: /the policy itself is updated in place, never replaced/,
  [`${ENV}/applications`]: /The environment is never replaced for this/,
  [`${ENV}/managed`]: /Every setting is updated in place; the environment is never replaced for this/,
  [`${POLICY}/protect`]: /updates only the Pulumi state, in place/,
  [`${POLICY}/retainOnDelete`]: /updates only the Pulumi state, in place/,
  [`${ENV}/protect`]: /updates only the Pulumi state, in place/,
  [`${ENV}/retainOnDelete`]: /updates only the Pulumi state, in place/,
  [`${FLOW}/protect`]: /updates only the Pulumi state, in place/,
  ["/definitions/environmentGroup/properties/protect"]: /updates only the Pulumi state, in place/,
  ["/definitions/environmentGroup/properties/retainOnDelete"]: /updates only the Pulumi state, in place/,
  [`${FLOW}/retainOnDelete`]: /updates only the Pulumi state, in place/,
  ["/definitions/tenantSettings/properties/protect"]: /updates only the Pulumi state, in place/,
  ["/definitions/tenantSettings/properties/retainOnDelete"]: /updates only the Pulumi state, in place/,
};

// DataLossPreventionPolicy: every field updates in place (one PATCH of the whole policy).
const DLP = "/definitions/dlpPolicy/properties";
const CONNECTOR = "/definitions/dlpConnector/oneOf/1/properties";
const sql = { id: "shared_sql", defaultActionRuleBehavior: "Allow", actionRules: [{ actionId: "DeleteItem_V2", behavior: "Block" }], endpointRules: [{ order: 1, behavior: "Deny", endpoint: "*" }] };
const dlpPolicy: Node = {
  displayName: "Sales strict",
  environmentType: "OnlyEnvironments",
  environments: [GROUP],
  businessConnectors: [sql],
  customConnectorUrlPatterns: [{ order: 1, hostUrlPattern: "*", dataGroup: "Ignore" }],
};
const withSql = (change: Node) => ({ businessConnectors: [{ ...sql, ...change }] });
const dlpCase = (pointer: string, change: Node, base: Node = dlpPolicy): Case => ({ pointer, says: IN_PLACE, effect: "in place", handler: dataLossPreventionPolicyHandler, base, change });
cases.push(
  dlpCase(`${DLP}/displayName`, { displayName: "Sales" }),
  dlpCase(`${DLP}/defaultConnectorsClassification`, { defaultConnectorsClassification: "Blocked" }),
  dlpCase(`${DLP}/environmentType`, { environmentType: "ExceptEnvironments" }),
  dlpCase(`${DLP}/environments`, { environments: [OTHER] }),
  dlpCase(`${DLP}/businessConnectors`, { businessConnectors: [] }),
  dlpCase(`${DLP}/nonBusinessConnectors`, { nonBusinessConnectors: ["shared_teams"] }),
  dlpCase(`${DLP}/blockedConnectors`, { blockedConnectors: ["shared_dropbox"] }),
  dlpCase(`${DLP}/customConnectorUrlPatterns`, { customConnectorUrlPatterns: [{ order: 1, hostUrlPattern: "https://*.contoso.com", dataGroup: "Business" }, { order: 2, hostUrlPattern: "*", dataGroup: "Ignore" }] }),
  dlpCase(`${DLP}/customConnectorUrlPatterns/items/properties/order`, { customConnectorUrlPatterns: [{ order: 2, hostUrlPattern: "*", dataGroup: "Ignore" }] }),
  dlpCase(`${DLP}/customConnectorUrlPatterns/items/properties/hostUrlPattern`, { customConnectorUrlPatterns: [{ order: 1, hostUrlPattern: "https://*.contoso.com", dataGroup: "Ignore" }] }),
  dlpCase(`${DLP}/customConnectorUrlPatterns/items/properties/dataGroup`, { customConnectorUrlPatterns: [{ order: 1, hostUrlPattern: "*", dataGroup: "Blocked" }] }),
  { pointer: `${DLP}/adoptId`, says: NO_EFFECT, effect: "no change", handler: dataLossPreventionPolicyHandler, base: { ...dlpPolicy, adoptId: GROUP }, change: { adoptId: OTHER } },
  dlpCase(`${CONNECTOR}/id`, withSql({ id: "shared_sharepointonline" })),
  dlpCase(`${CONNECTOR}/defaultActionRuleBehavior`, withSql({ defaultActionRuleBehavior: "Block" })),
  dlpCase(`${CONNECTOR}/actionRules`, withSql({ actionRules: [] })),
  dlpCase(`${CONNECTOR}/actionRules/items/properties/actionId`, withSql({ actionRules: [{ actionId: "GetItems_V2", behavior: "Block" }] })),
  dlpCase(`${CONNECTOR}/actionRules/items/properties/behavior`, withSql({ actionRules: [{ actionId: "DeleteItem_V2", behavior: "Allow" }] })),
  dlpCase(`${CONNECTOR}/endpointRules`, withSql({ endpointRules: [] })),
  dlpCase(`${CONNECTOR}/endpointRules/items/properties/order`, withSql({ endpointRules: [{ order: 2, behavior: "Deny", endpoint: "*" }] })),
  dlpCase(`${CONNECTOR}/endpointRules/items/properties/behavior`, withSql({ endpointRules: [{ order: 1, behavior: "Allow", endpoint: "*" }] })),
  dlpCase(`${CONNECTOR}/endpointRules/items/properties/endpoint`, withSql({ endpointRules: [{ order: 1, behavior: "Deny", endpoint: "contoso.com" }] })),
);
Object.assign(notInTheDiff, {
  [`${DLP}/protect`]: /updates only the Pulumi state, in place/,
  [`${DLP}/retainOnDelete`]: /updates only the Pulumi state, in place/,
});

async function checked(handler: ResourceHandler<any, any>, inputs: Node) {
  const result = await handler.check({}, inputs);
  expect(result.failures).toBeUndefined();
  return result.inputs;
}

describe("tenant schema descriptions match the provider's diff", () => {
  test("every field of a declared object is covered by a diff case or named as no input of its resource", () => {
    const covered = new Set([...cases.map((c) => c.pointer), ...Object.keys(notInTheDiff)]);
    expect(fieldPointers.filter((pointer) => !covered.has(pointer))).toEqual([]);
  });

  test.each(Object.entries(notInTheDiff))("%s", (pointer, says) => {
    expect(descriptionOf(resolve(`#${pointer}`))).toMatch(says);
  });

  test.each(cases.map((c) => [`${c.pointer} ${JSON.stringify(c.change)}: ${c.effect}`, c] as const))("%s", async (_name, c) => {
    expect(descriptionOf(resolve(`#${c.pointer}`))).toMatch(c.says);
    const olds = await checked(c.handler, c.base);
    const news = await checked(c.handler, { ...c.base, ...c.change });
    const diff = await c.handler.diff("id", olds, news);
    const effect: Effect = !diff.changes ? "no change" : (diff.replaces ?? []).length > 0 ? "replaces" : "in place";
    expect(effect).toBe(c.effect);
  });
});
