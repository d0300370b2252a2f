/** The flow providers, one file per concern (style.md §3.3): the only list of them. Order = row order in the matrix. */
import { defineRegistry } from '../../../registry.js';
import type { FlowProvider } from '../types.js';
import { dns } from './dns.js';
import { kb } from './kb.js';
import { listeners } from './listeners.js';
import { ntp } from './ntp.js';
import { postgres } from './postgres.js';
import { reverseProxy } from './reverse-proxy.js';
import { smtp } from './smtp.js';
import { snmp } from './snmp.js';
import { snmpAgents } from './snmp-agents.js';
import { syslog } from './syslog.js';
import { webhooks } from './webhooks.js';

export const flowProviders = defineRegistry<FlowProvider>('flow provider', [listeners, reverseProxy, postgres, dns, ntp, kb, snmp, snmpAgents, smtp, webhooks, syslog]);
