/**
 * Scoring of SNMP fingerprints against ../shared/corpus/snmp/dev/expected.json (issue 3 "Must show"):
 * per-field precision and recall with normalised containment (lower-case alphanumerics; either string contains
 * the other), the chassis entPhysicalModelName accepted as an alternative model (corpus README caveats).
 */
import { readFileSync } from 'node:fs';
import { SHARED } from './components.js';

export const SNMP_DEV = SHARED + 'corpus/snmp/dev/';

export interface Expected {
  vendor: string | null;
  librenms_os: string;
  version: string | null;
  hardware: string | null;
  serial: string | null;
  entity_chassis?: { entPhysicalModelName?: string | null }[];
}

export function loadExpected(): Record<string, Expected> {
  return JSON.parse(readFileSync(SNMP_DEV + 'expected.json', 'utf8')) as Record<string, Expected>;
}

export const FIELDS = ['vendor', 'os', 'version', 'model', 'serial'] as const;
export type Field = (typeof FIELDS)[number];

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');
/** Vendor spellings that name the same company (HP = Hewlett-Packard = HPE, as the issue allows). */
const VENDOR_ALIASES: [RegExp, string][] = [[/^(hewlettpackard(enterprise)?|hpe?|hparuba|hpearuba|aruba)/, 'hp']];
const vendorNorm = (s: string): string => {
  let n = norm(s);
  for (const [re, to] of VENDOR_ALIASES) if (re.test(n)) n = to;
  return n;
};

export function contains(found: string | null, expected: string): boolean {
  if (!found) return false;
  const a = norm(found);
  const b = norm(expected);
  if (!a || !b) return false;
  return a.includes(b) || (b.includes(a) && a.length >= Math.min(3, b.length));
}

export interface Found {
  vendor: string | null;
  osId: string | null;
  version: string | null;
  rawVersion: string | null;
  model: string | null;
  serial: string | null;
}

/** null = the recording has no ground truth for that field. */
export function judge(exp: Expected, f: Found, osIdOf: (librenmsOs: string) => string): Record<Field, boolean | null> {
  const vendorOk = exp.vendor ? !!f.vendor && (vendorNorm(f.vendor) === vendorNorm(exp.vendor) || contains(f.vendor, exp.vendor.split(/[\s(]/)[0]!)) : null;
  const models = [exp.hardware, ...(exp.entity_chassis ?? []).map((c) => c.entPhysicalModelName ?? null)].filter((x): x is string => !!x && !!norm(x));
  return {
    vendor: vendorOk,
    os: f.osId === osIdOf(exp.librenms_os),
    version: exp.version ? contains(f.version, exp.version) || contains(f.rawVersion, exp.version) : null,
    model: models.length ? models.some((m) => contains(f.model, m)) : null,
    serial: exp.serial ? contains(f.serial, exp.serial) && norm(f.serial ?? '').length >= norm(exp.serial).length : null,
  };
}

export interface FieldScore { field: Field; correct: number; predicted: number; truth: number; precision: number; recall: number }

export function summarise(rows: { judged: Record<Field, boolean | null>; found: Found }[]): FieldScore[] {
  return FIELDS.map((field) => {
    let correct = 0;
    let predicted = 0;
    let truth = 0;
    for (const r of rows) {
      const j = r.judged[field];
      const value = field === 'os' ? r.found.osId : r.found[field];
      if (j === null) continue;
      truth++;
      if (value) predicted++;
      if (j) correct++;
    }
    return { field, correct, predicted, truth, precision: predicted ? correct / predicted : 1, recall: truth ? correct / truth : 1 };
  });
}
