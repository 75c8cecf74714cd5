/**
 * JSON values compared as the service and the engine mean them: key order never counts (the
 * engine hands inputs over with their keys sorted; the service answers in its own order).
 */

/**
 * A copy of a JSON value with the keys of every object sorted: key order never shows as a change.
 * Every key is kept as an own property, `__proto__` included (JSON.parse keeps it as data;
 * an assignment `out[key] = …` would set the copy's prototype instead and lose the key).
 */
export function canonicalJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalJson);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as Record<string, unknown>).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) Object.defineProperty(out, key, { value: canonicalJson(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** True when two JSON values are equal whatever the order of their keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonicalJson(a)) === JSON.stringify(canonicalJson(b));
}
