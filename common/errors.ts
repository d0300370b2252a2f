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
  API_BAD_REQUEST: { httpStatus: 400, summary: 'the request parameters are invalid' },
  ASSET_MERGE_INVALID: { httpStatus: 409, summary: 'these assets cannot be merged' },
  VERSION_UNPARSABLE: { httpStatus: 400, summary: 'a version string does not follow its scheme' },
  IMPORT_FAILED: { httpStatus: 400, summary: 'a file given to vigie import could not be ingested' },
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
