/** The list of migrations, in order. Names are frozen: YYYYMMDDHHmm-verb-object. */
import type { Migration, MigrationProvider } from 'kysely';
import * as createInventory from './202611290300-create-inventory.js';
import * as createFindings from './202611290400-create-findings.js';
import * as createKb from './202611290500-create-kb.js';
import * as createUsers from './202611290600-create-users.js';
import * as createAlerts from './202611290700-create-alerts.js';
import * as createSnmp from './202611291100-create-snmp.js';
import * as createTriage from './202611291200-create-triage.js';
import * as findingEvidence from './202611291300-finding-evidence.js';
import * as kbImportStorage from './202611291400-kb-import-storage.js';
import * as normaliseSoftware from './202611291500-normalise-software.js';
import * as alertChannels from './202611291600-alert-channels.js';
import * as dashboardIndexes from './202611291610-dashboard-indexes.js';
import * as indexOpenFindings from './202611291615-index-open-findings.js';
import * as createFlowChecks from './202611291700-create-flow-checks.js';
import * as findingsRematch from './202611291800-findings-rematch.js';
import * as softwareItemsNoFk from './202611291900-software-items-no-fk.js';
import * as softwareHolders from './202611292000-software-holders.js';
import * as holdersFillfactor from './202612071500-holders-fillfactor.js';
import * as snmpAgentCredentials from './202612072300-snmp-agent-credentials.js';

const migrations: Record<string, Migration> = {
  '202611290300-create-inventory': createInventory,
  '202611290400-create-findings': createFindings,
  '202611290500-create-kb': createKb,
  '202611290600-create-users': createUsers,
  '202611290700-create-alerts': createAlerts,
  '202611291100-create-snmp': createSnmp,
  '202611291200-create-triage': createTriage,
  '202611291300-finding-evidence': findingEvidence,
  '202611291400-kb-import-storage': kbImportStorage,
  '202611291500-normalise-software': normaliseSoftware,
  '202611291600-alert-channels': alertChannels,
  '202611291610-dashboard-indexes': dashboardIndexes,
  '202611291615-index-open-findings': indexOpenFindings,
  '202611291700-create-flow-checks': createFlowChecks,
  '202611291800-findings-rematch': findingsRematch,
  '202611291900-software-items-no-fk': softwareItemsNoFk,
  '202611292000-software-holders': softwareHolders,
  '202612071500-holders-fillfactor': holdersFillfactor,
  '202612072300-snmp-agent-credentials': snmpAgentCredentials,
};

export const migrationProvider: MigrationProvider = { getMigrations: async () => migrations };
