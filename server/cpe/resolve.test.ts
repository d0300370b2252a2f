/** Name → CPE resolution (aliases, KB vocabulary, heuristics) and the asset's platform (distro release, OS CPE). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAliases } from './aliases.js';
import { buildVocabulary, normaliseName, normalisePublisher, platformOf, resolveCpe } from './resolve.js';

const cat = loadAliases();
const vocab = buildVocabulary([
  { vendor: 'openssl', product: 'openssl' }, { vendor: 'haxx', product: 'curl' }, { vendor: 'videolan', product: 'vlc_media_player' },
  { vendor: 'php', product: 'php' }, { vendor: 'git-scm', product: 'git' }, { vendor: 'sudo_project', product: 'sudo' }, { vendor: 'todd_miller', product: 'sudo' },
  { vendor: 'keepass', product: 'keepass' }, { vendor: 'greenbone', product: 'openvas' },
]);

describe('software identity', () => {
  it('normalises names and publishers', () => {
    assert.equal(normaliseName('libssl3:amd64'), 'libssl3');
    assert.equal(normaliseName('Mozilla Firefox (x64 fr)'), 'mozilla_firefox');
    assert.equal(normaliseName('7-Zip 23.01 (x64)'), '7-zip');
    assert.equal(normalisePublisher('Mozilla Corporation'), 'mozilla');
    assert.equal(normalisePublisher('https://www.openssl.org/'), 'openssl');
    assert.equal(normalisePublisher('Igor Pavlov'), 'igor');
  });
  it('aliases win first, with the display name version when the field is empty', () => {
    const r = resolveCpe({ name: '7-Zip 23.01 (x64)', version: null, publisher: 'Igor Pavlov', origin: 'msi' }, cat, vocab)!;
    assert.deepEqual([r.vendor, r.product, r.version, r.method], ['7-zip', '7-zip', '23.01', 'alias']);
  });
  it('Firefox ESR and Firefox stay apart', () => {
    assert.equal(resolveCpe({ name: 'Mozilla Firefox ESR (x64 fr)', version: '115.12.0', publisher: 'Mozilla', origin: 'msi' }, cat)!.product, 'firefox_esr');
    assert.equal(resolveCpe({ name: 'Mozilla Firefox (x64 fr)', version: '128.0', publisher: 'Mozilla', origin: 'msi' }, cat)!.product, 'firefox');
  });
  it('KB vocabulary: name = product and the publisher names its vendor', () => {
    const r = resolveCpe({ name: 'openssl', version: '3.0.2', publisher: 'https://www.openssl.org/', origin: 'other' }, cat, vocab)!;
    assert.deepEqual([r.vendor, r.product, r.method, r.confidence], ['openssl', 'openssl', 'vocabulary', 0.8]);
  });
  it('an ambiguous product without a vendor hint stays unmapped', () => {
    assert.equal(resolveCpe({ name: 'sudo', version: '1.9.5p2', publisher: null, origin: 'other' }, cat, vocab), null);
  });
  it('OCS-style substring false positives do not resolve: php7.3 is not php, openvas-scanner is not openvas', () => {
    assert.equal(resolveCpe({ name: 'php7.3-common', version: '7.3.31', publisher: null, origin: 'other' }, cat, vocab), null);
    assert.equal(resolveCpe({ name: 'openvas-scanner', version: '22.4', publisher: null, origin: 'other' }, cat, vocab), null);
    assert.equal(resolveCpe({ name: 'KeePass Helper Tool', version: '1.0', publisher: 'Somebody', origin: 'msi' }, cat, vocab), null);
  });
  it('heuristic: "Vendor Product" display names when the pair is in the vocabulary', () => {
    const r = resolveCpe({ name: 'VideoLAN VLC Media Player', version: '3.0.20', publisher: 'VideoLAN', origin: 'other' }, cat, vocab)!;
    assert.deepEqual([r.vendor, r.product, r.method], ['videolan', 'vlc_media_player', 'heuristic']);
  });
});

describe('platform of an asset', () => {
  it('Debian 12 → bookworm and o:debian:debian_linux:12', () => {
    const p = platformOf({ name: 'Debian GNU/Linux 12', version: '12', fullName: 'Debian GNU/Linux 12' });
    assert.deepEqual(p.distro, { id: 'debian', release: 'bookworm', major: '12' });
    assert.equal(`${p.os!.vendor}:${p.os!.product}:${p.os!.version}`, 'debian:debian_linux:12');
  });
  it('Debian 11 with a point release', () => assert.equal(platformOf({ name: 'Debian GNU/Linux', version: '11.9', fullName: null }).distro!.release, 'bullseye'));
  it('Windows builds → NVD product per feature release', () => {
    assert.equal(platformOf({ name: 'Microsoft Windows 10 Pro', version: '10.0.19045.5247', fullName: null }).os!.product, 'windows_10_22h2');
    assert.equal(platformOf({ name: 'Microsoft Windows 11 Entreprise', version: '10.0.22631.4602', fullName: null }).os!.product, 'windows_11_23h2');
    assert.equal(platformOf({ name: 'Microsoft Windows Server 2022 Standard', version: '10.0.20348.2966', fullName: null }).os!.product, 'windows_server_2022');
    assert.equal(platformOf({ name: 'Microsoft Windows Server 2019 Datacenter', version: '10.0.17763.6659', fullName: null }).os!.version, '10.0.17763.6659');
  });
  it('Ubuntu and RHEL get an OS CPE but no Debian release', () => {
    const u = platformOf({ name: 'Ubuntu', version: '22.04', fullName: 'Ubuntu 22.04.4 LTS' });
    assert.equal(u.distro, null);
    assert.equal(u.os!.product, 'ubuntu_linux');
    assert.equal(platformOf({ name: 'Red Hat Enterprise Linux', version: '9.3', fullName: null }).os!.product, 'enterprise_linux');
  });
});
