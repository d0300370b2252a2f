/**
 * NVD `configurations` → vulnerability_rules rows, for NVD 2.0 (`nodes[].cpeMatch[]`, `criteria`) and NVD 1.1
 * (`nodes[].children[]`, `cpe_match[]`, `cpe23Uri`). Semantics (NVD "Configurations" docs, cve-sources.md):
 * an AND configuration (operator AND, or several nodes, or 1.1 children) = vulnerable CPEs RUNNING ON the
 * non-vulnerable ones; all its rules share `config_id` so the matcher can require the platform. OR-only
 * configurations get no config_id: their non-vulnerable entries are context, not requirements.
 */
import { cpeFields, unescapeCpe } from './cpe-fields.js';
import type { RuleInput } from './types.js';

type Obj = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Obj[]) : []);

export class RuleProblem extends Error {}

/** One cpeMatch / cpe_match entry → a rule (throws RuleProblem for a malformed criteria). */
export function ruleOf(m: Obj, configId: string | null, negate: boolean): RuleInput {
  const criteria = str(m.criteria) ?? str(m.cpe23Uri);
  const f = criteria ? cpeFields(criteria) : null;
  if (!criteria || !f) throw new RuleProblem(`expected a CPE 2.3 criteria (cpe:2.3:part:vendor:product:…, 13 fields), found ${JSON.stringify(criteria ?? m).slice(0, 120)}`);
  const startInc = str(m.versionStartIncluding);
  const startExc = str(m.versionStartExcluding);
  const endInc = str(m.versionEndIncluding);
  const endExc = str(m.versionEndExcluding);
  const ranged = !!(startInc || startExc || endInc || endExc);
  const version = f[3]!;
  return {
    part: f[0]!,
    vendor: unescapeCpe(f[1]!).toLowerCase(),
    product: unescapeCpe(f[2]!).toLowerCase(),
    criteria,
    // A pinned version lives in the criteria; keep its plain text so the matcher compares without unescaping.
    version_exact: !ranged && version !== '*' ? unescapeCpe(version) : null,
    version_start: startInc ?? startExc,
    start_inclusive: startExc ? 0 : 1,
    version_end: endInc ?? endExc,
    end_inclusive: endInc ? 1 : 0,
    vulnerable: m.vulnerable === false ? 0 : 1,
    config_id: configId,
    negate: negate ? 1 : 0,
    version_scheme: null,
  };
}

export interface ConfigResult {
  rules: RuleInput[];
  problems: string[];
}

function pushMatches(out: ConfigResult, node: Obj, configId: string | null, key: 'cpeMatch' | 'cpe_match') {
  const negate = node.negate === true;
  for (const m of arr(node[key])) {
    try {
      out.rules.push(ruleOf(m, configId, negate));
    } catch (e) {
      if (e instanceof RuleProblem) out.problems.push(e.message);
      else throw e;
    }
  }
}

/** NVD 2.0: `configurations[{operator?, negate?, nodes[{operator, negate, cpeMatch[]}]}]`. */
export function rulesFromNvd2(cveId: string, configurations: unknown, prefix = ''): ConfigResult {
  const out: ConfigResult = { rules: [], problems: [] };
  arr(configurations).forEach((conf, i) => {
    const nodes = arr(conf.nodes);
    const isAnd = conf.operator === 'AND' || nodes.length > 1;
    const configId = isAnd ? `${prefix}${cveId}#${i}` : null;
    for (const node of nodes) pushMatches(out, node, configId, 'cpeMatch');
  });
  return out;
}

/** NVD 1.1: `configurations.nodes[{operator, children[…], cpe_match[]}]`; each top-level node is one configuration. */
export function rulesFromNvd11(cveId: string, configurations: unknown): ConfigResult {
  const out: ConfigResult = { rules: [], problems: [] };
  const nodes = arr((configurations as Obj | null)?.nodes);
  nodes.forEach((node, i) => {
    const children = arr(node.children);
    const isAnd = node.operator === 'AND' && children.length > 0;
    const configId = isAnd ? `${cveId}#${i}` : null;
    pushMatches(out, node, configId, 'cpe_match');
    // Nesting beyond one level does not occur in the feeds; flatten it into the same configuration.
    const walk = (list: Obj[]) => {
      for (const c of list) {
        pushMatches(out, c, configId, 'cpe_match');
        walk(arr(c.children));
      }
    };
    walk(children);
  });
  return out;
}
