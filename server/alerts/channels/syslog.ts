/**
 * Syslog channel: RFC 5424 records over UDP (RFC 5426, one datagram each), TCP (RFC 6587 octet counting) or
 * TLS (RFC 5425), one record per message item so a SIEM gets one event per alert; the body is plain text or
 * ArcSight CEF (Common Event Format rev. 25). The outbox idempotency key travels as structured data.
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { z } from 'zod';
import { VigieError } from '../../../common/errors.js';
import type { AlertMessage, Channel, MessageItem, SendContext, Severity } from '../types.js';

const facilities = { kern: 0, user: 1, daemon: 3, auth: 4, syslog: 5, authpriv: 10, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23 } as const;

export const syslogConfig = z
  .object({
    type: z.literal('syslog'),
    host: z.string().min(1).describe('syslog collector'),
    port: z.coerce.number().int().min(1).max(65535).default(514).describe('514 for UDP/TCP, 6514 for TLS'),
    transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
    format: z.enum(['rfc5424', 'cef']).default('rfc5424').describe('message body: text, or CEF inside the RFC 5424 record'),
    facility: z.enum(Object.keys(facilities) as [keyof typeof facilities, ...(keyof typeof facilities)[]]).default('local0'),
    appName: z.string().regex(/^[!-~]{1,48}$/, 'printable ASCII without spaces, 48 characters at most').default('vigie'),
    hostname: z.string().regex(/^[!-~]{1,255}$/).optional().describe('HOSTNAME field (default: this machine)'),
    rejectUnauthorized: z.boolean().default(true).describe('TLS: verify the collector certificate'),
    caFile: z.string().optional().describe('TLS: PEM file of the CA that signed the collector certificate'),
    timeoutSeconds: z.coerce.number().int().min(1).max(300).default(10),
  })
  .strict();
export type SyslogConfig = z.infer<typeof syslogConfig>;

const level: Record<Severity, number> = { critical: 2, warning: 4, info: 6 };
const cefSeverity: Record<Severity, number> = { critical: 9, warning: 6, info: 3 };
// 32473 is the enterprise number RFC 5612 reserves for documentation; a registered PEN replaces it.
const SD_ID = 'vigie@32473';

const sdValue = (v: string) => v.replace(/[\\"\]]/g, (c) => `\\${c}`);
const cefHeader = (v: string) => v.replace(/[\\|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
const cefExt = (v: string) => v.replace(/[\\=]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');
const cefKey = (k: string) => k.replace(/[^A-Za-z0-9]/g, '');

/** One RFC 5424 record (without transport framing). */
export function formatSyslog(item: MessageItem, config: SyslogConfig, ctx: SendContext, index: number, version = '0.1.0'): string {
  const pri = facilities[config.facility] * 8 + level[item.severity];
  const host = config.hostname ?? (osHostname() || '-');
  const msgId = item.code.replace(/[^!-~]/g, '').slice(0, 32) || '-';
  const sd = `[${SD_ID} id="${sdValue(ctx.idempotencyKey)}" item="${index}"]`;
  const body =
    config.format === 'cef'
      ? `CEF:0|Vigie|Vigie|${version}|${cefHeader(item.code)}|${cefHeader(item.text.slice(0, 512))}|${cefSeverity[item.severity]}|` +
        Object.entries(item.fields)
          .filter(([, v]) => v !== null && v !== '')
          .map(([k, v]) => `${cefKey(k)}=${cefExt(String(v))}`)
          .concat(`externalId=${cefExt(ctx.idempotencyKey)}`)
          .join(' ')
      : item.text.replace(/[\r\n]+/g, ' ');
  return `<${pri}>1 ${ctx.now.toISOString()} ${host} ${config.appName} ${process.pid} ${msgId} ${sd} ${body}`;
}

function itemsOf(message: AlertMessage): MessageItem[] {
  return message.items.length ? message.items : [{ severity: message.severity, code: message.kind, text: message.subject, fields: {} }];
}

async function sendUdp(records: string[], config: SyslogConfig): Promise<void> {
  const socket = createSocket(config.host.includes(':') ? 'udp6' : 'udp4');
  try {
    for (const r of records) {
      const buf = Buffer.from(r, 'utf8').subarray(0, 8192); // RFC 5426: receivers must take 480 octets, should take 2048
      await new Promise<void>((resolve, reject) => socket.send(buf, config.port, config.host, (e) => (e ? reject(e) : resolve())));
    }
  } finally {
    socket.close();
  }
}

async function sendStream(records: string[], config: SyslogConfig): Promise<void> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s: Socket =
      config.transport === 'tls'
        ? tlsConnect({ host: config.host, port: config.port, servername: config.host, rejectUnauthorized: config.rejectUnauthorized, ...(config.caFile ? { ca: readFileSync(config.caFile) } : {}) }, () => resolve(s))
        : netConnect({ host: config.host, port: config.port }, () => resolve(s));
    s.setTimeout(config.timeoutSeconds * 1000, () => s.destroy(new Error(`timed out after ${config.timeoutSeconds} s`)));
    s.once('error', reject);
  });
  try {
    // RFC 6587 §3.4.1 octet counting: "<length> <record>", safe for records holding newlines.
    const framed = records.map((r) => `${Buffer.byteLength(r, 'utf8')} ${r}`).join('');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.end(framed, 'utf8', () => resolve());
    });
  } finally {
    socket.destroy();
  }
}

export const syslog: Channel<SyslogConfig> = {
  id: 'syslog',
  describe: 'syslog RFC 5424 over UDP, TCP or TLS (plain text or CEF)',
  configSchema: syslogConfig,
  async send(message, config, ctx) {
    const records = itemsOf(message).map((item, i) => formatSyslog(item, config, ctx, i));
    try {
      if (config.transport === 'udp') await sendUdp(records, config);
      else await sendStream(records, config);
    } catch (cause) {
      throw new VigieError('CHANNEL_DELIVERY_FAILED', `syslog ${config.transport}://${config.host}:${config.port} failed: ${(cause as Error).message}`, { cause });
    }
    return { response: `${records.length} record(s) over ${config.transport}` };
  },
};
