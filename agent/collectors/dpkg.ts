/**
 * Debian packages straight from /var/lib/dpkg/status (no dpkg-query fork), with the source package and source
 * version the Debian security tracker keys its advisories on. Install date = mtime of info/<pkg>.list, as the
 * OCS agent reports it. Same package set as `dpkg-query -W`: everything not in state not-installed.
 */
import { statSync } from 'node:fs';
import { readText } from '../read.js';
import { softwareEntry } from '../read.js';
import type { Collector } from './types.js';
import type { Software } from '../../common/inventory/model.js';

/** The status fields we use; the others (Depends, Conffiles, long descriptions) are skipped unread. */
const FIELDS = new Set(['Package', 'Status', 'Version', 'Architecture', 'Multi-Arch', 'Source', 'Installed-Size', 'Homepage', 'Description', 'Maintainer']);

/**
 * Control-file paragraphs, keeping only FIELDS and the first line of each (continuation lines are skipped):
 * a Debian desktop has a 1–3 MB status file and most of it is Conffiles and long descriptions.
 */
export function controlParagraphs(text: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  let rec: Record<string, string> | null = null;
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const c = text.charCodeAt(pos);
    if (end === pos) {
      if (rec) out.push(rec);
      rec = null;
    } else if (c !== 32 && c !== 9) {
      const i = text.indexOf(':', pos);
      if (i > pos && i < end) {
        const key = text.slice(pos, i);
        if (FIELDS.has(key)) (rec ??= {})[key] = text.slice(i + 1, end).trim();
      }
    }
    pos = end + 1;
  }
  if (rec) out.push(rec);
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** Local time, `YYYY-MM-DD hh:mm:ss`, as the OCS agent prints it (it uses localtime too). */
export function localStamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export const dpkg = {
  id: 'dpkg',
  platforms: ['linux'],
  async collect(ctx) {
    const text = await readText(ctx.path('/var/lib/dpkg/status'));
    if (text === null) return {};
    const list: Software[] = [];
    for (const p of controlParagraphs(text)) {
      const name = p.Package;
      const status = p.Status?.split(' ') ?? [];
      if (!name || status[2] === 'not-installed' || status[2] === undefined) continue;
      const version = p.Version ?? null;
      const src = p.Source ? /^(\S+)(?:\s+\((.+)\))?$/.exec(p.Source) : null;
      const size = Number(p['Installed-Size']);
      const s = softwareEntry({
        name, version, arch: p.Architecture ?? null, origin: 'deb',
        // The OCS agent reports the Homepage as PUBLISHER; kept for parity, the maintainer goes to extra.
        publisher: p.Homepage ?? null,
        sourcePackage: src?.[1] ?? name,
        sourceVersion: src?.[2] ?? version,
        extra: {
          ...(p.Description ? { comments: p.Description } : {}),
          ...(Number.isFinite(size) ? { filesize: String(size * 1024) } : {}),
          ...(p.Maintainer ? { maintainer: p.Maintainer } : {}),
          ...(status[2] !== 'installed' ? { status: status[2]! } : {}),
        },
      });
      list.push(s);
      // Multi-arch packages name their file list <pkg>:<arch>.list; try it first, then the plain name.
      const arch = p.Architecture;
      for (const f of arch && p['Multi-Arch'] === 'same' ? [`${name}:${arch}.list`, `${name}.list`] : [`${name}.list`, `${name}:${arch}.list`]) {
        const st = statSync(ctx.path(`/var/lib/dpkg/info/${f}`), { throwIfNoEntry: false }); // sync: see agent/read.ts
        if (st) {
          s.installDate = localStamp(st.mtime);
          break;
        }
      }
    }
    return { software: list };
  },
} as const satisfies Collector;
