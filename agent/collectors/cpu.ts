/** CPUs from /proc/cpuinfo, one OCS CPUS item per physical package (socket), as the OCS agent reports them. */
import { readText } from '../read.js';
import type { Collector } from './types.js';

/** /proc/cpuinfo blocks (one per logical CPU) as key → value maps. */
export function cpuinfoBlocks(text: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const rec: Record<string, string> = {};
    for (const line of block.split('\n')) {
      const i = line.indexOf(':');
      if (i > 0) rec[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
    if (Object.keys(rec).length) out.push(rec);
  }
  return out;
}

const VENDORS: Record<string, string> = { AuthenticAMD: 'AMD', GenuineIntel: 'Intel', HygonGenuine: 'Hygon', CentaurHauls: 'VIA' };

export const cpu = {
  id: 'cpu',
  platforms: ['linux'],
  async collect(ctx) {
    const blocks = cpuinfoBlocks((await readText(ctx.path('/proc/cpuinfo'))) ?? '').filter((b) => b.processor !== undefined);
    const sockets = new Map<string, Record<string, string>[]>();
    for (const b of blocks) {
      const id = b['physical id'] ?? '0';
      sockets.set(id, [...(sockets.get(id) ?? []), b]);
    }
    const items = [...sockets.values()].map((logical) => {
      const b = logical[0]!;
      const model = b['model name'] ?? b['cpu model'] ?? b.Processor ?? b.cpu ?? '';
      const cores = b['cpu cores'] ?? String(new Set(logical.map((l) => l['core id'] ?? l.processor)).size);
      return {
        cores,
        cpuarch: ctx.arch === 'x64' ? 'x86_64' : ctx.arch,
        data_width: /x64|arm64|ppc64|s390x|riscv64/.test(ctx.arch) ? '64' : '32',
        logical_cpus: String(logical.length),
        manufacturer: VENDORS[b.vendor_id ?? ''] ?? b.vendor_id ?? b['CPU implementer'] ?? '',
        speed: b['cpu MHz'] ? String(Math.round(Number(b['cpu MHz']))) : '',
        threads: String(logical.length),
        type: model,
        family: b['cpu family'] ?? '',
        model: b.model ?? '',
        stepping: b.stepping ?? '',
        microcode: b.microcode ?? '',
      };
    }).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== '')));
    return {
      hardware: blocks.length ? { cpuCount: sockets.size, cpuModel: items[0]?.type ?? null } : {},
      sections: { cpus: items },
    };
  },
} as const satisfies Collector;
