/**
 * The agent's modes: `--local` (write the OCS XML to a file or folder), `--json` (print the canonical model),
 * `--once` (PROLOG → INVENTORY, spool on failure), `--daemon` (the same on a jittered PROLOG_FREQ schedule with
 * exponential backoff), `--check` (DNS, TCP, TLS, PROLOG, saying which step fails).
 */
import { lookup } from 'node:dns/promises';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { deflateSync } from 'node:zlib';
import type { Inventory } from '../common/inventory/model.js';
import { collectors as allCollectors } from './collectors/index.js';
import type { Collector, CollectorContext } from './collectors/types.js';
import { defaultStateDir, type AgentConfig } from './config.js';
import { liveContext } from './context.js';
import { collectInventory } from './inventory.js';
import { inventoryXml, parseReply, prologXml } from './ocs-xml.js';
import { StateStore, type AgentState } from './state.js';
import { OcsClient, TransportError, certSha256, normalisePin, serverUrl } from './transport.js';
import { DEFAULT_USER_AGENT } from './version.js';

export interface RunDeps {
  ctx?: CollectorContext;
  collectors?: readonly Collector[];
  log?: (line: string) => void;
}

export interface Session {
  config: AgentConfig;
  store: StateStore;
  state: AgentState;
  ctx: CollectorContext;
  collectors: readonly Collector[];
  log: (line: string) => void;
}

export function openSession(config: AgentConfig, deps: RunDeps = {}): Session {
  const ctx = deps.ctx ?? liveContext();
  const store = new StateStore(config.stateDir ?? defaultStateDir(), config.spoolSize);
  return { config, store, state: store.load(ctx.hostname()), ctx, collectors: deps.collectors ?? allCollectors, log: deps.log ?? ((l) => console.error(l)) };
}

export function collect(s: Session): Promise<Inventory> {
  return collectInventory(s.ctx, s.collectors, {
    deviceId: s.state.deviceId,
    userAgent: s.config.userAgent ?? DEFAULT_USER_AGENT,
    tag: s.config.tag,
    accountInfo: s.state.accountInfo,
    timeoutMs: s.config.collectorTimeoutSeconds * 1000,
    disabled: s.config.disabledCollectors,
  });
}

/** `--local FILE|DIR`: a folder gets `<DEVICEID>.ocs`, as the OCS agent names it; returns the path written. */
export async function runLocal(s: Session, target: string): Promise<string> {
  const inv = await collect(s);
  let file = target;
  try {
    if (statSync(target).isDirectory()) file = join(target, `${inv.agent.deviceId}.ocs`);
  } catch {
    // not there yet: a file name
  }
  writeFileSync(file, inventoryXml(inv));
  return file;
}

function client(s: Session): OcsClient {
  const c = s.config;
  if (!c.server) throw new Error('no server: give --server URL or `server:` in the configuration file');
  return new OcsClient({
    url: c.server, userAgent: c.userAgent ?? DEFAULT_USER_AGENT, ca: c.ca ? readFileSync(c.ca) : null, pinSha256: c.pinSha256,
    user: c.user, password: c.password, proxy: c.proxy, timeoutMs: c.timeoutSeconds * 1000,
  });
}

export interface OnceResult {
  outcome: 'sent' | 'stopped' | 'spooled' | 'refused';
  prologFreqHours: number | null;
  sentSpooled: number;
  error?: string;
}

/**
 * One PROLOG → INVENTORY exchange. Spooled inventories go first (oldest first) so the server sees them in order.
 * When the server cannot be reached or refuses the inventory, the fresh inventory is spooled and the error returned.
 */
