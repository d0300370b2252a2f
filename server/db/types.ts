/**
 * Database row types for Kysely. Timestamps are ISO-8601 UTC strings on both dialects
 * (timestamptz on PostgreSQL is read back as ISO text, see index.ts), JSON is stored as text.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { SnmpCredentialsTable, SnmpScansTable } from '../snmp/db-types.js';
import type { TriageDecisionsTable } from '../triage/db-types.js';
import type { AlertChannelsTable } from '../alerts/db-types.js';

type Id = Generated<number>;
type Json = string;
type Ts = string;

export interface AssetsTable {
  id: Id;
  device_id: string | null;
  agent_id: string | null;
  hostname: string | null;
  fqdn: string | null;
  kind: string;
  source_format: string;
  os_name: string | null;
  os_version: string | null;
  os_full_name: string | null;
  os_arch: string | null;
  kernel_version: string | null;
  vendor: string | null;
  model: string | null;
  serial: string | null;
  uuid: string | null;
  macs: string | null;
  ip_address: string | null;
  tag: string | null;
  /** active | blocked (PROLOG answers STOP) | merged (folded into merged_into_id) */
  status: string;
  merged_into_id: number | null;
  user_agent: string | null;
  software_count: number;
  first_seen_at: Ts;
  last_seen_at: Ts;
  last_inventory_at: Ts | null;
  updated_at: Ts;
}

export interface AssetIdentifiersTable {
  asset_id: number;
  kind: string;
  value: string;
}

/** A view since 202611291500 (software_catalog ⋈ asset_software_items); `id` is asset_id × 2^26 + software_id. */
export interface AssetSoftwareTable {
  id: Id;
  asset_id: number;
  name: string;
  version: string | null;
  publisher: string | null;
  arch: string | null;
  origin: string;
  install_date: string | null;
  source_package: string | null;
  source_version: string | null;
  extra: Json;
}

/** Each distinct software entry of the fleet once: every field but the install date; key_hash null for rows written through the view. */
export interface SoftwareCatalogTable {
  id: Id;
  key_hash: string | null;
  name: string;
  version: string | null;
  publisher: string | null;
  arch: string | null;
  origin: string;
  source_package: string | null;
  source_version: string | null;
  extra: Json;
}

export interface AssetSoftwareItemsTable {
  asset_id: number;
  software_id: number;
  install_date: string | null;
}

/**
 * Which assets may hold a catalogue entry (202611292000): bit b of `mask` stands for asset chunk × 32 + b. A superset:
 * readers confirm against asset_software_items (repositories/software-holders.ts).
 */
export interface SoftwareHoldersTable {
  software_id: number;
  chunk: number;
  mask: number;
}

/** 0…31, to expand a holder mask in SQL. */
export interface HolderBitsTable {
  bit: number;
}

export interface AssetInterfacesTable {
  id: Id;
  asset_id: number;
  name: string;
  description: string | null;
  mac: string | null;
  ipv4: Json;
  ipv6: Json;
  mask: string | null;
  gateway: string | null;
  subnet: string | null;
  type: string | null;
  speed_mbps: number | null;
  status: string | null;
  mtu: number | null;
  driver: string | null;
  virtual: number;
  extra: Json;
}

export interface AssetServicesTable {
  id: Id;
  asset_id: number;
  name: string;
  display_name: string | null;
  state: string | null;
  start_mode: string | null;
  extra: Json;
}

export interface AssetVolumesTable {
  id: Id;
  asset_id: number;
  mount: string;
  device: string | null;
  filesystem: string | null;
  total_mb: number | null;
  free_mb: number | null;
  extra: Json;
}

export interface AssetSectionsTable {
  asset_id: number;
  section: string;
  data: Json;
  hash: string;
  updated_at: Ts;
}

export interface AssetChangesTable {
  id: Id;
  asset_id: number;
  changed_at: Ts;
  kind: string;
  subject: string;
  old_value: string | null;
  new_value: string | null;
  receipt_id: number | null;
}

export interface AccountInfoTable {
  asset_id: number;
  key: string;
  value: string;
}

