/**
 * The knowledge-base importers, one file per source (style.md §3.3). Order matters only for detection: the
 * first importer whose detect() accepts an input's head wins. CIRCL comes first because its answers wrap
 * records of the other formats (`{source: [[id, CVE 5 record]]}`, `[OSV, CVE 5…]`) that the others would
 * claim by their content; its own patterns (dbInfo, search pairs, top-level arrays, bare NVD `cve` objects)
 * match no feed file.
 */
import { defineRegistry } from '../../registry.js';
import type { KbImporter } from '../types.js';
import { circl } from './circl.js';
import { cve5 } from './cve5.js';
import { debianAdvisoryList } from './debian-advisory-list.js';
import { debianOsv } from './debian-osv.js';
import { debianPackages } from './debian-packages.js';
import { debianTracker } from './debian-tracker.js';
import { epss } from './epss.js';
import { kev } from './kev.js';
import { nvd } from './nvd.js';
import { nvdJson11 } from './nvd-json11.js';
import { nvdOverrides } from './nvd-overrides.js';

export const importers = defineRegistry<KbImporter>('kb importer', [circl, nvd, nvdJson11, nvdOverrides, cve5, kev, epss, debianOsv, debianTracker, debianPackages, debianAdvisoryList]);

export function detectImporter(head: string, name: string): KbImporter | undefined {
  return importers.all.find((i) => i.detect(head, name));
}
