import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceProps, dynamicResourceType } from "./dynamicProvider";
import { programFramesOnly } from "./sourceFrames";
import { timeoutsInput } from "./timeouts";
import { claim } from "./claims";
import { InputChecker, isUnknown } from "./validation";
import type { ResourceHandler, CheckResult, DiffResult, ReadResult } from "./handler";
import { clientFromEnvironment, isNotFound, keepIdOnFailure } from "./runtimeSupport";
import { adoptAfterUnknownOutcome, type Candidate, claimObject, ourPrincipal, refuseRecentDuplicate } from "./ownership";
import { readConfirmingGone } from "./confirmGone";
import { DeadlineExceededError } from "../client/errors";
import { billingPolicyLocations } from "./billingPolicy";
import type { Environment as EnvironmentDto, EnvironmentCreateRequest, EnvironmentPatchRequest } from "../client/api/types";

/** The environment types (`environmentSku`) an environment can be created with. */
export const environmentSkus = ["Production", "Sandbox", "Trial", "Developer"] as const;
/** `Production`, `Sandbox`, `Trial` or `Developer` (see {@link environmentSkus}). */
export type EnvironmentSkuName = (typeof environmentSkus)[number];

/** Power Platform geographies an environment can be created in. */
export const environmentLocations = billingPolicyLocations;

/**
 * The type conversions the service performs in place (Power Platform admin center:
 * Production ↔ Sandbox, and Trial → Production). Every other change of type replaces
 * the environment.
 */
export function skuChangesInPlace(from: string, to: string): boolean {
  return (from === "Sandbox" && to === "Production") || (from === "Production" && to === "Sandbox") || (from === "Trial" && to === "Production");
}

/** The Dataverse database of an {@link Environment} (its `dataverse` argument). */
export interface EnvironmentDataverseArgs {
  /** Base language (LCID), default 1033. Changing it replaces the environment. */
  languageCode?: pulumi.Input<number>;
  /** ISO currency code, default `USD`. Changing it replaces the environment. */
  currencyCode?: pulumi.Input<string>;
  /** The `<domainName>.crm*.dynamics.com` host name; unique in the tenant. Updated in place. */
  domainName?: pulumi.Input<string>;
  /** Entra security group whose members may use the environment (a GUID). Updated in place. */
  securityGroupId?: pulumi.Input<string>;
  /** Dynamics 365 templates applied at creation. Changing them replaces the environment. */
  templates?: pulumi.Input<pulumi.Input<string>[]>;
}

/** The arguments of an {@link Environment}; `check` refuses any other name. */
export interface EnvironmentArgs {
  /** Display name. Updated in place. */
  displayName: pulumi.Input<string>;
  /** Description. Updated in place. */
  description?: pulumi.Input<string>;
  /** Power Platform geography, e.g. `unitedstates` or `europe`. Changing it replaces the environment. */
  location: pulumi.Input<string>;
  /** `Production`, `Sandbox`, `Trial` or `Developer`. Sandbox ↔ Production and Trial → Production update in place; other changes replace. */
  environmentSku: pulumi.Input<EnvironmentSkuName>;
  /** Azure region inside the geography (e.g. `westeurope`); the service picks one when absent. Changing it replaces the environment. */
  azureRegion?: pulumi.Input<string>;
  /** Entra security group (GUID) restricting access; needs `dataverse`. Same as `dataverse.securityGroupId`. Updated in place. */
  securityGroupId?: pulumi.Input<string>;
  /** A Dataverse database. Adding or removing it replaces the environment. */
  dataverse?: pulumi.Input<EnvironmentDataverseArgs>;
  /**
   * Adopt an existing environment with this id instead of creating one: `create` reads
   * it, verifies location, type, region and Dataverse (presence, language, currency),
   * then brings display name, description, security group and domain to the declared values.
   */
  adoptId?: pulumi.Input<string>;
}

export interface EnvironmentDataverseInputs {
  languageCode: number;
  currencyCode: string;
  domainName?: string;
  securityGroupId?: string;
  templates?: string[];
}

/** Inputs after `check` (defaults applied, GUIDs, regions and domain in lower case). */
export interface EnvironmentInputs {
  displayName: string;
  description: string;
  location: string;
  environmentSku: EnvironmentSkuName;
  azureRegion?: string;
  securityGroupId?: string;
  dataverse?: EnvironmentDataverseInputs;
  adoptId?: string;
}

