/** Table tests of the network firmware schemes (cisco-ios, junos, fortios, panos, huawei-vrp, aruba-switch). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arubaSwitch } from './aruba-switch.js';
import { ciscoIos } from './cisco-ios.js';
import { fortios } from './fortios.js';
import { huaweiVrp } from './huawei-vrp.js';
import { versionSchemes } from './index.js';
import { junos } from './junos.js';
import { panos } from './panos.js';
import type { VersionScheme } from './types.js';

const sign = (n: number): number => Math.sign(n);

const ORDER: [VersionScheme, string, string, -1 | 0 | 1][] = [
  [ciscoIos, '12.2(55)SE12', '12.2(55)SE9', 1],
  [ciscoIos, '12.2(55)SE12', '12.2(58)SE1', -1],
  [ciscoIos, '15.5(3)S1a', '15.5(3)S1', 1],
  [ciscoIos, '17.15.2', '17.9.4', 1],
  [ciscoIos, '7.0(3)I7(8)', '7.0(3)I7(10)', -1],
  [ciscoIos, '9.12(3)', '9.12(3)', 0],
  [junos, '18.2R1.9', '18.2R3', -1],
  [junos, '19.4R3.11', '19.4R3-S1.3', -1],
  [junos, 'JUNOS 18.2R1.9', '18.2R1.9', 0],
  [fortios, 'v7.2.6,build1575,230926 (GA.F)', '7.2.6', 0],
  [fortios, 'v6.4.12,build2060', 'v6.4.8,build1914', 1],
  [panos, '10.1.14-h6', '10.1.14', 1],
  [panos, '10.1.14-h6', '10.1.14-h11', -1],
  [panos, '9.0.5', '10.0.0', -1],
  [huaweiVrp, 'V200R010C00SPC600', 'V200R009C00SPC500', 1],
  [huaweiVrp, 'V200R010C00SPC600', 'V200R010C00SPC700', -1],
  [arubaSwitch, 'FL.10.10.1030', 'FL.10.09.1000', 1],
  [arubaSwitch, 'W.15.08.0012', 'W.15.08.0012', 0],
];

test('network schemes order versions', () => {
  for (const [s, a, b, want] of ORDER) {
    assert.equal(sign(s.compare(a, b)), want, `${s.id}: ${a} vs ${b}`);
    assert.equal(sign(s.compare(b, a)), want === 0 ? 0 : -want, `${s.id}: ${b} vs ${a} (antisymmetric)`);
  }
});

const NORMAL: [VersionScheme, string, string][] = [
  [ciscoIos, 'Version 12.2(55)SE12, RELEASE SOFTWARE', '12.2(55)SE12'],
  [junos, 'JUNOS [18.2R1.9]', '18.2R1.9'],
  [fortios, 'v7.4.0,build0767,230602 (GA)', '7.4.0'],
  [panos, '10.1.14-H6', '10.1.14-h6'],
  [huaweiVrp, 'v200r010c00spc600', 'V200R010C00SPC600'],
  [arubaSwitch, 'gl.10.04.2000', 'GL.10.04.2000'],
];

test('network schemes normalise device spellings', () => {
  for (const [s, raw, want] of NORMAL) assert.equal(s.normalise!(raw), want, `${s.id}: ${raw}`);
});

const VALID: [VersionScheme, string, boolean][] = [
  [ciscoIos, '12.2(55)SE12', true],
  [ciscoIos, 'CAT9K_IOSXE', false],
  [junos, '14.1X53-D40.8', true],
  [junos, '22.2R3-S1.3-EVO', true],
  [junos, 'gsm-fw', false],
  [fortios, 'v7.2.6,build1575', true],
  [fortios, 'GA', false],
  [panos, '10.2.9-h1', true],
  [panos, '10.2', false],
  [huaweiVrp, 'V200R001C00SPC300', true],
  [huaweiVrp, 'S5720', false],
  [arubaSwitch, 'YA.16.11.0014', true],
  [arubaSwitch, '16.11', false],
];

test('network schemes say which strings they understand', () => {
  for (const [s, v, want] of VALID) assert.equal(s.valid!(v), want, `${s.id}: ${v}`);
});

test('network schemes are registered', () => {
  for (const id of ['cisco-ios', 'junos', 'fortios', 'panos', 'huawei-vrp', 'aruba-switch']) assert.ok(versionSchemes.get(id), id);
});
