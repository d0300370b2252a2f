/**
 * Which credential set answered, per agent network task and device address (server/snmp/agent-tasks.ts): the
 * AUTHSNMP of FusionInventory's NETDISCOVERY reports, so the task's SNMPQUERY gives each DEVICE that set (NetInventory
 * uses the one AUTHSNMP_ID of a device, it does not try them in turn). Names only, never secrets.
 * Frozen once merged: add a new migration instead of editing this one.
 */
import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = await columnTypes(db);
  await db.schema
    .createTable('snmp_agent_credentials')
    .addColumn('task', 'text', (c) => c.notNull()) // snmp.agentTasks name
    .addColumn('address', 'text', (c) => c.notNull()) // the device address the agent scanned
    .addColumn('credential', 'text', (c) => c.notNull()) // credential set name (config or stored)
    .addColumn('reported_by', 'text', (c) => c.notNull()) // DEVICEID of the agent that reported it
    .addColumn('seen_at', t.ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('snmp_agent_credentials_pk', ['task', 'address'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('snmp_agent_credentials').ifExists().execute();
}
