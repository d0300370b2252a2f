/** SNMP code profiles, registered by OS id (style.md §3.3/§3.4); most OSes need none. */
import { defineRegistry } from '../../registry.js';
import type { SnmpProfile } from './types.js';
import { windowsProfile } from './windows.js';

export const profiles = defineRegistry<SnmpProfile>('snmp profile', [windowsProfile]);
