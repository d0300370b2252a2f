/**
 * snmpsim (../shared/snmp/serve.sh) and a private snmpd for SNMP tests, both on 127.0.0.1 high ports only,
 * started by the test and stopped by their recorded PID. Never the system snmpd, never port 161.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hasCommand, SHARED } from './components.js';

const run = promisify(execFile);
export const SERVE_SH = SHARED + 'snmp/serve.sh';
export const hasSnmpsim = (): boolean => existsSync(SERVE_SH) && hasCommand('snmpsimd') && hasCommand('snmpget');
export const hasSnmpd = (): boolean => hasCommand('snmpd') || existsSync('/usr/sbin/snmpd');

/** A random high port (20000–39999) so parallel test files do not collide. */
export const highPort = (): number => 20000 + Math.floor(Math.random() * 20000);

export interface Simulator {
  port: number;
  state: string;
  stop(): Promise<void>;
}

/** `serve.sh start <dir> <port>` (community = file name) or `serve.sh sweep <dir> <count> <port>` (community public). */
export async function startSnmpsim(dir: string, opts: { port?: number; sweep?: number } = {}): Promise<Simulator> {
  const port = opts.port ?? highPort();
  const state = mkdtempSync(join(tmpdir(), 'vigie-snmpsim-'));
  const env = { ...process.env, SNMPSIM_STATE: state };
  const args = opts.sweep ? ['sweep', dir, String(opts.sweep), String(port)] : ['start', dir, String(port)];
  try {
    await run('bash', [SERVE_SH, ...args], { env, timeout: 240_000 });
  } catch (e) {
    await run('bash', [SERVE_SH, 'stop', String(port)], { env }).catch(() => undefined);
    const log = existsSync(join(state, 'snmpsimd.log')) ? readFileSync(join(state, 'snmpsimd.log'), 'utf8').slice(-2000) : '';
    throw new Error(`snmpsim did not start on 127.0.0.1:${port}: ${(e as Error).message}\n${log}`, { cause: e });
  }
  return { port, state, stop: async () => void (await run('bash', [SERVE_SH, 'stop', String(port)], { env }).catch(() => undefined)) };
}

export interface Snmpd {
  port: number;
  stop(): Promise<void>;
}

/**
 * A private net-snmp agent with its own config and persistent dir: community `community` (v2c) and the v3 user
 * (SHA-256 + AES-128, authPriv) — only on 127.0.0.1:<port>.
 */
export async function startSnmpd(v3: { user: string; authKey: string; privKey: string }, community: string, port = highPort()): Promise<Snmpd> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-snmpd-'));
  mkdirSync(join(dir, 'persist'));
  const conf = join(dir, 'snmpd.conf');
  writeFileSync(conf, [
    `rocommunity ${community} 127.0.0.1`,
    `createUser ${v3.user} SHA-256 "${v3.authKey}" AES "${v3.privKey}"`,
    `rouser ${v3.user} priv`,
    'sysName vigie-test-snmpd',
    'sysLocation test lab',
    '',
  ].join('\n'));
  const bin = hasCommand('snmpd') ? 'snmpd' : '/usr/sbin/snmpd';
  // -f foreground (so the PID is ours), -C only our config, -Lo log to stdout
  const child = spawn(bin, ['-f', '-Lo', '-C', '-c', conf, `udp:127.0.0.1:${port}`], {
    env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'persist'), MIBS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  child.stderr.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) throw new Error(`snmpd exited: ${log}`);
    try {
      await run('snmpget', ['-v2c', '-c', community, '-t', '0.3', '-r', '0', `127.0.0.1:${port}`, '1.3.6.1.2.1.1.2.0']);
      return { port, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await stop();
  throw new Error(`snmpd did not answer on 127.0.0.1:${port}: ${log}`);
}
