/**
 * FusionInventory agents → the devices of each agent network task (snmp.agentTasks: NETDISCOVERY ranges and
 * SNMPQUERY addresses, the task's port or snmp.port, UDP). The agents' own addresses are not in the config (an
 * agent is named by host name), so the source reads "to be defined" beside the names; nothing to probe from here.
 */
import type { Flow, FlowProvider } from '../types.js';

export const snmpAgents = {
  id: 'snmp-agents',
  flows(config): Flow[] {
    return config.snmp.agentTasks.map((task): Flow => ({
      id: `snmp-agents:${task.name}`,
      provider: 'snmp-agents',
      source: { name: { fr: `Agents FusionInventory ${task.agents.join(', ')} (adresses à définir)`, en: `FusionInventory agents ${task.agents.join(', ')} (addresses to be defined)` }, addresses: [] },
      destination: { name: { fr: `Équipements SNMP (${task.name})`, en: `SNMP devices (${task.name})` }, addresses: [...task.discover, ...task.inventory] },
      ports: [{ proto: 'udp', port: task.port ?? config.snmp.port }],
      purpose: { fr: 'Découverte et inventaire des équipements par les agents (SNMP)', en: 'Device discovery and inventory by the agents (SNMP)' },
      mandatory: false,
    }));
  },
} as const satisfies FlowProvider;
