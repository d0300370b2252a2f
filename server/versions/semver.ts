/**
 * Semantic Versioning 2.0.0 ordering (semver.org §11) through the `semver` package, loose mode so `v1.2.3` and
 * `=1.2.3` parse. Pre-releases sort before their release (`2.0.0-rc.1` < `2.0.0`); build metadata is ignored.
 */
import semverLib from 'semver';
import { generic } from './generic.js';
import type { VersionScheme } from './types.js';

const OPTS = { loose: true } as const;

export const semver: VersionScheme = {
  id: 'semver',
  compare(a, b) {
    const x = semverLib.parse(a.trim(), OPTS);
    const y = semverLib.parse(b.trim(), OPTS);
    // A CVE range in semver terms sometimes carries a two-part bound ("2.4"): order those like generic dotted.
    if (!x || !y) return generic.compare(a, b);
    return x.compare(y);
  },
  valid: (v) => semverLib.parse(v.trim(), OPTS) !== null,
  normalise: (v) => semverLib.parse(v.trim(), OPTS)?.version ?? v.trim(),
};
