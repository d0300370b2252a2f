/**
 * A live agent as an SnmpSource, on net-snmp: v1, v2c (GETBULK walks) and v3 (USM, RFC 3414/7860: MD5, SHA-1,
 * SHA-2; DES, AES-128, AES-256 Blumenthal/Reeder). Every request goes through the global and per-target limiters.
 * Walks use subtree() (walk() runs past the subtree, stack.md) and defend against broken agents: a non-increasing
 * OID (loop), a row cap and a wall-clock budget end the walk with the rows so far and a recorded problem.
 * Replies are untrusted: strings are decoded, control characters stripped and lengths capped (sanitise.ts).
 */
import snmp from 'net-snmp';
import type { Varbind } from 'net-snmp';
import { VigieError } from '../../common/errors.js';
import { Limiter } from './limiter.js';
import { decodeOctets, MAX_STRING } from './sanitise.js';
import { compareOids, defaultSessionOptions, type SessionOptions, type SnmpCredential, type SnmpSource, type SnmpTarget, type SnmpValue, type WalkResult } from './types.js';

/** Only loopback targets may be scanned in tests; production callers pass their own policy. */
export type TargetPolicy = (host: string) => boolean;

const T = snmp.ObjectType;

function decodeVarbind(vb: Varbind): SnmpValue | null {
  const v = vb.value;
  switch (vb.type) {
    case T.OctetString: {
      const b = Buffer.isBuffer(v) ? v : Buffer.from(String(v ?? ''));
      return { kind: 'string', text: decodeOctets(b, MAX_STRING), bytes: b.subarray(0, MAX_STRING) };
    }
    case T.Integer:
      return { kind: 'integer', text: String(v), num: Number(v) };
    case T.OID:
      return { kind: 'oid', text: String(v).replace(/^\./, '').slice(0, 512) };
    case T.IpAddress:
      return { kind: 'ip', text: String(v).slice(0, 64) };
    case T.Counter:
    case T.Gauge:
    case T.TimeTicks: {
      const kind = vb.type === T.Counter ? 'counter' : vb.type === T.Gauge ? 'gauge' : 'ticks';
      return { kind, text: String(v), num: Number(v) };
    }
    case T.Counter64: {
      const n = Buffer.isBuffer(v) ? Number(v.length ? BigInt('0x' + v.toString('hex')) : 0n) : Number(v);
      return { kind: 'counter64', text: String(n), num: n };
    }
    case T.Opaque:
      return { kind: 'opaque', text: Buffer.isBuffer(v) ? v.toString('hex').slice(0, 256) : '' };
    case T.Null:
      return { kind: 'null', text: '' };
    default:
      return null; // noSuchObject / noSuchInstance / endOfMibView
  }
}

function authError(e: Error, target: string): VigieError | Error {
  const m = e.message;
  if (/timed out/i.test(m)) return new VigieError('SNMP_TIMEOUT', `${target}: no answer (timeout) — wrong community/keys, filtered, or no agent`, { cause: e });
  if (/authentication|decrypt|usmStats|unknown user|wrong digest|Unknown engine|not in time window/i.test(m)) {
    return new VigieError('SNMP_AUTH_FAILED', `${target}: SNMPv3 authentication failed (${m}); check user, auth/priv protocols and keys`, { cause: e });
  }
  return e;
}

export class SnmpSession implements SnmpSource {
  readonly label: string;
  private readonly session;
  private readonly perTarget: Limiter;
  /** The agent speaks v1: one bad OID fails the whole GET (noSuchName), so GETs fall back to one OID each. */
  private readonly v1: boolean;

