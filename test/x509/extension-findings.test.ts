/**
 * RFC 5280 §4.2.1 extension decoders, audited for "well-formed is not conformant" (issue 9):
 * every odd but readable value in a non-critical extension is a finding on a certificate that
 * parses, never a parse failure; a value that does not decode is EXTENSION_MALFORMED with
 * the field null.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { fromHex } from '../../src/internal/bytes.js';
import { contextTag, encodeOid, encodeSequence, encodeString, encodeTlv, readSingleTagged, Tag } from '../../src/x509/der.js';
import { encodeGeneralName, encodeGeneralNames, parseExtensionList } from '../../src/x509/extensions.js';
import { encodeNameConstraints } from '../../src/x509/name-constraints-encode.js';
import { type X509Finding, X509FindingId as F } from '../../src/x509/findings.js';
import { buildCertificate, type Certificate, ExtensionOid as O } from '../../src/x509/index.js';
import { days, key, T0 } from './pki.js';

const backend = nobleBackend;
let signer: EcPrivateKey;

beforeAll(async () => {
  signer = await key(backend, 'P-256', 0);
});

function withExtension(oid: string, value: Uint8Array): Promise<Certificate> {
  return buildCertificate({
    subject: { CN: 'findings' },
    notBefore: T0,
    notAfter: days(T0, 10),
    publicKey: publicKeyOf(signer),
    signer,
    subjectKeyIdentifier: oid === O.subjectKeyIdentifier ? false : undefined,
    extensions: [{ oid, value }],
    backend,
  } as Parameters<typeof buildCertificate>[0]);
}

const seq = encodeSequence;
const policy = (oid: string, ...qualifiers: Uint8Array[]) => seq(encodeOid(oid), ...(qualifiers.length ? [seq(...qualifiers)] : []));
const qualifier = (oid: string, value: Uint8Array) => seq(encodeOid(oid), value);
/** An IA5String GeneralName [n] written as is (encodeGeneralName refuses these). */
const ia5 = (n: number, value: string) => encodeTlv(contextTag(n, false), Uint8Array.from(value, (c) => c.charCodeAt(0)));

