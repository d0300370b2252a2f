/**
 * Collector harness (style.md §3.6): a CollectorContext over a recorded tree agent/collectors/testdata/<case>/ —
 * files read under that folder, commands replayed from commands/<id>.txt (absent = command not installed),
 * statfs and network interfaces from commands/statfs.json and commands/network-interfaces.json.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CollectorContext, NetAddress, Platform } from '../../agent/collectors/types.js';

export const COLLECTOR_TESTDATA = fileURLToPath(new URL('../../agent/collectors/testdata/', import.meta.url));

export function collectorCases(): string[] {
  return readdirSync(COLLECTOR_TESTDATA, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

/** A context over a recorded tree: files under testdata/<case>/, commands from commands/<id>.txt (absent = not installed). */
export function recordedContext(caseName: string): CollectorContext {
  const root = join(COLLECTOR_TESTDATA, caseName);
  const meta = JSON.parse(readFileSync(join(root, 'case.json'), 'utf8')) as { platform: Platform; arch: string; hostname: string };
  const json = <T>(f: string, fallback: T): T => (existsSync(join(root, 'commands', f)) ? (JSON.parse(readFileSync(join(root, 'commands', f), 'utf8')) as T) : fallback);
  const statfs = json<Record<string, { totalMb: number; freeMb: number }>>('statfs.json', {});
  const nics = json<Record<string, NetAddress[]>>('network-interfaces.json', {});
  return {
    platform: meta.platform,
    arch: meta.arch,
    path: (p) => join(root, p),
    async run(id) {
      const f = join(root, 'commands', `${id}.txt`);
      return existsSync(f) ? readFileSync(f, 'utf8') : null;
    },
    statfs: async (m) => statfs[m] ?? null,
    networkInterfaces: () => nics,
    hostname: () => meta.hostname,
  };
}

