/**
 * Contract of a version scheme (style.md §3.3): one file per scheme, registered in index.ts.
 * compare() never throws on odd input: unparsable versions fall back to a documented ordering. Callers that must
 * not guess (the matcher) ask valid() first and record VERSION_UNPARSABLE instead of comparing (see index.ts).
 *
 * @example
 *   dpkg.compare('3.0.11-1~deb12u2', '3.0.11-1') // < 0: the tilde backport sorts before the release
 */
export interface VersionScheme {
  id: string;
  /** Negative, zero or positive, like Array.prototype.sort comparators. */
  compare(a: string, b: string): number;
  /** Canonical spelling used for equality and display ("v7.2.5" → "7.2.5"). */
  normalise?(v: string): string;
  /** False when the string does not follow the scheme; absent = every non-empty string is accepted. */
  valid?(v: string): boolean;
}
