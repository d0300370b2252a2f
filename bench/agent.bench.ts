/**
 * Agent benchmark: CPU seconds (user+sys), wall time and peak RSS of one inventory of this machine written to a
 * local file, for Vigie's agent (the single-file bundle run by `node`, and `vigie agent` through tsx as run from a
 * clone) against the OCS unix agent (`ocsinventory-agent --local`) and FusionInventory (`fusioninventory-inventory`),
 * measured in the same run by GNU time (rusage of each child). Median of --runs runs; ratios against the OCS agent;
 * the issue's goals are checked: CPU ≤ 1/5 of the OCS agent's, RSS ≤ 80 MB.
 *
 *   npm run bench -- agent [--runs 3]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Number(args.runs);
const ROOT = new URL('..', import.meta.url).pathname;
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) {
  console.error('GNU time (/usr/bin/time) is needed to measure children: apt-get install time');
  process.exit(2);
}
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

execFileSync(process.execPath, [join(ROOT, 'scripts/build-agent.mjs')], { stdio: 'ignore' });

interface Sample { wall: number; cpu: number; rssMb: number }
interface Subject { name: string; cmd: (dir: string) => string[] }

const subjects: Subject[] = [
  { name: 'vigie agent (bundle: node dist/vigie-agent.mjs)', cmd: (d) => [process.execPath, join(ROOT, 'dist/vigie-agent.mjs'), '--local', d, '--state-dir', d] },
  { name: 'vigie agent (tsx, from a clone)', cmd: (d) => [process.execPath, '--import', 'tsx', join(ROOT, 'server/cli/main.ts'), 'agent', '--local', d, '--state-dir', d] },
];
if (has('ocsinventory-agent')) subjects.push({ name: 'ocsinventory-agent --local', cmd: (d) => ['ocsinventory-agent', '--local', d, `--basevardir=${d}`] });
if (has('fusioninventory-inventory')) subjects.push({ name: 'fusioninventory-inventory', cmd: (d) => ['sh', '-c', `fusioninventory-inventory > ${d}/fusion.xml`] });

function measure(s: Subject): Sample {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-agent-'));
  try {
    const r = spawnSync(TIME, ['-f', 'BENCH %e %U %S %M', ...s.cmd(dir)], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
    const m = /BENCH ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
    if (r.status !== 0 || !m) throw new Error(`${s.name} failed (${r.status}): ${(r.stderr ?? '').slice(-500)}`);
    return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssMb: Number(m[4]) / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results = new Map<string, Sample>();
// Interleaved rounds, so a burst of load on the shared machine hits every subject alike.
const samples = new Map<string, Sample[]>(subjects.map((s) => [s.name, []]));
for (let i = 0; i < RUNS; i++) for (const s of subjects) samples.get(s.name)!.push(measure(s));
for (const [name, list] of samples) results.set(name, { wall: median(list.map((x) => x.wall)), cpu: median(list.map((x) => x.cpu)), rssMb: median(list.map((x) => x.rssMb)) });

const ocs = results.get('ocsinventory-agent --local');
console.log(`agent inventory of this machine, median of ${RUNS} run(s)\n`);
console.log(`${'subject'.padEnd(48)} ${'CPU s'.padStart(7)} ${'wall s'.padStart(7)} ${'peak RSS MB'.padStart(12)} ${'CPU vs OCS'.padStart(11)}`);
for (const [name, r] of results) {
  console.log(`${name.padEnd(48)} ${r.cpu.toFixed(2).padStart(7)} ${r.wall.toFixed(2).padStart(7)} ${r.rssMb.toFixed(1).padStart(12)} ${(ocs ? `${(r.cpu / ocs.cpu).toFixed(2)}×` : '-').padStart(11)}`);
}
const bundle = results.get(subjects[0]!.name)!;
if (ocs) {
  const cpuOk = bundle.cpu <= ocs.cpu / 5;
  const rssOk = bundle.rssMb <= 80;
  console.log(`\ngoals (bundle): CPU ≤ 1/5 of OCS (${(ocs.cpu / 5).toFixed(2)} s): ${cpuOk ? 'met' : 'NOT met'}; RSS ≤ 80 MB: ${rssOk ? 'met' : 'NOT met'}`);
}
