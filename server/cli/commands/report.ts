/**
 * `vigie report daily`: preview the daily digest (text, HTML or JSON) or send it now. --send goes through the
 * outbox under the latest schedule slot, so it never duplicates the digest the server sends for that slot.
 */
import type { CliCommand } from '../types.js';
import { EXIT } from '../types.js';
import { buildDigest, queueDigest, digestPeriod } from '../../alerts/digest/index.js';
import { deliverDue } from '../../alerts/outbox.js';
import { withStoredChannels } from '../../alerts/stored-channels.js';
import { defaultNodeId } from '../../jobs/queue.js';
import { openContext } from '../context.js';

interface Opts { config?: string; send?: boolean; dryRun?: boolean; lang?: string; format?: string; json?: boolean; at?: string }

export const reportCommand: CliCommand = {
  id: 'report',
  describe: 'reports: the daily digest (preview or send)',
  register(program) {
    const report = program.command('report').description(this.describe);
    report
      .command('daily')
      .description('print the daily digest since the last scheduled one, or --send it to the digest channels')
      .option('--config <file>', 'configuration file')
      .option('--send', 'send it now to alerts.digest.channels (once per schedule slot)')
      .option('--dry-run', 'print only, send nothing (the default)')
      .option('--lang <lang>', 'fr | en (default alerts.digest.lang)')
      .option('--format <format>', 'text | html | json', 'text')
      .option('--json', 'same as --format json')
      .option('--at <time>', 'ISO time to build the digest for (default now)')
      .action(async (opts: Opts) => {
        const format = opts.json ? 'json' : (opts.format ?? 'text');
        if (!['text', 'html', 'json'].includes(format) || (opts.lang && !['fr', 'en'].includes(opts.lang))) {
          console.error(`report daily: expected --format text|html|json and --lang fr|en, found --format ${format}${opts.lang ? ` --lang ${opts.lang}` : ''}`);
          process.exitCode = EXIT.usage;
          return;
        }
        const at = opts.at ? new Date(opts.at) : new Date();
        if (Number.isNaN(at.getTime())) {
          console.error(`report daily: --at expects an ISO time such as 2026-11-29T07:30:00+01:00, found "${opts.at}"`);
          process.exitCode = EXIT.usage;
          return;
        }
        const opened = await openContext(opts);
        const db = opened.db;
        // Channels created from the web UI receive the digest too.
        const config = await withStoredChannels(db, opened.config);
        try {
          if (opts.send && !opts.dryRun) {
            const slot = digestPeriod(config, at).end;
            if (!config.alerts.digest.channels.length) {
              console.error('report daily --send: alerts.digest.channels is empty; name at least one channel of alerts.channels');
              process.exitCode = EXIT.usage;
              return;
            }
            const written = await queueDigest(db, config, slot, new Date());
            const { retryBaseSeconds, retryMaxSeconds, leaseSeconds } = config.alerts;
            const outcomes = await deliverDue({ db, channels: config.alerts.channels, policy: { retryBaseSeconds, retryMaxSeconds, leaseSeconds }, node: defaultNodeId() }, new Date());
            const result = { slot: slot.toISOString(), written, deliveries: outcomes };
            if (format === 'json') console.log(JSON.stringify(result, null, 2));
            else {
              console.log(written.length ? `digest for ${result.slot} queued for ${written.length} channel(s)` : `digest for ${result.slot} was already queued; not sent twice`);
              for (const o of outcomes) console.log(`  ${o.key}: ${o.outcome}${o.error ? ` (${o.error})` : ''}`);
            }
            if (outcomes.some((o) => o.outcome !== 'acknowledged')) process.exitCode = EXIT.failure;
            return;
          }
          const lang = (opts.lang as 'fr' | 'en' | undefined) ?? config.alerts.digest.lang;
          const { data, message } = await buildDigest(db, config, at, lang, true);
          if (format === 'json') console.log(JSON.stringify(data, null, 2));
          else if (format === 'html') process.stdout.write(message.html ?? '');
          else process.stdout.write(message.text + '\n');
        } finally {
          await db.close();
        }
      });
  },
};
