/**
 * One cache of lists per process: a refresh of N resources of one kind costs the pages of
 * one list per scope (an environment's flows, the tenant's environments…), not N GETs.
 *
 * - **Single flight:** concurrent reads of a scope share one fetch.
 * - **Short expiry:** a list is served for `ttlMs` after its fetch began (0: no caching,
 *   every read fetches).
 * - **Invalidated by our own writes:** a write to a scope drops its list, also one still
 *   being fetched (a read that starts after the write never joins a fetch begun before it).
 * - **A failed fetch is not kept:** the next read fetches again.
 *
 * It only holds what lists said: whether an object is *gone* is never decided from a list
 * here (provider/resources/confirmGone.ts reads it again by id first).
 */
import type { Clock } from "./clock";

interface Entry {
  startedAt: number;
  items: Promise<unknown[]>;
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
    if (this.ttlMs <= 0) {
      this.stats.fetches++;
      return fetch();
    }
    const now = this.clock.now();
    const cached = this.entries.get(scope);
    if (cached && now - cached.startedAt < this.ttlMs) {
      this.stats.hits++;
      return cached.items as Promise<T[]>;
    }
    this.stats.fetches++;
    const entry: Entry = { startedAt: now, items: fetch() };
    this.entries.set(scope, entry);
    entry.items.catch(() => {
      if (this.entries.get(scope) === entry) this.entries.delete(scope);
    });
    return entry.items as Promise<T[]>;
  }

  /** The item of `scope`'s list that `matches`, or undefined when the list does not have it. */
  async find<T>(scope: string, fetch: () => Promise<T[]>, matches: (item: T) => boolean): Promise<T | undefined> {
    return (await this.lookup(scope, fetch, matches)).found;
  }

  /**
   * Like {@link find}, also saying whether this call fetched the list (`fetchedNow`): a
   * caller that reads again afresh when the item is missing need not when the list is new.
   */
  async lookup<T>(scope: string, fetch: () => Promise<T[]>, matches: (item: T) => boolean): Promise<{ found: T | undefined; fetchedNow: boolean }> {
    let fetchedNow = false;
    const items = await this.list(scope, () => {
      fetchedNow = true;
      return fetch();
    });
    return { found: items.find(matches), fetchedNow };
  }

  /** Drops the lists whose scope is `scope` or starts with `scope` followed by ":". */
  invalidate(scope: string): void {
    for (const key of [...this.entries.keys()]) {
      if (key === scope || key.startsWith(`${scope}:`)) this.entries.delete(key);
    }
  }

  /** Drops every list. */
  clear(): void {
    this.entries.clear();
  }
}
