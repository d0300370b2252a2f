/** Access to the real agent captures in ../shared/corpus/agents (used by path, never copied). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SHARED } from './components.js';

export const EXCHANGES = join(SHARED, 'corpus/agents/exchanges');

export interface RecordedRequest {
  scenario: string;
  seq: string;
  query: string;
  headers: Record<string, string>;
  body: Buffer;
  status: number;
}

export function scenarios(): string[] {
  return readdirSync(EXCHANGES).sort();
}

export function recordedRequests(scenario: string): RecordedRequest[] {
  const dir = join(EXCHANGES, scenario);
  return readdirSync(dir)
    .filter((f) => f.endsWith('-meta.json'))
    .sort()
    .map((f) => {
      const meta = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { seq: string; query: string; rawHeaders: string[]; response: { status: number } };
      const headers: Record<string, string> = {};
      for (let i = 0; i < meta.rawHeaders.length; i += 2) headers[meta.rawHeaders[i]!.toLowerCase()] = meta.rawHeaders[i + 1]!;
      delete headers['content-length'];
      delete headers['host'];
      return { scenario, seq: meta.seq, query: meta.query, headers, body: readFileSync(join(dir, `${meta.seq}-req.body`)), status: meta.response.status };
    });
}

/** The decompressed XML of a recorded request. */
export function recordedXml(scenario: string, seq: string): string {
  return gunzipSync(readFileSync(join(EXCHANGES, scenario, `${seq}-req.xml.gz`))).toString('utf8');
}

/** The real OCS agent's full inventory (909 packages, 364 KB). */
export const ocsFullXml = () => recordedXml('ocs-full', '002');
