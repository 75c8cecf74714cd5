// Power Platform API: environment groups (/environmentmanagement/environmentGroups) and their
// rule sets (/governance/...). Evidence and guesses: test/conformance/README.md ("Environment groups").
//
// Membership lives on the environment (properties.parentEnvironmentGroup, as BAP reads carry it),
// so that a BAP read, the group's member list and an out-of-band edit agree by construction.
import { Ctx, Route, ok, err, requireBody, page, compile } from "../http";
import { newId, nowIso, publicView, Obj } from "../state";

const GROUP_VERSIONS = ["2022-03-01-preview", "2022-03-01"];
const RULE_SET_VERSIONS = ["2021-10-01-preview"];
const S = "powerplatform" as const;

const groups = (ctx: Ctx) => (ctx.state.environmentGroups ??= {});
const ruleSets = (ctx: Ctx) => (ctx.state.environmentGroupRuleSets ??= {});
const by = (ctx: Ctx) => ({ id: ctx.principal!.objectId, type: ctx.principal!.type });

/** The group a member environment names, or undefined (an empty id counts as none). */
export const parentGroupOf = (env: Obj): string | undefined => {
  const id = env?.properties?.parentEnvironmentGroup?.id;
  return typeof id === "string" && id ? id : undefined;
};

function getGroup(ctx: Ctx, id = ctx.params.groupId): Obj {
  const g = Object.values(groups(ctx)).find((x) => x.id.toLowerCase() === id.toLowerCase());
  return g ?? err(404, "EnvironmentGroupNotFound", `The environment group '${id}' was not found.`);
}
function getEnv(ctx: Ctx, id: string): Obj {
  const e = Object.values(ctx.state.environments).find((x) => x.name.toLowerCase() === id.toLowerCase());
  return e ?? err(404, "EnvironmentNotFound", `The environment '${id}' could not be found in the tenant '${ctx.state.tenant.id}'.`);
}
const membersOf = (ctx: Ctx, groupId: string) =>
  Object.values(ctx.state.environments).filter((e) => parentGroupOf(e)?.toLowerCase() === groupId.toLowerCase());

function groupFields(ctx: Ctx): { displayName: string; description: string } {
  const b = requireBody(ctx);
  const displayName = b.displayName;
  if (typeof displayName !== "string" || displayName.trim() === "") err(400, "InvalidRequestContent", "The field 'displayName' is required.");
  if (displayName.length > 100) err(400, "InvalidRequestContent", "The field 'displayName' must be at most 100 characters.");
  if (b.description !== undefined && b.description !== null && typeof b.description !== "string") err(400, "InvalidRequestContent", "The field 'description' must be a string.");
  return { displayName, description: b.description ?? "" };
}

const listGroups = (ctx: Ctx) => ok(page(ctx, publicView(Object.values(groups(ctx)))));

const createGroup = (ctx: Ctx) => {
  const f = groupFields(ctx);
  const t = nowIso();
  const id = newId();
  const g = { id, displayName: f.displayName, description: f.description, parentGroupId: null, childrenGroupIds: [], createdTime: t, createdBy: by(ctx), lastModifiedTime: t, lastModifiedBy: by(ctx) };
  groups(ctx)[id] = g;
  ctx.changed = true;
  // Documented: 200 OK with the group.
  return ok(publicView(g), 200);
};

const updateGroup = (ctx: Ctx) => {
  const g = getGroup(ctx);
  const f = groupFields(ctx);
  g.displayName = f.displayName;
  g.description = f.description;
  g.lastModifiedTime = nowIso();
  g.lastModifiedBy = by(ctx);
  ctx.changed = true;
  return ok(publicView(g));
};

const deleteGroup = (ctx: Ctx) => {
  const g = getGroup(ctx);
  // Documented: a group that still has environments cannot be deleted (the answer is a guess).
  const members = membersOf(ctx, g.id);
  if (members.length > 0)
    err(400, "EnvironmentGroupHasEnvironments", `The environment group '${g.id}' still has ${members.length} environment(s) (${members.map((e) => e.name).join(", ")}); remove them from the group before deleting it.`);
  delete groups(ctx)[g.id];
  for (const [id, r] of Object.entries(ruleSets(ctx))) if (r._groupId === g.id) delete ruleSets(ctx)[id];
  ctx.changed = true;
  return ok(undefined, 200);
};

