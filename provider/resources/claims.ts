/**
 * One program, one manager per object. Two resources of one program that manage the
 * same thing (two FlowOwners on one flow, a Flow adopting the flow a FlowState turns
 * on and off, one environment adopted twice, …) would undo each other on every run;
 * the constructors claim what they manage here and the second claim fails, naming both
 * resources. The registry lives in the program's process (one program per process).
 */
import * as pulumi from "@pulumi/pulumi";

/** What is managed: the aspect of an object that a resource decides. */
export type ClaimedAspect =
  | "billing policy"
  | "billing of environment"
  | "environment"
  | "installation of package"
  | "definition of flow"
  | "on/off state of flow"
  | "co-owners of flow"
  | "tenant settings"
  | "managed-environment configuration of environment"
  | "DLP policy"
  | "environment group"
  | "group membership of environment"
  | "rules of environment group";

const holders = new Map<string, string>();

function register(kind: string, name: string, aspect: ClaimedAspect, ids: string[]): void {
  const key = `${aspect} ${ids.map((id) => id.toLowerCase()).join(" ")}`;
  const claimant = `${kind} "${name}"`;
  const holder = holders.get(key);
  if (holder !== undefined && holder !== claimant) {
    throw new Error(
      `${claimant} and ${holder} both manage the ${key}: two resources of one program would undo each other on every run. ` +
        `Declare it once (in a tenant file: one entry per object).`,
    );
  }
  holders.set(key, claimant);
}

/**
 * Claims `aspect` of the object named by `ids` for the resource `kind` `name`. Throws
 * at once when the ids are plain strings (the usual case); ids computed by other
 * resources are claimed when they are known, and a clash then fails the program.
 * Does nothing when an id is absent (an object still to be created has none yet).
 */
export function claim(kind: string, name: string, aspect: ClaimedAspect, ids: Array<pulumi.Input<string> | undefined>): void {
  if (ids.some((id) => id === undefined || id === null)) return;
  if (ids.every((id) => typeof id === "string")) {
    register(kind, name, aspect, ids as string[]);
    return;
  }
  pulumi.all(ids as Array<pulumi.Input<string>>).apply((values) => {
    if (values.every((v) => typeof v === "string" && v !== "")) register(kind, name, aspect, values);
  });
}

/** Forgets every claim (tests that declare several programs in one process). */
export function forgetClaims(): void {
  holders.clear();
}
