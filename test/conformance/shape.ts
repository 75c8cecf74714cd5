/**
 * Field-by-field comparison of a JSON body with recorded bodies of the same kind.
 *
 * The recorded samples are merged into a shape: for every object path, which keys occur
 * and in how many samples; for every value, which JSON types occur. A body then
 * differs from the shape by
 *   - an invented key: a key no recorded sample has at that path,
 *   - a missing key: a key every recorded sample has at that path,
 *   - a type: a JSON type no recorded sample has at that path (a recorded null says
 *     nothing about the type, so it accepts any).
 * Array elements share one path (`value[]`). Values are not compared here: tests compare
 * the values that must match (enums, codes) themselves. Paths holding user content (a
 * flow's definition, whose keys are action names) are "opaque": only their type counts.
 */

type JsonType = "string" | "number" | "boolean" | "null" | "object" | "array";

export interface Shape {
  types: Set<JsonType>;
  /** Object samples merged at this path. */
  objects: number;
  keys: Map<string, { shape: Shape; count: number }>;
  items?: Shape;
}

export interface Difference {
  kind: "invented" | "missing" | "type";
  path: string;
  detail: string;
}

/** A known, justified difference: the comparison ignores it. */
export interface Allowance {
  kind: Difference["kind"];
  path: string;
  why: string;
}

const typeOf = (v: unknown): JsonType => (v === null ? "null" : Array.isArray(v) ? "array" : (typeof v as JsonType));
const emptyShape = (): Shape => ({ types: new Set(), objects: 0, keys: new Map() });

function add(shape: Shape, v: unknown): void {
  const t = typeOf(v);
  shape.types.add(t);
  if (t === "object") {
    shape.objects++;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const slot = shape.keys.get(k) ?? { shape: emptyShape(), count: 0 };
      slot.count++;
      add(slot.shape, x);
      shape.keys.set(k, slot);
    }
  } else if (t === "array") {
    shape.items ??= emptyShape();
    for (const x of v as unknown[]) add(shape.items, x);
  }
}

/** The merged shape of recorded samples. */
export function shapeOf(...samples: unknown[]): Shape {
  const shape = emptyShape();
  for (const s of samples) add(shape, s);
  return shape;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function walk(shape: Shape, v: unknown, path: string, out: Difference[], opaque: readonly string[]): void {
  const t = typeOf(v);
  const known = [...shape.types];
  if (!shape.types.has(t) && !(known.length === 1 && known[0] === "null")) {
    out.push({ kind: "type", path, detail: `${t} where the service gives ${known.join(" or ")}` });
    return;
  }
  if (opaque.includes(path)) return;
  if (t === "object" && shape.objects > 0) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const slot = shape.keys.get(k);
      if (!slot) out.push({ kind: "invented", path: join(path, k), detail: "no recorded response has this key" });
      else walk(slot.shape, o[k], join(path, k), out, opaque);
    }
    for (const [k, slot] of shape.keys) {
      if (slot.count === shape.objects && !(k in o)) out.push({ kind: "missing", path: join(path, k), detail: `every recorded response (${slot.count}) has this key` });
    }
  } else if (t === "array" && shape.items) {
    for (const x of v as unknown[]) walk(shape.items, x, `${path}[]`, out, opaque);
  }
}

/** The differences of a body from the recorded shape, minus the allowed ones (deduplicated). */
export function differences(shape: Shape, body: unknown, allowed: Allowance[] = [], opaque: readonly string[] = []): Difference[] {
  const out: Difference[] = [];
  walk(shape, body, "", out, opaque);
  const seen = new Set<string>();
  return out.filter((d) => {
    const key = `${d.kind} ${d.path}`;
    if (seen.has(key) || allowed.some((a) => a.kind === d.kind && a.path === d.path)) return false;
    seen.add(key);
    return true;
  });
}

/** Readable lines, for an assertion whose failure message lists every difference. */
export const describeDifferences = (ds: Difference[]): string[] => ds.map((d) => `${d.kind} ${d.path}: ${d.detail}`);
