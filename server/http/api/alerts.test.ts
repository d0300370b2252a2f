/**
 * /api/v1/alerts/channels: channels created from the UI beside the vigie.yaml ones — validated by the channel
 * schemas, admin only, secrets write-only and sealed at rest, merged into digest and rules, test send through a
 * real SMTP receiver, audited.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer } from '../../../test/helpers/app.js';
import { dialectSkip, testDialects } from '../../../test/helpers/db.js';
import { startSmtp } from '../../../test/helpers/receivers.js';
import { createToken } from '../../db/repositories/tokens.js';
import { withStoredChannels } from '../../alerts/stored-channels.js';

type Item = { name: string; type: string; target: string; source: string; digest: boolean; rules: string[]; settings?: Record<string, unknown>; secretsSet?: string[] };

for (const dialect of testDialects()) {
  test(`alert channels created through the API (${dialect})`, { skip: await dialectSkip(dialect) }, async () => {
    const s = await startTestServer(dialect);
    // The routes share this config object: a fixed key (no snmp-secret.key under ./data), one vigie.yaml channel, one rule.
    s.config.snmp.secretKey = 'cd'.repeat(32);
    s.config.alerts.channels['ops-yaml'] = { type: 'syslog', host: '127.0.0.1', port: 514, transport: 'udp', format: 'rfc5424', facility: 'local0', appName: 'vigie', rejectUnauthorized: true, timeoutSeconds: 5 };
    s.config.alerts.rules.push({ id: 'crit', type: 'finding-severity', minSeverity: 'critical', channels: ['ops-yaml'], ignoreQuietHours: false });
    const smtp = await startSmtp({ user: 'mailer', password: 'smtp-s3cret-pw' });
    try {
      const email = { type: 'email', host: '127.0.0.1', port: smtp.port, security: 'none', from: 'vigie@example.org', to: ['soc@example.org'], user: 'mailer', password: 'smtp-s3cret-pw' };
      const created = await s.api<Item>('/alerts/channels', { method: 'POST', body: { name: 'soc-mail', config: email, digest: true, rules: ['crit'] } });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assert.deepEqual(created.body.secretsSet, ['password']);
      assert.equal(created.body.settings?.user, 'mailer');
      assert.equal(created.body.settings?.timeoutSeconds, 30, 'defaults of the channel schema filled in');

      const hook = await s.api<Item>('/alerts/channels', { method: 'POST', body: { name: 'chat', config: { type: 'webhook', url: 'https://chat.example.org/hooks/T0KEN-in-path', format: 'slack', secret: 'hmac-k3y' } } });
      assert.equal(hook.status, 200, JSON.stringify(hook.body));
      assert.deepEqual(hook.body.secretsSet?.sort(), ['secret', 'url']);
      assert.equal(hook.body.target, 'https://chat.example.org (slack, signed)');

      const list = await s.api<{ items: Item[]; ruleIds: string[] }>('/alerts/channels');
      assert.deepEqual(list.body.items.map((i) => [i.name, i.source]), [['ops-yaml', 'config'], ['chat', 'database'], ['soc-mail', 'database']]);
      assert.deepEqual(list.body.ruleIds, ['crit']);
      const text = JSON.stringify(list.body);
      for (const secret of ['smtp-s3cret-pw', 'hmac-k3y', 'T0KEN-in-path']) assert.ok(!text.includes(secret), `list leaks ${secret}`);
      for (const row of await s.tdb.db.kysely.selectFrom('alert_channels').selectAll().execute()) {
        for (const secret of ['smtp-s3cret-pw', 'hmac-k3y', 'T0KEN-in-path']) assert.ok(!JSON.stringify(row).includes(secret), `row ${row.name} holds ${secret} in clear`);
      }

      // Validated like vigie.yaml, plus what only vigie.yaml may do.
      const bad = async (body: unknown, pattern: RegExp, status = 400) => {
        const r = await s.api<{ error: { message: string } }>('/alerts/channels', { method: 'POST', body });
        assert.equal(r.status, status, JSON.stringify(r.body));
        assert.match(r.body.error.message, pattern);
      };
      await bad({ name: 'x1', config: { type: 'email', host: 'h', from: 'a@b.c', to: [] } }, /body\.config\.to/);
      await bad({ name: 'x2', config: { type: 'email', host: 'h', from: 'a@b.c', to: ['c@d.e'], user: 'u', password: 'env:PGPASSWORD' } }, /vigie\.yaml only/);
      await bad({ name: 'x3', config: { type: 'syslog', host: 'h', transport: 'tls', caFile: '/etc/shadow' } }, /caFile/);
      await bad({ name: 'x4', config: { type: 'pager' } }, /body\.config/);
      await bad({ name: 'Bad Name', config: email }, /name/);
      await bad({ name: 'x5', config: email, rules: ['nope'] }, /rules\.0.*crit/);
      await bad({ name: 'ops-yaml', config: email }, /vigie\.yaml/, 409);
      await bad({ name: 'soc-mail', config: email }, /already exists/, 409);
      assert.equal((await s.api('/alerts/channels/ops-yaml', { method: 'DELETE' })).status, 403, 'vigie.yaml channels are read-only');

      // Admin only.
      for (const role of ['analyst', 'viewer'] as const) {
        const { token } = await createToken(s.tdb.db.kysely, role, role);
        const r = await s.app.inject({ method: 'POST', url: '/api/v1/alerts/channels', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x6', config: email }) });
        assert.equal(r.statusCode, 403, role);
      }

      // Merged into the digest and the rules wherever channels are read.
      const merged = await withStoredChannels(s.tdb.db, s.config);
      assert.deepEqual(merged.alerts.digest.channels, ['soc-mail']);
      assert.deepEqual(merged.alerts.rules[0]!.channels, ['ops-yaml', 'soc-mail']);
      assert.equal(merged.alerts.channels['soc-mail']?.type === 'email' && merged.alerts.channels['soc-mail'].password, 'smtp-s3cret-pw');

      // Test send: the message arrives, authenticated with the stored password.
      const sent = await s.api<{ outcome: string; error: string | null }>('/alerts/channels/soc-mail/test', { method: 'POST' });
      assert.equal(sent.body.outcome, 'acknowledged', JSON.stringify(sent.body));
      assert.equal(smtp.messages.length, 1);
      assert.equal(smtp.messages[0]!.user, 'mailer');
      assert.deepEqual(smtp.messages[0]!.to, ['soc@example.org']);

      // Update without the password keeps it; null clears it.
      const upd = await s.api<Item>('/alerts/channels/soc-mail', { method: 'PATCH', body: { config: { to: ['noc@example.org'] }, digest: false } });
      assert.equal(upd.status, 200, JSON.stringify(upd.body));
      assert.deepEqual(upd.body.secretsSet, ['password']);
      assert.equal((await s.api<{ outcome: string }>('/alerts/channels/soc-mail/test', { method: 'POST' })).body.outcome, 'acknowledged');
      assert.deepEqual(smtp.messages[1]!.to, ['noc@example.org']);
      const cleared = await s.api<Item>('/alerts/channels/soc-mail', { method: 'PATCH', body: { config: { password: null, user: null } } });
      assert.deepEqual(cleared.body.secretsSet, []);
      assert.equal((await s.api('/alerts/channels/nope', { method: 'PATCH', body: { digest: true } })).status, 404);

      // Audited, without secrets.
      assert.equal((await s.api('/alerts/channels/chat', { method: 'DELETE' })).status, 200);
      assert.equal((await s.api('/alerts/channels/chat', { method: 'DELETE' })).status, 404);
      const audit = await s.tdb.db.kysely.selectFrom('audit_log').select(['action', 'target', 'details']).where('action', 'like', '% /alerts/channels%').orderBy('id').execute();
      assert.deepEqual(audit.map((a) => a.action), ['POST /alerts/channels', 'POST /alerts/channels', 'POST /alerts/channels/:id/test', 'PATCH /alerts/channels/:id', 'POST /alerts/channels/:id/test', 'PATCH /alerts/channels/:id', 'DELETE /alerts/channels/:id']);
      assert.match(audit[3]!.details ?? '', /config\.to/);
      for (const a of audit) for (const secret of ['smtp-s3cret-pw', 'hmac-k3y', 'T0KEN-in-path']) assert.ok(!(a.details ?? '').includes(secret));
    } finally {
      await smtp.close();
      await s.close();
    }
  });
}
