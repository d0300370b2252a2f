/**
 * `vigie kb import <path…>` (format detection, progress bar on a TTY, problems counted), `vigie kb status [--json]`,
 * `vigie kb sync [--source …]` (issue 8) and `vigie kb reprocess [--source …] [--input …]` (the stored raw inputs
 * parsed again after an importer fix, server/kb/reprocess.ts). Exit codes: 0 ok, 1 some input failed or had
 * problems with --strict, 2 usage.
 */
import cliProgress from 'cli-progress';
import { statSync } from 'node:fs';
import { expandPaths, importFile, type InputResult } from '../../kb/import.js';
import { importers } from '../../kb/importers/index.js';
import { reprocessKb, ReprocessSelectionError, type ReprocessedInput, type ReprocessReport } from '../../kb/reprocess.js';
import { kbStatus } from '../../kb/status.js';
import { syncKb } from '../../kb/sync.js';
import { openContext } from '../context.js';
import type { CliCommand } from '../types.js';
import { EXIT } from '../types.js';

const fmt = (n: number) => n.toLocaleString('en-US');

function reprocessLine(r: ReprocessedInput): string {
  const head = `kb_raw ${r.id} ${r.source} ${r.name}: ${r.status}`;
  if (r.status !== 'reprocessed' && !r.records) return `${head} — ${r.reason}`;
  const was = (now: number, before: number) => (now === before ? '' : ` (was ${fmt(before)})`);
  const left = [r.superseded ? `${fmt(r.superseded)} left to later inputs` : '', r.held ? `${fmt(r.held)} held back (a later input has no payload)` : ''].filter(Boolean);
  return `${head}, ${fmt(r.records)} records${was(r.records, r.before.records)}, ${fmt(r.changed)} changed, ${fmt(r.rules)} rules, ${fmt(r.problems)} problems${was(r.problems, r.before.problems)}${left.length ? `, ${left.join(', ')}` : ''}, ${r.ms} ms${r.reason ? ` — ${r.reason}` : ''}`;
}

/** What to do about findings: KB writes record kb_changes, which the server's rematch job consumes (server/matcher/jobs.ts). */
function rematchHint(report: ReprocessReport): string {
  if (!report.totals.changed) return 'nothing changed in the knowledge base: findings need no re-evaluation';
  return `${fmt(report.totals.changed)} changed record(s) are queued for re-evaluation (kb_changes), as after \`vigie kb import\`: a running \`vigie server\` rematches the assets concerned within 5 minutes; without one, run \`vigie match\``;
}

