/** Network firmware matcher: SNMP-style OS rows (FortiOS, Cisco IOS trains, PAN-OS hotfixes) against real NVD criteria shapes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { item, memoryKb, sw } from '../../test/helpers/matcher.js';
import { firmware, normaliseFirmwareVersion } from './firmware.js';

const device = (name: string, version: string, publisher: string) => item(sw({ name, version, publisher, origin: 'os' }), { name: null, version: null, fullName: null });

describe('firmware matcher', () => {
  it('normalises SNMP version strings', () => {
    assert.equal(normaliseFirmwareVersion('v7.2.6,build1575,230926 (GA.F)'), '7.2.6');
    assert.equal(normaliseFirmwareVersion('15.2(4)E10'), '15.2(4)e10');
    assert.equal(normaliseFirmwareVersion('10.2.8-h3'), '10.2.8-h3');
  });
  it('FortiOS range 7.2.0 ≤ v ≤ 7.2.5 from a FortiGate version string', () => {
    const kb = memoryKb([{ vulnerability_id: 'CVE-2023-27997', criteria: 'cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*', version_start: '7.2.0', version_end: '7.2.5', end_inclusive: 1 }]);
    assert.equal(firmware.match(device('FortiOS', 'v7.2.4,build1396,230131 (GA.F)', 'Fortinet'), kb).candidates.length, 1);
    assert.equal(firmware.match(device('FortiOS', 'v7.2.6,build1575,230926 (GA.F)', 'Fortinet'), kb).candidates.length, 0);
  });
  it('Cisco IOS listed versions are exact (escaped parentheses, lower case)', () => {
    const kb = memoryKb([{ vulnerability_id: 'CVE-2018-0171', criteria: 'cpe:2.3:o:cisco:ios:15.2\\(4\\)e10:*:*:*:*:*:*:*' }]);
    assert.equal(firmware.match(device('IOS', '15.2(4)E10', 'Cisco'), kb).candidates.length, 1);
    assert.equal(firmware.match(device('IOS', '15.2(4)E1', 'Cisco'), kb).candidates.length, 0);
    assert.equal(firmware.match(device('IOS XE', '15.2(4)E10', 'Cisco'), kb).candidates.length, 0); // other product
  });
  it('PAN-OS hotfix builds sit above their base release', () => {
    const kb = memoryKb([{ vulnerability_id: 'CVE-2024-3400', criteria: 'cpe:2.3:o:paloaltonetworks:pan-os:*:*:*:*:*:*:*:*', version_start: '10.2.0', version_end: '10.2.9-h1' }]);
    assert.equal(firmware.match(device('PAN-OS', '10.2.8-h3', 'Palo Alto Networks'), kb).candidates.length, 1);
    assert.equal(firmware.match(device('PAN-OS', '10.2.9-h1', 'Palo Alto Networks'), kb).candidates.length, 0);
  });
  it("the collector's extra.cpe and versionScheme come first (SNMP fingerprint definitions)", () => {
    const kb = memoryKb([{ vulnerability_id: 'CVE-2023-27997', criteria: 'cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*', version_start: '7.2.0', version_end: '7.2.5', end_inclusive: 1 }]);
    const i = item(sw({ name: 'FortiGate OS', version: '7.2.4', publisher: 'Fortinet', origin: 'firmware', cpe: 'cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*', versionScheme: 'fortios' }), { name: null, version: null, fullName: null });
    assert.equal(i.cpe!.method, 'agent');
    const c = firmware.match(i, kb).candidates[0]!;
    assert.equal(c.evidence.comparison.scheme, 'fortios');
  });
  it('does not apply to desktop software', () => {
    assert.equal(firmware.appliesTo(item(sw({ name: 'Mozilla Firefox', version: '1', origin: 'msi' }))), false);
  });
});