type Case = readonly [string, string, Uint8Array, F, (c: Certificate) => unknown, unknown];
const CASES: readonly Case[] = [
  ['basicConstraints encodes cA FALSE', O.basicConstraints, fromHex('3003010100'), F.EXTENSION_NONCONFORMANT, (c) => c.basicConstraints, { critical: false, cA: false, pathLen: null }],
  ['basicConstraints pathLen without cA', O.basicConstraints, fromHex('3003020100'), F.EXTENSION_NONCONFORMANT, (c) => c.basicConstraints?.pathLen, 0],
  ['basicConstraints not a SEQUENCE', O.basicConstraints, fromHex('0400'), F.EXTENSION_MALFORMED, (c) => c.basicConstraints, null],
  ['keyUsage with no bit', O.keyUsage, fromHex('030100'), F.EXTENSION_EMPTY, (c) => c.keyUsage?.usages, []],
  ['keyUsage with trailing zero bits (unused count 0)', O.keyUsage, fromHex('03020080'), F.EXTENSION_NONCONFORMANT, (c) => c.keyUsage?.usages, ['digitalSignature']],
  ['keyUsage setting its unused bits', O.keyUsage, fromHex('03020781'), F.EXTENSION_NONCONFORMANT, (c) => c.keyUsage?.usages, ['digitalSignature']],
  ['keyUsage asserting an unnamed bit', O.keyUsage, fromHex('0303068040'), F.EXTENSION_NONCONFORMANT, (c) => c.keyUsage?.usages, ['digitalSignature']],
  ['keyUsage with a bad unused-bit count', O.keyUsage, fromHex('03020880'), F.EXTENSION_MALFORMED, (c) => c.keyUsage, null],
  ['extKeyUsage empty', O.extKeyUsage, fromHex('3000'), F.EXTENSION_EMPTY, (c) => c.extKeyUsage?.oids, []],
  ['extKeyUsage holding a NULL', O.extKeyUsage, fromHex('30020500'), F.EXTENSION_MALFORMED, (c) => c.extKeyUsage, null],
  ['subjectKeyIdentifier empty', O.subjectKeyIdentifier, fromHex('0400'), F.EXTENSION_EMPTY, (c) => c.subjectKeyIdentifier?.keyIdentifier.length, 0],
  ['subjectKeyIdentifier not an OCTET STRING', O.subjectKeyIdentifier, fromHex('3000'), F.EXTENSION_MALFORMED, (c) => c.subjectKeyIdentifier, null],
  ['authorityKeyIdentifier with no field', O.authorityKeyIdentifier, fromHex('3000'), F.EXTENSION_EMPTY, (c) => c.authorityKeyIdentifier?.keyIdentifier, null],
  [
    'authorityKeyIdentifier issuer without serial',
    O.authorityKeyIdentifier,
    seq(encodeTlv(contextTag(1, true), encodeGeneralName({ type: 'dNSName', value: 'ca.example' }))),
    F.EXTENSION_NONCONFORMANT,
    (c) => c.authorityKeyIdentifier?.authorityCertIssuer?.length,
    1,
  ],
  ['subjectAltName empty', O.subjectAltName, fromHex('3000'), F.EXTENSION_EMPTY, (c) => c.subjectAltName?.names, []],
  ['subjectAltName with GeneralName choice [9]', O.subjectAltName, fromHex('30028900'), F.EXTENSION_MALFORMED, (c) => c.subjectAltName, null],
  ['subjectAltName with a constructed rfc822Name', O.subjectAltName, fromHex('3002a100'), F.EXTENSION_MALFORMED, (c) => c.subjectAltName, null],
  ['subjectAltName dNSName with a non-ASCII octet', O.subjectAltName, fromHex('30038201e9'), F.EXTENSION_NONCONFORMANT, (c) => c.subjectAltName?.names, [{ type: 'dNSName', value: 'é' }]],
  ['subjectAltName URI holding a space', O.subjectAltName, seq(ia5(6, 'https://a.example/b c')), F.EXTENSION_NONCONFORMANT, (c) => c.subjectAltName?.names, [{ type: 'uniformResourceIdentifier', value: 'https://a.example/b c' }]],
  ['subjectAltName URI with a "%" not followed by two hex digits', O.subjectAltName, seq(ia5(6, 'https://a.example/%zz')), F.EXTENSION_NONCONFORMANT, (c) => c.subjectAltName?.names.length, 1],
  ['subjectAltName URI that is relative (no scheme)', O.subjectAltName, seq(ia5(6, '//a.example/b')), F.EXTENSION_NONCONFORMANT, (c) => c.subjectAltName?.names.length, 1],
  ['subjectAltName URI that is only a scheme', O.subjectAltName, seq(ia5(6, 'https:')), F.EXTENSION_NONCONFORMANT, (c) => c.subjectAltName?.names.length, 1],
  ['subjectAltName dNSName of " "', O.subjectAltName, seq(ia5(2, ' ')), F.EXTENSION_NONCONFORMANT, (c) => c.subjectAltName?.names, [{ type: 'dNSName', value: ' ' }]],
  ['subjectAltName rfc822Name holding NUL', O.subjectAltName, seq(ia5(1, 'a@example.jp\0.evil')), F.EXTENSION_NONCONFORMANT, (c) => c.subjectAltName?.names[0]?.type, 'rfc822Name'],
  ['issuerAltName URI holding DEL', O.issuerAltName, seq(ia5(6, 'https://a.example/\x7f')), F.EXTENSION_NONCONFORMANT, (c) => c.issuerAltName?.names.length, 1],
  ['cRLDistributionPoints URI holding ESC', O.cRLDistributionPoints, seq(seq(encodeTlv(contextTag(0, true), encodeTlv(contextTag(0, true), ia5(6, 'http://crl.example/\x1b[2J'))))), F.EXTENSION_NONCONFORMANT, (c) => c.cRLDistributionPoints?.points[0]?.fullName?.[0]?.value, 'http://crl.example/\x1b[2J'],
  ['subjectAltName iPAddress of 8 octets', O.subjectAltName, fromHex('300a87080a0000000aff0000'), F.EXTENSION_NONCONFORMANT, (c) => c.subjectAltName?.names[0]?.type, 'iPAddress'],
  ['subjectAltName directoryName that is not a Name', O.subjectAltName, fromHex('3004a4020500'), F.EXTENSION_MALFORMED, (c) => c.subjectAltName, null],
  ['issuerAltName empty', O.issuerAltName, fromHex('3000'), F.EXTENSION_EMPTY, (c) => c.issuerAltName?.names, []],
  ['cRLDistributionPoints empty', O.cRLDistributionPoints, fromHex('3000'), F.EXTENSION_EMPTY, (c) => c.cRLDistributionPoints?.points, []],
  ['cRLDistributionPoints with an empty DistributionPoint', O.cRLDistributionPoints, fromHex('30023000'), F.EXTENSION_NONCONFORMANT, (c) => c.cRLDistributionPoints?.points.length, 1],
  ['cRLDistributionPoints with an empty fullName', O.cRLDistributionPoints, fromHex('30063004a002a000'), F.EXTENSION_EMPTY, (c) => c.cRLDistributionPoints?.points[0]?.fullName, []],
  ['cRLDistributionPoints with DistributionPointName choice [2]', O.cRLDistributionPoints, fromHex('30063004a002a200'), F.EXTENSION_MALFORMED, (c) => c.cRLDistributionPoints, null],
  ['certificatePolicies empty', O.certificatePolicies, fromHex('3000'), F.EXTENSION_EMPTY, (c) => c.certificatePolicies?.oids, []],
  ['certificatePolicies naming a policy twice', O.certificatePolicies, seq(policy('2.5.29.32.0'), policy('2.5.29.32.0')), F.EXTENSION_NONCONFORMANT, (c) => c.certificatePolicies?.oids, ['2.5.29.32.0', '2.5.29.32.0']],
  ['certificatePolicies with empty policyQualifiers', O.certificatePolicies, seq(seq(encodeOid('1.2.3'), seq())), F.EXTENSION_EMPTY, (c) => c.certificatePolicies?.oids, ['1.2.3']],
  [
    'certificatePolicies CPS pointer that is not an IA5String',
    O.certificatePolicies,
    seq(policy('1.2.3', qualifier('1.3.6.1.5.5.7.2.1', encodeString(Tag.UTF8_STRING, 'https://cps.example/')))),
    F.EXTENSION_NONCONFORMANT,
    (c) => c.certificatePolicies?.policies[0]?.cpsUris,
    [],
  ],
  [
    'certificatePolicies CPS pointer that is not a URI',
    O.certificatePolicies,
    seq(policy('1.2.3', qualifier('1.3.6.1.5.5.7.2.1', encodeString(Tag.IA5_STRING, 'see our website')))),
    F.EXTENSION_NONCONFORMANT,
    (c) => c.certificatePolicies?.policies[0]?.cpsUris,
    ['see our website'],
  ],
  [
    'certificatePolicies with an unknown qualifier',
    O.certificatePolicies,
    seq(policy('1.2.3', qualifier('1.3.6.1.5.5.7.2.42', fromHex('0500')))),
    F.EXTENSION_NONCONFORMANT,
    (c) => c.certificatePolicies?.oids,
    ['1.2.3'],
  ],
];

