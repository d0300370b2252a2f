/**
 * A marker that a `vigie server` process uses a SQLite database: `<db file>.server-lock` holding its pid and
 * host. `vigie restore` refuses to replace a database under a live server (the server would keep writing to
 * the old file it has open), unless --force.
 */
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

export const lockPath = (dbFile: string) => `${dbFile}.server-lock`;

interface LockContent {
  pid: number;
  host: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Who holds the database, or null. A lock left by a crashed process (dead pid, same host) does not count. */
export function serverHolding(dbFile: string): LockContent | null {
  const file = lockPath(dbFile);
  if (!existsSync(file)) return null;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as LockContent;
    if (c.host === hostname() && !alive(c.pid)) return null;
    return c;
  } catch {
    return null;
  }
}

/** Called by `vigie server` on a SQLite database; the lock goes away when the process exits. */
export function holdServerLock(dbFile: string): () => void {
  const file = lockPath(dbFile);
  writeFileSync(file, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() } satisfies LockContent) + '\n');
  const release = () => {
    try {
      const c = JSON.parse(readFileSync(file, 'utf8')) as LockContent;
      if (c.pid === process.pid) unlinkSync(file);
    } catch {
      /* already gone */
    }
  };
  process.once('exit', release);
  return release;
}