export async function runOnce(s: Session, opts: { force?: boolean; lazy?: boolean } = {}): Promise<OnceResult> {
  // --lazy (as the OCS agent's): a timer may start us hourly, the server's PROLOG_FREQ says how often to report.
  if (opts.lazy && s.state.lastSuccessAt && s.state.prologFreqHours) {
    const due = Date.parse(s.state.lastSuccessAt) + s.state.prologFreqHours * 3600_000;
    if (Date.now() < due) {
      s.log(`--lazy: next inventory due at ${new Date(due).toISOString()}`);
      return { outcome: 'stopped', prologFreqHours: s.state.prologFreqHours, sentSpooled: 0 };
    }
  }
  const http = client(s);
  let inventoryBody: Buffer | null = null;
  try {
    const prolog = parseReply(await http.send(prologXml(s.state.deviceId)));
    if (prolog.prologFreqHours !== null) s.state.prologFreqHours = prolog.prologFreqHours;
    s.store.save(s.state);
    if (prolog.response !== 'SEND' && !opts.force) {
      s.log(`server answered ${prolog.response ?? 'no RESPONSE'} to PROLOG: no inventory sent`);
      return { outcome: 'stopped', prologFreqHours: s.state.prologFreqHours, sentSpooled: 0 };
    }
    let sentSpooled = 0;
    for (const file of s.store.spooled()) {
      try {
        applyReply(s, parseReply(await http.sendCompressed(readFileSync(file))));
        sentSpooled++;
      } catch (e) {
        // A spooled inventory the server refuses for what it is would block the queue forever: dropped.
        if (!(e instanceof TransportError) || retryable(e)) throw e;
        s.log(`spooled inventory ${file} refused (${e.message}): dropped`);
      }
      rmSync(file, { force: true });
    }
    const inv = await collect(s);
    inventoryBody = deflateSync(Buffer.from(inventoryXml(inv), 'utf8'));
    const reply = parseReply(await http.sendCompressed(inventoryBody));
    applyReply(s, reply);
    s.state.lastSuccessAt = new Date().toISOString();
    s.store.save(s.state);
    s.log(`inventory sent: ${inv.software.length} software, ${inv.services.length} services, reply ${reply.response ?? '(none)'}`);
    return { outcome: 'sent', prologFreqHours: s.state.prologFreqHours, sentSpooled };
  } catch (e) {
    if (!(e instanceof TransportError)) throw e;
    if (!retryable(e)) {
      // 400/413/422…: the server will refuse this inventory again; spooling it would only delay the next one.
      s.log(`server refused the exchange: ${e.message}`);
      return { outcome: 'refused', prologFreqHours: s.state.prologFreqHours, sentSpooled: 0, error: e.message };
    }
    // Unreachable or temporarily failing: keep this run's inventory for the next one (collected now if PROLOG failed).
    if (inventoryBody === null) inventoryBody = deflateSync(Buffer.from(inventoryXml(await collect(s)), 'utf8'));
    if (s.config.spoolSize > 0) s.store.spool(inventoryBody);
    s.log(`delivery failed (${e.step}): ${e.message}; inventory spooled`);
    return { outcome: 'spooled', prologFreqHours: s.state.prologFreqHours, sentSpooled: 0, error: e.message };
  } finally {
    http.close();
  }
}

/** Worth retrying later: network and TLS failures, server errors, throttling, auth (credentials may be fixed). */
function retryable(e: TransportError): boolean {
  return e.step !== 'http' || e.status === undefined || e.status >= 500 || [401, 403, 408, 429].includes(e.status);
}

/** ACCOUNT_UPDATE replaces the stored ACCOUNTINFO (TAG included), sent back with every inventory. */
function applyReply(s: Session, reply: ReturnType<typeof parseReply>): void {
  if (reply.response === 'ACCOUNT_UPDATE') s.state.accountInfo = reply.accountInfo;
}

/**
 * Next wait in daemon mode: the period (PROLOG_FREQ, else intervalHours) minus up to `jitter` of it at random,
 * so a fleet started together spreads out; after failures, retryMinutes doubled per failure, capped at the period.
 */
export function nextDelayMs(config: AgentConfig, prologFreqHours: number | null, failures: number, random = Math.random): number {
  const period = (prologFreqHours ?? config.intervalHours) * 3600_000;
  const base = failures > 0 ? Math.min(period, config.retryMinutes * 60_000 * 2 ** (failures - 1)) : period;
  return Math.round(base * (1 - config.jitter * random()));
}

