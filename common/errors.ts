/**
 * VigieError: the one error type that crosses module and API boundaries.
 * Codes live in one catalog so they are unique and documented (style.md §3.7).
 */

export const errorCatalog = {
  CONFIG_INVALID: { httpStatus: 500, summary: 'the configuration file or environment has an invalid key' },
  DB_URL_INVALID: { httpStatus: 500, summary: 'VIGIE_DB_URL is neither sqlite:<path> nor postgres://…' },
  INVENTORY_MALFORMED: { httpStatus: 400, summary: 'the payload is not a well-formed inventory message' },
  INVENTORY_TOO_LARGE: { httpStatus: 413, summary: 'the payload exceeds a size, depth or count cap' },
  INVENTORY_BAD_ENCODING: { httpStatus: 400, summary: 'the body could not be decompressed or is not valid UTF-8' },
  INVENTORY_FORBIDDEN_MARKUP: { httpStatus: 400, summary: 'the XML holds a DTD, entity declaration or external reference' },
  INVENTORY_UNKNOWN_QUERY: { httpStatus: 400, summary: 'the QUERY element is missing or names no known message' },
  INVENTORY_BAD_DEVICEID: { httpStatus: 400, summary: 'DEVICEID is missing or not in the agent format' },
  INVENTORY_INVALID: { httpStatus: 422, summary: 'the inventory failed validation against the canonical model' },
  INVENTORY_UNSUPPORTED_FORMAT: { httpStatus: 415, summary: 'no parser recognises this payload' },
  AGENT_UNAUTHORIZED: { httpStatus: 401, summary: 'the agent did not give valid credentials' },
  API_UNAUTHORIZED: { httpStatus: 401, summary: 'no valid bearer token' },
  API_NOT_FOUND: { httpStatus: 404, summary: 'no such resource' },
  API_FORBIDDEN: { httpStatus: 403, summary: 'the role of this user or token does not allow the action (viewer: read only; admin-only settings)' },
  API_CONFLICT: { httpStatus: 409, summary: 'the resource already exists (e.g. a user name)' },
  AUTH_INVALID_CREDENTIALS: { httpStatus: 401, summary: 'wrong user name or password, or the account is disabled' },
  AUTH_CSRF_INVALID: { httpStatus: 403, summary: 'a state-changing request with a session cookie lacks the matching X-CSRF-Token header' },
  AUTH_RATE_LIMITED: { httpStatus: 429, summary: 'too many failed logins from this address or for this user; wait for the window to pass' },
  API_BAD_REQUEST: { httpStatus: 400, summary: 'the request parameters are invalid' },
  ASSET_MERGE_INVALID: { httpStatus: 409, summary: 'these assets cannot be merged' },
  VERSION_UNPARSABLE: { httpStatus: 400, summary: 'a version string does not follow its scheme' },
  SNMP_DEFINITION_INVALID: { httpStatus: 500, summary: 'a data/snmp fingerprint file does not follow its schema' },
  SNMP_TIMEOUT: { httpStatus: 504, summary: 'the SNMP agent did not answer (wrong credentials, filtered or down)' },
  SNMP_AUTH_FAILED: { httpStatus: 401, summary: 'the SNMPv3 agent refused the user, keys or protocols' },
  SNMP_TARGET_INVALID: { httpStatus: 400, summary: 'an SNMP target, range or credential set is malformed or not allowed' },
  CPE_INVALID: { httpStatus: 400, summary: 'a string is not a CPE 2.3 formatted string' },
  CPE_ALIASES_INVALID: { httpStatus: 500, summary: 'a data/cpe/aliases file does not follow its schema' },
  MATCH_KB_MISSING: { httpStatus: 503, summary: 'the knowledge base tables the matcher reads are not there yet' },
  KB_RECORD_INVALID: { httpStatus: 422, summary: 'one record of a knowledge-base input is malformed (counted in kb_problems, never fatal)' },
  KB_RULE_INVALID: { httpStatus: 422, summary: 'one affected-product entry of a KB record has no usable CPE (counted, the rest of the record is kept)' },
  KB_VERSION_UNCOMPARABLE: { httpStatus: 422, summary: 'a KB record gives affected versions only as source-control commit ranges (git), which cannot be ordered against installed versions; no rule is stored for them' },
  KB_RECORD_UNSUPPORTED: { httpStatus: 422, summary: 'a record in a CIRCL answer is in a format the KB does not import (GHSA/PySec OSV, CSAF)' },
  KB_SELECTION_INVALID: { httpStatus: 400, summary: 'a KB command names a source or stored input that does not exist (the message lists the known ones); nothing was done' },
  KB_INPUT_INVALID: { httpStatus: 400, summary: 'a whole KB input is unreadable (truncated gzip, broken JSON around the records); the import goes on with the next' },
  IMPORT_FAILED: { httpStatus: 400, summary: 'a file given to vigie import could not be ingested' },
  CHANNEL_DELIVERY_FAILED: { httpStatus: 502, summary: 'an alert channel (SMTP, webhook, syslog) did not accept a message' },
  CHANNEL_UNKNOWN: { httpStatus: 404, summary: 'no alert channel of that name under alerts.channels' },
  BACKUP_INVALID: { httpStatus: 400, summary: 'a file given to vigie restore is not a sound Vigie SQLite database (header, integrity, migrations)' },
  BACKUP_UNSUPPORTED: { httpStatus: 400, summary: 'vigie backup/restore works on SQLite only; use pg_dump/pg_restore for PostgreSQL' },
  BACKUP_DB_IN_USE: { httpStatus: 409, summary: 'a running server holds the database; stop it or pass --force' },
} as const;

export type ErrorCode = keyof typeof errorCatalog;

export interface VigieErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
  httpStatus?: number;
}

export class VigieError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: VigieErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VigieError';
    this.code = code;
    this.httpStatus = options.httpStatus ?? errorCatalog[code].httpStatus;
    this.details = options.details;
  }
}

export function isVigieError(e: unknown): e is VigieError {
  return e instanceof VigieError;
}