/** The Dataverse database as the service reports it: the `dataverse` output of an {@link Environment}. */
export interface EnvironmentDataverseOutputs extends EnvironmentDataverseInputs {
  /** The `<domainName>.crm*.dynamics.com` host name. */
  domainName: string;
  /** The database's URL, e.g. `https://contoso.crm.dynamics.com/`. */
  instanceUrl: string;
  /** The Dataverse version, e.g. `9.2.24044.00206`. */
  version: string;
}

export interface EnvironmentOutputs extends Omit<EnvironmentInputs, "dataverse" | "environmentSku"> {
  environmentSku: string;
  azureRegion: string;
  dataverse?: EnvironmentDataverseOutputs;
  environmentId: string;
  provisioningState: string;
  /** The management state (`Ready`, `NotSpecified`, …). */
  state: string;
  createdTime: string;
}

const resourceName = "Environment";
const domainPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The arguments of an Environment: check refuses any other name (`__` names excepted). */
export const environmentArguments = ["displayName", "description", "location", "environmentSku", "azureRegion", "securityGroupId", "dataverse", "adoptId"] as const;
const dataverseArguments = ["languageCode", "currencyCode", "domainName", "securityGroupId", "templates"] as const;

function checkInputs(news: Record<string, unknown>): CheckResult<EnvironmentInputs> {
  const c = new InputChecker(resourceName);
  c.knownNames(news, "", environmentArguments);
  const displayName = c.displayName(news.displayName, "displayName", { required: true, maxLength: 200 });
  const description = c.displayName(news.description, "description", { maxLength: 2000, allowLineBreaks: true }) ?? "";
  const location = c.oneOf(news.location, "location", environmentLocations);
  const environmentSku = c.oneOf(news.environmentSku, "environmentSku", environmentSkus);
  const azureRegion = c.string(news.azureRegion, "azureRegion", { pattern: /^[A-Za-z0-9]+$/, patternHint: "must be an Azure region name such as westeurope" })?.toLowerCase();
  let securityGroupId = c.guid(news.securityGroupId, "securityGroupId");
  const adoptId = c.guid(news.adoptId, "adoptId");
  let dataverse: EnvironmentDataverseInputs | undefined;
  const dv = c.object(news.dataverse, "dataverse");
  if (dv) {
    c.knownNames(dv, "dataverse", dataverseArguments);
    let languageCode = 1033;
    if (dv.languageCode !== undefined && dv.languageCode !== null && !isUnknown(dv.languageCode)) {
      if (typeof dv.languageCode !== "number" || !Number.isInteger(dv.languageCode) || dv.languageCode <= 0) {
        c.fail("dataverse.languageCode", `${resourceName}: dataverse.languageCode must be a positive integer LCID such as 1033 (got ${JSON.stringify(dv.languageCode)})`);
      } else languageCode = dv.languageCode;
    }
    const currencyCode = c.string(dv.currencyCode, "dataverse.currencyCode", { pattern: /^[A-Z]{3}$/, patternHint: "must be a 3-letter ISO currency code such as USD" }) ?? "USD";
    const domainName = c.string(dv.domainName, "dataverse.domainName", {
      maxLength: 63,
      pattern: /^[A-Za-z0-9][A-Za-z0-9-]*$/,
      patternHint: "must contain only letters, digits and hyphens and start with a letter or digit",
    })?.toLowerCase();
    const dvGroup = c.guid(dv.securityGroupId, "dataverse.securityGroupId");
    if (dvGroup && securityGroupId && dvGroup !== securityGroupId) {
      c.fail("dataverse.securityGroupId", `${resourceName}: dataverse.securityGroupId (${dvGroup}) and securityGroupId (${securityGroupId}) name the same setting and differ`);
    }
    securityGroupId ??= dvGroup;
    let templates: string[] | undefined;
    if (dv.templates !== undefined && dv.templates !== null && !isUnknown(dv.templates)) {
      if (!Array.isArray(dv.templates) || dv.templates.some((t) => typeof t !== "string" || t.trim() === "")) {
        c.fail("dataverse.templates", `${resourceName}: dataverse.templates must be a list of template names such as D365_Sales`);
      } else if (dv.templates.length > 0) templates = [...(dv.templates as string[])];
    }
    dataverse = {
      languageCode,
      currencyCode,
      ...(domainName ? { domainName } : {}),
      ...(securityGroupId ? { securityGroupId } : {}),
      ...(templates ? { templates } : {}),
    };
  } else if (securityGroupId) {
    c.fail("securityGroupId", `${resourceName}: securityGroupId restricts access to the Dataverse database: declare dataverse too`);
  }
  if (c.failures.length > 0) return { failures: c.failures };
  return {
    inputs: {
      displayName: displayName!,
      description,
      location: location!,
      environmentSku: environmentSku!,
      ...(azureRegion ? { azureRegion } : {}),
      ...(securityGroupId ? { securityGroupId } : {}),
      ...(dataverse ? { dataverse } : {}),
      ...(adoptId ? { adoptId } : {}),
    },
  };
}

