/**
 * Service units and their states. With a running systemd: one `systemctl list-units --all --output=json` fork
 * (load/active/sub states) plus the enablement read from the *.wants symlinks. Without one (containers, chroots):
 * the unit files on disk, enabled or not, state unknown.
 */
import { exists, listDir, readText } from '../read.js';
import type { Collector, CollectorContext } from './types.js';
import type { Service } from '../../common/inventory/model.js';

interface UnitRow { unit: string; load?: string; active?: string; sub?: string; description?: string }

function isUnitRow(v: unknown): v is UnitRow {
  return typeof v === 'object' && v !== null && typeof (v as { unit?: unknown }).unit === 'string';
}

/** Units enabled through /etc/systemd/system/<target>.wants/ symlinks (what `systemctl enable` writes). */
async function enabledUnits(ctx: CollectorContext): Promise<Set<string>> {
  const out = new Set<string>();
  for (const d of await listDir(ctx.path('/etc/systemd/system'))) {
    if (!d.endsWith('.wants')) continue;
    for (const u of await listDir(ctx.path(`/etc/systemd/system/${d}`))) out.add(u);
  }
  return out;
}

const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

export const systemd = {
  id: 'systemd',
  platforms: ['linux'],
  async collect(ctx) {
    const enabled = await enabledUnits(ctx);
    const startMode = (u: string) => (enabled.has(u) ? 'enabled' : null);
    // sd_booted(3): systemd is the running init when /run/systemd/system exists.
    const running = await exists(ctx.path('/run/systemd/system'));
    let rows: UnitRow[] | null = null;
    if (running) {
      const out = await ctx.run('systemctl-list-units', 'systemctl', ['list-units', '--all', '--type=service', '--output=json', '--no-pager']);
      if (out !== null) {
        const parsed: unknown = JSON.parse(out);
        if (Array.isArray(parsed)) rows = parsed.filter(isUnitRow);
      }
    }
    const services: Service[] = [];
    if (rows) {
      for (const r of rows) {
        if (!r.unit.endsWith('.service')) continue;
        services.push({
          name: r.unit.replace(/\.service$/, ''), displayName: r.description || null, state: r.sub ?? r.active ?? null,
          startMode: startMode(r.unit), extra: { active: r.active ?? '', load: r.load ?? '' },
        });
      }
      return { services };
    }
    // No systemd manager to ask: the installed unit files, the first directory wins as in systemd's search path;
    // the state is guessed from the process table (a process named like the ExecStart binary runs or not).
    const comms = new Set<string>();
    for (const pid of await listDir(ctx.path('/proc'))) {
      if (!/^\d+$/.test(pid)) continue;
      const comm = (await readText(ctx.path(`/proc/${pid}/comm`)))?.trim();
      if (comm) comms.add(comm);
    }
    const seen = new Set<string>();
    for (const dir of UNIT_DIRS) {
      for (const f of await listDir(ctx.path(dir))) {
        if (!f.endsWith('.service') || f.includes('@') || seen.has(f)) continue;
        seen.add(f);
        const text = (await readText(ctx.path(`${dir}/${f}`))) ?? '';
        const masked = text === '' && dir.startsWith('/etc');
        // ExecStart=[-@:+!]/usr/bin/redis-server …: the kernel truncates comm to 15 characters.
        const exe = /^ExecStart=[-@:+!]*(\S+)/m.exec(text)?.[1]?.split('/').pop()?.slice(0, 15);
        services.push({
          name: f.replace(/\.service$/, ''),
          displayName: /^Description=(.+)$/m.exec(text)?.[1]?.trim() ?? null,
          state: exe && comms.has(exe) ? 'running' : 'dead',
          startMode: masked ? 'masked' : (startMode(f) ?? (/^\[Install\]/m.test(text) ? 'disabled' : 'static')),
          extra: { source: 'unit-file' },
        });
      }
    }
    services.sort((a, b) => a.name.localeCompare(b.name));
    return { services };
  },
} as const satisfies Collector;