const addEnvironment = (ctx: Ctx) => {
  const g = getGroup(ctx);
  const env = getEnv(ctx, ctx.params.envId);
  const current = parentGroupOf(env);
  if (current && current.toLowerCase() === g.id.toLowerCase()) return ok(undefined, 200);
  // Documented: an environment belongs to one group at most; only Managed Environments join one.
  if (current)
    err(409, "EnvironmentAlreadyInGroup", `The environment '${env.name}' already belongs to the environment group '${current}'; remove it from that group first.`);
  if (ctx.settings.environmentGroupMembersMustBeManaged && env.properties?.governanceConfiguration?.protectionLevel !== "Standard")
    err(400, "EnvironmentNotManaged", `The environment '${env.name}' is not a Managed Environment; only Managed Environments can be added to an environment group.`);
  env.properties.parentEnvironmentGroup = { id: g.id };
  env.properties.lastModifiedTime = nowIso();
  ctx.changed = true;
  return ok(undefined, 200);
};

const removeEnvironment = (ctx: Ctx) => {
  const g = getGroup(ctx);
  const env = getEnv(ctx, ctx.params.envId);
  if (parentGroupOf(env)?.toLowerCase() === g.id.toLowerCase()) {
    delete env.properties.parentEnvironmentGroup;
    env.properties.lastModifiedTime = nowIso();
    ctx.changed = true;
  }
  return ok(undefined, 200);
};

// ---------- rule sets ----------
// The rule types and value ids of the recorded rule sets (test/conformance/recorded/environment-groups).
export const RULE_TYPES: Record<string, string[]> = {
  Sharing: ["CanShareWithSecurityGroups", "IsGroupSharingDisabled", "MaximumShareLimit"],
  AdminDigest: ["IncludeOnHomePageInsights", "ExcludeEnvironmentFromAnalysis"],
  MakerOnboarding: ["makerOnboardingUrl", "makerOnboardingMarkdown", "makerOnboardingTimestamp"],
  SolutionChecker: ["solutionCheckerMode", "suppressValidationEmails", "solutionCheckerRuleOverrides"],
  Lifecycle: ["RetentionPeriod"],
  Copilot: ["DisableAiGeneratedDescriptions"],
  GenerativeAISettings: ["crossGeoCopilotDataMovementEnabled", "bingChatEnabled"],
};

function parameters(ctx: Ctx): Obj[] {
  const b = requireBody(ctx);
  if (!Array.isArray(b.parameters)) err(400, "InvalidRequestContent", "The field 'parameters' is required and must be an array.");
  const seen = new Set<string>();
  return b.parameters.map((p: Obj, i: number) => {
    if (!p || typeof p !== "object" || typeof p.type !== "string" || !Array.isArray(p.value))
      err(400, "InvalidRequestContent", `parameters[${i}] must have a 'type' and a 'value' array.`);
    const ids = RULE_TYPES[p.type];
    if (!ids) err(400, "InvalidRuleType", `parameters[${i}]: the rule type '${p.type}' is not supported.`);
    if (seen.has(p.type)) err(400, "InvalidRequestContent", `parameters[${i}]: the rule type '${p.type}' appears twice.`);
    seen.add(p.type);
    for (const v of p.value) {
      if (!v || typeof v.id !== "string" || typeof v.value !== "string") err(400, "InvalidRequestContent", `parameters[${i}]: every value must be {id, value} with string values.`);
      if (!ids.includes(v.id)) err(400, "InvalidRequestContent", `parameters[${i}]: '${v.id}' is not a value of rule type '${p.type}'.`);
    }
    return { type: p.type, resourceType: typeof p.resourceType === "string" ? p.resourceType : "NotSpecified", value: p.value.map((v: Obj) => ({ id: v.id, value: v.value })), ...(p.hasStagedChanges !== undefined ? { hasStagedChanges: !!p.hasStagedChanges } : {}) };
  });
}

