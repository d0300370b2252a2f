import { readdirSync } from 'node:fs';
import { RecordingSource } from './server/snmp/recording.js';
import { collectInventory } from './server/snmp/collect.js';
import { fingerprints } from './server/snmp/fingerprint/load.js';
import { loadExpected, judge, summarise, SNMP_DEV, FIELDS } from './test/helpers/snmp-score.js';
const data = fingerprints();
const exp = loadExpected();
const rows = [];
for (const f of readdirSync(SNMP_DEV).filter((n) => n.endsWith('.snmprec') && !n.includes('@')).sort()) {
  const name = f.replace('.snmprec', '');
  const e = exp[name]; if (!e) continue;
  const inv = await collectInventory(RecordingSource.fromFile(SNMP_DEV + f), data, { sections: process.argv[2] === 'all' ? 'all' : 'identity' });
  const j = judge(e, inv, (x) => x);
  rows.push({ judged: j, found: inv });
  const bad = FIELDS.filter((k) => j[k] === false);
  if (bad.length) console.log(name.padEnd(26), bad.map((k) => `${k}: got ${JSON.stringify(k==='os'?inv.osId:inv[k])} want ${JSON.stringify(k==='os'?e.librenms_os:k==='model'?e.hardware:e[k])}`).join(' | '));
  if (inv.problems.length) console.log('   problems', inv.problems);
}
for (const s of summarise(rows)) console.log(s.field.padEnd(8), `P=${(s.precision*100).toFixed(1)}% R=${(s.recall*100).toFixed(1)}% (${s.correct}/${s.predicted}/${s.truth})`);
