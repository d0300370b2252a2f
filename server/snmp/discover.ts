/**
 * Discovery of SNMP agents over a list of addresses: every address tries the credential sets in order (v2c
 * communities, v3 users) with a short GET of the system group plus the fingerprint probes; the first that answers
 * wins. Addresses run concurrently under a global limit. A first guess of vendor, OS and type comes from the
 * fingerprint match alone (no extraction GETs), so discovery stays one round trip per address and credential.
 */
import { VigieError } from '../../common/errors.js';
import { detect, vendorOf } from './fingerprint/engine.js';
import type { FingerprintData } from './fingerprint/load.js';
import { readSystem } from './collect.js';
import { Limiter } from './limiter.js';
import { OID } from './oids.js';
import { SnmpSession } from './session.js';
import { credentialLabel, type SessionOptions, type SnmpCredential, type SnmpTarget } from './types.js';

export interface DiscoveredAgent {
  host: string;
  port: number;
  sysObjectID: string | null;
  sysDescr: string | null;
  sysName: string | null;
  /** Name (or version:user) of the credential set that answered; never the secret. */
  credential: string;
  credentialIndex: number;
  vendor: string | null;
  osId: string | null;
  type: string;
}

export interface DiscoverOptions {
  concurrency: number;
  session: SessionOptions;
  /** Refuses targets outside the policy (tests: loopback only). */
  allow?: (host: string) => boolean;
  onProgress?: (done: number, total: number, found: number) => void;
}

export async function discover(targets: SnmpTarget[], credentials: SnmpCredential[], data: FingerprintData, opts: DiscoverOptions): Promise<DiscoveredAgent[]> {
  if (!credentials.length) throw new VigieError('SNMP_TARGET_INVALID', 'discovery needs at least one credential set (--community, --v3-user or snmp.credentials)');
  for (const t of targets) if (opts.allow && !opts.allow(t.host)) throw new VigieError('SNMP_TARGET_INVALID', `target ${t.host} is outside the allowed scan policy`);
  const limiter = new Limiter(opts.concurrency);
  const requests = new Limiter(Math.max(opts.concurrency, 1));
  const found: DiscoveredAgent[] = [];
  let done = 0;
  await Promise.all(
    targets.map((t) =>
      limiter.run(async () => {
        for (let k = 0; k < credentials.length; k++) {
          const cred = credentials[k]!;
          const s = new SnmpSession(t, cred, { ...opts.session, retries: Math.min(opts.session.retries, 1) }, requests, 1);
          try {
            const { values, facts } = await readSystem(s, data);
            if (!values.size) continue;
            const { def } = detect(data, facts);
            found.push({
              host: t.host, port: t.port, sysObjectID: facts.sysObjectID || null, sysDescr: facts.sysDescr || null, sysName: values.get(OID.sysName)?.text || null,
              credential: credentialLabel(cred), credentialIndex: k, vendor: def?.vendor ?? vendorOf(data, facts.sysObjectID), osId: def?.id ?? null, type: def?.type ?? 'other',
            });
            break;
          } catch (e) {
            if (e instanceof TypeError || e instanceof ReferenceError) throw e; // a bug, not an absent agent
          } finally {
            s.close();
          }
        }
        done++;
        opts.onProgress?.(done, targets.length, found.length);
      }),
    ),
  );
  const key = (a: DiscoveredAgent): number => a.host.split('.').reduce((n, p) => n * 256 + (Number(p) || 0), 0);
  return found.sort((a, b) => key(a) - key(b) || a.port - b.port);
}