  constructor(
    target: SnmpTarget,
    readonly credential: SnmpCredential,
    private readonly opts: SessionOptions = defaultSessionOptions,
    private readonly global: Limiter = new Limiter(64),
    perTargetConcurrency = 2,
  ) {
    this.label = `${target.host}:${target.port}`;
    this.perTarget = new Limiter(perTargetConcurrency);
    this.v1 = credential.version === 'v1';
    const base = { port: target.port, retries: opts.retries, timeout: opts.timeoutMs, transport: target.host.includes(':') ? ('udp6' as const) : ('udp4' as const), backwardsGetNexts: false };
    if (credential.version === 'v3') {
      const level = snmp.SecurityLevel[credential.level];
      const user: { name: string; level: number; authProtocol?: number; authKey?: string; privProtocol?: number; privKey?: string } = { name: credential.user, level };
      if (credential.level !== 'noAuthNoPriv') {
        if (!credential.authProtocol || !credential.authKey) throw new VigieError('SNMP_TARGET_INVALID', `v3 user ${credential.user}: ${credential.level} needs authProtocol and authKey`);
        user.authProtocol = snmp.AuthProtocols[credential.authProtocol];
        user.authKey = credential.authKey;
      }
      if (credential.level === 'authPriv') {
        const p = credential.privProtocol === 'aes256' ? 'aes256b' : credential.privProtocol;
        if (!p || !credential.privKey) throw new VigieError('SNMP_TARGET_INVALID', `v3 user ${credential.user}: authPriv needs privProtocol and privKey`);
        if (p === 'aes192') throw new VigieError('SNMP_TARGET_INVALID', `v3 user ${credential.user}: AES-192 is not implemented by net-snmp 3.29 (use aes, aes256b or aes256r)`);
        user.privProtocol = snmp.PrivProtocols[p];
        user.privKey = credential.privKey;
      }
      this.session = snmp.createV3Session(target.host, user, { ...base, version: snmp.Version3, context: credential.context ?? '' });
    } else {
      this.session = snmp.createSession(target.host, credential.community, { ...base, version: credential.version === 'v1' ? snmp.Version1 : snmp.Version2c });
    }
    // socket errors surface on the pending request; an unhandled 'error' event would crash the process
    this.session.on('error', () => {});
  }

  private request<T>(fn: (done: (e: Error | null, v?: T) => void) => void): Promise<T> {
    return this.global.run(() =>
      this.perTarget.run(
        () =>
          new Promise<T>((resolve, reject) => {
            fn((e, v) => (e ? reject(authError(e, this.label)) : resolve(v as T)));
          }),
      ),
    );
  }

  private rawGet(oids: string[]): Promise<Varbind[]> {
    return this.request<Varbind[]>((done) => this.session.get(oids, (e, vbs) => done(e, vbs)));
  }

  async get(oids: string[]): Promise<Map<string, SnmpValue>> {
    const out = new Map<string, SnmpValue>();
    const add = (vbs: Varbind[]): void => {
      for (const vb of vbs) {
        if (snmp.isVarbindError(vb)) continue;
        const v = decodeVarbind(vb);
        if (v) out.set(vb.oid.replace(/^\./, ''), v);
      }
    };
    // agents cap PDU sizes: ask in chunks
    for (let i = 0; i < oids.length; i += 20) {
      const chunk = oids.slice(i, i + 20);
      try {
        add(await this.rawGet(chunk));
      } catch (e) {
        if (!(this.v1 && /NoSuchName/i.test((e as Error).message))) throw e;
        for (const o of chunk) {
          try {
            add(await this.rawGet([o]));
          } catch (e2) {
            if (!/NoSuchName/i.test((e2 as Error).message)) throw e2;
          }
        }
      }
    }
    return out;
  }

  async subtree(oid: string, maxRows = 10_000, budgetMs = 60_000): Promise<WalkResult> {
    const rows = new Map<string, SnmpValue>();
    let problem: string | null = null;
    let last = oid;
    const started = Date.now();
    try {
      await this.request<void>((done) =>
        this.session.subtree(
          oid,
          this.opts.maxRepetitions,
          (vbs) => {
            for (const vb of vbs) {
              if (snmp.isVarbindError(vb)) continue;
              const o = vb.oid.replace(/^\./, '');
              if (compareOids(o, last) <= 0) {
                problem = `agent returned a non-increasing OID (${o} after ${last}); walk stopped`;
                return true;
              }
              last = o;
              const v = decodeVarbind(vb);
              if (v) rows.set(o, v);
              if (rows.size >= maxRows) {
                problem = `walk stopped at ${maxRows} rows`;
                return true;
              }
            }
            if (Date.now() - started > budgetMs) {
              problem = `walk exceeded ${budgetMs} ms; partial result`;
              return true;
            }
            return false;
          },
          (e) => done(e),
        ),
      );
    } catch (e) {
      if (rows.size === 0 && !(e instanceof VigieError && e.code === 'SNMP_TIMEOUT')) throw e;
      if (rows.size === 0) return { rows, problem: null }; // a table the agent does not answer for at all
      problem = `walk interrupted after ${rows.size} rows: ${(e as Error).message}`;
    }
    return { rows, problem };
  }

  close(): void {
    try {
      this.session.close();
    } catch {
      // already closed
    }
  }
}
