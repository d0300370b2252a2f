/**
 * Local accounts (/etc/passwd, /etc/group: OCS LOCAL_USERS / LOCAL_GROUPS) and logged-in sessions from utmp
 * (glibc `struct utmp`, 384 bytes per record on every 64- and 32-bit Linux ABI): no `who` fork.
 */
import { readFile } from 'node:fs/promises';
import { readText } from '../read.js';
import type { Collector } from './types.js';

const UTMP_SIZE = 384;
const USER_PROCESS = 7;

export function parseUtmp(buf: Buffer): { user: string; line: string; host: string; time: number }[] {
  const out: { user: string; line: string; host: string; time: number }[] = [];
  const cstr = (o: number, n: number) => buf.toString('utf8', o, o + n).replace(/\0.*$/s, '');
  for (let o = 0; o + UTMP_SIZE <= buf.length; o += UTMP_SIZE) {
    if (buf.readInt16LE(o) !== USER_PROCESS) continue;
    out.push({ line: cstr(o + 8, 32), user: cstr(o + 44, 32), host: cstr(o + 76, 256), time: buf.readInt32LE(o + 340) });
  }
  return out;
}

export const users = {
  id: 'users',
  platforms: ['linux'],
  async collect(ctx) {
    const localUsers: Record<string, string>[] = [];
    for (const line of ((await readText(ctx.path('/etc/passwd'))) ?? '').split('\n')) {
      const [login, , uid, gid, gecos, home, shell] = line.split(':');
      if (!login || uid === undefined) continue;
      localUsers.push({ login, id_user: uid, gid: gid ?? '', name: (gecos ?? '').split(',')[0]!, home: home ?? '', shell: shell ?? '' });
    }
    const localGroups: Record<string, string>[] = [];
    for (const line of ((await readText(ctx.path('/etc/group'))) ?? '').split('\n')) {
      const [name, , gid, members] = line.split(':');
      if (!name || gid === undefined) continue;
      localGroups.push({ name, id_group: gid, ...(members ? { member: members } : {}) });
    }
    let buf: Buffer | null = null;
    for (const f of ['/run/utmp', '/var/run/utmp']) {
      buf = await readFile(ctx.path(f)).catch(() => null);
      if (buf) break;
    }
    const sessions = buf ? parseUtmp(buf) : [];
    const last = [...sessions].sort((a, b) => b.time - a.time)[0];
    return {
      hardware: last ? { lastLoggedUser: last.user } : {},
      sections: {
        local_users: localUsers,
        local_groups: localGroups,
        vigie_sessions: sessions.map((s) => ({ user: s.user, line: s.line, host: s.host, login_time: new Date(s.time * 1000).toISOString() })),
      },
    };
  },
} as const satisfies Collector;
