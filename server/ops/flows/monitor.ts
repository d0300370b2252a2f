/**
 * FlowMonitor: the server side of the flow check. Holds the last report (start-up or on demand) for the API,
 * runs one check at a time (a second request joins the running one), and logs every mandatory flow that
 * breaks or recovers, so a closed firewall rule shows up in the logs instead of as a silent sync failure.
 * With a database it also stores each report under this host's name, for the `flow-failing` alert rule.
 */
import { hostname } from 'node:os';
import type { VigieConfig } from '../../config/schema.js';
import type { Db } from '../../db/index.js';
import { saveFlowChecks } from '../../db/repositories/flow-checks.js';
import { checkFlows, type CheckOptions, type CheckReport } from './check.js';
import { collectFlows, flowsConfig } from './matrix.js';

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class FlowMonitor {
  last: (CheckReport & { trigger: string }) | null = null;
  private running: Promise<CheckReport> | null = null;
  private db: Db | null = null;

  constructor(
    private readonly config: VigieConfig,
    private log: Log | null = null,
    private readonly options: Partial<CheckOptions> = {},
  ) {}

  /** `vigie server` builds the monitor before the app (and its logger) exists. */
  useLog(log: Log): void {
    this.log = log;
  }

  /** Stores every later report in the database (flow_checks) under `host` — flows are a property of the host. */
  useDb(db: Db, host = hostname()): void {
    this.db = db;
    this.channelsDb = db;
    this.host = host;
  }

  /** Checks the flows of the alert channels stored from the web UI too (without storing reports). */
  useStoredChannels(db: Db): void {
    this.channelsDb = db;
  }
  private channelsDb: Db | null = null;
  private host = hostname();

  run(trigger: 'startup' | 'api' | 'schedule'): Promise<CheckReport> {
    this.running ??= (async () => {
      try {
        const problems: string[] = [];
        const config = await flowsConfig(this.config, this.channelsDb, problems);
        for (const p of problems) this.log?.warn({ problem: p }, 'network flow check: stored alert channels');
        const report = await checkFlows(collectFlows(config), { timeoutMs: this.config.network.checkTimeoutMs, ...this.options });
        this.report(report, trigger);
        this.last = { ...report, trigger };
        await this.store(report);
        return report;
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async store(report: CheckReport): Promise<void> {
    if (!this.db) return;
    try {
      await saveFlowChecks(this.db.kysely, this.host, report.results.map((r) => ({
        flow_id: r.id, provider: r.provider, target: r.target, mandatory: r.mandatory ? 1 : 0, status: r.status, step: r.step, detail: r.detail.slice(0, 1000), ms: Math.round(r.ms), checked_at: report.startedAt,
      })));
    } catch (err) {
      // Storing is for alerting; the check itself succeeded and its report is still served and logged.
      this.log?.error({ err }, 'could not store the network flow check results');
    }
  }

  private report(report: CheckReport, trigger: string): void {
    if (!this.log) return;
    const before = new Map((this.last?.results ?? []).map((r) => [r.id, r.status]));
    for (const r of report.results) {
      if (r.mandatory && r.status !== 'ok' && r.status !== 'skipped') {
        const fields = { flow: r.id, target: r.target, status: r.status, step: r.step, ms: r.ms, detail: r.detail, trigger };
        // Error once when it breaks; a warning on each later check while it stays broken (no hourly error flood).
        if (before.get(r.id) === r.status) this.log.warn(fields, 'mandatory network flow still fails');
        else this.log.error(fields, 'mandatory network flow fails');
      } else if (r.status === 'ok' && before.has(r.id) && before.get(r.id) !== 'ok') {
        this.log.info({ flow: r.id, target: r.target, trigger }, 'network flow recovered');
      } else if (!r.mandatory && r.status !== 'ok' && r.status !== 'skipped') {
        this.log.warn({ flow: r.id, target: r.target, status: r.status, detail: r.detail, trigger }, 'optional network flow fails');
      }
    }
    const counts: Record<string, number> = {};
    for (const r of report.results) counts[r.status] = (counts[r.status] ?? 0) + 1;
    this.log.info({ ok: report.ok, counts, trigger }, 'network flow check done');
  }
}
