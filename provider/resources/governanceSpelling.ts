/**
 * One spelling of the governance settings both ManagedEnvironment and EnvironmentGroupRuleSet
 * declare (the sharing mode, the solution checker mode): PascalCase in a declaration
 * (`Warn`, `ExcludeSharingToSecurityGroups`), camelCase on the wire as the service stores them
 * (`warn`, `excludeSharingToSecurityGroups`). Both resources map through these two functions.
 */

/**
 * The service's spelling of a declared value: its first letter in lower case
 * (`ExcludeSharingToSecurityGroups` → `excludeSharingToSecurityGroups`, `Warn` → `warn`).
 */
export function wireSpellingOf(declared: string): string {
  return declared ? declared[0].toLowerCase() + declared.slice(1) : declared;
}

/**
 * The declared spelling of a value the service reports: the allowed value it names in any case;
 * a value this version does not know is shown with its first letter in upper case, so it reads
 * as drift against any declaration instead of being taken for a known one.
 */
export function declaredSpellingOf<T extends string>(wire: string, allowed: readonly T[]): T {
  const known = allowed.find((a) => a.toLowerCase() === wire.toLowerCase());
  return known ?? ((wire ? wire[0].toUpperCase() + wire.slice(1) : wire) as T);
}