export interface InventoryReceiptsTable {
  id: Id;
  received_at: Ts;
  remote_address: string | null;
  user_agent: string | null;
  protocol: string;
  query: string | null;
  content_type: string | null;
  encoding: string | null;
  size_bytes: number;
  inflated_bytes: number | null;
  sha256: string;
  outcome: string;
  error_code: string | null;
  error_message: string | null;
  device_id: string | null;
  asset_id: number | null;
  duration_ms: number | null;
  /** The request body as received (still compressed), kept for the last N inventories per asset. */
  payload: ColumnType<Buffer | null, Buffer | null, Buffer | null>;
}

export interface ApiTokensTable {
  id: Id;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: Ts;
  last_used_at: Ts | null;
  revoked_at: Ts | null;
  /** admin | analyst | viewer (migration 202611290600). */
  role: ColumnType<string, string | undefined, string>;
}

export interface UsersTable {
  id: Id;
  username: string;
  password_hash: string;
  role: string;
  disabled_at: Ts | null;
  created_at: Ts;
  updated_at: Ts;
  last_login_at: Ts | null;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: Ts;
  last_seen_at: Ts;
  expires_at: Ts;
  remote_address: string | null;
  user_agent: string | null;
}

export interface LoginAttemptsTable {
  id: Id;
  key: string;
  attempted_at: Ts;
}

export interface AuditLogTable {
  id: Id;
  at: Ts;
  actor: string;
  actor_kind: string;
  action: string;
  target: string | null;
  details: Json;
  remote_address: string | null;
}

export interface VulnerabilitiesTable {
  id: string;
  title: string | null;
  description: string | null;
  published_at: Ts | null;
  modified_at: Ts | null;
  severity: string | null;
  cvss_score: number | null;
  cvss_vector: string | null;
  epss: number | null;
  epss_percentile: number | null;
  kev: number;
  kev_due_date: string | null;
  withdrawn: number;
  data: Json;
  updated_at: Ts;
}

export interface FindingsTable {
  id: Id;
  asset_id: number;
  vulnerability_id: string;
  software_name: string;
  software_version: string | null;
  software_origin: string | null;
  matcher: string;
  confidence: number;
  fixed_version: string | null;
  status: string;
  evidence: Json;
  first_seen_at: Ts;
  last_seen_at: Ts;
  resolved_at: Ts | null;
  /** finding_evidence.hash of this finding's evidence ('' in `evidence` then); null when `evidence` holds it (rows other code wrote). */
  evidence_hash: string | null;
  /** The triage decision governing this finding (server/triage/apply.ts), null when none (migration 202611291200). */
  triage_id: number | null;
}

/** One evidence document per distinct content, shared by every finding that has it (migration 202611291300). */
export interface FindingEvidenceTable {
  hash: string;
  evidence: Json;
  created_at: Ts;
}

/** Per asset: when it was last matched and a digest of the finding set written then (unchanged → nothing to write). */
export interface AssetMatchStateTable {
  asset_id: number;
  matched_at: Ts;
  findings_digest: string;
}

export interface JobsTable {
  id: Id;
  name: string;
  key: string | null;
  payload: Json;
  state: string;
  attempts: Generated<number>;
  max_attempts: number;
  run_at: Ts;
  locked_by: string | null;
  locked_until: Ts | null;
  last_error: string | null;
  created_at: Ts;
  finished_at: Ts | null;
}

export interface AlertOutboxTable {
  id: Id;
  key: string;
  kind: string;
  channel: string;
  period: string | null;
  message_id: string;
  subject: string;
  payload: Json;
  status: string;
  attempts: Generated<number>;
  next_attempt_at: Ts;
  lease_owner: string | null;
  lease_until: Ts | null;
  last_error: string | null;
  created_at: Ts;
  sent_at: Ts | null;
}

export interface AlertDeliveriesTable {
  id: Id;
  outbox_id: number;
  attempt: number;
  node: string;
  channel: string;
  message_id: string;
  outcome: string;
  error: string | null;
  response: string | null;
  started_at: Ts;
  finished_at: Ts | null;
}

export interface FlowChecksTable {
  host: string;
  flow_id: string;
  provider: string;
  target: string;
  mandatory: number;
  status: string;
  step: string;
  detail: string;
  ms: number;
  checked_at: Ts;
}

