/**
 * Which tenant objects a create may take as its own.
 *
 * An object is adopted implicitly only when it is provably the one this create made:
 * created by our own principal (the `oid` of our token), inside the time window of our
 * request (allowing for clock skew), and not already claimed by another resource of this
 * process. Anything else is refused with the candidates named and the way to adopt on
 * purpose (`adoptId`).
 *
 * A `pulumi up --replace <urn>` gives the provider no sign of the object being replaced
 * (no diff, empty old inputs: checked on the real engine), so its create meets the guard;
 * the message says how to run it. An object the service failed to provision never blocks.
 *
 * Two moments use it:
 * - after a create whose outcome is unknown (the request broke or timed out): look for
 *   the object it may have made (bounded), and adopt it only when it is provably ours;
 * - before a create: refuse to make a second object when one created by our principal
 *   recently matches the declaration and no resource of this run manages it (a killed
 *   run left it behind: the recovery command imports it).
 */
import type { PowerPlatformClient } from "../client";
import { pollFor } from "../client/lookup";

/** A tenant object that might be the one a create made. */
export interface Candidate {
  id: string;
  name: string;
  /** The Entra object id of its creator, lower case; undefined when the service does not say. */
  creatorId?: string;
  /** When it was created (ISO 8601), as the service reports it. */
  createdTime?: string;
  /** The service could not provision it (ProvisioningFailed, Failed): it never stands in for a new one. */
  failed?: boolean;
}

/** The command a pipeline runs after an interrupted `pulumi up`. */
export const recoveryCommand = "npx powerplatform-recover --stack <stack>";

const claimed = new Set<string>();
const claimKey = (kind: string, id: string) => `${kind}:${id.toLowerCase()}`;

/** Records that a resource of this process manages the object: no other create may adopt it. */
export function claimObject(kind: string, id: string): void {
  claimed.add(claimKey(kind, id));
}

export function isClaimed(kind: string, id: string): boolean {
  return claimed.has(claimKey(kind, id));
}

/** For tests: forgets every claim. */
export function clearClaims(): void {
  claimed.clear();
}

function describe(c: Candidate): string {
  return `${c.id} ("${c.name}", created by ${c.creatorId ?? "unknown"} at ${c.createdTime ?? "unknown time"})`;
}

export function describeCandidates(candidates: Candidate[]): string {
  return candidates.map(describe).join("; ");
}

function createdAt(c: Candidate): number {
  return Date.parse(c.createdTime ?? "");
}

/** True when `c` was created by `principalId` within [fromMs, toMs] (both ends widened by the skew). */
export function provablyOurs(c: Candidate, principalId: string | undefined, fromMs: number, toMs: number, skewMs: number): boolean {
  if (!principalId || !c.creatorId || c.creatorId.toLowerCase() !== principalId.toLowerCase()) return false;
  const t = createdAt(c);
  return Number.isFinite(t) && t >= fromMs - skewMs && t <= toMs + skewMs;
}

export interface UnknownOutcome<T> {
  /** The resource kind ("BillingPolicy"), for claims and messages. */
  kind: string;
  /** The error of the create whose outcome is unknown. */
  error: unknown;
  client: PowerPlatformClient;
  principalId: string | undefined;
  /** When the create request was sent (client clock). */
  startedMs: number;
  /** The objects that match the declaration (name and fixed properties), with what to return. */
  matching: () => Promise<Array<{ candidate: Candidate; value: T }>>;
  /** How to adopt one on purpose (e.g. "set adoptId to its id"). */
  adoptHint: string;
}

/**
 * After a create whose outcome is unknown: the one object provably made by it, claimed,
 * or an error naming every candidate (none is adopted when it cannot be proven ours).
 */
export async function adoptAfterUnknownOutcome<T>(o: UnknownOutcome<T>): Promise<T> {
  const { clock } = o.client.http;
  const { unknownOutcomeLookupMs, clockSkewMs } = o.client.config.safety;
  let seen: Candidate[] = [];
  let ours: Array<{ candidate: Candidate; value: T }> = [];
  await pollFor({
    clock,
    withinMs: unknownOutcomeLookupMs,
    look: async () => {
      const matching = (await o.matching()).filter((m) => !isClaimed(o.kind, m.candidate.id));
      seen = matching.map((m) => m.candidate);
      ours = matching.filter((m) => provablyOurs(m.candidate, o.principalId, o.startedMs, clock.now(), clockSkewMs));
      return ours.length > 0 ? true : undefined;
    },
  });
  const cause = o.error instanceof Error ? o.error.message : String(o.error);
  if (ours.length === 1) {
    claimObject(o.kind, ours[0].candidate.id);
    return ours[0].value;
  }
  if (ours.length > 1) {
    throw new Error(
      `${o.kind}: the create's outcome is unknown (${cause}) and ${ours.length} objects created by this principal during it match the declaration: ` +
        `${describeCandidates(ours.map((m) => m.candidate))}. None was adopted; ${o.adoptHint}, and delete the others.`,
    );
  }
  const others = seen.length > 0 ? ` Objects with the same name that are not provably this create's (another creator, or created outside the request's time window): ${describeCandidates(seen)}. To take one over on purpose, ${o.adoptHint}.` : "";
  throw new Error(
    `${o.kind}: the create's outcome is unknown (${cause}), and no object made by this principal during the request appeared within ${Math.round(unknownOutcomeLookupMs / 1000)} s.${others} ` +
      `Run \`pulumi up\` again: it looks for the object before creating another one.`,
  );
}

export interface DuplicateGuard {
  kind: string;
  client: PowerPlatformClient;
  principalId: string | undefined;
  /** The objects that match the declaration (name and fixed properties). */
  matching: () => Promise<Candidate[]>;
  adoptHint: string;
}

/**
 * Before a create: refuses when an object matching the declaration was created by this
 * principal within the guard window and no resource of this process claims it (a killed
 * or failed run most likely left it behind). Off when the window is 0.
 */
export async function refuseRecentDuplicate(o: DuplicateGuard): Promise<void> {
  const { duplicateGuardMs } = o.client.config.safety;
  if (duplicateGuardMs === 0 || !o.principalId) return;
  const now = o.client.http.clock.now();
  const recent = (await o.matching()).filter(
    (c) => !c.failed && !isClaimed(o.kind, c.id) && provablyOurs(c, o.principalId, now - duplicateGuardMs, now, o.client.config.safety.clockSkewMs),
  );
  if (recent.length === 0) return;
  throw new Error(
    `${o.kind}: not creating a second object: this principal created ${recent.length === 1 ? "one" : recent.length} matching the declaration ` +
      `in the last ${Math.round(duplicateGuardMs / 60_000)} min that no resource of this stack manages: ${describeCandidates(recent)}. ` +
      `An interrupted run most likely made it: run \`${recoveryCommand}\` (it imports the object into the stack), or ${o.adoptHint}. ` +
      `If it really is another object, delete it or set POWERPLATFORM_DUPLICATE_GUARD_MINUTES=0 for this run; ` +
      `so too for \`pulumi up --replace\` of a resource of this stack (the engine tells a provider nothing about the object it replaces).`,
  );
}

/** The `oid` of the principal the client acts as on a surface (undefined when the token does not say). */
export async function ourPrincipal(client: PowerPlatformClient, surface: "bap" | "powerplatform" | "flow"): Promise<string | undefined> {
  return client.http.callerObjectId(surface);
}
