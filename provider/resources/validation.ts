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

// ---------- argument names ----------

/**
 * Names starting with `__` belong to the engine and to this package (`__provider`, the
 * serialized stub; `__timeouts`): they are never the user's arguments, never refused.
 */
export function isReservedName(name: string): boolean {
  return name.startsWith("__");
}

/**
 * Pulumi resource options. Passed as an argument instead, one would be silently ignored
 * (e.g. `protect: true` in the arguments protects nothing), so check refuses them.
 */
export const resourceOptionNames = [
  "protect",
  "retainOnDelete",
  "dependsOn",
  "parent",
  "provider",
  "providers",
  "ignoreChanges",
  "aliases",
  "customTimeouts",
  "deleteBeforeReplace",
  "replaceOnChanges",
  "additionalSecretOutputs",
  "deletedWith",
  "replaceWith",
  "import",
  "transformations",
  "transforms",
  "hooks",
  "version",
  "pluginDownloadURL",
] as const;

/** Edit distance (insertions, deletions, substitutions) between two short names. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}

/**
 * The known name closest to `name`: the same name in another case first, then the one
 * known name it abbreviates or extends, then the nearest by edit distance (at most a third of the name, and at least 2), or undefined.
 */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  const folded = known.find((k) => k.toLowerCase() === name.toLowerCase());
  if (folded) return folded;
  // A shortened or lengthened name (`domain` for `domainName`, `displayNameText` for `displayName`).
  const lower = name.toLowerCase();
  const extended = known.filter((k) => lower.length >= 3 && (k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase())));
  if (extended.length === 1) return extended[0];
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

// ---------- characters of names people read ----------

/**
 * Characters that make a name look like something else in a portal or a log: control
 * characters (C0, DEL, C1) and the Unicode bidirectional formatting characters
 * (embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, the marks U+200E,
 * U+200F and U+061C).
 */
const unsafeCharacter = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u;
const bidiNames: Record<number, string> = {
  0x202a: "LEFT-TO-RIGHT EMBEDDING",
  0x202b: "RIGHT-TO-LEFT EMBEDDING",
  0x202c: "POP DIRECTIONAL FORMATTING",
  0x202d: "LEFT-TO-RIGHT OVERRIDE",
  0x202e: "RIGHT-TO-LEFT OVERRIDE",
  0x2066: "LEFT-TO-RIGHT ISOLATE",
  0x2067: "RIGHT-TO-LEFT ISOLATE",
  0x2068: "FIRST STRONG ISOLATE",
  0x2069: "POP DIRECTIONAL ISOLATE",
  0x200e: "LEFT-TO-RIGHT MARK",
  0x200f: "RIGHT-TO-LEFT MARK",
  0x061c: "ARABIC LETTER MARK",
};

/** Describes the first control or bidirectional formatting character of `text`, or undefined when it has none. */
export function unsafeCharacterIn(text: string, allowLineBreaks = false): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (allowLineBreaks && (ch === "\n" || ch === "\r" || ch === "\t")) continue;
    if (!unsafeCharacter.test(ch)) continue;
    const code = ch.charCodeAt(0);
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
    const kind = bidiNames[code] ? `${hex} (${bidiNames[code]}, a bidirectional formatting character)` : `${hex} (a control character)`;
    return `${kind} at position ${i + 1}`;
  }
  return undefined;
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
      // Exact: a value in another case is not silently taken for the allowed one.
      const nearest = typeof value === "string" ? nearestName(value, allowed) : undefined;
      this.fail(
        property,
        `${this.resource}: ${property} must be one of ${allowed.join(", ")} (got ${JSON.stringify(value)}${nearest ? `; did you mean ${nearest}?` : ""})`,
      );
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

  /**
   * Refuses every name of `value` that is not a known argument, naming the nearest known
   * one; a resource option passed as an argument is named as such. Names starting with
   * `__` are reserved for the engine and this package and are never refused.
   * `at` is the path of the object (`""` for the resource's own arguments).
   */
  knownNames(value: Record<string, unknown>, at: string, known: readonly string[], hints: Record<string, string> = {}): void {
    for (const name of Object.keys(value)) {
      if (isReservedName(name) || known.includes(name)) continue;
      const property = at ? `${at}.${name}` : name;
      if (value[name] === undefined) continue;
      if (at === "" && (resourceOptionNames as readonly string[]).includes(name)) {
        this.fail(
          property,
          `${this.resource}: ${name} is a resource option, not an argument: pass it in the resource options ({ ${name}: ... }), where Pulumi applies it; as an argument it would be ignored`,
        );
        continue;
      }
      const nearest = hints[name] ?? nearestName(name, known);
      this.fail(
        property,
        `${this.resource}: unknown argument ${property}${nearest ? ` (did you mean ${at ? `${at}.` : ""}${nearest}?)` : ""}; known: ${known.join(", ")}`,
      );
    }
  }

  /**
   * A name people read in the admin center (a display name): a string as `string()`
   * checks it, without control characters or bidirectional formatting characters, which
   * would make it render as something else.
   */
  displayName(
    value: unknown,
    property: string,
    rules: { required?: boolean; maxLength?: number; allowLineBreaks?: boolean } = {},
  ): string | undefined {
    const text = this.string(value, property, rules);
    if (text === undefined || isUnknown(text)) return text;
    const unsafe = unsafeCharacterIn(text, rules.allowLineBreaks);
    if (unsafe) {
      this.fail(property, `${this.resource}: ${property} must not contain control or bidirectional formatting characters (found ${unsafe})`);
      return undefined;
    }
    return text;
  }
}

// ---------- keys the Pulumi SDK cannot carry ----------

/**
 * Object keys that the Pulumi SDK drops on the way to the engine: its serializer copies
 * properties by assignment, so an own `__proto__` key (which JSON.parse keeps as data)
 * sets a prototype instead and silently vanishes. Returns the path of the first one in a
 * plain JSON value (Outputs and promises inside are not inspected), or undefined.
 */
export function keyPulumiCannotCarry(value: unknown, at: string): string | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = keyPulumiCannotCarry(value[i], `${at}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined; // an Output, a promise, …
  for (const key of Object.keys(value)) {
    if (key === "__proto__") return `${at}.__proto__`;
    const found = keyPulumiCannotCarry((value as Record<string, unknown>)[key], `${at}.${key}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * Throws, naming the path, when `value` holds a key the Pulumi SDK would silently drop:
 * better no flow than a flow whose definition lost an action.
 */
export function refuseKeysPulumiCannotCarry(resource: string, name: string, value: unknown, property: string): void {
  const found = keyPulumiCannotCarry(value, property);
  if (found) {
    throw new Error(
      `${resource} "${name}": ${found} cannot be managed: the Pulumi SDK drops object keys named __proto__ when it sends inputs to the engine, ` +
        `so the key would silently vanish; rename it`,
    );
  }
}
