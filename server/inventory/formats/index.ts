/**
 * The only list of wire-format parsers (style.md §3.3), and detection of which one a decoded payload needs
 * (XML starts with `<`, JSON with `{`: the two never overlap).
 */
import { VigieError } from '../../../common/errors.js';
import type { Inventory } from '../../../common/inventory/model.js';
import { defineRegistry } from '../../registry.js';
import { glpiJson } from './glpi-json.js';
import { ocsXml } from './ocs-xml.js';
import type { FormatParser, ParseContext } from './types.js';

export const formats = defineRegistry<FormatParser>('format', [ocsXml, glpiJson]);
export type FormatId = FormatParser['id'];

/** The parser that recognises the decoded text, from its first bytes. */
export function detectFormat(text: string): FormatParser {
  const head = text.slice(0, 1024);
  const found = formats.all.find((f) => f.detect(head));
  if (!found) {
    const shown = JSON.stringify(head.trimStart().slice(0, 40));
    throw new VigieError('INVENTORY_UNSUPPORTED_FORMAT', `payload rejected: expected an XML <REQUEST> or a JSON object, found ${shown}`);
  }
  return found;
}

/** Detects the format and parses: for payloads that arrive without a protocol (CLI import, reprocessing). */
export function inventoryFromText(text: string, ctx: ParseContext): Inventory {
  return detectFormat(text).parse(text, ctx);
}
