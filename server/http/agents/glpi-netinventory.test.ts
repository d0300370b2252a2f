/**
 * GLPI Agent netinventory messages over inject(), on every dialect: every device one agent reports is its own asset,
 * identified by the device (serial, MACs, name) and fingerprinted like Vigie's own scans, whatever the agent's
 * deviceid; the agent's own asset is left alone; a re-send changes nothing; malformed or blocked: refused, nothing
 * stored. Messages are the examples of ../shared/corpus/glpi/examples with the agent's deviceid.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { deflateSync, gzipSync, inflateSync, gunzipSync } from 'node:zlib';
import { hasShared, SHARED, skipUnless } from '../../../test/helpers/components.js';
import { dialectSkip, testDialects } from '../../../test/helpers/db.js';
import { startTestServer, type TestServer } from '../../../test/helpers/app.js';

const sharedSkip = skipUnless(hasShared, '../shared corpus not present');

interface Page<T> { items: T[]; nextCursor: string | null }
interface Asset { id: number; hostname: string | null; kind: string; deviceId: string; vendor: string | null; model: string | null; serial: string | null; sourceFormat: string; userAgent: string | null; ipAddress: string | null; os: { name: string | null; version: string | null } }
interface Detail extends Asset { interfaces: unknown[]; sections: { snmp?: { reportedBy?: string; osId: string | null }[]; neighbors?: unknown[] } }
interface Receipt { query: string | null; protocol: string; outcome: string; deviceId: string | null; assetId: number | null; errorCode: string | null }
interface Message { action: string; deviceid: string; itemtype: string; content: { network_device: Record<string, unknown> } & Record<string, unknown> }

const AGENT = 'glpi-agent-host-2026-01-02-03-04-05';
const HEADERS = { 'glpi-agent-id': '7d4f0c2e-5b1a-4c3d-9e8f-0a1b2c3d4e5f', 'user-agent': 'GLPI-Agent_v1.7' };
const example = (name: string): Message => ({ ...(JSON.parse(readFileSync(`${SHARED}corpus/glpi/examples/${name}.json`, 'utf8')) as Message), deviceid: AGENT });
/** The examples carry no sysDescr; GLPI Agent sends it as network_device.description. */
function withDescr(name: string, description: string): Message {
  const m = example(name);
  m.content.network_device.description = description;
  return m;
}
const IOS = 'Cisco IOS Software, C3750 Software (C3750-IPSERVICESK9-M), Version 12.2(55)SE6, RELEASE SOFTWARE (fc1)';
const JETDIRECT = 'HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI24090048,CIDATE 09/16/2019';

type Encoding = 'zlib' | 'gzip' | 'plain';
const TYPES: Record<Encoding, string> = { zlib: 'application/x-compress-zlib', gzip: 'application/x-compress-gzip', plain: 'application/json' };
async function send(s: TestServer, body: unknown, encoding: Encoding = 'zlib') {
  const text = JSON.stringify(body);
  const payload = encoding === 'zlib' ? deflateSync(text) : encoding === 'gzip' ? gzipSync(text) : Buffer.from(text);
  const res = await s.app.inject({ method: 'POST', url: '/', headers: { ...HEADERS, 'content-type': TYPES[encoding] }, payload });
  const raw = res.rawPayload;
  const reply = res.statusCode === 200 ? (JSON.parse((encoding === 'zlib' ? inflateSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw).toString()) as Record<string, unknown>) : (res.json() as Record<string, unknown>);
  return { status: res.statusCode, contentType: res.headers['content-type'], reply };
}

const assets = async (s: TestServer) => (await s.api<Page<Asset>>('/assets?limit=100&sort=id')).body.items;
const changes = async (s: TestServer, id: number) => (await s.api<Page<{ kind: string; subject: string }>>(`/assets/${id}/changes?limit=500`)).body.items;
const receipts = async (s: TestServer) => (await s.api<Page<Receipt>>('/receipts?limit=100')).body.items;

