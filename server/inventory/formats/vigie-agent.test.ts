/**
 * The Vigie agent's OCS XML (agent/ocs-xml.ts) read back by the server's OCS parser, for every recorded collector
 * case: software with source packages, drivers and firmware as software (origins driver/firmware), services,
 * interfaces and OS survive the trip. The same XML also goes through XML::Simple, the parser of the OCS server
 * (Apache/Ocsinventory.pm), with the ForceArray list it uses, to show a stock OCS server reads it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { collectors } from '../../../agent/collectors/index.js';
import { collectInventory } from '../../../agent/inventory.js';
import { inventoryXml } from '../../../agent/ocs-xml.js';
import { collectorCases, recordedContext } from '../../../test/helpers/collector-context.js';
import { hasCommand, skipUnless } from '../../../test/helpers/components.js';
import { ocsXml } from './ocs-xml.js';

const limits = { maxDepth: 32, maxElements: 2_000_000, maxFieldBytes: 1_000_000, maxSoftware: 100_000 };

function hasXmlSimple(): boolean {
  try {
    execFileSync('perl', ['-MXML::Simple', '-e', '1'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const perlSkip = skipUnless(hasCommand('perl') && hasXmlSimple(), 'perl with XML::Simple not installed (apt-get install libxml-simple-perl)');

describe('Vigie agent XML read by the server', () => {
  for (const c of collectorCases()) {
    test(c, async () => {
      const sent = await collectInventory(recordedContext(c), collectors, { deviceId: 'host-2026-11-29-03-00-00', userAgent: 'OCS-NG_unified_unix_agent_v2.10.0', tag: 'Paris' });
      const xml = inventoryXml(sent);
      const got = ocsXml.parse(xml, { limits, userAgent: 'OCS-NG_unified_unix_agent_v2.10.0' });
      assert.equal(got.format, 'ocs-xml');
      assert.equal(got.agent.name, 'vigie-agent');
      assert.equal(got.tag, 'Paris');
      const key = (s: { name: string; version: string | null; origin: string; sourcePackage: string | null; sourceVersion: string | null; arch: string | null }) =>
        `${s.origin} ${s.name} ${s.version} ${s.arch} ${s.sourcePackage} ${s.sourceVersion}`;
      assert.deepEqual(got.software.map(key).sort(), sent.software.map(key).sort(), 'software, drivers and firmware with source packages');
      assert.deepEqual(got.services.map((s) => `${s.name} ${s.state} ${s.startMode}`).sort(), sent.services.map((s) => `${s.name} ${s.state} ${s.startMode}`).sort());
      assert.deepEqual(got.interfaces.map((i) => `${i.name} ${i.mac} ${i.ipv4} ${i.ipv6}`).sort(), sent.interfaces.map((i) => `${i.name} ${i.mac} ${i.ipv4} ${i.ipv6}`).sort());
      assert.deepEqual(got.os, sent.os.arch === 'x64' ? { ...sent.os, arch: 'x86_64' } : sent.os);
      assert.equal(got.identity.hostname, sent.identity.hostname);
      assert.deepEqual(got.volumes.map((v) => v.mount), sent.volumes.map((v) => v.mount));
      for (const s of ['vigie_ports', 'controllers', 'vigie_hotfixes', 'cpus']) {
        assert.equal(got.sections[s]?.length ?? 0, sent.sections[s]?.length ?? 0, `section ${s}`);
      }
    });
  }

  test('XML::Simple (the OCS server parser) reads DEVICEID, QUERY and every SOFTWARES item', { skip: perlSkip }, async () => {
    const sent = await collectInventory(recordedContext('debian-12'), collectors, { deviceId: 'web-01-2026-11-29-03-00-00', userAgent: 'x' });
    const perl = `use XML::Simple; local $/; my $x = XMLin(<STDIN>, ForceArray => [qw(SOFTWARES NETWORKS DRIVES ACCOUNTINFO CONTROLLERS)], SuppressEmpty => 1);
      my $c = $x->{CONTENT}; print join("|", $x->{DEVICEID}, $x->{QUERY}, scalar @{$c->{SOFTWARES}}, $c->{HARDWARE}{NAME}, $c->{HARDWARE}{CHECKSUM}, scalar @{$c->{NETWORKS}}), "\\n";`;
    const out = execFileSync('perl', ['-e', perl], { input: inventoryXml(sent) }).toString().trim().split('|');
    const plain = sent.software.filter((s) => s.origin !== 'driver' && s.origin !== 'firmware').length;
    assert.deepEqual(out.slice(0, 4), ['web-01-2026-11-29-03-00-00', 'INVENTORY', String(plain), 'web-01']);
    assert.match(out[1]!, /^INVENTORY$/);
    assert.ok(/^.+-\d{4}(-\d{2}){5}$/.test(out[0]!), 'DEVICEID in the shape the OCS server requires');
    assert.ok(Number(out[5]) >= 3);
  });
});
