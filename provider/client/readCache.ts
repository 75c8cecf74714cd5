/**
 * One cache of lists per process: a refresh of N resources of one kind costs the pages of
 * one list per scope (an environment's flows, the tenant's environments…), not N GETs.
 *
 * - **Single flight:** concurrent reads of a scope share one fetch.
 * - **Short expiry:** a list is served for `ttlMs` after its fetch began (0: no caching,
 *   every read fetches).
 * - **Invalidated by our own writes:** a write to a scope drops its list, also one still
 *   being fetched (a read that starts after the write never joins a fetch begun before it);
 *   a write to one object of a list only marks that object stale in it (its reads go to its
 *   own GET until the list is fetched again), so a run that changes many objects of one
 *   list, one by one, does not fetch the whole list again after each change.
 * - **A failed fetch is not kept:** the next read fetches again.
 *
 * It only holds what lists said: whether an object is *gone* is never decided from a list
 * here (provider/resources/confirmGone.ts reads it again by id first).
 */
import type { Clock } from "./clock";

interface Entry {
  startedAt: number;
  items: Promise<unknown[]>;
  /** Keys of the objects our writes changed since this fetch began: the list no longer speaks for them. */
  stale: Set<string>;
}

/** How many lists were fetched and how many reads they served (for logs and tests). */
export interface ReadCacheStats {
  /** Lists fetched (each may be several pages). */
  fetches: number;
  /** Reads served by a list already fetched or being fetched. */
  hits: number;
}

/**
 * The lists kept by one client (one per process in the dynamic provider): single flight,
 * short expiry, dropped by our own writes (see the module comment above).
 */
export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  readonly stats: ReadCacheStats = { fetches: 0, hits: 0 };

  /**
   * @param clock the time source (injected in tests)
   * @param ttlMs how long a fetched list is served, ms; 0 turns the cache off
   */
  constructor(
    private readonly clock: Pick<Clock, "now">,
    readonly ttlMs: number,
  ) {}

  /** The list of `scope`: the one fetched less than `ttlMs` ago (or being fetched), else `fetch()`'s. */
  list<T>(scope: string, fetch: () => Promise<T[]>): Promise<T[]> {
    return this.entry(scope, fetch).items as Promise<T[]>;
  }

  private entry(scope: string, fetch: () => Promise<unknown[]>): Entry {
    if (this.ttlMs <= 0) {
      this.stats.fetches++;
      return { startedAt: this.clock.now(), items: fetch(), stale: new Set() };
    }
    const now = this.clock.now();
    const cached = this.entries.get(scope);
    if (cached && now - cached.startedAt < this.ttlMs) {
      this.stats.hits++;
      return cached;
    }
    this.stats.fetches++;
    const entry: Entry = { startedAt: now, items: fetch(), stale: new Set() };
    this.entries.set(scope, entry);
    entry.items.catch(() => {
      if (this.entries.get(scope) === entry) this.entries.delete(scope);
    });
    return entry;
  }

  /**
   * The item of `scope`'s list that `matches`, or undefined when the list does not have it
   * or, given its `itemKey`, when our own write made it stale since the fetch began.
   */
  async find<T>(scope: string, fetch: () => Promise<T[]>, matches: (item: T) => boolean, itemKey?: string): Promise<T | undefined> {
    return (await this.lookup(scope, fetch, matches, itemKey)).found;
  }

  /**
   * Like {@link find}, also saying whether this call fetched the list (`fetchedNow`): a
   * caller that reads again afresh when the item is missing need not when the list is new.
   */
  async lookup<T>(scope: string, fetch: () => Promise<T[]>, matches: (item: T) => boolean, itemKey?: string): Promise<{ found: T | undefined; fetchedNow: boolean }> {
    let fetchedNow = false;
    const entry = this.entry(scope, () => {
      fetchedNow = true;
      return fetch();
    });
    const items = (await entry.items) as T[];
    if (itemKey !== undefined && entry.stale.has(itemKey.toLowerCase())) return { found: undefined, fetchedNow };
    return { found: items.find(matches), fetchedNow };
  }

  /** Drops the lists whose scope is `scope` or starts with `scope` followed by ":". */
  invalidate(scope: string): void {
    for (const key of [...this.entries.keys()]) {
      if (key === scope || key.startsWith(`${scope}:`)) this.entries.delete(key);
    }
  }

  /**
   * Marks one object of `scope`'s list (kept or being fetched) stale: reads of it that pass its
   * `itemKey` are not served by that list any more; the rest of the list still is.
   */
  forget(scope: string, itemKey: string): void {
    this.entries.get(scope)?.stale.add(itemKey.toLowerCase());
  }

  /** Drops every list. */
  clear(): void {
    this.entries.clear();
  }
}
