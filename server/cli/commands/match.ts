/**
 * `vigie match [--asset ID…] [--json] [--dry-run]`: matches stored assets' software against the knowledge base and
 * writes findings (new → open, gone → fixed, withdrawn CVE → withdrawn). Prints the run's figures, or with --json
 * the findings with their evidence.
 * `vigie match <file> [--json]`: matches one inventory file (OCS XML, zlib `.ocs`, FusionInventory XML, GLPI JSON,
 * optionally gzip) or, with `--dpkg-status --distro debian:12`, a dpkg status file, against the same KB without
 * storing anything, and prints the findings with their evidence.
 * Exit 0 when no open finding, 1 when some, 2 on error.
 */
import { readFileSync } from 'node:fs';
import { isVigieError } from '../../../common/errors.js';
import { DEBIAN_RELEASES } from '../../cpe/resolve.js';
import { limitsOf } from '../../http/agents/exchange.js';
import { decodeBody } from '../../inventory/decode.js';
import { inventoryFromText } from '../../inventory/formats/index.js';
import { parseDpkgStatus } from '../../matcher/dpkg-status.js';
import { matchSoftware, runMatch, type InMemoryFinding, type InventoryInput, type MatchRunStats } from '../../matcher/run.js';
import type { Evidence } from '../../matcher/types.js';
import { openContext } from '../context.js';
import { EXIT, type CliCommand } from '../types.js';

interface MatchOpts {
  asset?: string[];
  json?: boolean;
  dryRun?: boolean;
  dpkgStatus?: boolean;
  distro?: string;
  config?: string;
}

class UsageError extends Error {}

/** `debian:12` or `debian:bookworm` → the OS fields platformOf reads. */
function distroOs(spec: string): InventoryInput['os'] {
  const m = /^debian:([a-z0-9]+)$/i.exec(spec.trim());
  const major = m && (DEBIAN_RELEASES[m[1]!] ? m[1]! : Object.entries(DEBIAN_RELEASES).find(([, name]) => name === m[1]!.toLowerCase())?.[0]);
  if (!major) throw new UsageError(`--distro: expected debian:<major> or debian:<codename> (e.g. debian:12, debian:bookworm), found ${JSON.stringify(spec)}`);
  return { name: 'Debian GNU/Linux', version: major, fullName: `Debian GNU/Linux ${major}` };
}