/**
 * What the outputs take from somewhere other than the BAP environment: `templates` and
 * `adoptId` are not reported by the API and come from the inputs; the Dataverse
 * currency lives in Dataverse (read there, see `readCurrency`), and the security group
 * is rarely reported: when the service does not say, the last known value is kept
 * (`known`), never a guess.
 */
interface OutputExtras {
  adoptId?: string;
  dataverse?: { templates?: string[] };
  /** The currency read from Dataverse, or the last known one ("" when never known). */
  currencyCode?: string;
  /** Last known security group, used when the service does not report one. */
  knownSecurityGroupId?: string;
}

/** Outputs from the API's view, completed by `extra`. */
function outputsFrom(dto: EnvironmentDto, extra: OutputExtras): EnvironmentOutputs {
  const p = dto.properties;
  const lem = p.linkedEnvironmentMetadata;
  const reported = lem?.securityGroupId ? lem.securityGroupId.toLowerCase() : undefined;
  const group = lem ? (reported ?? extra.knownSecurityGroupId) : undefined;
  const templates = extra.dataverse?.templates;
  return {
    displayName: p.displayName ?? "",
    description: p.description ?? "",
    location: dto.location,
    environmentSku: p.environmentSku ?? "",
    azureRegion: (p.azureRegion ?? "").toLowerCase(),
    ...(group ? { securityGroupId: group } : {}),
    ...(lem
      ? {
          dataverse: {
            languageCode: lem.baseLanguage ?? 1033,
            currencyCode: extra.currencyCode ?? "",
            domainName: (lem.domainName ?? "").toLowerCase(),
            ...(group ? { securityGroupId: group } : {}),
            ...(templates && templates.length > 0 ? { templates } : {}),
            instanceUrl: lem.instanceUrl ?? "",
            version: lem.version ?? "",
          },
        }
      : {}),
    ...(extra.adoptId ? { adoptId: extra.adoptId } : {}),
    environmentId: dto.name,
    provisioningState: p.provisioningState ?? "",
    state: p.states?.management?.id ?? "",
    createdTime: p.createdTime ?? "",
  };
}

function inputsFrom(o: EnvironmentOutputs): EnvironmentInputs {
  return {
    displayName: o.displayName,
    description: o.description,
    location: o.location,
    environmentSku: o.environmentSku as EnvironmentSkuName,
    ...(o.azureRegion ? { azureRegion: o.azureRegion } : {}),
    ...(o.securityGroupId ? { securityGroupId: o.securityGroupId } : {}),
    ...(o.dataverse
      ? {
          dataverse: {
            languageCode: o.dataverse.languageCode,
            currencyCode: o.dataverse.currencyCode,
            domainName: o.dataverse.domainName,
            ...(o.dataverse.securityGroupId ? { securityGroupId: o.dataverse.securityGroupId } : {}),
            ...(o.dataverse.templates ? { templates: o.dataverse.templates } : {}),
          },
        }
      : {}),
    ...(o.adoptId ? { adoptId: o.adoptId } : {}),
  };
}