const ruleSetOf = (ctx: Ctx, groupId: string) => Object.values(ruleSets(ctx)).find((r) => r._groupId === groupId);
const ruleSetView = (r: Obj) => publicView(r);

const getRuleSets = (ctx: Ctx) => {
  const g = getGroup(ctx);
  const r = ruleSetOf(ctx, g.id);
  // The Terraform provider accepts 200 and 204 and takes 204 for "none"; 204 is played.
  if (!r) return ok(undefined, 204);
  return ok({ value: [ruleSetView(r)] });
};

const createRuleSet = (ctx: Ctx) => {
  const g = getGroup(ctx);
  if (ruleSetOf(ctx, g.id)) err(409, "RuleSetAlreadyExists", `The environment group '${g.id}' already has a rule set; update it instead.`);
  const params = parameters(ctx);
  const id = newId();
  const r = { id, parameters: params, lastModified: nowIso(), environmentFilter: { type: "Include", values: [{ id: g.id, type: "EnvironmentGroup" }] }, _groupId: g.id };
  ruleSets(ctx)[id] = r;
  ctx.changed = true;
  // Recorded: 201 Created with the parameters only (no id: clients read the set back).
  return ok({ parameters: publicView(r.parameters) }, 201);
};

function getRuleSet(ctx: Ctx): Obj {
  const id = ctx.params.ruleSetId;
  const r = Object.values(ruleSets(ctx)).find((x) => x.id.toLowerCase() === id.toLowerCase());
  return r ?? err(404, "RuleSetNotFound", `The rule set '${id}' was not found.`);
}

const updateRuleSet = (ctx: Ctx) => {
  const r = getRuleSet(ctx);
  r.parameters = parameters(ctx);
  r.lastModified = nowIso();
  ctx.changed = true;
  // Recorded: the PUT's answer is the set, its parameters without hasStagedChanges.
  const view = ruleSetView(r);
  return ok({ ...view, parameters: view.parameters.map(({ hasStagedChanges: _staged, ...p }: Obj) => p) });
};

const deleteRuleSet = (ctx: Ctx) => {
  const r = getRuleSet(ctx);
  delete ruleSets(ctx)[r.id];
  ctx.changed = true;
  return ok(undefined, 200);
};

const G = (method: string, template: string, handler: Route["handler"]): Route => compile({ method, template, surface: S, apiVersions: GROUP_VERSIONS, admin: true, handler });
const RS = (method: string, template: string, handler: Route["handler"]): Route => compile({ method, template, surface: S, apiVersions: RULE_SET_VERSIONS, admin: true, handler });

/** The routes of environment groups and their rule sets. */
export const environmentGroupRoutes: Route[] = [
  G("GET", "/environmentmanagement/environmentGroups", listGroups),
  G("POST", "/environmentmanagement/environmentGroups", createGroup),
  G("GET", "/environmentmanagement/environmentGroups/{groupId}", (c) => ok(publicView(getGroup(c)))),
  G("PUT", "/environmentmanagement/environmentGroups/{groupId}", updateGroup),
  G("PATCH", "/environmentmanagement/environmentGroups/{groupId}", updateGroup),
  G("DELETE", "/environmentmanagement/environmentGroups/{groupId}", deleteGroup),
  G("POST", "/environmentmanagement/environmentGroups/{groupId}/addEnvironment/{envId}", addEnvironment),
  G("POST", "/environmentmanagement/environmentGroups/{groupId}/removeEnvironment/{envId}", removeEnvironment),
  RS("GET", "/governance/environmentGroups/{groupId}/ruleSets", getRuleSets),
  RS("POST", "/governance/environmentGroups/{groupId}/ruleSets", createRuleSet),
  RS("PUT", "/governance/ruleSets/{ruleSetId}", updateRuleSet),
  RS("DELETE", "/governance/ruleSets/{ruleSetId}", deleteRuleSet),
];
