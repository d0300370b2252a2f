/**
 * A small fleet for alert and digest tests: 6 assets (one new, one gone stale, one unknown SNMP device), 4 CVEs
 * (two in KEV, one overdue), findings new / old / fixed in the period, two rejected inventories. The digest
 * knowledge-base sources (one fresh, one failing for 5 days). The digest period ends at SLOT (07:30 Europe/Paris on 2026-11-29) and starts a day earlier.
 */
import { sql } from 'kysely';
import type { Db } from '../../server/db/index.js';

export const SLOT = Date.parse('2026-11-29T06:30:00Z');
export const DAY = 86_400_000;
export const iso = (ms: number) => new Date(ms).toISOString();

export async function seed(db: Db): Promise<void> {
  const k = db.kysely;
  const asset = (id: number, hostname: string, kind: string, os: string | null, first: number, last: number) => ({
    id, hostname, kind, os_name: os, source_format: 'test', status: 'active', software_count: 0, first_seen_at: iso(first), last_seen_at: iso(last), updated_at: iso(last),
  });
  await k.insertInto('assets').values([
    asset(1, 'web-1', 'computer', 'Debian GNU/Linux', SLOT - 90 * DAY, SLOT - 3600_000),
    asset(2, 'web-2', 'computer', 'Debian GNU/Linux', SLOT - 90 * DAY, SLOT - 3600_000),
    asset(3, 'db-1', 'computer', 'Windows Server 2022', SLOT - 90 * DAY, SLOT - 7200_000),
    asset(4, 'old-1', 'computer', 'Windows 10', SLOT - 200 * DAY, SLOT - 7 * DAY - 6 * 3600_000), // went stale during the period
    asset(5, 'new-1', 'computer', 'Ubuntu', SLOT - 10 * 3600_000, SLOT - 3600_000), // first seen during the period
    asset(6, 'sw-1', 'network', null, SLOT - 30 * DAY, SLOT - 3600_000),
  ]).execute();
  const vuln = (id: string, severity: string, cvss: number, epss: number, kev: number, due: string | null) => ({ id, title: `title of ${id}`, severity, cvss_score: cvss, epss, kev, kev_due_date: due, withdrawn: 0, data: '{}', updated_at: iso(SLOT - DAY) });
  await k.insertInto('vulnerabilities').values([
    vuln('CVE-2024-3094', 'critical', 10, 0.86, 1, '2024-04-19'),
    vuln('CVE-2023-4863', 'high', 8.8, 0.5, 1, '2099-01-01'),
    vuln('CVE-2022-0001', 'medium', 5.5, 0.01, 0, null),
    vuln('CVE-2021-44228', 'critical', 10, 0.97, 1, '2021-12-24'),
  ]).execute();
  const finding = (asset_id: number, vulnerability_id: string, status: string, first: number, resolved: number | null = null) => ({
    asset_id, vulnerability_id, software_name: 'pkg', software_version: '1.0', matcher: 'test', confidence: 1, status, evidence: '{}', first_seen_at: iso(first), last_seen_at: iso(SLOT - 3600_000), resolved_at: resolved === null ? null : iso(resolved),
  });
  await k.insertInto('findings').values([
    finding(1, 'CVE-2024-3094', 'open', SLOT - 5 * 3600_000),
    finding(2, 'CVE-2024-3094', 'open', SLOT - 4 * 3600_000),
    finding(3, 'CVE-2023-4863', 'open', SLOT - 20 * DAY),
    finding(1, 'CVE-2022-0001', 'open', SLOT - 15 * DAY),
    finding(3, 'CVE-2021-44228', 'fixed', SLOT - 40 * DAY, SLOT - 2 * 3600_000),
  ]).execute();
  const receipt = (at: number) => ({ received_at: iso(at), protocol: 'ocs', query: 'INVENTORY', size_bytes: 10, sha256: 'x', outcome: 'rejected', error_code: 'INVENTORY_MALFORMED', error_message: 'bad xml', device_id: 'bad-agent-2026-01-01-00-00-00' });
  await k.insertInto('inventory_receipts').values([receipt(SLOT - 3 * 3600_000), receipt(SLOT - 2 * 3600_000)]).execute();
  await sql`insert into kb_sources (id, last_attempt_at, last_success_at, last_error) values ('circl', ${iso(SLOT - 2 * 3600_000)}, ${iso(SLOT - 2 * 3600_000)}, null), ('nvd', ${iso(SLOT - 3600_000)}, ${iso(SLOT - 5 * DAY)}, 'HTTP 503 from services.nvd.nist.gov')`.execute(k);
}
