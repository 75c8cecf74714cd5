/**
 * Lists: `{value: [...], "@odata.nextLink"?: absolute URL}`. Follows nextLink
 * on the same host only, up to a maximum page count.
 */
import { PowerPlatformError, UnexpectedResponseError } from "./errors";

export interface Page<T> {
  value?: T[];
  "@odata.nextLink"?: string | null;
  nextLink?: string | null;
}

export interface PaginateOptions {
  /** Origin (scheme://host[:port]) the nextLinks must stay on. */
  origin: string;
  maxPages: number;
  signal?: AbortSignal;
  /** Stop after the page holding an item this accepts (a lookup needs no further pages). */
  stopWhen?: (item: unknown) => boolean;
}

/** Reads the next link of a page; refuses a link to another host. */
export function nextLinkOf(page: unknown, origin: string): string | undefined {
  if (!page || typeof page !== "object") return undefined;
  const p = page as Page<unknown>;
  const link = p["@odata.nextLink"] ?? p.nextLink;
  if (link === undefined || link === null || link === "") return undefined;
  if (typeof link !== "string") throw new UnexpectedResponseError("@odata.nextLink is not a string");
  let u: URL;
  try {
    u = new URL(link, origin);
  } catch {
    throw new UnexpectedResponseError("@odata.nextLink is not a valid URL");
  }
  if (u.origin !== new URL(origin).origin) {
    throw new PowerPlatformError(`Refusing to follow @odata.nextLink to another host (${u.host}); expected ${new URL(origin).host}`);
  }
  return u.toString();
}

/** The `value` array of a page (an empty body, e.g. 204, counts as no items). */
export function valueOf<T>(page: unknown, what: string): T[] {
  if (page === undefined || page === null || page === "") return [];
  if (typeof page !== "object" || Array.isArray(page)) throw new UnexpectedResponseError(`${what}: expected an object with "value"`);
  const v = (page as Page<T>).value;
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new UnexpectedResponseError(`${what}: "value" is not an array`);
  return v;
}

/** Collects every item: `first` is the first page, `fetchNext` GETs a nextLink. */
export async function collectPages<T>(
  first: unknown,
  fetchNext: (url: string) => Promise<unknown>,
  options: PaginateOptions,
  what = "list",
): Promise<T[]> {
  const items: T[] = [...valueOf<T>(first, what)];
  const found = (page: T[]) => options.stopWhen !== undefined && page.some((item) => options.stopWhen!(item));
  let pages = 1;
  let next = found(items) ? undefined : nextLinkOf(first, options.origin);
  const seen = new Set<string>();
  while (next) {
    options.signal?.throwIfAborted();
    if (pages >= options.maxPages) {
      throw new PowerPlatformError(`${what}: more than ${options.maxPages} pages; refusing to follow further`);
    }
    if (seen.has(next)) throw new UnexpectedResponseError(`${what}: @odata.nextLink loops back to a page already read`);
    seen.add(next);
    const page = await fetchNext(next);
    const pageItems = valueOf<T>(page, what);
    items.push(...pageItems);
    pages++;
    next = found(pageItems) ? undefined : nextLinkOf(page, options.origin);
  }
  return items;
}
