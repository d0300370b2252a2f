/**
 * What the agent remembers between runs, in its state directory: the DEVICEID (generated once, OCS format
 * `<host>-YYYY-MM-DD-HH-MM-SS`, regenerated when the host is renamed, as the OCS agent does), the ACCOUNTINFO
 * the server sent (ACCOUNT_UPDATE, TAG), the last PROLOG_FREQ, and the spool of inventories not yet delivered.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AgentState {
  deviceId: string;
  accountInfo: { key: string; value: string }[];
  prologFreqHours: number | null;
  lastSuccessAt: string | null;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function newDeviceId(hostname: string, now = new Date()): string {
  const host = (hostname.split('.')[0] || 'localhost').replace(/[^\w-]/g, '_');
  return `${host}-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}-${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
}

/** Writes through a temporary file + rename: a crash never leaves a half-written state. */
function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}

export class StateStore {
  readonly file: string;
  readonly spoolDir: string;

  constructor(readonly dir: string, private readonly spoolSize = 5) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, 'state.json');
    this.spoolDir = join(dir, 'spool');
  }

  load(hostname: string): AgentState {
    let s: Partial<AgentState> = {};
    try {
      s = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<AgentState>;
    } catch {
      // first run or unreadable state: start afresh
    }
    const host = (hostname.split('.')[0] || 'localhost').replace(/[^\w-]/g, '_');
    const deviceId = typeof s.deviceId === 'string' && s.deviceId.startsWith(`${host}-`) && /-\d{4}(-\d{2}){5}$/.test(s.deviceId) ? s.deviceId : newDeviceId(hostname);
    const state: AgentState = {
      deviceId,
      accountInfo: Array.isArray(s.accountInfo) ? s.accountInfo.filter((a) => typeof a?.key === 'string' && typeof a?.value === 'string') : [],
      prologFreqHours: typeof s.prologFreqHours === 'number' ? s.prologFreqHours : null,
      lastSuccessAt: typeof s.lastSuccessAt === 'string' ? s.lastSuccessAt : null,
    };
    if (deviceId !== s.deviceId) this.save(state);
    return state;
  }

  save(state: AgentState): void {
    writeAtomic(this.file, JSON.stringify(state, null, 2) + '\n');
  }

  /** Keeps a compressed inventory for a later run; only the newest `spoolSize` are kept. */
  spool(body: Buffer, at = new Date()): string {
    mkdirSync(this.spoolDir, { recursive: true, mode: 0o700 });
    const name = `${at.toISOString().replace(/[:.]/g, '-')}.xml.zz`;
    writeAtomic(join(this.spoolDir, name), body);
    const all = this.spooled();
    for (const old of all.slice(0, Math.max(0, all.length - this.spoolSize))) rmSync(old, { force: true });
    return join(this.spoolDir, name);
  }

  /** Spooled files, oldest first (names are ISO timestamps). */
  spooled(): string[] {
    try {
      return readdirSync(this.spoolDir).filter((f) => f.endsWith('.xml.zz')).sort().map((f) => join(this.spoolDir, f));
    } catch {
      return [];
    }
  }
}
