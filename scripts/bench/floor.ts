/**
 * The critical-path floor of a benchmark phase: the least wall time any engine could
 * take to do the phase's API work, given the dependency graph of the resources.
 *
 * The model:
 * - every resource is a node with the calls it must make one after the other
 *   (`calls`: each waits for the previous answer, e.g. POST, then the GET that reads the
 *   result) and the server-side operations it must wait out (`operationMs`: an
 *   environment's lifecycle operation, an install, a billing policy's provisioning);
 * - a node costs `calls × latency + operationMs`: every answer takes at least the
 *   injected latency, an operation at least its duration, and nothing else costs time
 *   (no engine, no process start, no serialization, no state save, zero server work);
 * - a node starts when every node it depends on has finished (create and update: after
 *   its dependencies; delete: the reverse, a node goes after everything that depends on
 *   it), and independent nodes run in parallel without limit;
 * - the floor is the costliest chain (longest path) of the graph.
 *
 * So wall time / floor says how much of a phase is overhead: 1.0 would be an engine
 * with unbounded parallelism and no cost of its own, and our client making no call
 * beyond the sequential minimum the API needs. Calls made in parallel within one
 * resource (e.g. two independent GETs) count once.
 */

/** One resource of the graph and the sequential API work its operation in a phase needs. */
export interface FloorNode {
  /** Unique name (e.g. the Pulumi name with its kind). */
  name: string;
  /** API calls made one after the other (each needs the previous answer). */
  calls: number;
  /** Server-side operation time waited out, in milliseconds (0 when none). */
  operationMs: number;
  /** Names of the nodes this one needs (its inputs come from them). */
  dependsOn: string[];
}

/** The floor of a phase and the chain of nodes that sets it. */
export interface Floor {
  /** The floor in seconds. */
  seconds: number;
  /** The names along the costliest chain, first to last. */
  chain: string[];
}

/** Direction a phase walks the graph: dependencies first (create, update, read) or dependents first (delete). */
export type FloorOrder = "dependenciesFirst" | "dependentsFirst";

/**
 * The longest chain of `nodes` at `latencyMs` per answer. `dependentsFirst` reverses
 * every edge (a delete waits for the deletes of what depends on it). Throws on an
 * unknown dependency or a cycle: the graph of a Pulumi program has neither.
 */
export function criticalPathFloor(nodes: FloorNode[], latencyMs: number, order: FloorOrder = "dependenciesFirst"): Floor {
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error(`latency must be a non-negative number of milliseconds (got ${latencyMs})`);
  const byName = new Map<string, FloorNode>();
  for (const node of nodes) {
    if (byName.has(node.name)) throw new Error(`node '${node.name}' appears twice`);
    if (node.calls < 0 || node.operationMs < 0) throw new Error(`node '${node.name}': calls and operationMs must be non-negative`);
    byName.set(node.name, node);
  }
  // The nodes each node waits for, in the phase's order.
  const waitsFor = new Map<string, string[]>(nodes.map((n) => [n.name, []]));
  for (const node of nodes) {
    for (const dependency of node.dependsOn) {
      if (!byName.has(dependency)) throw new Error(`node '${node.name}' depends on unknown node '${dependency}'`);
      if (order === "dependenciesFirst") waitsFor.get(node.name)!.push(dependency);
      else waitsFor.get(dependency)!.push(node.name);
    }
  }

  // Finish time of each node = own cost + latest finish of what it waits for (memoized DFS).
  const finish = new Map<string, { ms: number; previous?: string }>();
  const visiting = new Set<string>();
  const finishOf = (name: string): number => {
    const known = finish.get(name);
    if (known) return known.ms;
    if (visiting.has(name)) throw new Error(`dependency cycle through '${name}'`);
    visiting.add(name);
    let start = 0;
    let previous: string | undefined;
    for (const before of waitsFor.get(name)!) {
      const end = finishOf(before);
      if (previous === undefined || end > start) {
        start = end;
        previous = before;
      }
    }
    const node = byName.get(name)!;
    const ms = start + node.calls * latencyMs + node.operationMs;
    visiting.delete(name);
    finish.set(name, { ms, previous });
    return ms;
  };

  let last: string | undefined;
  let longest = 0;
  for (const node of nodes) {
    const ms = finishOf(node.name);
    if (last === undefined || ms > longest) {
      longest = ms;
      last = node.name;
    }
  }
  const chain: string[] = [];
  for (let at = last; at !== undefined; at = finish.get(at)!.previous) chain.unshift(at);
  return { seconds: longest / 1000, chain };
}