export const kbCommand: CliCommand = {
  id: 'kb',
  describe: 'vulnerability knowledge base: import files, sync online sources, show status',
  register(program) {
    const kb = program.command('kb').description(this.describe);
    kb.command('import')
      .description('import vulnerability data files or folders (NVD 2.0/1.1, CVE 5, anchore overrides, KEV, EPSS, Debian, CIRCL); .gz accepted')
      .argument('<paths...>')
      .option('--config <file>', 'configuration file')
      .option('--format <id>', `skip detection: one of ${importers.ids().join(', ')}`)
      .option('--json', 'print one JSON result per input')
      .option('--no-progress', 'no progress bar')
      .action(async (paths: string[], opts: { config?: string; format?: string; json?: boolean; progress?: boolean }) => {
        if (opts.format && !importers.get(opts.format)) {
          console.error(`kb import: --format expects one of ${importers.ids().join(', ')}, found "${opts.format}"`);
          process.exitCode = EXIT.usage;
          return;
        }
        let files: string[];
        try {
          files = expandPaths(paths);
        } catch (e) {
          console.error(`kb import: ${(e as Error).message}`);
          process.exitCode = EXIT.usage;
          return;
        }
        const { config, db } = await openContext(opts);
        const tty = process.stderr.isTTY && opts.progress !== false && !opts.json;
        const totalBytes = files.reduce((n, f) => n + statSync(f).size, 0);
        const bar = tty ? new cliProgress.SingleBar({ format: 'kb import [{bar}] {percentage}% | {file} | {records} records, {problems} problems', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : null;
        bar?.start(totalBytes, 0, { file: '', records: 0, problems: 0 });
        let done = 0;
        let records = 0;
        let problems = 0;
        const results: InputResult[] = [];
        const later: string[] = [];
        const firstProblem = (await db.kysely.selectFrom('kb_problems').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0;
        try {
          for (const file of files) {
            const size = statSync(file).size;
            const base = file.split('/').pop() ?? file;
            const r = await importFile(db, file, {
              importer: opts.format,
              storeRaw: config.kb.storeRaw,
              // Progress within a file is shown by records; the bar itself advances by compressed bytes per file.
              onProgress: (_name, n, p) => bar?.update(done, { file: base, records: fmt(records + n), problems: fmt(problems + p) }),
            });
            done += size;
            records += r.records;
            problems += r.problems;
            results.push(r);
            bar?.update(done, { file: base, records: fmt(records), problems: fmt(problems) });
            if (opts.json) console.log(JSON.stringify(r));
            else if (!tty || r.status !== 'imported') {
              const line = `${file}: ${r.status}${r.importer ? ` (${r.importer})` : ''}, ${fmt(r.records)} records, ${fmt(r.changed)} changed, ${fmt(r.rules)} rules, ${fmt(r.problems)} problems, ${r.ms} ms${r.error ? ` — ${r.error}` : ''}`;
              // Lines printed under a live bar would be overdrawn: keep them for after it stops.
              if (tty) later.push(line);
              else console.log(line);
            }
          }
          if (problems && !opts.json) {
            // Each problem is stored (kb_problems, GET /api/v1/kb/sources); show a few so the cause is visible now.
            const sample = await db.kysely.selectFrom('kb_problems').select(['source', 'record_ref', 'code', 'message']).where('id', '>', Number(firstProblem)).orderBy('id').limit(5).execute();
            for (const p of sample) later.push(`  problem ${p.source} ${p.record_ref ?? ''}: ${p.code} ${p.message}`);
            if (problems > sample.length) later.push(`  … ${fmt(problems - sample.length)} more (vigie kb status, GET /api/v1/kb/sources)`);
          }
        } finally {
          bar?.stop();
          for (const l of later) console.log(l);
          await db.close();
        }
        if (!opts.json) {
          const by = (s: InputResult['status']) => results.filter((r) => r.status === s).length;
          console.log(`${files.length} input(s): ${by('imported')} imported, ${by('unchanged')} unchanged, ${by('unrecognised')} unrecognised, ${by('failed')} failed; ${fmt(records)} records, ${fmt(problems)} problems (vigie kb status)`);
        }
        if (results.some((r) => r.status === 'failed' || r.status === 'unrecognised')) process.exitCode = EXIT.failure;
      });

    kb.command('reprocess')
      .description('parse the stored raw inputs (kb_raw) again with the current importers, in import order, after an importer fix; nothing is fetched')
      .option('--config <file>', 'configuration file')
      .option('--source <id...>', `only the inputs of these sources (${importers.ids().join(', ')})`)
      .option('--input <name-or-id>', 'only this stored input: its kb_raw id, its name, or the end of its name after a /')
      .option('--json', 'one JSON document: each input, the totals and what to do about findings')
      .action(async (opts: { config?: string; source?: string[]; input?: string; json?: boolean }) => {
        const bad = (opts.source ?? []).filter((s) => !importers.get(s));
        if (bad.length) {
          console.error(`kb reprocess: --source expects one of ${importers.ids().join(', ')}, found ${bad.join(', ')}`);
          process.exitCode = EXIT.usage;
          return;
        }
        const { db } = await openContext(opts);
        let report: ReprocessReport;
        try {
          report = await reprocessKb(db, {
            ...(opts.source ? { sources: opts.source } : {}),
            ...(opts.input !== undefined ? { input: opts.input } : {}),
            log: (m) => !opts.json && console.error(m),
            onInput: (r) => !opts.json && console.log(reprocessLine(r)),
          });
        } catch (e) {
          if (!(e instanceof ReprocessSelectionError)) throw e;
          console.error(`kb reprocess: ${e.message}`);
          process.exitCode = EXIT.usage;
          return;
        } finally {
          await db.close();
        }
        const t = report.totals;
        if (opts.json) console.log(JSON.stringify({ ...report, rematch: { needed: t.changed > 0, how: rematchHint(report) } }, null, 2));
        else if (!t.inputs) console.log('no stored input to reprocess (vigie kb status lists what was imported)');
        else {
          console.log(`${t.inputs} input(s): ${t.reprocessed} reprocessed, ${t.failed} failed, ${t.notReprocessable} not reprocessable; ${fmt(t.records)} records, ${fmt(t.changed)} changed, ${fmt(t.problems)} problems in ${t.ms} ms`);
          console.log(rematchHint(report));
        }
        if (t.failed) process.exitCode = EXIT.failure;
      });

    kb.command('status')
      .description('per source: last success, records, problems, data date, staleness')
      .option('--config <file>', 'configuration file')
      .option('--json', 'JSON output')
      .action(async (opts: { config?: string; json?: boolean }) => {
        const { config, db } = await openContext(opts);
        try {
          const s = await kbStatus(db, { staleHours: config.kb.staleHours });
          if (opts.json) {
            console.log(JSON.stringify(s, null, 2));
            return;
          }
          const t = s.totals;
          console.log(`${fmt(t.vulnerabilities)} vulnerabilities (${fmt(t.kev)} KEV, ${fmt(t.withEpss)} with EPSS), ${fmt(t.rules)} rules, ${fmt(t.distroFixes)} distro fixes, ${fmt(t.packageSources)} package sources, ${fmt(t.problems)} problems`);
          if (!s.sources.length) console.log('no source imported yet: vigie kb import <files> or vigie kb sync');
          for (const x of s.sources) {
            const state = x.lastError ? `ERROR ${x.lastError}` : x.stale ? 'STALE' : 'ok';
            console.log(`${x.id.padEnd(16)} ${state.padEnd(6)} last success ${x.lastSuccessAt ?? 'never'}  data ${x.dataDate ?? '-'}  ${fmt(x.records)} records from ${x.inputs} input(s), ${fmt(x.problems)} problems`);
          }
        } finally {
          await db.close();
        }
      });

    kb.command('sync')
      .description('fetch the online sources of kb.sources (CIRCL, NVD API 2.0 incremental, KEV, EPSS, Debian tracker)')
      .option('--config <file>', 'configuration file')
      .option('--source <id...>', 'only these sources')
      .option('--json', 'JSON output')
      .action(async (opts: { config?: string; source?: string[]; json?: boolean }) => {
        const bad = (opts.source ?? []).filter((s) => !importers.get(s)?.fetch);
        if (bad.length) {
          console.error(`kb sync: --source expects sources with an online fetch (${importers.all.filter((i) => i.fetch).map((i) => i.id).join(', ')}), found ${bad.join(', ')}`);
          process.exitCode = EXIT.usage;
          return;
        }
        const { config, db } = await openContext(opts);
        try {
          const results = await syncKb(db, config.kb, { sources: opts.source, log: (m) => !opts.json && console.error(m) });
          if (opts.json) console.log(JSON.stringify(results, null, 2));
          else for (const r of results) console.log(`${r.source}: ${r.ok ? 'ok' : `FAILED ${r.error}`} — ${r.requests} request(s), ${r.inputs.length} document(s), ${fmt(r.inputs.reduce((n, i) => n + i.records, 0))} records, ${fmt(r.inputs.reduce((n, i) => n + i.problems, 0))} problems`);
          if (results.some((r) => !r.ok)) process.exitCode = EXIT.failure;
        } finally {
          await db.close();
        }
      });
  },
};
