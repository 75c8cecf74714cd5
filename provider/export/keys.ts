/**
 * Keys of an exported tenant file, derived from display names: lower-case letters,
 * digits and hyphens, starting with a letter, at most 63 characters (the tenant file
 * schema's `key`), unique within a section.
 */

/** The longest key the tenant file schema accepts. */
export const maxKeyLength = 63;

/**
 * A key-shaped slug of `name`: accents dropped, every run of other characters one
 * hyphen, `fallback` (itself a valid key) when nothing is left, a letter prefix
 * (`fallback-`) when it would start with a digit.
 */
export function slugOf(name: string, fallback: string): string {
  let slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug === "") return fallback;
  if (!/^[a-z]/.test(slug)) slug = `${fallback}-${slug}`;
  return trimKey(slug);
}

function trimKey(key: string, room = maxKeyLength): string {
  return key.slice(0, room).replace(/-+$/, "");
}

/**
 * Hands out unique keys within one section: the first `name` gets its slug, the next
 * with the same slug gets `-2`, then `-3`… (shortened so the suffix fits).
 * Callers hand names out in a stable order (by name, then id) so that a second export
 * of the same tenant gives every object the same key.
 */
export class KeyAllocator {
  private readonly taken = new Set<string>();

  constructor(private readonly fallback: string) {}

  /** A key for `name`, never handed out before by this allocator. */
  allocate(name: string): string {
    const base = slugOf(name, this.fallback);
    if (!this.taken.has(base)) {
      this.taken.add(base);
      return base;
    }
    for (let n = 2; ; n++) {
      const suffix = `-${n}`;
      const candidate = `${trimKey(base, maxKeyLength - suffix.length)}${suffix}`;
      if (!this.taken.has(candidate)) {
        this.taken.add(candidate);
        return candidate;
      }
    }
  }
}
