/**
 * Input validation shared by the resources' `check` methods: every bad field is
 * reported at once, by its property path, before any API call is made.
 */

export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * What the engine passes to `check` during a preview for a value not known yet (an
 * output of a resource still to be created). It is accepted wherever a value is, and
 * checked when the real value arrives at `up`.
 */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === unknownValue;
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: unknown): value is string {
  return typeof value === "string" && guidPattern.test(value);
}

/** Collects failures while reading untyped inputs into typed, normalized ones. */
export class InputChecker {
  readonly failures: CheckFailure[] = [];

  constructor(private readonly resource: string) {}

  fail(property: string, reason: string): void {
    this.failures.push({ property, reason });
  }

  /** A required or optional string, trimmed; `undefined` when absent and optional. */
  string(
    value: unknown,
    property: string,
    rules: { required?: boolean; maxLength?: number; pattern?: RegExp; patternHint?: string } = {},
  ): string | undefined {
    if (value === undefined || value === null || value === "") {
      if (rules.required) this.fail(property, `${this.resource}: ${property} is required`);
      return undefined;
    }
    if (isUnknown(value)) return value as string;
    if (typeof value !== "string") {
      this.fail(property, `${this.resource}: ${property} must be a string, got ${typeof value}`);
      return undefined;
    }
    if (value.trim() !== value) {
      this.fail(property, `${this.resource}: ${property} must not start or end with spaces`);
    }
    if (rules.maxLength !== undefined && value.length > rules.maxLength) {
      this.fail(property, `${this.resource}: ${property} must be at most ${rules.maxLength} characters (got ${value.length})`);
    }
    if (rules.pattern && !rules.pattern.test(value)) {
      this.fail(property, `${this.resource}: ${property} ${rules.patternHint ?? `must match ${rules.pattern}`} (got "${value}")`);
    }
    return value;
  }

  /** A GUID, normalized to lower case as the API returns it. */
  guid(value: unknown, property: string, rules: { required?: boolean } = {}): string | undefined {
    const text = this.string(value, property, rules);
    if (text === undefined || isUnknown(text)) return text;
    if (!isGuid(text)) {
      this.fail(property, `${this.resource}: ${property} must be a GUID like 00000000-0000-0000-0000-000000000000 (got "${text}")`);
      return undefined;
    }
    return text.toLowerCase();
  }

  oneOf<T extends string>(value: unknown, property: string, allowed: readonly T[], fallback?: T): T | undefined {
    if (value === undefined || value === null || value === "") {
      if (fallback === undefined) this.fail(property, `${this.resource}: ${property} is required (one of ${allowed.join(", ")})`);
      return fallback;
    }
    if (isUnknown(value)) return value as T;
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
      this.fail(property, `${this.resource}: ${property} must be one of ${allowed.join(", ")} (got ${JSON.stringify(value)})`);
      return undefined;
    }
    return value as T;
  }

  object(value: unknown, property: string, rules: { required?: boolean } = {}): Record<string, unknown> | undefined {
    if (value === undefined || value === null) {
      if (rules.required) this.fail(property, `${this.resource}: ${property} is required`);
      return undefined;
    }
    // Not known yet: nothing inside it can be checked; the caller passes it through.
    if (isUnknown(value)) return undefined;
    if (typeof value !== "object" || Array.isArray(value)) {
      this.fail(property, `${this.resource}: ${property} must be an object`);
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  boolean(value: unknown, property: string, fallback: boolean): boolean {
    if (value === undefined || value === null || isUnknown(value)) return fallback;
    if (typeof value !== "boolean") {
      this.fail(property, `${this.resource}: ${property} must be true or false`);
      return fallback;
    }
    return value;
  }
}
