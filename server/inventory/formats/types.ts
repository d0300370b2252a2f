/**
 * Contract of a wire-format parser (style.md §3.3): one file per format, registered in index.ts.
 * A parser takes the decoded text of one agent message and returns the canonical Inventory, or throws a
 * VigieError (INVENTORY_MALFORMED / INVENTORY_TOO_LARGE / INVENTORY_FORBIDDEN_MARKUP / INVENTORY_INVALID).
 */
import type { Inventory } from '../../../common/inventory/model.js';
import type { XmlLimits } from './xml.js';

export interface ParseLimits extends XmlLimits {
  maxSoftware: number;
}

export interface ParseContext {
  limits: ParseLimits;
  /** User-Agent header of the request, when it came over HTTP. */
  userAgent?: string | null;
  /** GLPI-Agent-ID header (GLPI native protocol). */
  agentId?: string | null;
}

export interface FormatParser {
  id: 'ocs-xml' | 'glpi-json';
  /** Cheap sniff of the first bytes of the decoded text. */
  detect(head: string): boolean;
  parse(text: string, ctx: ParseContext): Inventory;
}
