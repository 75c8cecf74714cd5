/**
 * Property-level differences between two output objects, as dotted paths
 * (`billingInstrument.resourceGroup`, `owners[1].role`). Pure; used by the drift report.
 */

export interface PropertyChange {
  path: string;
  /** The value in the last applied state (undefined when the property appeared). */
  before?: unknown;
  /** The value in the tenant now (undefined when the property disappeared). */
  after?: unknown;
}

const ignored = new Set(["__provider"]);

/** Bookkeeping the service updates on any write: it says *that* something changed, not what. */
const volatile = /^last(Modified|Action)/i;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function diffProperties(before: unknown, after: unknown, path = ""): PropertyChange[] {
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: PropertyChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      changes.push(...diffProperties(before[i], after[i], `${path}[${i}]`));
    }
    return changes;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !ignored.has(k) && !volatile.test(k)).sort();
    return keys.flatMap((key) => diffProperties(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || "(value)", ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) }];
}