export interface AlertStatesTable {
  rule: string;
  dedup_key: string;
  active: number;
  episode: number;
  asset_id: number | null;
  vulnerability_id: string | null;
  changed_at: Ts;
}

export interface AlertEventsTable {
  id: Id;
  event_key: string;
  rule: string;
  dedup_key: string;
  kind: string;
  asset_id: number | null;
  vulnerability_id: string | null;
  data: Json;
  created_at: Ts;
  batched_at: Ts | null;
}

/** KB tables (migration 202611290500-create-kb, issue 8). */
export interface KbSourcesTable {
  id: string;
  last_attempt_at: Ts | null;
  last_success_at: Ts | null;
  last_error: string | null;
  records: ColumnType<number, number | undefined, number>;
  meta: ColumnType<Json, Json | undefined, Json>;
}

export interface KbRawTable {
  id: Id;
  source: string;
  name: string;
  sha256: string;
  bytes: number;
  imported_at: Ts;
  parsed_at: Ts | null;
  records: ColumnType<number, number | undefined, number>;
  problems: ColumnType<number, number | undefined, number>;
  payload: Buffer | null;
}

export interface VulnerabilityRulesTable {
  id: Id;
  vulnerability_id: string;
  source: string;
  record_id: string | null;
  record_revision: string | null;
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
  updated_at: Ts | null;
}

export interface DistroFixesTable {
  id: Id;
  distro: string;
  release: string;
  package: string;
  vulnerability_id: string;
  fixed_version: string | null;
  status: string;
  urgency: string | null;
  source: string;
  record_id: string | null;
  updated_at: Ts | null;
}

export interface PackageSourcesTable {
  distro: string;
  release: string;
  binary: string;
  source: string;
  source_version: string | null;
  binary_version: string | null;
}

export interface KbProblemsTable {
  id: Id;
  source: string;
  record_ref: string | null;
  code: string;
  message: string;
  at: Ts;
}

/** Per agent network task and device address, the credential set that answered (migration 202612072300); names only. */
export interface SnmpAgentCredentialsTable {
  task: string;
  address: string;
  credential: string;
  reported_by: string;
  seen_at: Ts;
}

export interface Database {
  assets: AssetsTable;
  asset_identifiers: AssetIdentifiersTable;
  asset_software: AssetSoftwareTable;
  software_catalog: SoftwareCatalogTable;
  asset_software_items: AssetSoftwareItemsTable;
  software_holders: SoftwareHoldersTable;
  holder_bits: HolderBitsTable;
  asset_interfaces: AssetInterfacesTable;
  asset_services: AssetServicesTable;
  asset_volumes: AssetVolumesTable;
  asset_sections: AssetSectionsTable;
  asset_changes: AssetChangesTable;
  account_info: AccountInfoTable;
  inventory_receipts: InventoryReceiptsTable;
  api_tokens: ApiTokensTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  audit_log: AuditLogTable;
  vulnerabilities: VulnerabilitiesTable;
  findings: FindingsTable;
  finding_evidence: FindingEvidenceTable;
  asset_match_state: AssetMatchStateTable;
  kb_sources: KbSourcesTable;
  kb_raw: KbRawTable;
  vulnerability_rules: VulnerabilityRulesTable;
  distro_fixes: DistroFixesTable;
  package_sources: PackageSourcesTable;
  kb_problems: KbProblemsTable;
  jobs: JobsTable;
  alert_outbox: AlertOutboxTable;
  alert_deliveries: AlertDeliveriesTable;
  alert_states: AlertStatesTable;
  flow_checks: FlowChecksTable;
  alert_events: AlertEventsTable;
  snmp_credentials: SnmpCredentialsTable;
  snmp_scans: SnmpScansTable;
  snmp_agent_credentials: SnmpAgentCredentialsTable;
  triage_decisions: TriageDecisionsTable;
  alert_channels: AlertChannelsTable;
}

export type AssetRow = Selectable<AssetsTable>;
export type NewAsset = Insertable<AssetsTable>;
export type SoftwareRow = Selectable<AssetSoftwareTable>;
export type ReceiptRow = Selectable<InventoryReceiptsTable>;
export type VulnerabilityRuleRow = Selectable<VulnerabilityRulesTable>;
export type DistroFixRow = Selectable<DistroFixesTable>;
