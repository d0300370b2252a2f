/** macOS applications from `system_profiler -json SPApplicationsDataType` (bundles found by Spotlight). */
import { softwareEntry } from '../read.js';
import type { Collector } from './types.js';
import type { Software } from '../../common/inventory/model.js';

type Obj = Record<string, unknown>;
const s = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export const macosApps = {
  id: 'macos-apps',
  platforms: ['darwin'],
  async collect(ctx) {
    const out = await ctx.run('system-profiler-apps', 'system_profiler', ['-json', '-detailLevel', 'mini', 'SPApplicationsDataType']);
    if (out === null) return {};
    const apps = (JSON.parse(out) as Obj).SPApplicationsDataType;
    const list: Software[] = [];
    for (const a of Array.isArray(apps) ? (apps as Obj[]) : []) {
      const name = s(a._name);
      if (!name) continue;
      const signed = Array.isArray(a.signed_by) ? s(a.signed_by[0]) : null;
      list.push(softwareEntry({
        name, version: s(a.version), origin: 'macos', arch: s(a.arch_kind),
        // "Developer ID Application: Mozilla Corporation (43AQ936H96)" → Mozilla Corporation.
        publisher: signed?.replace(/^Developer ID Application:\s*/, '').replace(/\s*\(\w+\)$/, '') ?? (s(a.obtained_from) === 'apple' ? 'Apple Inc.' : null),
        installDate: s(a.lastModified)?.replace('T', ' ').replace(/Z$/, '') ?? null,
        extra: Object.fromEntries(Object.entries({ path: s(a.path), obtained_from: s(a.obtained_from), comments: s(a.info) }).filter(([, v]) => v !== null)) as Record<string, string>,
      }));
    }
    return { software: list };
  },
} as const satisfies Collector;