describe('odd extension values are findings on a certificate that parses', () => {
  it.each(CASES)('%s', async (_name, oid, value, id, field, expected) => {
    const cert = await withExtension(oid, value);
    expect(cert.findings.map((f) => f.id)).toContain(id);
    expect(cert.findings.every((f) => f.oid === oid && f.critical === false && f.detail.length > 0)).toBe(true);
    expect(field(cert)).toEqual(expected);
  });

  it('conformant values give no finding (a userNotice qualifier, a CPS URI, a full keyUsage)', async () => {
    const notice = seq(policy('1.2.3', qualifier('1.3.6.1.5.5.7.2.2', seq(encodeString(Tag.UTF8_STRING, 'test only'))), qualifier('1.3.6.1.5.5.7.2.1', encodeString(Tag.IA5_STRING, 'https://cps.example/'))));
    const cert = await withExtension(O.certificatePolicies, notice);
    expect(cert.findings).toEqual([]);
    expect(cert.certificatePolicies?.policies[0]?.cpsUris).toEqual(['https://cps.example/']);
    expect((await withExtension(O.keyUsage, fromHex('0303078080'))).findings).toEqual([]);
    expect((await withExtension(O.keyUsage, fromHex('03020186'))).keyUsage?.usages).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign']);
  });

  it('conformant names give no finding: URIs with a query, fragment, IPv6 host or percent-encoding, mailto, a wildcard dNSName', async () => {
    const names = ['https://crl.example.jp/ca.crl?x=1&y=%2F#f', 'http://[2001:db8::1]:8080/a', 'mailto:ca@example.jp', "urn:oid:1.2.3;x=(a)*!$'~"].map((u) => ia5(6, u));
    const cert = await withExtension(O.subjectAltName, seq(...names, ia5(2, '*.example.jp'), ia5(1, 'ca@example.jp')));
    expect(cert.findings).toEqual([]);
    expect(cert.subjectAltName?.names).toHaveLength(6);
  });

  it('encodeGeneralName refuses a name it would have to report', () => {
    for (const [type, value] of [
      ['uniformResourceIdentifier', 'http://x.example/\x1b]0;t\x07'],
      ['uniformResourceIdentifier', 'x.example/ca.crl'],
      ['dNSName', ' '],
      ['rfc822Name', 'a@b\n.example'],
    ] as const) {
      expect(() => encodeGeneralName({ type, value })).toThrow(TypeError);
    }
    expect(encodeGeneralName({ type: 'uniformResourceIdentifier', value: 'https://x.example/ca.crl' })[0]).toBe(0x86);
    // Every name of a list, not only the first.
    expect(() => encodeGeneralNames([{ type: 'dNSName', value: 'a.example' }, { type: 'dNSName', value: 'b.example\x1b' }])).toThrow(TypeError);
    // A name constraint's URI base is a host (RFC 5280 §4.2.1.10), not a URI; control characters stay refused.
    expect(encodeNameConstraints({ permitted: [{ type: 'uniformResourceIdentifier', value: '.example.jp' }] }).length).toBeGreaterThan(0);
    expect(() => encodeNameConstraints({ permitted: [{ type: 'uniformResourceIdentifier', value: '.example.jp\0' }] })).toThrow(TypeError);
  });

  it('the Extensions list: an encoded critical FALSE and an empty list are findings; a duplicate stays a parse error', () => {
    const found: [string, X509Finding['id'], string][] = [];
    const note = (oid: string) => (id: X509Finding['id'], detail: string) => {
      found.push([oid, id, detail]);
    };
    const ext = (critical: Uint8Array[]) => seq(encodeOid(O.subjectKeyIdentifier), ...critical, encodeTlv(Tag.OCTET_STRING, fromHex('0401aa')));
    parseExtensionList(readSingleTagged(seq(ext([fromHex('010100')])), Tag.SEQUENCE, 'x'), note);
    parseExtensionList(readSingleTagged(seq(), Tag.SEQUENCE, 'x'), note);
    expect(found.map(([oid, id]) => [oid, id])).toEqual([
      [O.subjectKeyIdentifier, F.EXTENSION_NONCONFORMANT],
      ['', F.EXTENSION_EMPTY],
    ]);
    expect(() => parseExtensionList(readSingleTagged(seq(ext([]), ext([])), Tag.SEQUENCE, 'x'), note)).toThrow(/more than once/);
  });
});