function readInput(file: string, opts: MatchOpts, limits: ReturnType<typeof limitsOf>, maxInflatedBytes: number): InventoryInput {
  let body: Buffer;
  try {
    body = readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (opts.dpkgStatus) {
    if (!opts.distro) throw new UsageError('--dpkg-status: expected --distro (e.g. --distro debian:12): a status file does not say which release it is from');
    // Plain text (or gzip): agent payload sniffing would take text for raw deflate.
    const raw = body[0] === 0x1f && body[1] === 0x8b ? decodeBody(body, maxInflatedBytes).text : body.toString('utf8');
    return { os: distroOs(opts.distro), software: parseDpkgStatus(raw, file) };
  }
  const text = decodeBody(body, maxInflatedBytes).text;
  const inv = inventoryFromText(text, { limits });
  return {
    os: opts.distro ? distroOs(opts.distro) : { name: inv.os.name, version: inv.os.version, fullName: inv.os.fullName },
    software: inv.software.map((s) => ({
      name: s.name, version: s.version, publisher: s.publisher, arch: s.arch, origin: s.origin, sourcePackage: s.sourcePackage, sourceVersion: s.sourceVersion,
      cpe: s.extra.cpe ?? null, versionScheme: s.extra.versionScheme ?? null,
    })),
  };
}

const DISTRO_ORIGINS = new Set(['deb', 'rpm', 'apk']);

/** One finding of `vigie match <file> --json`. */
function fileFinding(f: InMemoryFinding) {
  const ev = JSON.parse(f.evidence) as Evidence;
  const v = f.vulnerability;
  return {
    cve: f.vulnerability_id,
    ...(DISTRO_ORIGINS.has(f.software_origin ?? '') ? { package: f.software_name } : { software: f.software_name }),
    version: f.software_version,
    identity: ev.identity.key,
    source: ev.rule.source,
    rule: ev.rule.criteria ?? [ev.rule.recordId, ev.rule.status].filter(Boolean).join(' '),
    ...(f.fixed_version ? { fixed_version: f.fixed_version } : {}),
    severity: v?.severity ?? null,
    cvss: v?.cvss_score ?? null,
    kev: v?.kev ?? false,
    epss: v?.epss ?? null,
    confidence: f.confidence,
    status: f.status,
    evidence: ev,
  };
}

function printFileFindings(file: string, stats: MatchRunStats, findings: InMemoryFinding[]) {
  const order = { critical: 0, high: 1, medium: 2, low: 3, none: 4 } as Record<string, number>;
  const sorted = [...findings].sort((a, b) => (order[a.vulnerability?.severity ?? ''] ?? 5) - (order[b.vulnerability?.severity ?? ''] ?? 5) || a.software_name.localeCompare(b.software_name) || a.vulnerability_id.localeCompare(b.vulnerability_id));
  console.log(`${file}: ${stats.software} software entries, ${findings.length} finding(s)${findings.length ? '' : ' — nothing known to be vulnerable'}`);
  for (const f of sorted) {
    const ev = JSON.parse(f.evidence) as Evidence;
    const v = f.vulnerability;
    console.log(
      `${f.vulnerability_id}  ${f.software_name} ${f.software_version ?? ''}  ${v?.severity ?? 'unscored'}${v?.cvss_score != null ? ` ${v.cvss_score}` : ''}${v?.kev ? ' KEV' : ''}` +
        `${v?.epss != null ? ` EPSS ${v.epss}` : ''}  confidence ${f.confidence}${f.status === 'withdrawn' ? '  (CVE withdrawn)' : ''}`,
    );
    console.log(`    identity ${ev.identity.key} (${ev.identity.method}); ${ev.rule.source}${ev.rule.recordId ? ` ${ev.rule.recordId}` : ''}${ev.rule.criteria ? ` ${ev.rule.criteria}` : ''}${ev.rule.status ? ` [${ev.rule.status}]` : ''}`);
    console.log(`    ${ev.comparison.scheme}: ${ev.comparison.installed} ${ev.comparison.comparator}${ev.comparison.range ? ` ${ev.comparison.range}` : ''}${ev.platform?.matched ? `; on ${ev.platform.matched}` : ''} → ${ev.verdict.reason}`);
  }
  if (stats.problems.count) console.log(`problems: ${stats.problems.count} (${Object.entries(stats.problems.byCode).map(([c, n]) => `${c} ${n}`).join(', ')}); first: ${stats.problems.sample[0]?.message ?? ''}`);
}

export const matchCommand: CliCommand = {
  id: 'match',
  describe: 'match assets (or one inventory file, stored nowhere) against the vulnerability knowledge base',
  register(program) {
    program
      .command('match')
      .description(this.describe)
      .argument('[file]', 'an inventory file (.ocs, .xml, .json, optionally .gz) or, with --dpkg-status, a dpkg status file: matched without storing anything')
      .option('--asset <id...>', 'only these asset ids')
      .option('--json', 'print the findings (and, for stored assets, the run figures) as JSON')
      .option('--dry-run', 'compute findings without writing them')
      .option('--dpkg-status', 'the file is a dpkg status database (/var/lib/dpkg/status); needs --distro')
      .option('--distro <id>', 'the Debian release of the file, e.g. debian:12')
      .option('--config <file>', 'configuration file')
      .action(async (file: string | undefined, opts: MatchOpts) => {
        const assetIds = opts.asset?.map(Number);
        if (assetIds?.some((n) => !Number.isInteger(n) || n <= 0)) {
          console.error(`--asset: expected positive integer ids, found ${opts.asset!.join(' ')}`);
          process.exitCode = EXIT.usage;
          return;
        }
        if (file && assetIds) {
          console.error('vigie match: expected either a file or --asset, found both');
          process.exitCode = EXIT.usage;
          return;
        }
        if (!file && (opts.dpkgStatus || opts.distro)) {
          console.error('vigie match: --dpkg-status and --distro apply to a file; expected `vigie match <file> --dpkg-status --distro debian:12`');
          process.exitCode = EXIT.usage;
          return;
        }
        let db: Awaited<ReturnType<typeof openContext>>['db'] | undefined;
        try {
          const ctx = await openContext(opts);
          db = ctx.db;
          if (file) {
            const input = readInput(file, opts, limitsOf(ctx.config.agents), ctx.config.agents.maxInflatedBytes);
            const { stats, findings } = await matchSoftware(db, input);
            if (!stats.kb.rules && !stats.kb.fixes) console.error('warning: the knowledge base is empty (run `vigie kb import` first); nothing can match');
            if (opts.json) console.log(JSON.stringify(findings.map(fileFinding), null, 2));
            else printFileFindings(file, stats, findings);
            process.exitCode = findings.some((f) => f.status === 'open') ? EXIT.failure : EXIT.ok;
            return;
          }
          const { stats, findings } = await runMatch(db, { ...(assetIds ? { assetIds } : {}), dryRun: !!opts.dryRun, collect: !!opts.json });
          if (!stats.kb.rules && !stats.kb.fixes) console.error('warning: the knowledge base is empty (run `vigie kb import` first); nothing can match');
          if (opts.json) {
            const out = findings.map((f) => ({
              asset: f.asset_id, cve: f.vulnerability_id, software: f.software_name, version: f.software_version, origin: f.software_origin, matcher: f.matcher,
              confidence: f.confidence, fixed_version: f.fixed_version, evidence: JSON.parse(f.evidence) as unknown,
            }));
            console.log(JSON.stringify({ stats, findings: out }, null, 2));
          } else {
            console.log(
              `matched ${stats.assets} asset(s), ${stats.software} software entries, ${stats.uniquePairs} unique identity/version pairs in ${stats.durationMs} ms\n` +
                `findings: ${stats.findings.current} current (${Object.entries(stats.byMatcher).map(([m, n]) => `${m} ${n}`).join(', ') || 'none'}); ` +
                `${stats.findings.inserted} new, ${stats.findings.updated} changed, ${stats.findings.reopened} reopened, ${stats.findings.fixed} fixed, ${stats.findings.withdrawn} withdrawn; ` +
                `${stats.assetsUnchanged} asset(s) unchanged` +
                (opts.dryRun ? ' (dry run: nothing written)' : ''),
            );
            if (stats.problems.count) {
              console.log(`problems: ${stats.problems.count} (${Object.entries(stats.problems.byCode).map(([c, n]) => `${c} ${n}`).join(', ')}); first: ${stats.problems.sample[0]?.message ?? ''}`);
            }
          }
          process.exitCode = stats.findings.current > 0 ? EXIT.failure : EXIT.ok;
        } catch (e) {
          const msg = e instanceof UsageError ? e.message : isVigieError(e) ? `${e.code}: ${e.message}` : (e as Error).message;
          console.error(`vigie match${file ? ` ${file}` : ''}: ${msg}`);
          process.exitCode = EXIT.usage;
        } finally {
          await db?.close();
        }
      });
  },
};
