/** The matcher strategies, in the order they run on an item (style.md §3.3). distro first: it is exclusive. */
import { defineRegistry } from '../registry.js';
import { cpeRange } from './cpe-range.js';
import { distro } from './distro.js';
import { firmware } from './firmware.js';
import type { Matcher } from './types.js';

export const matchers = defineRegistry<Matcher>('matcher', [distro, cpeRange, firmware]);
