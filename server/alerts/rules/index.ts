/** The alert rule kinds, one file each: the only list of them (the `type:` of a rule in vigie.yaml). */
import { defineRegistry } from '../../registry.js';
import type { RuleConfig } from '../config.js';
import { assetUnseen } from './asset-unseen.js';
import { diskUsage } from './disk-usage.js';
import { findingEpss } from './finding-epss.js';
import { findingKev } from './finding-kev.js';
import { findingSeverity } from './finding-severity.js';
import { flowFailing } from './flow-failing.js';
import { kbSyncFailing } from './kb-sync-failing.js';
import { serviceStopped } from './service-stopped.js';
import { snmpUnknownDevice } from './snmp-unknown-device.js';
import type { RuleKind } from './types.js';

type AnyRule = RuleKind<RuleConfig['type']>;

export const ruleKinds = defineRegistry<AnyRule>('alert rule', [
  findingSeverity, findingKev, findingEpss, assetUnseen, snmpUnknownDevice, serviceStopped, diskUsage, kbSyncFailing, flowFailing,
] as unknown as AnyRule[]);
