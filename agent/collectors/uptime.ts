/** Uptime and boot time from /proc/uptime: a host that never reboots never loads its patched kernel. */
import { readLine } from '../read.js';
import type { Collector } from './types.js';

export const uptime = {
  id: 'uptime',
  platforms: ['linux'],
  async collect(ctx) {
    const line = await readLine(ctx.path('/proc/uptime'));
    const seconds = line ? Math.floor(Number(line.split(/\s+/)[0])) : NaN;
    if (!Number.isFinite(seconds)) return {};
    return { sections: { vigie_uptime: [{ seconds: String(seconds) }] } };
  },
} as const satisfies Collector;
