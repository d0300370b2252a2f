/**
 * `vigie match [--asset ID…] [--json] [--dry-run]`: matches stored assets' software against the knowledge base and
 * writes findings (new → open, gone → fixed, withdrawn CVE → withdrawn). Prints the run's figures, or with --json
 * the findings with their evidence. Exit 0 when no open finding, 1 when some, 2 on error.
 */
import { isVigieError } from '../../../common/errors.js';
import { runMatch } from '../../matcher/run.js';
import { openContext } from '../context.js';
import { EXIT, type CliCommand } from '../types.js';

export const matchCommand: CliCommand = {
  id: 'match',
  describe: 'match assets against the vulnerability knowledge base and update findings',
  register(program) {
    program
      .command('match')
      .description(this.describe)
      .option('--asset <id...>', 'only these asset ids')
      .option('--json', 'print the run figures and the current findings as JSON')
      .option('--dry-run', 'compute findings without writing them')
      .option('--config <file>', 'configuration file')
      .action(async (opts: { asset?: string[]; json?: boolean; dryRun?: boolean; config?: string }) => {
        const assetIds = opts.asset?.map(Number);
        if (assetIds?.some((n) => !Number.isInteger(n) || n <= 0)) {
          console.error(`--asset: expected positive integer ids, found ${opts.asset!.join(' ')}`);
          process.exitCode = EXIT.usage;
          return;
        }
        let db: Awaited<ReturnType<typeof openContext>>['db'] | undefined;
        try {
          ({ db } = await openContext(opts));
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
                `${stats.findings.inserted} new, ${stats.findings.reopened} reopened, ${stats.findings.fixed} fixed, ${stats.findings.withdrawn} withdrawn` +
                (opts.dryRun ? ' (dry run: nothing written)' : ''),
            );
            if (stats.problems.count) {
              console.log(`problems: ${stats.problems.count} (${Object.entries(stats.problems.byCode).map(([c, n]) => `${c} ${n}`).join(', ')}); first: ${stats.problems.sample[0]?.message ?? ''}`);
            }
          }
          process.exitCode = stats.findings.current > 0 ? EXIT.failure : EXIT.ok;
        } catch (e) {
          console.error(`vigie match: ${isVigieError(e) ? `${e.code}: ${e.message}` : (e as Error).message}`);
          process.exitCode = EXIT.usage;
        } finally {
          await db?.close();
        }
      });
  },
};