const sameList = (a: string[] | undefined, b: string[] | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/** What cannot change in place. `olds` are outputs (or inputs read back), `news` the checked inputs. */
function replacedFields(olds: EnvironmentOutputs | EnvironmentInputs, news: EnvironmentInputs): string[] {
  const r: string[] = [];
  if (olds.location !== news.location) r.push("location");
  if (olds.environmentSku !== news.environmentSku && !skuChangesInPlace(olds.environmentSku, news.environmentSku)) r.push("environmentSku");
  if (news.azureRegion !== undefined && olds.azureRegion !== news.azureRegion) r.push("azureRegion");
  if (!olds.dataverse !== !news.dataverse) r.push("dataverse");
  else if (olds.dataverse && news.dataverse) {
    if (olds.dataverse.languageCode !== news.dataverse.languageCode) r.push("dataverse.languageCode");
    // An unknown currency ("": never read from Dataverse) is no reason to replace anything.
    if (olds.dataverse.currencyCode && olds.dataverse.currencyCode !== news.dataverse.currencyCode) r.push("dataverse.currencyCode");
    if (!sameList(olds.dataverse.templates, news.dataverse.templates)) r.push("dataverse.templates");
  }
  return r;
}

/** What PATCH (or modifySku) changes in place. */
function updatedFields(olds: EnvironmentOutputs | EnvironmentInputs, news: EnvironmentInputs): string[] {
  const u: string[] = [];
  if (olds.displayName !== news.displayName) u.push("displayName");
  if (olds.description !== news.description) u.push("description");
  if (olds.environmentSku !== news.environmentSku && skuChangesInPlace(olds.environmentSku, news.environmentSku)) u.push("environmentSku");
  if (news.dataverse && olds.dataverse) {
    if ((olds.securityGroupId ?? "") !== (news.securityGroupId ?? "")) u.push("securityGroupId");
    if (news.dataverse.domainName !== undefined && olds.dataverse.domainName !== news.dataverse.domainName) u.push("dataverse.domainName");
  }
  return u;
}

function createRequest(inputs: EnvironmentInputs): EnvironmentCreateRequest {
  const dv = inputs.dataverse;
  return {
    location: inputs.location,
    properties: {
      displayName: inputs.displayName,
      ...(inputs.description ? { description: inputs.description } : {}),
      environmentSku: inputs.environmentSku,
      ...(inputs.azureRegion ? { azureRegion: inputs.azureRegion } : {}),
      ...(dv
        ? {
            linkedEnvironmentMetadata: {
              baseLanguage: dv.languageCode,
              currency: { code: dv.currencyCode },
              ...(dv.domainName ? { domainName: dv.domainName } : {}),
              ...(dv.securityGroupId ? { securityGroupId: dv.securityGroupId } : {}),
              ...(dv.templates ? { templates: dv.templates } : {}),
            },
          }
        : {}),
    },
  };
}

type Client = Awaited<ReturnType<typeof clientFromEnvironment>>;

/** What ownership checks need to know about an environment. */
export function environmentCandidate(e: EnvironmentDto): Candidate {
  return {
    id: e.name,
    name: e.properties.displayName ?? "",
    creatorId: e.properties.createdBy?.id?.toLowerCase(),
    createdTime: e.properties.createdTime,
    ...(e.properties.provisioningState === "Failed" ? { failed: true } : {}),
  };
}

/** The environments that match the declaration: display name, location, type (and region when declared). */
export async function matchingEnvironments(client: Client, inputs: EnvironmentInputs): Promise<EnvironmentDto[]> {
  return (await client.environments.list()).filter(
    (e) =>
      e.properties.displayName === inputs.displayName &&
      e.location === inputs.location &&
      e.properties.environmentSku === inputs.environmentSku &&
      (inputs.azureRegion === undefined || (e.properties.azureRegion ?? "").toLowerCase() === inputs.azureRegion),
  );
}

const adoptHint = "set adoptId to the id of the environment to manage";

/**
 * POSTs the environment. Never repeated blindly: before it, a matching environment left
 * behind by an interrupted run of this principal stops the create; when the POST may
 * have been applied (no answer), only the environment provably made by it is adopted
 * (resources/ownership.ts).
 */
async function startCreate(client: Client, inputs: EnvironmentInputs): Promise<{ id?: string; operationUrl?: string; environment?: EnvironmentDto }> {
  const principalId = await ourPrincipal(client, "bap");
  const matching = () => matchingEnvironments(client, inputs);
  await refuseRecentDuplicate({ kind: resourceName, client, principalId, matching: async () => (await matching()).map(environmentCandidate), adoptHint });
  const startedMs = client.http.clock.now();
  try {
    const started = await client.environments.create(createRequest(inputs));
    if (started.environment) {
      claimObject(resourceName, started.environment.name);
      return { id: started.environment.name, environment: started.environment, operationUrl: started.operationUrl };
    }
    if (!started.operationUrl) throw new Error(`${resourceName}: the create reply had neither the environment nor an operation to wait on`);
    // 202 with an empty body (recorded): the id comes from the lifecycle operation (createNew).
    if (started.environmentId) claimObject(resourceName, started.environmentId);
    return { id: started.environmentId, operationUrl: started.operationUrl };
  } catch (error) {
    if (!(error as { maybeApplied?: boolean }).maybeApplied) throw error;
    const found = await adoptAfterUnknownOutcome({
      kind: resourceName,
      error,
      client,
      principalId,
      startedMs,
      matching: async () => (await matching()).map((e) => ({ candidate: environmentCandidate(e), value: e })),
      adoptHint,
    });
    return { id: found.name };
  }
}

/**
 * The Dataverse base currency, read where it lives (the environment's Dataverse
 * organization; the BAP environment does not report it). When it cannot be read (no
 * Dataverse yet, the principal is not a user of that Dataverse, a network failure),
 * the last known value stands: `fallback` ("" when never known, which no diff acts on).
 */
async function readCurrency(client: Client, dto: EnvironmentDto, fallback: string | undefined): Promise<string> {
  const instanceUrl = dto.properties.linkedEnvironmentMetadata?.instanceUrl;
  if (!instanceUrl) return fallback ?? "";
  try {
    return await client.dataverse.baseCurrencyCode(instanceUrl);
  } catch {
    return fallback ?? "";
  }
}

/** A failed or timed-out wait on an environment, restated with what state it is in and what to do. */
async function withWayForward(client: Client, id: string, error: unknown): Promise<Error> {
  const cause = error instanceof Error ? error.message : String(error);
  const now = await client.environments.get(id).catch(() => undefined);
  const state = now?.properties.provisioningState;
  if (state === "Failed") return new Error(`${failedEnvironmentMessage(id)} (${cause})`);
  if (error instanceof DeadlineExceededError) {
    return new Error(
      `${resourceName}: environment ${id} is still ${state ?? "being provisioned"} after the deadline (${cause}). ` +
        `It is recorded in the stack: \`pulumi up\` again keeps waiting for it (raise the deadline with customTimeouts if it needs longer).`,
    );
  }
  return error instanceof Error ? error : new Error(cause);
}

/** The way forward for an environment whose lifecycle operation ended Failed. */
function failedEnvironmentMessage(id: string): string {
  return (
    `${resourceName}: environment ${id} is in provisioningState Failed: the service could not finish creating or changing it, ` +
    `and it cannot be repaired in place. \`pulumi up --refresh\` replaces it (a declared domain name is freed first); ` +
    `\`pulumi up --replace <urn>\` does the same without a refresh (\`pulumi stack --show-urns\` lists the URNs). ` +
    `To keep it out of Pulumi instead: \`pulumi state delete <urn>\`.`
  );
}

/**
 * The service can answer a GET of an environment with Dataverse without its
 * `linkedEnvironmentMetadata` for a while (recorded after a create; issue 7 fact 3). When
 * Dataverse is expected, re-read (bounded) until it is there; past the wait, the reply as is.
 */
async function withDataverseMetadata(client: Client, dto: EnvironmentDto, expected: boolean): Promise<EnvironmentDto> {
  if (!expected || dto.properties.linkedEnvironmentMetadata) return dto;
  return client.environments
    .waitForDataverseMetadata(dto.name, { first: dto, deadline: client.http.clock.now() + DATAVERSE_REREAD_MS })
    .catch((error: unknown) => {
      if (error instanceof DeadlineExceededError) return dto;
      throw error;
    });
}
/** How long a read or an update waits for Dataverse metadata the service does not show yet. */
const DATAVERSE_REREAD_MS = 60_000;

/** Reads the environment, waiting first if it is still being provisioned or changed. */
async function settled(client: Client, id: string): Promise<EnvironmentDto> {
  const dto = await client.environments.get(id);
  const state = dto.properties.provisioningState;
  if (state === undefined || state === "Succeeded") return dto;
  if (state === "Failed") throw new Error(failedEnvironmentMessage(id));
  return client.environments.waitUntilProvisioned(id);
}

/**
 * Applies the in-place changes (PATCH, then a type conversion), each waited on; returns
 * the final state. `known` completes what the service does not report (currency, group).
 */
async function applyUpdates(client: Client, id: string, current: EnvironmentDto, news: EnvironmentInputs, known: OutputExtras): Promise<EnvironmentDto> {
  const now = outputsFrom(current, known);
  const fields = updatedFields(now, news);
  let changed = false;
  const patch: EnvironmentPatchRequest = { properties: {} };
  if (fields.includes("displayName")) patch.properties.displayName = news.displayName;
  if (fields.includes("description")) patch.properties.description = news.description;
  if (fields.includes("securityGroupId") || fields.includes("dataverse.domainName")) {
    patch.properties.linkedEnvironmentMetadata = {
      ...(fields.includes("securityGroupId") ? { securityGroupId: news.securityGroupId ?? "" } : {}),
      ...(fields.includes("dataverse.domainName") ? { domainName: news.dataverse!.domainName } : {}),
    };
  }
  if (Object.keys(patch.properties).length > 0) {
    const r = await client.environments.patch(id, patch);
    if (r.operationUrl) await client.environments.waitForLifecycle({ operationUrl: r.operationUrl });
    changed = true;
  }
  if (fields.includes("environmentSku")) {
    const r = await client.environments.modifySku(id, news.environmentSku);
    if (r.operationUrl) await client.environments.waitForSkuChange(r.operationUrl);
    changed = true;
  }
  return changed ? client.environments.get(id) : current;
}

/** What the caller declared, as the last known values of what the service may not report. */
function declaredExtras(inputs: EnvironmentInputs, currencyCode?: string): OutputExtras {
  return {
    adoptId: inputs.adoptId,
    dataverse: inputs.dataverse,
    currencyCode,
    knownSecurityGroupId: inputs.securityGroupId,
  };
}

/** Checks, before the POST, that a declared Dataverse domain name is free (as Microsoft's tools do). */
async function checkDomainName(client: Client, inputs: EnvironmentInputs): Promise<void> {
  const domain = inputs.dataverse?.domainName;
  if (!domain) return;
  try {
    await client.environments.validateDomainName(domain, inputs.location);
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 400 || status === 409) {
      throw new Error(
        `${resourceName}: dataverse.domainName "${domain}" cannot be used in ${inputs.location}: ${(error as Error).message}. ` +
          `Choose another domain name (or adopt the environment that has it with adoptId).`,
      );
    }
    throw error;
  }
}

