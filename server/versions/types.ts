/**
 * Contract of a version scheme (style.md §3.3): one file per scheme, registered in index.ts.
 * compare() never throws on odd input: unparsable versions fall back to a documented ordering.
 */
export interface VersionScheme {
  id: string;
  /** Negative, zero or positive, like Array.prototype.sort comparators. */
  compare(a: string, b: string): number;
  /** Canonical spelling used for equality and display ("v7.2.5" → "7.2.5"). */
  normalise?(v: string): string;
}
