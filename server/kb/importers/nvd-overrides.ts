/**
 * NVD-style configuration overrides for CVEs NVD has not analysed: anchore/nvd-data-overrides
 * (`data/<year>/CVE-*.json`: `{_annotation{cve_id,description,published,modified…}, cve{configurations[…NVD 2.0…]}}`),
 * as files, folders or JSON-lines. Rules are filed under source `nvd-overrides` so they never replace NVD's own.
 */
import { createHash } from 'node:crypto';
import { jsonDocuments } from '../input.js';
import { rulesFromNvd2 } from '../nvd-config.js';
import type { KbImporter, KbRecord, RawInput } from '../types.js';

type Obj = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

export function overrideRecord(doc: Obj, ref: string): KbRecord[] {
  const ann = obj(doc._annotation);
  const id = str(ann.cve_id);
  // `cve: {}` is how anchore empties an override (e.g. "the CVE has been rejected"): no configurations = no rules.
  const cve = doc.cve && typeof doc.cve === 'object' ? obj(doc.cve) : null;
  const configurations = cve && cve.configurations === undefined ? [] : cve?.configurations;
  if (!id || !/^CVE-\d{4}-\d{4,}$/.test(id) || !Array.isArray(configurations)) {
    return [{ kind: 'problem', ref, code: 'KB_RECORD_INVALID', message: `expected {_annotation:{cve_id}, cve:{configurations:[…]}}, found ${JSON.stringify(doc).slice(0, 100)}` }];
  }
  const { rules, problems } = rulesFromNvd2(id, configurations, 'override:');
  // Most overrides carry no modified date: the content hash is the revision, so an unchanged file is a no-op.
  const revision = str(ann.modified) ?? `sha1:${createHash('sha1').update(JSON.stringify(configurations)).digest('hex').slice(0, 16)}`;
  return [
    ...problems.map((message): KbRecord => ({ kind: 'problem', ref: id, code: 'KB_RULE_INVALID', message })),
    {
      kind: 'vulnerability',
      source: 'nvd-overrides',
      id,
      revision,
      info: { description: str(ann.description), published: str(ann.published), modified: str(ann.modified), references: Array.isArray(ann.references) ? ann.references.filter((r): r is string => typeof r === 'string') : [] },
      rules,
    },
  ];
}

export const nvdOverrides = {
  id: 'nvd-overrides',
  describe: 'NVD-style configuration overrides (anchore/nvd-data-overrides)',
  detect: (head: string) => /^\s*\{\s*"_annotation"\s*:/.test(head) || /"_annotation"\s*:\s*\{[^]*"cve_id"/.test(head.slice(0, 4096)),
  async *parse(raw: RawInput): AsyncIterable<KbRecord> {
    for await (const d of jsonDocuments(raw)) {
      if (d.error) yield { kind: 'problem', ref: d.ref, code: 'KB_RECORD_INVALID', message: d.error };
      else yield* overrideRecord(obj(d.value), d.ref);
    }
  },
} as const satisfies KbImporter;