/**
 * Creates the environment. The service names the new environment in its lifecycle
 * operation (the POST answers 202 with an empty body), so the id is known from the first
 * poll on; every failure after that carries it (partial create), with the state the
 * environment is in and the way forward.
 */
async function createNew(client: Client, inputs: EnvironmentInputs): Promise<{ id: string; outs: EnvironmentOutputs }> {
  await checkDomainName(client, inputs);
  const started = await startCreate(client, inputs);
  let id = started.id;
  const { dataverse, ...declared } = inputs;
  const known = (envId: string): EnvironmentOutputs =>
    started.environment
      ? outputsFrom(started.environment, declaredExtras(inputs, dataverse?.currencyCode))
      : {
          ...declared,
          azureRegion: inputs.azureRegion ?? "",
          ...(dataverse ? { dataverse: { ...dataverse, domainName: dataverse.domainName ?? "", instanceUrl: "", version: "" } } : {}),
          environmentId: envId,
          provisioningState: "Creating",
          state: "",
          createdTime: "",
        };
  const reread = (envId: string) => async (): Promise<EnvironmentOutputs> => {
    const dto = await client.environments.get(envId);
    return outputsFrom(dto, declaredExtras(inputs, await readCurrency(client, dto, dataverse?.currencyCode)));
  };
  if (started.operationUrl) {
    const named = (envId: string): void => {
      if (id) return;
      id = envId;
      claimObject(resourceName, envId);
    };
    try {
      named((await client.environments.waitForCreate(started.operationUrl, { onEnvironmentId: named })).environmentId);
    } catch (error) {
      if (!id) throw error;
      const envId = id;
      const explained = await withWayForward(client, envId, error);
      return keepIdOnFailure(envId, known(envId), () => Promise.reject(explained), reread(envId));
    }
  }
  if (!id) throw new Error(`${resourceName}: the service did not name the new environment`);
  const envId = id;
  return keepIdOnFailure(envId, known(envId), async () => {
    let dto: EnvironmentDto =
      started.environment && !started.operationUrl && started.environment.properties.provisioningState === "Succeeded"
        ? started.environment
        : await settled(client, envId);
    if (dto.properties.provisioningState === "Failed") throw new Error(failedEnvironmentMessage(envId));
    if (dataverse) dto = await client.environments.waitForDataverseMetadata(envId, { first: dto });
    // The currency we asked for stands until Dataverse says otherwise.
    const extras = declaredExtras(inputs, await readCurrency(client, dto, dataverse?.currencyCode));
    dto = await applyUpdates(client, envId, dto, inputs, extras);
    return { id: dto.name, outs: outputsFrom(dto, extras) };
  }, reread(envId));
}

