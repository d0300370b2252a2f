/**
 * A recorded agent (.snmprec, the snmpsim format `OID|tag|value`; tag `4x` = hex OCTET STRING, 2 INTEGER,
 * 6 OID, 64 IpAddress, 65 Counter32, 66 Gauge32, 67 TimeTicks, 70 Counter64) exposed as an SnmpSource,
 * so the fingerprint engine and the collectors run on recordings in unit tests exactly as on a live agent.
 */
import { readFileSync } from 'node:fs';
import { decodeOctets, MAX_STRING } from './sanitise.js';
import { compareOids, type SnmpSource, type SnmpValue, type WalkResult } from './types.js';

function decode(tag: string, raw: string): SnmpValue | null {
  const hex = tag.endsWith('x');
  const t = hex ? tag.slice(0, -1) : tag;
  const bytes = hex ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'utf8');
  switch (t) {
    case '4':
      return { kind: 'string', text: decodeOctets(bytes, MAX_STRING), bytes: bytes.subarray(0, MAX_STRING) };
    case '2':
      return { kind: 'integer', text: String(Number(raw)), num: Number(raw) };
    case '6':
      return { kind: 'oid', text: raw.replace(/^\./, '') };
    case '64':
      return { kind: 'ip', text: hex ? [...bytes].join('.') : raw };
    case '65':
    case '66':
    case '67':
    case '70': {
      const kind = t === '65' ? 'counter' : t === '66' ? 'gauge' : t === '67' ? 'ticks' : 'counter64';
      return { kind, text: raw, num: Number(raw) };
    }
    case '5':
      return { kind: 'null', text: '' };
    default:
      return null;
  }
}

export class RecordingSource implements SnmpSource {
  private readonly oids: string[];
  private readonly values = new Map<string, SnmpValue>();
  constructor(text: string, readonly label: string) {
    for (const line of text.split('\n')) {
      const a = line.indexOf('|');
      const b = line.indexOf('|', a + 1);
      if (a < 0 || b < 0) continue;
      const v = decode(line.slice(a + 1, b), line.slice(b + 1).replace(/\r$/, ''));
      if (v) this.values.set(line.slice(0, a).replace(/^\./, ''), v);
    }
    this.oids = [...this.values.keys()].sort(compareOids);
  }

  static fromFile(path: string): RecordingSource {
    return new RecordingSource(readFileSync(path, 'utf8'), path.replace(/^.*\//, '').replace(/\.snmprec$/, ''));
  }

  async get(oids: string[]): Promise<Map<string, SnmpValue>> {
    const out = new Map<string, SnmpValue>();
    for (const o of oids) {
      const v = this.values.get(o);
      if (v) out.set(o, v);
    }
    return out;
  }

  async subtree(oid: string, maxRows = 10000): Promise<WalkResult> {
    const prefix = oid + '.';
    // binary search the first OID after `oid`
    let lo = 0;
    let hi = this.oids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareOids(this.oids[mid]!, oid) <= 0) lo = mid + 1;
      else hi = mid;
    }
    const rows = new Map<string, SnmpValue>();
    for (let i = lo; i < this.oids.length; i++) {
      const o = this.oids[i]!;
      if (!o.startsWith(prefix)) break;
      if (rows.size >= maxRows) return { rows, problem: `walk of ${oid} stopped at ${maxRows} rows` };
      rows.set(o, this.values.get(o)!);
    }
    return { rows, problem: null };
  }

  close(): void {}
}
