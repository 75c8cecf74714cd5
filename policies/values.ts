/**
 * Reading resource properties that may be unknown. During `pulumi preview`, a value
 * computed from another resource's output (an environment id, a flow id) is unknown:
 * @pulumi/policy throws an UnknownValueError when a rule touches it, and the engine then
 * reports "can't run policy during preview" instead of the rule's verdict. Rules that
 * can still decide without the value read it through `peek`.
 */
import { UnknownValueError } from "@pulumi/policy";

/** Marks a value that is not known yet (preview, computed from another resource). */
export const unknown: unique symbol = Symbol("unknown");
export type Unknown = typeof unknown;

export function isUnknownValueError(error: unknown): boolean {
  return error instanceof UnknownValueError || (error instanceof Error && error.constructor?.name === "UnknownValueError");
}

/** Runs `read` and returns `unknown` instead of throwing when it touches an unknown value. */
export function peek<T>(read: () => T): T | Unknown {
  try {
    return read();
  } catch (error) {
    if (isUnknownValueError(error)) return unknown;
    throw error;
  }
}

/** A known, non-empty string, or undefined (absent, empty, unknown or not a string). */
export function knownString(read: () => unknown): string | undefined {
  const value = peek(read);
  return typeof value === "string" && value !== "" ? value : undefined;
}