export const environmentHandler: ResourceHandler<EnvironmentInputs, EnvironmentOutputs> = {
  async check(_olds, news) {
    return checkInputs(news);
  },

  async diff(id, olds, news): Promise<DiffResult> {
    // The object is this stack's: no create of this run may take it for its own.
    if (id) claimObject(resourceName, id);
    const replaces = replacedFields(olds, news);
    // An environment whose lifecycle operation failed cannot be repaired: it is replaced.
    if (olds.provisioningState === "Failed") replaces.push("provisioningState");
    const updates = updatedFields(olds, news);
    // A declared domain name is unique in the tenant: the old environment must go before the new one can take it.
    const keepsDomain = !!news.dataverse?.domainName && news.dataverse.domainName === olds.dataverse?.domainName;
    // Recorded while still being provisioned (an interrupted run, a passed deadline): update waits for it.
    const unsettled = !!olds.provisioningState && olds.provisioningState !== "Succeeded" && olds.provisioningState !== "Failed";
    return {
      changes: replaces.length > 0 || updates.length > 0 || unsettled,
      replaces,
      deleteBeforeReplace: replaces.length > 0 && keepsDomain,
    };
  },

  async create(inputs) {
    const client = await clientFromEnvironment();
    if (inputs.adoptId) {
      const existing = await client.environments.get(inputs.adoptId).catch((error: unknown) => {
        if (isNotFound(error)) throw new Error(`${resourceName}: adoptId ${inputs.adoptId} names no environment in this tenant`);
        throw error;
      });
      // Only what the service really reports is compared: a currency that cannot be read is not checked.
      const extras: OutputExtras = { adoptId: inputs.adoptId, dataverse: inputs.dataverse, currencyCode: await readCurrency(client, existing, undefined) };
      const found = outputsFrom(existing, extras);
      const mismatched = replacedFields(found, inputs);
      if (mismatched.length > 0) {
        throw new Error(
          `${resourceName}: cannot adopt environment ${inputs.adoptId}: ${mismatched.join(", ")} differ from the existing environment ` +
            `(location ${found.location}, type ${found.environmentSku}, region ${found.azureRegion}, ` +
            `${found.dataverse ? `Dataverse language ${found.dataverse.languageCode}, currency ${found.dataverse.currencyCode || "unknown"}` : "no Dataverse"}); ` +
            `these cannot change in place`,
        );
      }
      claimObject(resourceName, existing.name);
      return keepIdOnFailure(existing.name, found, async () => {
        const dto = await applyUpdates(client, existing.name, await settled(client, existing.name), inputs, extras);
        return { id: dto.name, outs: outputsFrom(dto, { ...extras, knownSecurityGroupId: inputs.securityGroupId }) };
      });
    }
    return createNew(client, inputs);
  },

  async read(id, props): Promise<ReadResult<EnvironmentInputs, EnvironmentOutputs>> {
    const client = await clientFromEnvironment();
    const dto = await readConfirmingGone(
      client,
      `environment ${id}`,
      // One list of the tenant's environments serves every Environment's refresh; one it does not have is read by id.
      () => client.reads.environment(id),
      async () => (await client.environments.list()).some((e) => e.name.toLowerCase() === id.toLowerCase()),
    );
    if (!dto) return { id: "", props: {} as EnvironmentOutputs };
    const current = await withDataverseMetadata(client, dto, props?.dataverse !== undefined);
    const outs = outputsFrom(current, {
      adoptId: props?.adoptId,
      dataverse: props?.dataverse,
      currencyCode: await readCurrency(client, current, props?.dataverse?.currencyCode),
      knownSecurityGroupId: props?.securityGroupId,
    });
    // Metadata the service has not shown again within the wait: the last known Dataverse stands
    // (an absent field never proposes a replacement).
    if (props?.dataverse && !current.properties.linkedEnvironmentMetadata) outs.dataverse = props.dataverse;
    return { id: dto.name, props: outs, inputs: inputsFrom(outs) };
  },

  async update(id, olds, news) {
    const client = await clientFromEnvironment();
    const current = await withDataverseMetadata(client, await settled(client, id), news.dataverse !== undefined);
    const known: OutputExtras = { ...declaredExtras(news, olds.dataverse?.currencyCode), knownSecurityGroupId: olds.securityGroupId };
    const dto = await applyUpdates(client, id, current, news, known);
    // Once applied, the group is the declared one (PATCHed when it differed).
    return { outs: outputsFrom(dto, { ...known, knownSecurityGroupId: news.dataverse ? news.securityGroupId : undefined }) };
  },

  async delete(id) {
    const client = await clientFromEnvironment();
    // A 409 (another operation running) is waited out by the client; a 404 on the poll means it is over.
    const r = await client.environments.delete(id);
    if (r.alreadyGone || !r.operationUrl) return;
    await client.environments.waitForLifecycle({ operationUrl: r.operationUrl });
  },
};

