/** Memory and swap totals from /proc/meminfo (kB), reported in MB like the OCS HARDWARE MEMORY/SWAP. */
import { readText } from '../read.js';
import type { Collector } from './types.js';

export const memory = {
  id: 'memory',
  platforms: ['linux'],
  async collect(ctx) {
    const text = (await readText(ctx.path('/proc/meminfo'))) ?? '';
    const kb = (key: string) => {
      const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text);
      return m ? Math.round(Number(m[1]) / 1024) : null;
    };
    const memoryMb = kb('MemTotal');
    const swapMb = kb('SwapTotal');
    return { hardware: { ...(memoryMb !== null ? { memoryMb } : {}), ...(swapMb !== null ? { swapMb } : {}) } };
  },
} as const satisfies Collector;
