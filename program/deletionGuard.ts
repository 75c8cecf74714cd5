/**
 * The guard against mass deletion. A tenant file that lost its content (emptied, a bad
 * merge, the wrong `tenantFile`) must not empty the tenant: before anything is
 * registered, the program compares what the file declares with what the stack managed
 * after its last run, and refuses a run that would delete all of it, or more than a
 * configurable share of it, unless the stack's config says so explicitly.
 *
 * What the stack managed is read from its own last state with the engine's built-in
 * `pulumi:pulumi:readStackResourceOutputs` invoke (the same backend call a
 * StackReference makes, without registering a StackReference, whose outputs would then
 * show as drift on every refresh). It works with every backend, the local file one
 * included.
 */
import * as pulumi from "@pulumi/pulumi";

/** The stack config that governs the guard (namespace: the project, `powerplatform-tenant:`). */
export interface DeletionGuardSettings {
  /** `allowMassDeletion: true` turns the guard off. */
  allowMassDeletion: boolean;
  /** `allowDeletions: N` lets a run delete up to N objects, whatever the share. */
  allowDeletions?: number;
  /** `maxDeletionShare` (default 0.25): the largest share of the managed objects one run may delete. */
  maxDeletionShare: number;
}

export const defaultMaxDeletionShare = 0.25;

export function guardSettings(config: pulumi.Config): DeletionGuardSettings {
  const share = config.getNumber("maxDeletionShare", { min: 0, max: 1 });
  const allowDeletions = config.getNumber("allowDeletions", { min: 0 });
  return {
    allowMassDeletion: config.getBoolean("allowMassDeletion") ?? false,
    ...(allowDeletions !== undefined ? { allowDeletions } : {}),
    maxDeletionShare: share ?? defaultMaxDeletionShare,
  };
}

/** `Kind/name` of a resource URN (`urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>`). */
export function resourceOfUrn(urn: string, type: string): string {
  const name = urn.split("::").slice(3).join("::");
  const token = type.split("$").pop() ?? type;
  return `${token.split(":").pop()}/${name}`;
}

/** The objects a stack state manages: its dynamic resources (providers and the stack itself are not objects of the tenant). */
export function managedIn(stackResources: Record<string, { type?: string }>): string[] {
  return Object.entries(stackResources)
    .filter(([, r]) => typeof r.type === "string" && r.type.startsWith("pulumi-nodejs:dynamic"))
    .map(([urn, r]) => resourceOfUrn(urn, r.type!))
    .sort();
}

/** Reads what the stack managed after its last run (nothing for a new stack). */
export async function managedBefore(): Promise<string[]> {
  const stackName = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
  let result: { outputs?: Record<string, { type?: string }> };
  try {
    result = await pulumi.runtime.invoke("pulumi:pulumi:readStackResourceOutputs", { stackName }, { async: true });
  } catch (error) {
    throw new pulumi.RunError(
      `cannot read what stack ${stackName} managed before (${(error as Error).message}), which the guard against mass deletion compares the tenant file with; ` +
        `to run without the guard: pulumi config set powerplatform-tenant:allowMassDeletion true`,
    );
  }
  return managedIn(result?.outputs ?? {});
}

export interface DeletionVerdict {
  /** Objects the run would delete (managed before, not declared now). */
  deleted: string[];
  /** Why the run is refused, or undefined when it may go on. */
  refusal?: string;
}

const listed = (names: string[]) => (names.length <= 8 ? names.join(", ") : `${names.slice(0, 8).join(", ")} and ${names.length - 8} more`);

/** The guard's decision: pure, from what was managed, what is declared and the settings. */
export function deletionVerdict(before: string[], declared: string[], settings: DeletionGuardSettings, tenantFile = "the tenant file"): DeletionVerdict {
  const now = new Set(declared);
  const deleted = before.filter((name) => !now.has(name));
  if (deleted.length === 0 || settings.allowMassDeletion) return { deleted };
  if (settings.allowDeletions !== undefined && deleted.length <= settings.allowDeletions) return { deleted };
  const emptied = declared.length === 0;
  const share = deleted.length / before.length;
  if (!emptied && share <= settings.maxDeletionShare) return { deleted };
  const why = emptied
    ? `${tenantFile} declares nothing`
    : `that is ${Math.round(share * 100)}% of them, more than maxDeletionShare (${settings.maxDeletionShare})`;
  return {
    deleted,
    refusal:
      `refusing to delete ${deleted.length} of the ${before.length} objects this stack manages (${why}): ${listed(deleted)}.\n` +
      `A tenant file that lost its content must not empty the tenant. If these deletions are intended, allow them explicitly:\n` +
      `  pulumi config set powerplatform-tenant:allowDeletions ${deleted.length}    # this run may delete up to ${deleted.length} objects; remove it afterwards with pulumi config rm powerplatform-tenant:allowDeletions\n` +
      `  pulumi config set powerplatform-tenant:allowMassDeletion true  # or: no limit at all\n` +
      `Objects with protect: true are never deleted; objects with retainOnDelete: true are only forgotten.`,
  };
}

/** Throws a RunError (no stack trace, exit non-zero) when the run would delete too much. */
export async function guardAgainstMassDeletion(declared: string[], settings: DeletionGuardSettings, tenantFile: string): Promise<void> {
  if (settings.allowMassDeletion) return;
  const verdict = deletionVerdict(await managedBefore(), declared, settings, tenantFile);
  if (verdict.refusal) throw new pulumi.RunError(verdict.refusal);
}