/**
 * A Power Platform environment, with or without a Dataverse database.
 *
 * Display name, description, security group and Dataverse domain name update in
 * place, as do the type conversions Sandbox ↔ Production and Trial → Production;
 * location, region, other type changes and the Dataverse settings fixed at creation
 * replace it. `create` and `delete` wait on the service's lifecycle operations.
 */
export class Environment extends pulumi.CustomResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/powerplatform:Environment";

  /** The environment id (also the resource id). */
  declare readonly environmentId: pulumi.Output<string>;
  /** The display name, as the service reports it. */
  declare readonly displayName: pulumi.Output<string>;
  /** The description (`""` when none). */
  declare readonly description: pulumi.Output<string>;
  /** The Power Platform geography. */
  declare readonly location: pulumi.Output<string>;
  /** The environment type, as the service reports it. */
  declare readonly environmentSku: pulumi.Output<string>;
  /** The Azure region the environment runs in (chosen by the service when not declared). */
  declare readonly azureRegion: pulumi.Output<string>;
  /** The Entra security group restricting access, when known. */
  declare readonly securityGroupId: pulumi.Output<string | undefined>;
  /** The Dataverse database (instance URL, version, domain…), absent without one. */
  declare readonly dataverse: pulumi.Output<EnvironmentDataverseOutputs | undefined>;
  /** The BAP provisioning state (`Succeeded` once created). */
  declare readonly provisioningState: pulumi.Output<string>;
  /** The management state (`Ready`, …). */
  declare readonly state: pulumi.Output<string>;
  /** When the environment was created (ISO 8601). */
  declare readonly createdTime: pulumi.Output<string>;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.CustomResourceOptions) {
    claim(resourceName, name, "environment", [args.adoptId]);
    const endProgramFrames = programFramesOnly();
    try {
      super(dynamicResourceType(resourceName), name, dynamicResourceProps(resourceName, { ...args, ...timeoutsInput(opts) }, ["environmentId", "displayName", "description", "location", "environmentSku", "azureRegion", "securityGroupId", "dataverse", "provisioningState", "state", "createdTime"]), opts);
    } finally {
      endProgramFrames();
    }
  }
}
