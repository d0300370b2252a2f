/**
 * Matcher accuracy on real data (issue 8 "Must show"):
 * 1. Debian probes: for every (source package, release, fixed version) of the tracker's OSV data, probes just below
 *    (`V~`), at (`V`) and above (`V+vigie1`) the fixed version → every verdict right; prints precision and recall.
 * 2. The real OCS inventory of a Debian 12 machine (909 packages) ingested, matched against the Debian tracker,
 *    the bookworm Packages indexes and NVD 2.0 records; verdicts re-derived independently with the real
 *    `dpkg --compare-versions` → precision and recall printed; no finding for a CVE whose fixed version ≤ installed;
 *    no upstream CPE finding on a package Debian has a record for. Findings listed with their evidence.
 * SQLite only: the dialect matrix is covered by server/matcher/run.test.ts; this test measures data, not SQL.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { limitsOf } from '../../server/http/agents/exchange.js';
import { inventoryFromText } from '../../server/inventory/formats/index.js';
import { Ingestor } from '../../server/inventory/ingest.js';
import { debianOsv } from '../../server/kb/importers/debian-osv.js';
import { debianPackages } from '../../server/kb/importers/debian-packages.js';
import type { DistroFixInput } from '../../server/kb/types.js';
import { distro } from '../../server/matcher/distro.js';
import { runMatch, type MatchedFinding } from '../../server/matcher/run.js';
import { SHARED, hasCommand, hasShared, skipUnless } from '../helpers/components.js';
import { ocsFullXml } from '../helpers/corpus.js';
import { testConfig } from '../helpers/config.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { loadKb, nvd2Files, recordsOf } from '../helpers/kb-load.js';
import { item, memoryKb, sw } from '../helpers/matcher.js';

const DATA = join(SHARED, 'data');
const skip = skipUnless(hasShared, '../shared data not present') || skipUnless(hasCommand('dpkg'), 'dpkg not installed (the oracle)');
const files = (dir: string) => readdirSync(join(DATA, dir)).filter((f) => f.endsWith('.gz')).sort().map((f) => join(DATA, dir, f));

/** `dpkg --compare-versions a lt b` for many pairs in one shell (one process per pair would cost minutes). */
function dpkgLt(pairs: [string, string][]): boolean[] {
  if (!pairs.length) return [];
  // Unique pairs only: the same (installed, fixed) pair recurs across binaries of one source package.
  const uniq = [...new Set(pairs.map(([a, b]) => `${a} ${b}`))];
  const lt = dpkgLtUnique(uniq);
  const answer = new Map(uniq.map((p, k) => [p, lt[k]!]));
  return pairs.map(([a, b]) => answer.get(`${a} ${b}`)!);
}

