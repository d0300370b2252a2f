/**
 * The knowledge base tables (issue 8, KB half): provenance per importer (kb_sources), the raw inputs as imported
 * (kb_raw, gzip), version-range rules per CVE and source (vulnerability_rules), distro tracker verdicts
 * (distro_fixes), the binary → source package map of Debian Packages indexes (package_sources) and per-record
 * import problems (kb_problems). The matcher (server/matcher) reads rules, fixes and package sources.
 */
import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = await columnTypes(db);
  await db.schema
    .createTable('kb_sources')
    .addColumn('id', 'text', (c) => c.primaryKey()) // importer id (server/kb/importers/index.ts)
    .addColumn('last_attempt_at', t.ts)
    .addColumn('last_success_at', t.ts)
    .addColumn('last_error', 'text')
    .addColumn('records', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('meta', 'text', (c) => c.notNull().defaultTo('{}')) // JSON: data date, sync cursor, problem count…
    .execute();

  await db.schema
    .createTable('kb_raw')
    .addColumn('id', t.id, (c) => t.pk(c))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull()) // file name or URL
    .addColumn('sha256', 'text', (c) => c.notNull()) // of the uncompressed bytes, so file.json and file.json.gz are one input
    .addColumn('bytes', 'integer', (c) => c.notNull()) // uncompressed size
    .addColumn('imported_at', t.ts, (c) => c.notNull())
    // null until every record of the input is written: an interrupted import is parsed again (resume), a finished one is skipped
    .addColumn('parsed_at', t.ts)
    .addColumn('records', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('problems', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('payload', t.blob) // gzip of the raw input
    .addUniqueConstraint('kb_raw_source_sha256', ['source', 'sha256'])
    .execute();

  await db.schema
    .createTable('vulnerability_rules')
    .addColumn('id', t.id, (c) => t.pk(c))
    .addColumn('vulnerability_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull()) // nvd | nvd-overrides | cve5 …
    .addColumn('record_id', 'text')
    .addColumn('record_revision', 'text') // lastModified / dateUpdated of the record the rule came from
    .addColumn('part', 'text', (c) => c.notNull()) // a | o | h
    .addColumn('vendor', 'text', (c) => c.notNull()) // plain text, lower-case
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('criteria', 'text', (c) => c.notNull()) // CPE 2.3 formatted string (escaped) or purl
    .addColumn('version_exact', 'text')
    .addColumn('version_start', 'text')
    .addColumn('start_inclusive', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('version_end', 'text')
    .addColumn('end_inclusive', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('vulnerable', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('config_id', 'text') // shared by the rules of one AND configuration (app running on platform)
    .addColumn('negate', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version_scheme', 'text') // id in server/versions/index.ts when the source says (CVE 5 versionType)
    .addColumn('updated_at', t.ts)
    .execute();
  await db.schema.createIndex('vulnerability_rules_product').on('vulnerability_rules').columns(['vendor', 'product']).execute();
  await db.schema.createIndex('vulnerability_rules_vuln').on('vulnerability_rules').columns(['vulnerability_id', 'source']).execute();
  await db.schema.createIndex('vulnerability_rules_config').on('vulnerability_rules').column('config_id').execute();

  await db.schema
    .createTable('distro_fixes')
    .addColumn('id', t.id, (c) => t.pk(c))
    .addColumn('distro', 'text', (c) => c.notNull()) // debian
    .addColumn('release', 'text', (c) => c.notNull()) // bookworm
    .addColumn('package', 'text', (c) => c.notNull()) // SOURCE package
    .addColumn('vulnerability_id', 'text', (c) => c.notNull())
    .addColumn('fixed_version', 'text')
    .addColumn('status', 'text', (c) => c.notNull()) // resolved | open | not-affected | undetermined | end-of-life | ignored
    .addColumn('urgency', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text')
    .addColumn('updated_at', t.ts)
    .addUniqueConstraint('distro_fixes_unique', ['distro', 'release', 'package', 'vulnerability_id'])
    .execute();
  await db.schema.createIndex('distro_fixes_package').on('distro_fixes').columns(['distro', 'release', 'package']).execute();
  await db.schema.createIndex('distro_fixes_vuln').on('distro_fixes').column('vulnerability_id').execute();

  // Keyed by a unique constraint rather than a PRIMARY KEY: PostgreSQL makes primary-key columns NOT NULL, and
  // rows written by hand (tests, manual fixes) may lack binary_version. The importer always fills it.
  await db.schema
    .createTable('package_sources')
    .addColumn('distro', 'text', (c) => c.notNull())
    .addColumn('release', 'text', (c) => c.notNull())
    .addColumn('binary', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_version', 'text')
    .addColumn('binary_version', 'text')
    .addUniqueConstraint('package_sources_pk', ['distro', 'release', 'binary', 'binary_version'])
    .execute();

  await db.schema
    .createTable('kb_problems')
    .addColumn('id', t.id, (c) => t.pk(c))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('record_ref', 'text') // file:line or record id
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('kb_problems_source').on('kb_problems').columns(['source', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['kb_problems', 'package_sources', 'distro_fixes', 'vulnerability_rules', 'kb_raw', 'kb_sources']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
