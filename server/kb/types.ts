/**
 * Contract of a knowledge-base importer (style.md §3.3, issue 8): `{ id, detect(head, name), parse(raw) → records }`
 * plus an optional `fetch` for `vigie kb sync`. Importers are pure translators from one source's own format
 * (NVD 2.0, NVD 1.1, CVE JSON 5, KEV, EPSS, Debian…) to KbRecord; server/kb/store.ts does every write.
 *
 * @example
 *   for await (const r of nvd.parse(input)) if (r.kind === 'vulnerability') console.log(r.id, r.rules?.length);
 */
import type { ErrorCode } from '../../common/errors.js';
import type { HttpClient } from './http.js';
import type { KbConfig } from './config.js';

/** One CVSS metric as the source gave it. */
export interface CvssMetric {
  version: '2.0' | '3.0' | '3.1' | '4.0';
  vector: string;
  score: number | null;
  severity: string | null;
  /** Who scored it (nvd@nist.gov, a CNA, CISA-ADP). */
  source: string | null;
  type: 'Primary' | 'Secondary' | null;
}

/** What one source says about one CVE (kept per source in vulnerabilities.data.sources[source]). */
export interface VulnInfo {
  title?: string | null;
  description?: string | null;
  published?: string | null;
  modified?: string | null;
  /** NVD vulnStatus, or CVE 5 state (PUBLISHED / REJECTED). */
  status?: string | null;
  withdrawn?: boolean;
  cvss?: CvssMetric[];
  cwes?: string[];
  references?: string[];
  /** KEV fields embedded in NVD 2.0 records (cisaExploitAdd…), or the CISA ADP SSVC decision points. */
  kev?: { dateAdded: string | null; dueDate: string | null; requiredAction: string | null; name: string | null } | null;
  ssvc?: Record<string, string> | null;
}

/** A vulnerability_rules row before it is stored (ids and timestamps are the store's). */
export interface RuleInput {
  part: string;
  vendor: string;
  product: string;
  criteria: string;
  version_exact: string | null;
  version_start: string | null;
  start_inclusive: number;
  version_end: string | null;
  end_inclusive: number;
  vulnerable: number;
  config_id: string | null;
  negate: number;
  version_scheme: string | null;
}

export interface DistroFixInput {
  distro: string;
  release: string;
  package: string;
  vulnerability_id: string;
  fixed_version: string | null;
  status: 'resolved' | 'open' | 'not-affected' | 'undetermined' | 'end-of-life' | 'ignored';
  urgency: string | null;
  record_id: string | null;
}

export type KbRecord =
  | {
      kind: 'vulnerability';
      /** Source family the rules and data are filed under (nvd for both NVD formats: the newest revision wins). */
      source: string;
      id: string;
      /** lastModified / dateUpdated: a record older than the stored one is ignored. */
      revision: string | null;
      info: VulnInfo;
      /** undefined: this source says nothing about affected products; []: it says none (old rules are removed). */
      rules?: RuleInput[];
    }
  | { kind: 'kev'; id: string; dateAdded: string | null; dueDate: string | null; data: Record<string, unknown> }
  | { kind: 'epss'; id: string; epss: number; percentile: number | null; date: string | null }
  | {
      kind: 'distro-fixes';
      source: string;
      /** Advisories (DSA/DLA) only fill gaps: the per-CVE records are more precise. */
      mode: 'replace' | 'fill';
      fixes: DistroFixInput[];
    }
  | { kind: 'package-source'; distro: string; release: string; binary: string; source: string; source_version: string | null; binary_version: string }
  | { kind: 'meta'; meta: Record<string, unknown> }
  | { kind: 'problem'; ref: string; code: Extract<ErrorCode, `KB_${string}`>; message: string };

/** A raw input as the importer sees it: decompressed, streamed. */
export interface RawInput {
  /** File name or URL (for detection by name and for problem references). */
  name: string;
  /** The first bytes, decoded as UTF-8 (up to 64 KiB). */
  head: string;
  /** The whole content as UTF-8 chunks, streamed from the compressed bytes. */
  chunks(): AsyncIterable<string>;
  /** Lines without their terminator (JSON-lines, CSV, Packages). */
  lines(): AsyncIterable<string>;
  /** The whole document parsed (small inputs only: API pages, KEV, single records). */
  json(): Promise<unknown>;
}

export interface FetchContext {
  http: HttpClient;
  config: KbConfig;
  /** kb_sources.meta of this source (sync cursor: last window end, data date…). */
  state: Record<string, unknown>;
  now: Date;
  /** Hands one fetched document to the store (raw kept, then parsed by this importer). */
  emit(name: string, body: Buffer): Promise<void>;
  /** Persists the sync cursor now (kb_sources.meta), so an interrupted sync resumes after the last stored window. */
  checkpoint(state: Record<string, unknown>): Promise<void>;
  log(message: string): void;
}

export interface KbImporter {
  /** Stable id: kb_sources.id, kb_raw.source, config key. */
  id: string;
  describe: string;
  /** True when the head of the (decompressed) input or its name is this source's format. */
  detect(head: string, name: string): boolean;
  parse(raw: RawInput): AsyncIterable<KbRecord>;
  /** Online sync: fetches new documents and emits them; returns the new state to keep in kb_sources.meta. */
  fetch?(ctx: FetchContext): Promise<Record<string, unknown>>;
}
