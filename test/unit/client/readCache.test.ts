import { ReadCache } from "../../../provider/client/readCache";
import { FakeClock } from "./helpers";

/** A list fetch that is answered when the test says so, counting its calls. */
function deferredFetches<T>() {
  const pending: Array<{ resolve: (v: T[]) => void; reject: (e: unknown) => void }> = [];
  const fetch = jest.fn(
    () =>
      new Promise<T[]>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
  );
  return { fetch, pending };
}

describe("ReadCache", () => {
  test("single flight: concurrent reads of a scope share one fetch", async () => {
    const cache = new ReadCache(new FakeClock(), 30_000);
    const { fetch, pending } = deferredFetches<string>();
    const reads = [cache.list("flows:e1", fetch), cache.list("flows:e1", fetch), cache.find("flows:e1", fetch, (x) => x === "b")];
    expect(fetch).toHaveBeenCalledTimes(1);
    pending[0]!.resolve(["a", "b"]);
    expect(await Promise.all(reads)).toEqual([["a", "b"], ["a", "b"], "b"]);
    expect(cache.stats).toEqual({ fetches: 1, hits: 2 });
  });

  test("scopes are independent", async () => {
    const cache = new ReadCache(new FakeClock(), 30_000);
    const fetch = jest.fn(async () => ["x"]);
    await cache.list("flows:e1", fetch);
    await cache.list("flows:e2", fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test("a list is served until it expires, then fetched again", async () => {
    const clock = new FakeClock();
    const cache = new ReadCache(clock, 30_000);
    let n = 0;
    const fetch = jest.fn(async () => [`v${++n}`]);
    expect(await cache.list("s", fetch)).toEqual(["v1"]);
    clock.t += 29_999;
    expect(await cache.list("s", fetch)).toEqual(["v1"]);
    clock.t += 1;
    expect(await cache.list("s", fetch)).toEqual(["v2"]);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test("expiry 0 turns the cache off: every read fetches", async () => {
    const cache = new ReadCache(new FakeClock(), 0);
    const fetch = jest.fn(async () => ["x"]);
    await cache.list("s", fetch);
    await cache.list("s", fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test("invalidate drops the scope and the scopes under it, not its neighbours", async () => {
    const cache = new ReadCache(new FakeClock(), 30_000);
    const fetch = jest.fn(async () => ["x"]);
    for (const s of ["flow:flows:e1", "flow:flows:e2", "flow:flows:e10", "bap:environments"]) await cache.list(s, fetch);
    cache.invalidate("flow:flows:e1");
    for (const s of ["flow:flows:e1", "flow:flows:e2", "flow:flows:e10", "bap:environments"]) await cache.list(s, fetch);
    expect(fetch).toHaveBeenCalledTimes(5);
    cache.invalidate("flow");
    await cache.list("flow:flows:e2", fetch);
    await cache.list("bap:environments", fetch);
    expect(fetch).toHaveBeenCalledTimes(6);
  });

  test("a read after an invalidation never joins a fetch begun before it", async () => {
    const cache = new ReadCache(new FakeClock(), 30_000);
    const { fetch, pending } = deferredFetches<string>();
    const before = cache.list("s", fetch);
    cache.invalidate("s");
    const after = cache.list("s", fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
    pending[1]!.resolve(["new"]);
    pending[0]!.resolve(["old"]);
    expect(await before).toEqual(["old"]);
    expect(await after).toEqual(["new"]);
    // The fetch that finished last (begun before the write) did not replace the newer list.
    expect(await cache.list("s", fetch)).toEqual(["new"]);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test("a failed fetch fails its readers and is not kept", async () => {
    const cache = new ReadCache(new FakeClock(), 30_000);
    const fetch = jest.fn().mockRejectedValueOnce(new Error("503")).mockResolvedValueOnce(["x"]);
    await expect(cache.list("s", fetch)).rejects.toThrow("503");
    expect(await cache.list("s", fetch)).toEqual(["x"]);
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});

describe("ReadCache.lookup", () => {
  test("says whether this call fetched the list", async () => {
    const cache = new ReadCache(new FakeClock(), 30_000);
    const fetch = jest.fn(async () => ["a"]);
    expect(await cache.lookup("s", fetch, (x) => x === "a")).toEqual({ found: "a", fetchedNow: true });
    expect(await cache.lookup("s", fetch, (x) => x === "z")).toEqual({ found: undefined, fetchedNow: false });
    expect(fetch).toHaveBeenCalledTimes(1);
  });
  test("forget: one object of a kept (or in-flight) list is stale, the rest is still served, a new fetch forgets the mark", async () => {
    const clock = new FakeClock();
    const cache = new ReadCache(clock, 30_000);
    const { fetch, pending } = deferredFetches<string>();
    const early = cache.find("flows:e1", fetch, (x) => x === "a", "A");
    cache.forget("flows:e1", "a"); // our write to "a" while the list is being fetched
    pending[0]!.resolve(["a", "b"]);
    expect(await early).toBeUndefined();
    expect(await cache.find("flows:e1", fetch, (x) => x === "b", "b")).toBe("b");
    expect(await cache.find("flows:e1", fetch, (x) => x === "a")).toBe("a"); // a read without its key is not told
    expect(fetch).toHaveBeenCalledTimes(1);
    clock.t += 30_000;
    const fresh = cache.find("flows:e1", fetch, (x) => x === "a", "a");
    pending[1]!.resolve(["a", "b"]);
    expect(await fresh).toBe("a");
  });
});