function dpkgLtUnique(lines: string[]): boolean[] {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-dpkg-'));
  try {
    writeFileSync(join(dir, 'pairs'), lines.join('\n') + '\n');
    const out = execFileSync('sh', ['-c', 'while read a b; do if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then echo 1; else echo 0; fi; done < "$1"', 'sh', join(dir, 'pairs')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    return out.trim().split('\n').map((l) => l === '1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (n: number) => (Number.isNaN(n) ? 'n/a' : n.toFixed(4));

describe('matcher on real Debian data', { skip }, () => {
  const fixes: DistroFixInput[] = [];
  before(async () => {
    for await (const r of recordsOf(debianOsv, files('debian/osv-debian-cve'))) if (r.kind === 'distro-fixes') fixes.push(...r.fixes);
  });

  test('Debian probes below / at / above every fixed version: precision and recall 1.0', () => {
    let tp = 0, fp = 0, fn = 0, tn = 0, rows = 0;
    const wrong: string[] = [];
    for (const f of fixes) {
      if (f.status !== 'resolved' || !f.fixed_version) continue;
      rows++;
      const kb = memoryKb([], [{ ...f }]);
      const probes: [string, boolean][] = [[`${f.fixed_version}~`, true], [f.fixed_version, false], [`${f.fixed_version}+vigie1`, false]];
      for (const [v, vulnerable] of probes) {
        const it = item(sw({ name: f.package, version: v, origin: 'deb', sourcePackage: f.package }), { name: 'Debian GNU/Linux', version: '12', fullName: null });
        it.distro!.release = f.release; // probe every release with the same item shape
        const got = distro.match(it, kb).candidates.some((c) => c.vulnerabilityId === f.vulnerability_id);
        if (got && vulnerable) tp++;
        else if (got) fp++;
        else if (vulnerable) fn++;
        else tn++;
        if (got !== vulnerable && wrong.length < 10) wrong.push(`${f.release}/${f.package} ${f.vulnerability_id} fixed ${f.fixed_version}: probe ${v} → ${got}`);
      }
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(`# debian probes: ${rows} (release, package, CVE, fixed) rows × 3 probes: TP ${tp} FP ${fp} FN ${fn} TN ${tn}; precision ${pct(precision)} recall ${pct(recall)}`);
    assert.deepEqual(wrong, []);
    assert.equal(precision, 1);
    assert.equal(recall, 1);
  });

  describe('the real OCS inventory (909 Debian 12 packages)', () => {
    let tdb: TestDb;
    let found: MatchedFinding[];
    let assetId: number;
    const installed = new Map<string, string>();
    const bookwormFixes = new Map<string, DistroFixInput[]>();
    const sourceOf = new Map<string, { source: string; sourceVersion: string; binaryVersion: string }[]>();

    before(async () => {
      tdb = await createTestDb('sqlite');
      const t0 = performance.now();
      const releases = new Set(['bookworm']);
      await loadKb(tdb.db, debianOsv, files('debian/osv-debian-cve'), { releases });
      const ps = await loadKb(tdb.db, debianPackages, files('debian/packages'), { releases });
      // NVD slice: the 2016 and 2026 records that name products of this inventory (openssl, curl, glibc…),
      // so the test also proves upstream ranges do not leak onto distro packages.
      const nvdFiles = [...['2016'].map((y) => join(DATA, `nvd-api2/vulnz-by-published-year/nvdcve-${y}.json.gz`)), join(DATA, 'nvd-api2/official-feeds/nvdcve-2.0-2026.json.gz')];
      const nv = await loadKb(tdb.db, nvd2Files, nvdFiles);
      console.log(`# KB loaded in ${Math.round(performance.now() - t0)} ms: ${ps.sources} package sources, ${nv.rules} NVD rules (${nv.vulnerabilities} CVEs)`);
      for (const f of fixes) {
        if (f.release !== 'bookworm') continue;
        (bookwormFixes.get(f.package) ?? bookwormFixes.set(f.package, []).get(f.package)!).push(f);
      }
      for await (const r of recordsOf(debianPackages, files('debian/packages'))) {
        if (r.kind === 'package-source') (sourceOf.get(r.binary) ?? sourceOf.set(r.binary, []).get(r.binary)!).push({ source: r.source, sourceVersion: r.source_version ?? r.binary_version, binaryVersion: r.binary_version });
      }
      const config = testConfig(tdb.url);
      const inv = inventoryFromText(ocsFullXml(), { limits: limitsOf(config.agents), userAgent: 'OCS-NG_unified_unix_agent_v2.10.0' });
      for (const s of inv.software) if (s.origin === 'deb' && s.version) installed.set(s.name, s.version);
      const res = await new Ingestor(tdb.db, config).ingest(inv, {
        receivedAt: new Date().toISOString(), remoteAddress: null, userAgent: 'test', protocol: 'import', query: 'INVENTORY', contentType: null, encoding: null,
        sizeBytes: 0, inflatedBytes: null, sha256: 'e2e', deviceId: inv.agent.deviceId, payload: null,
      });
      assetId = res.assetId;
      const run = await runMatch(tdb.db, { collect: true });
      found = run.findings;
      console.log(`# match: ${JSON.stringify(run.stats)}`);
    });
    after(async () => tdb?.drop());

    test('distro verdicts agree with an independent derivation using the real dpkg (precision and recall 1.0)', () => {
      // Independent ground truth: binary → source from the Packages index entry with the installed binary version
      // (else the binary name), tracker rows of bookworm, order decided by `dpkg --compare-versions`.
      const expected = new Set<string>();
      const pairs: [string, string][] = [];
      const pending: { key: string }[] = [];
      for (const [name, version] of installed) {
        const bin = name.replace(/:[a-z0-9_-]+$/, '');
        const entry = sourceOf.get(bin)?.find((e) => e.binaryVersion === version) ?? sourceOf.get(bin)?.[0];
        const src = entry?.source ?? bin;
        const v = entry && entry.binaryVersion === version ? entry.sourceVersion : version;
        for (const f of bookwormFixes.get(src) ?? []) {
          if (f.status === 'resolved' && f.fixed_version) {
            pairs.push([v, f.fixed_version]);
            pending.push({ key: `${name}|${f.vulnerability_id}` });
          } else if (f.status !== 'not-affected' && f.status !== 'resolved') expected.add(`${name}|${f.vulnerability_id}`);
        }
      }
      dpkgLt(pairs).forEach((lt, k) => lt && expected.add(pending[k]!.key));
      const got = new Set(found.filter((f) => f.matcher === 'distro').map((f) => `${f.software_name}|${f.vulnerability_id}`));
      const tp = [...got].filter((g) => expected.has(g)).length;
      const fpList = [...got].filter((g) => !expected.has(g));
      const fnList = [...expected].filter((e) => !got.has(e));
      console.log(`# real inventory, distro matcher: ${got.size} findings, expected ${expected.size}; TP ${tp} FP ${fpList.length} FN ${fnList.length}; precision ${pct(tp / got.size)} recall ${pct(tp / expected.size)}; dpkg oracle pairs ${pairs.length}`);
      assert.deepEqual(fpList.slice(0, 10), []);
      assert.deepEqual(fnList.slice(0, 10), []);
    });

    test('no finding for a CVE whose Debian fixed version is ≤ the installed one', () => {
      const withFix = found.filter((f) => f.fixed_version && f.matcher === 'distro');
      const lt = dpkgLt(withFix.map((f) => [JSON.parse(f.evidence).comparison.installed as string, f.fixed_version!]));
      const bad = withFix.filter((_, k) => !lt[k]).map((f) => `${f.software_name} ${f.software_version} ${f.vulnerability_id} fixed ${f.fixed_version}`);
      assert.deepEqual(bad, []);
    });

    test('upstream CPE ranges never judge a package Debian has a record for', () => {
      const leaked = found.filter((f) => f.matcher !== 'distro').filter((f) => {
        const ev = JSON.parse(f.evidence) as { inventory: { name: string } };
        const bin = ev.inventory.name.replace(/:[a-z0-9_-]+$/, '');
        const src = sourceOf.get(bin)?.[0]?.source ?? bin;
        return bookwormFixes.has(src);
      });
      assert.deepEqual(leaked.map((f) => `${f.software_name} ${f.vulnerability_id}`), []);
      const upstream = found.filter((f) => f.matcher !== 'distro');
      console.log(`# upstream (cpe-range) findings on packages the tracker does not know: ${upstream.length}`);
      for (const f of upstream.slice(0, 15)) {
        const ev = JSON.parse(f.evidence) as { identity: { cpe: string; method: string }; comparison: { range: string }; confidence?: number };
        console.log(`#   ${f.software_name} ${f.software_version} ${f.vulnerability_id} via ${ev.identity.cpe} ${ev.comparison.range} conf ${f.confidence}`);
      }
    });

    test('findings listed with their evidence (spot check)', () => {
      assert.ok(found.length > 0);
      const byMatcher = new Map<string, number>();
      for (const f of found) byMatcher.set(f.matcher, (byMatcher.get(f.matcher) ?? 0) + 1);
      const withFix = found.filter((f) => f.fixed_version);
      const cves = new Set(found.map((f) => f.vulnerability_id));
      const pkgs = new Set(found.map((f) => f.software_name));
      console.log(`# asset ${assetId}: ${found.length} findings (${[...byMatcher].map(([m, n]) => `${m} ${n}`).join(', ')}), ${cves.size} CVEs, ${pkgs.size} packages, ${withFix.length} with a fixed version (installed < fixed)`);
      const sample = [...withFix.slice(0, 8), ...found.filter((f) => !f.fixed_version).slice(0, 4)];
      for (const f of sample) {
        const ev = JSON.parse(f.evidence) as { identity: { key: string; method: string }; rule: { source: string; recordId: string; status: string; urgency: string | null }; comparison: { comparator: string; range: string | null }; verdict: { reason: string } };
        console.log(`#   ${f.vulnerability_id} ${ev.identity.key} (${ev.identity.method}) ${ev.rule.source}/${ev.rule.recordId} ${ev.rule.status} urgency=${ev.rule.urgency} ${ev.comparison.comparator} ${ev.comparison.range ?? ''} → ${ev.verdict.reason}`);
      }
      for (const f of found) {
        const ev = JSON.parse(f.evidence) as Record<string, unknown>;
        for (const part of ['inventory', 'identity', 'rule', 'comparison', 'verdict']) assert.ok(ev[part], `${f.vulnerability_id} ${f.software_name}: evidence.${part}`);
        // Binaries of one source package share a cached candidate; each finding must still show its own row.
        assert.equal((ev.inventory as { name: string }).name, f.software_name);
      }
    });
  });
});
