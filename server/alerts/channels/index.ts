/** The alert channels, one file each (style.md §3.3): the only list of them. */
import { z } from 'zod';
import { defineRegistry } from '../../registry.js';
import type { Channel } from '../types.js';
import { email, emailConfig } from './email.js';
import { syslog, syslogConfig } from './syslog.js';
import { webhook, webhookConfig } from './webhook.js';

export const channels = defineRegistry<Channel<{ type: string }>>('alert channel', [
  email as unknown as Channel<{ type: string }>,
  webhook as unknown as Channel<{ type: string }>,
  syslog as unknown as Channel<{ type: string }>,
]);

/** One configured channel instance in vigie.yaml (`alerts.channels.<name>`), chosen by `type`. */
export const channelConfig = z.discriminatedUnion('type', [emailConfig, webhookConfig, syslogConfig]);
export type ChannelConfig = z.infer<typeof channelConfig>;