for (const dialect of testDialects()) {
  /** Each test on a server of its own (its own database). */
  const onServer = (fn: (s: TestServer) => Promise<void>) => async () => {
    const s = await startTestServer(dialect);
    try {
      await fn(s);
    } finally {
      await s.close();
    }
  };

  describe(`GLPI netinventory on ${dialect}`, { skip: sharedSkip || (await dialectSkip(dialect)) }, () => {
    test('one agent, several devices: one asset each, fingerprinted; the agent\'s asset untouched; a re-send changes nothing', onServer(async (s) => {
      const own = { ...(JSON.parse(readFileSync(`${SHARED}corpus/glpi/examples/computer_2.json`, 'utf8')) as Message), deviceid: AGENT };
      assert.equal((await send(s, own)).status, 200);
      const [agent] = await assets(s);
      assert.ok(agent);
      const agentBefore = await s.api<Detail>(`/assets/${agent.id}`);
      const agentChanges = await changes(s, agent.id);

      for (const [msg, encoding] of [[withDescr('networkequipment_2', IOS), 'zlib'], [withDescr('printer_1', JETDIRECT), 'gzip'], [example('networkequipment_3'), 'plain']] as const) {
        const r = await send(s, msg, encoding);
        assert.equal(r.status, 200, JSON.stringify(r.reply));
        assert.equal(r.contentType, TYPES[encoding]);
        assert.deepEqual(r.reply, { status: 'ok', expiration: 24 });
      }
      const list = await assets(s);
      assert.equal(list.length, 4, JSON.stringify(list.map((a) => [a.id, a.hostname, a.serial])));
      const bySerial = (serial: string) => list.find((a) => a.serial === serial)!;

      const cisco = bySerial('FOC1243W0ED');
      assert.deepEqual(
        [cisco.kind, cisco.sourceFormat, cisco.hostname, cisco.vendor, cisco.model, cisco.os.name, cisco.os.version, cisco.ipAddress, cisco.userAgent],
        ['network', 'snmp', '3k-1-pa3.glpi-project.infra', 'Cisco', 'WS-C3750G-48TS-S', 'IOS', '12.2(55)SE6', '10.1.0.100', 'GLPI-Agent_v1.7'],
      );
      assert.notEqual(cisco.deviceId, AGENT);
      const detail = (await s.api<Detail>(`/assets/${cisco.id}`)).body;
      assert.equal(detail.interfaces.length, 475);
      assert.deepEqual([detail.sections.snmp?.[0]?.reportedBy, detail.sections.snmp?.[0]?.osId], [AGENT, 'ios']);
      assert.ok((detail.sections.neighbors?.length ?? 0) > 0);
      const os = (await s.api<Page<{ name: string; version: string; origin: string; extra: Record<string, string> }>>(`/assets/${cisco.id}/software?origin=os`)).body.items;
      assert.deepEqual(os.map((x) => [x.name, x.version, x.extra.cpe, x.extra.versionScheme]), [['IOS', '12.2(55)SE6', 'cpe:2.3:o:cisco:ios:12.2\\(55\\)se6:*:*:*:*:*:*:*', 'cisco-ios']]);

      const printer = bySerial('PHCVN191TG');
      assert.deepEqual([printer.kind, printer.vendor, printer.model, printer.os.name, printer.os.version], ['printer', 'HP', 'HP LaserJet M507', 'HP printer firmware', '2409048_052887']);
      // no sysDescr: the firmware's shape (YA.15.x, not AOS-CX's xx.10.x) tells the HP definitions apart
      const hp = bySerial('CN5BFP62CP');
      assert.deepEqual([hp.kind, hp.vendor, hp.model, hp.hostname, hp.os.name], ['network', 'HPE Aruba', '2530-48G', 'HP-2530-48G', 'ArubaOS-Switch']);
      assert.equal(new Set([cisco.id, printer.id, hp.id, agent.id]).size, 4);

      // the agent named as the source of each device: a receipt per device, under the agent's deviceid
      const got = await receipts(s);
      for (const a of [cisco, printer, hp]) {
        assert.deepEqual(got.filter((r) => r.assetId === a.id).map((r) => `${r.protocol}:${r.query}:${r.outcome}:${r.deviceId}`), [`glpi:NETINVENTORY:accepted:${AGENT}`], a.hostname ?? '');
      }
      assert.deepEqual((await s.api<Detail>(`/assets/${agent.id}`)).body, agentBefore.body, "the agent's own asset is not touched");
      assert.deepEqual(await changes(s, agent.id), agentChanges);

      // the same device again: the same asset, no change entry
      assert.equal((await send(s, withDescr('networkequipment_2', IOS))).status, 200);
      assert.equal((await assets(s)).length, 4);
      assert.deepEqual((await changes(s, cisco.id)).map((c) => c.kind), ['asset_created']);

      // printer_3 is printer_2 with one more port: one asset, the port as a change
      assert.equal((await send(s, example('printer_2'))).status, 200);
      const canon = (await assets(s)).find((a) => a.serial === 'SDFSDF9874')!;
      assert.deepEqual([canon.kind, canon.vendor, canon.os.name, canon.os.version], ['printer', 'Canon', 'Canon printer firmware', '8745213_951236']);
      assert.equal((await send(s, example('printer_3'))).status, 200);
      assert.equal((await assets(s)).length, 5);
      assert.equal((await s.api<Detail>(`/assets/${canon.id}`)).body.interfaces.length, 3);
      assert.ok((await changes(s, canon.id)).length > 1, 'the added port is a change');
    }));

    test('a malformed netinventory: 400 with the reason, nothing stored', onServer(async (s) => {
      const base = { action: 'netinventory', deviceid: AGENT, itemtype: 'NetworkEquipment' };
      const cases: [unknown, string, RegExp][] = [
        [base, 'INVENTORY_MALFORMED', /^netinventory rejected: expected a "content" object, found none \(device glpi-agent-host-/],
        [{ ...base, content: 'sw1' }, 'INVENTORY_MALFORMED', /expected a "content" object, found a string/],
        [{ ...base, content: { network_ports: [{ ifnumber: 1 }] } }, 'INVENTORY_MALFORMED', /expected a content\.network_device object, found none/],
        [{ ...base, content: { network_device: [{ name: 'sw1' }] } }, 'INVENTORY_MALFORMED', /expected a content\.network_device object, found an array/],
        [{ ...base, content: { network_device: { cpu: 4, ips: ['10.0.0.1'] } } }, 'INVENTORY_MALFORMED', /expected content\.network_device with a name, serial, mac or description, found none of them/],
        [{ action: 'netinventory', content: { network_device: { name: 'sw1' } } }, 'INVENTORY_BAD_DEVICEID', /^netinventory rejected: expected a "deviceid" string, found none$/],
      ];
      for (const [body, code, message] of cases) {
        const r = await send(s, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.reply.status, 'error');
        assert.equal(r.reply.code, code, JSON.stringify(body));
        assert.match(String(r.reply.message), message);
      }
      assert.deepEqual(await assets(s), [], 'nothing stored');
      const got = await receipts(s);
      assert.equal(got.length, cases.length);
      assert.ok(got.every((r) => r.outcome === 'rejected' && r.protocol === 'glpi' && r.query === 'NETINVENTORY' && r.assetId === null), JSON.stringify(got));
    }));

    test('a blocked agent: its netinventory refused with 403, nothing stored', onServer(async (s) => {
      const own = { action: 'inventory', deviceid: AGENT, itemtype: 'Computer', content: { hardware: { name: 'glpi-agent-host' }, operatingsystem: { name: 'Debian', version: '12' } } };
      assert.equal((await send(s, own)).status, 200);
      const [agent] = await assets(s);
      assert.equal((await s.api(`/assets/${agent!.id}`, { method: 'PATCH', body: { status: 'blocked' } })).status, 200);
      const r = await send(s, withDescr('networkequipment_2', IOS));
      assert.equal(r.status, 403);
      assert.equal(r.reply.code, 'AGENT_UNAUTHORIZED');
      assert.match(String(r.reply.message), /^netinventory refused: device glpi-agent-host-2026-01-02-03-04-05 is blocked by an administrator$/);
      assert.equal((await assets(s)).length, 1);
    }));
  });
}
