"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.schemaPath = exports.TenantFileError = void 0;
exports.isEnvironmentId = isEnvironmentId;
exports.parseTenantFile = parseTenantFile;
exports.loadTenantFile = loadTenantFile;
/**
 * Loads a tenant file (YAML), validates it against schema/tenant.schema.json and
 * checks its references, before any resource is registered. Every error names the
 * file, the line, the path inside the file and the rule.
 */
const ajv_1 = __importDefault(require("ajv"));
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const yaml_1 = require("yaml");
const provider_1 = require("@powerplatform-iac/provider");
class TenantFileError extends Error {
    file;
    problems;
    constructor(file, problems) {
        super(`${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
            problems
                .map((p) => `  ${file}${p.line ? `:${p.line}:${p.column}` : ""} at ${p.path || "/"}: ${p.message} (${p.rule})`)
                .join("\n"));
        this.file = file;
        this.problems = problems;
        this.name = "TenantFileError";
    }
}
exports.TenantFileError = TenantFileError;
exports.schemaPath = path.resolve(__dirname, "..", "schema", "tenant.schema.json");
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An environment reference is a key of this file, a GUID, or the tenant's Default-<tenant id>. */
function isEnvironmentId(ref) {
    return guid.test(ref) || /^Default-[0-9a-f-]{36}$/i.test(ref);
}
function describe(error) {
    switch (error.keyword) {
        case "enum":
            return `must be one of ${error.params.allowedValues.join(", ")}`;
        case "additionalProperties": {
            const unknownName = error.params.additionalProperty;
            const known = Object.keys(error.parentSchema?.properties ?? {});
            const nearest = (0, provider_1.nearestName)(unknownName, known);
            return `unknown property "${unknownName}"${nearest ? ` (did you mean "${nearest}"?)` : ""}`;
        }
        case "required":
            return `missing required property "${error.params.missingProperty}"`;
        case "pattern":
            return `${error.message}${error.parentSchema && error.parentSchema.description ? ` (${error.parentSchema.description})` : ""}`;
        case "propertyNames":
            return `key ${JSON.stringify(error.params.propertyName)} is not valid: lower-case letters, digits and hyphens, starting with a letter`;
        default:
            return error.message ?? error.keyword;
    }
}
function referenceProblems(tenant) {
    const problems = [];
    const declared = new Set(Object.keys(tenant.environments));
    const checkRef = (ref, at) => {
        if (ref === undefined)
            return; // missing: a schema problem
        if (!declared.has(ref) && !isEnvironmentId(ref)) {
            problems.push({
                path: at,
                rule: "reference",
                message: `"${ref}" is neither an environment declared under /environments (${[...declared].join(", ") || "none"}) nor an environment id`,
            });
        }
    };
    for (const [key, policy] of Object.entries(tenant.billingPolicies)) {
        (policy.environments ?? []).forEach((ref, i) => {
            checkRef(ref, `/billingPolicies/${key}/environments/${i}`);
            const env = tenant.environments[ref];
            if (env && env.location !== undefined && policy.location !== undefined && env.location !== policy.location) {
                problems.push({
                    path: `/billingPolicies/${key}/environments/${i}`,
                    rule: "reference",
                    message: `environment "${ref}" is in ${env.location} but the policy is in ${policy.location}: a policy bills only environments of its own location`,
                });
            }
            if (env && env.environmentSku !== undefined && env.environmentSku !== "Production" && env.environmentSku !== "Sandbox") {
                problems.push({
                    path: `/billingPolicies/${key}/environments/${i}`,
                    rule: "reference",
                    message: `environment "${ref}" is ${env.environmentSku}: only Production and Sandbox environments can be billed by a policy`,
                });
            }
        });
    }
    const billedBy = new Map();
    for (const [key, policy] of Object.entries(tenant.billingPolicies)) {
        (policy.environments ?? []).forEach((ref, i) => {
            const other = billedBy.get(ref);
            if (other) {
                problems.push({
                    path: `/billingPolicies/${key}/environments/${i}`,
                    rule: "reference",
                    message: `environment "${ref}" is already billed by policy "${other}": an environment can be linked to one policy only`,
                });
            }
            billedBy.set(ref, key);
        });
    }
    for (const [key, env] of Object.entries(tenant.environments)) {
        if ((env.applications ?? []).length > 0 && !env.dataverse) {
            problems.push({
                path: `/environments/${key}/applications`,
                rule: "reference",
                message: `applications need an environment with Dataverse: add a dataverse section to environment "${key}"`,
            });
        }
    }
    for (const [key, env] of Object.entries(tenant.environments)) {
        if (env.managed && !env.dataverse) {
            problems.push({
                path: `/environments/${key}/managed`,
                rule: "reference",
                message: `managed environments require Dataverse: add a dataverse section to environment "${key}"`,
            });
        }
        const limit = env.managed?.maxLimitUserSharing;
        if (limit !== undefined && limit !== -1 && env.managed?.groupSharingDisabled !== true) {
            problems.push({
                path: `/environments/${key}/managed/maxLimitUserSharing`,
                rule: "reference",
                message: `a sharing limit applies only when sharing with security groups is excluded: set groupSharingDisabled: true, or maxLimitUserSharing: -1`,
            });
        }
    }
    for (const [key, flow] of Object.entries(tenant.flows)) {
        checkRef(flow.environment, `/flows/${key}/environment`);
        if (flow.state === undefined && flow.owners === undefined) {
            problems.push({ path: `/flows/${key}`, rule: "reference", message: `flow "${key}" declares neither state nor owners: nothing to manage` });
        }
        const seen = new Set();
        (flow.owners ?? []).forEach((owner, i) => {
            const id = owner.principalId.toLowerCase();
            if (seen.has(id)) {
                problems.push({ path: `/flows/${key}/owners/${i}/principalId`, rule: "reference", message: `principal ${owner.principalId} is listed twice` });
            }
            seen.add(id);
        });
    }
    if (tenant.tenantSettings && !Object.entries(tenant.tenantSettings).some(([k, v]) => k !== "protect" && k !== "retainOnDelete" && namesASetting(v))) {
        problems.push({ path: "/tenantSettings", rule: "reference", message: "tenantSettings names no setting: nothing to manage (name at least one, e.g. disableTrialEnvironmentCreationByNonAdminUsers: true)" });
    }
    problems.push(...environmentGroupProblems(tenant, checkRef));
    problems.push(...duplicateProblems(tenant));
    problems.push(...dlpPolicyProblems(tenant));
    return problems;
}
/** DLP policies: environment references resolve, the scope lists environments when it must, each policy is declared once. */
function dlpPolicyProblems(tenant) {
    const problems = [];
    const declared = new Set(Object.keys(tenant.environments));
    const adopted = new Map();
    for (const [key, policy] of Object.entries(tenant.dlpPolicies ?? {})) {
        (policy.environments ?? []).forEach((ref, i) => {
            if (!declared.has(ref) && !isEnvironmentId(ref)) {
                problems.push({
                    path: `/dlpPolicies/${key}/environments/${i}`,
                    rule: "reference",
                    message: `"${ref}" is neither an environment declared under /environments (${[...declared].join(", ") || "none"}) nor an environment id`,
                });
            }
        });
        const listed = (policy.environments ?? []).length;
        if (policy.environmentType === "AllEnvironments" && listed > 0) {
            problems.push({ path: `/dlpPolicies/${key}/environments`, rule: "reference", message: "a policy for AllEnvironments lists no environments (use ExceptEnvironments or OnlyEnvironments)" });
        }
        if ((policy.environmentType === "ExceptEnvironments" || policy.environmentType === "OnlyEnvironments") && listed === 0) {
            problems.push({ path: `/dlpPolicies/${key}`, rule: "reference", message: `a policy for ${policy.environmentType} must list at least one environment under environments` });
        }
        if (policy.adoptId !== undefined) {
            const first = adopted.get(policy.adoptId.toLowerCase());
            if (first)
                problems.push({ path: `/dlpPolicies/${key}/adoptId`, rule: "duplicate", message: `DLP policy ${policy.adoptId} is already managed by ${first}: declare each object once (two entries would undo each other on every run)` });
            else
                adopted.set(policy.adoptId.toLowerCase(), `/dlpPolicies/${key}`);
        }
    }
    return problems;
}
/** A setting value, or a group that names at least one. */
function namesASetting(v) {
    if (v === null || v === undefined)
        return false;
    return typeof v === "object" && !Array.isArray(v) ? Object.values(v).some(namesASetting) : true;
}
/**
 * Environment groups: each member reference resolves, and an environment is listed by one group
 * only (an environment belongs to one group; two entries would move it back and forth).
 */
function environmentGroupProblems(tenant, checkRef) {
    const problems = [];
    const groupOf = new Map();
    for (const [key, group] of Object.entries(tenant.environmentGroups)) {
        (group.environments ?? []).forEach((ref, i) => {
            checkRef(ref, `/environmentGroups/${key}/environments/${i}`);
            const id = ref.toLowerCase();
            const other = groupOf.get(id);
            if (other !== undefined && other !== key) {
                problems.push({
                    path: `/environmentGroups/${key}/environments/${i}`,
                    rule: "duplicate",
                    message: `environment "${ref}" is already listed by group "${other}": an environment belongs to one group only`,
                });
            }
            else
                groupOf.set(id, key);
        });
    }
    return problems;
}
/**
 * Two entries that manage the same object would undo each other on every run (co-owners
 * flipping, a flow started and stopped): each object is declared once. Ids compare
 * without case; the second entry is the one reported, naming the first.
 */
function duplicateProblems(tenant) {
    const problems = [];
    const once = (what, seen, id, at, label) => {
        if (id === undefined)
            return;
        const key = id.toLowerCase();
        const first = seen.get(key);
        if (first !== undefined) {
            problems.push({ path: at, rule: "duplicate", message: `${what} ${id} is already managed by ${first}: declare each object once (two entries would undo each other on every run)` });
        }
        else {
            seen.set(key, label);
        }
    };
    const flows = new Map();
    for (const [key, flow] of Object.entries(tenant.flows))
        once("flow", flows, flow.flowId, `/flows/${key}/flowId`, `/flows/${key}`);
    const environments = new Map();
    const domains = new Map();
    for (const [key, env] of Object.entries(tenant.environments)) {
        once("environment", environments, env.adoptId, `/environments/${key}/adoptId`, `/environments/${key}`);
        once("the Dataverse domain name", domains, env.dataverse?.domainName, `/environments/${key}/dataverse/domainName`, `/environments/${key}`);
    }
    const policies = new Map();
    for (const [key, policy] of Object.entries(tenant.billingPolicies)) {
        once("billing policy", policies, policy.adoptId, `/billingPolicies/${key}/adoptId`, `/billingPolicies/${key}`);
    }
    const groups = new Map();
    for (const [key, group] of Object.entries(tenant.environmentGroups)) {
        once("environment group", groups, group.adoptId, `/environmentGroups/${key}/adoptId`, `/environmentGroups/${key}`);
    }
    return problems;
}
/** Parses and validates `text` (the content of `file`); throws TenantFileError listing every problem. */
function parseTenantFile(text, file) {
    const lineCounter = new yaml_1.LineCounter();
    const doc = (0, yaml_1.parseDocument)(text, { lineCounter, prettyErrors: false });
    const position = (pointer) => {
        const segments = pointer.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
        for (let n = segments.length; n >= 0; n--) {
            const node = doc.getIn(segments.slice(0, n).map((s) => (/^\d+$/.test(s) ? Number(s) : s)), true);
            if (node && node.range) {
                const { line, col } = lineCounter.linePos(node.range[0]);
                return { line, column: col };
            }
        }
        return {};
    };
    if (doc.errors.length > 0) {
        throw new TenantFileError(file, doc.errors.map((e) => {
            const { line, col } = lineCounter.linePos(e.pos[0]);
            return { path: "", line, column: col, rule: "yaml", message: e.message.split("\n")[0] };
        }));
    }
    const data = (doc.toJS() ?? {});
    const ajv = new ajv_1.default({ allErrors: true, useDefaults: false, strict: false, verbose: true });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(exports.schemaPath, "utf8")));
    const schemaProblems = validate(data)
        ? []
        : (validate.errors ?? [])
            // A bad key yields a propertyNames error plus the inner error about the key: keep the first.
            .filter((e) => e.keyword === "propertyNames" || !("propertyName" in e))
            .map((e) => {
            const pointer = e.keyword === "propertyNames" ? `${e.instancePath}/${e.params.propertyName}` : e.instancePath;
            return { path: pointer, ...position(pointer), rule: e.keyword, message: describe(e) };
        });
    // References are checked on what is well-formed even when the schema finds problems, so
    // that one run reports both kinds (a malformed entry is left to its schema problem).
    const tenant = schemaProblems.length === 0
        ? { billingPolicies: data.billingPolicies ?? {}, environments: data.environments ?? {}, flows: data.flows ?? {}, dlpPolicies: data.dlpPolicies ?? {}, environmentGroups: data.environmentGroups ?? {}, ...(data.tenantSettings ? { tenantSettings: data.tenantSettings } : {}) }
        : wellFormedPart(withoutInvalidValues(data, schemaProblems));
    const problems = [...schemaProblems, ...referenceProblems(tenant).map((p) => ({ ...p, ...position(p.path) }))].filter((p, i, all) => all.findIndex((q) => q.path === p.path && q.message === p.message) === i);
    if (problems.length > 0)
        throw new TenantFileError(file, problems);
    return tenant;
}
/**
 * A copy of the file without the values the schema rejected (a location not in the list, a
 * SKU misspelt): the reference checks then say nothing more about them. Objects (entries)
 * stay, so a reference to an entry with a problem inside is not reported as dangling.
 */
function withoutInvalidValues(data, problems) {
    const copy = structuredClone(data);
    for (const { path: pointer } of problems) {
        const segments = pointer.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
        const last = segments.pop();
        if (last === undefined)
            continue;
        let parent = copy;
        for (const s of segments)
            parent = isObject(parent) || Array.isArray(parent) ? parent[s] : undefined;
        if ((isObject(parent) || Array.isArray(parent)) && !isObject(parent[last]))
            delete parent[last];
    }
    return copy;
}
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
const stringOrUndefined = (v) => (typeof v === "string" ? v : undefined);
const strings = (v) => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : undefined);
const entries = (v) => (isObject(v) ? Object.entries(v).filter((e) => isObject(e[1])) : []);
/**
 * The part of a parsed file the reference checks can read: sections and entries that are
 * objects, fields of the expected type. On a valid file this is the file itself.
 */
function wellFormedPart(data) {
    const root = isObject(data) ? data : {};
    const environments = {};
    for (const [key, e] of entries(root.environments)) {
        environments[key] = {
            ...e,
            location: stringOrUndefined(e.location),
            environmentSku: stringOrUndefined(e.environmentSku),
            applications: strings(e.applications),
            dataverse: isObject(e.dataverse) ? { ...e.dataverse, domainName: stringOrUndefined(e.dataverse.domainName) } : undefined,
            adoptId: stringOrUndefined(e.adoptId),
        };
    }
    const billingPolicies = {};
    for (const [key, p] of entries(root.billingPolicies)) {
        billingPolicies[key] = { ...p, location: stringOrUndefined(p.location), environments: strings(p.environments), adoptId: stringOrUndefined(p.adoptId) };
    }
    const flows = {};
    for (const [key, f] of entries(root.flows)) {
        const owners = Array.isArray(f.owners) ? f.owners.filter((o) => isObject(o) && typeof o.principalId === "string") : f.owners === undefined ? undefined : [];
        flows[key] = { ...f, environment: stringOrUndefined(f.environment), flowId: stringOrUndefined(f.flowId), owners };
    }
    const dlpPolicies = {};
    for (const [key, p] of entries(root.dlpPolicies)) {
        dlpPolicies[key] = { ...p, environmentType: stringOrUndefined(p.environmentType), environments: strings(p.environments), adoptId: stringOrUndefined(p.adoptId) };
    }
    const environmentGroups = {};
    for (const [key, g] of entries(root.environmentGroups)) {
        environmentGroups[key] = { ...g, environments: strings(g.environments), adoptId: stringOrUndefined(g.adoptId) };
    }
    return { billingPolicies, environments, flows, dlpPolicies, environmentGroups, ...(isObject(root.tenantSettings) ? { tenantSettings: root.tenantSettings } : {}) };
}
function loadTenantFile(file, baseDir) {
    const full = path.resolve(baseDir, file);
    let text;
    try {
        text = fs.readFileSync(full, "utf8");
    }
    catch (error) {
        throw new TenantFileError(file, [{ path: "", rule: "file", message: `cannot read the tenant file: ${error.message}` }]);
    }
    return parseTenantFile(text, file);
}
//# sourceMappingURL=tenantFile.js.map