export async function runDaemon(s: Session, signal: AbortSignal): Promise<void> {
  let failures = 0;
  // A first random wait (up to 5 min) so machines booted together do not all call the server at once.
  let delay = Math.round(Math.random() * 300_000 * s.config.jitter);
  while (!signal.aborted) {
    await sleep(delay, signal);
    if (signal.aborted) break;
    try {
      const r = await runOnce(s);
      failures = r.outcome === 'spooled' || r.outcome === 'refused' ? failures + 1 : 0;
    } catch (e) {
      failures++;
      s.log(`run failed: ${(e as Error).message}`);
    }
    delay = nextDelayMs(s.config, s.state.prologFreqHours, failures);
    s.log(`next run in ${Math.round(delay / 60_000)} min`);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

export interface CheckStep { step: string; ok: boolean; detail: string }

/** `--check`: each step of reaching the server, in order; stops at the first failure. */
export async function runCheck(s: Session): Promise<CheckStep[]> {
  const steps: CheckStep[] = [];
  const c = s.config;
  if (!c.server) return [{ step: 'config', ok: false, detail: 'no server configured' }];
  const u = serverUrl(c.server);
  const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
  const target = c.proxy ? new URL(c.proxy) : null;
  const host = target?.hostname ?? u.hostname;
  const tcpPort = target ? Number(target.port) || 3128 : port;
  let address: string;
  try {
    const found = await lookup(host, { all: true });
    address = found[0]!.address;
    steps.push({ step: 'dns', ok: true, detail: `${host} → ${found.map((a) => a.address).join(', ')}` });
  } catch (e) {
    steps.push({ step: 'dns', ok: false, detail: `${host}: ${(e as Error).message}` });
    return steps;
  }
  const tcpOk = await new Promise<string | null>((resolve) => {
    const sock = net.connect({ host: address, port: tcpPort, timeout: c.timeoutSeconds * 1000 }, () => { sock.destroy(); resolve(null); });
    sock.on('timeout', () => { sock.destroy(); resolve('timeout'); });
    sock.on('error', (e) => resolve(e.message));
  });
  steps.push({ step: 'tcp', ok: tcpOk === null, detail: tcpOk === null ? `${address}:${tcpPort} open${target ? ' (proxy)' : ''}` : `${address}:${tcpPort}: ${tcpOk}` });
  if (tcpOk !== null) return steps;
  if (u.protocol === 'https:' && !target) {
    const tlsResult = await new Promise<CheckStep>((resolve) => {
      const sock = tls.connect({ host: address, port, servername: u.hostname, ...(c.ca ? { ca: readFileSync(c.ca) } : {}), rejectUnauthorized: false }, () => {
        const cert = sock.getPeerCertificate();
        const nameErr = tls.checkServerIdentity(u.hostname, cert);
        const fp = certSha256(cert);
        const problems = [
          !sock.authorized ? `not trusted: ${String(sock.authorizationError)}` : null,
          nameErr ? `name: ${nameErr.message}` : null,
          c.pinSha256 && normalisePin(c.pinSha256) !== fp ? `pin mismatch (certificate SHA-256 ${fp})` : null,
        ].filter(Boolean);
        sock.destroy();
        resolve({ step: 'tls', ok: problems.length === 0, detail: problems.length ? problems.join('; ') : `certificate for ${cert.subject?.CN ?? u.hostname}, valid until ${cert.valid_to}, SHA-256 ${fp}` });
      });
      sock.on('error', (e) => resolve({ step: 'tls', ok: false, detail: e.message }));
    });
    steps.push(tlsResult);
    if (!tlsResult.ok) return steps;
  }
  const http = client(s);
  try {
    const reply = parseReply(await http.send(prologXml(s.state.deviceId)));
    steps.push({ step: 'prolog', ok: reply.response !== null, detail: `RESPONSE ${reply.response ?? '(none)'}${reply.prologFreqHours ? `, PROLOG_FREQ ${reply.prologFreqHours} h` : ''}` });
  } catch (e) {
    steps.push({ step: 'prolog', ok: false, detail: (e as Error).message });
  } finally {
    http.close();
  }
  return steps;
}
