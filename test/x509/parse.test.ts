import { createHash, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { X509Error } from '../../src/errors.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import { nobleBackend, publicKeyOf } from '../../src/crypto/index.js';
import {
  buildCertificate,
  clearCertificateCache,
  derToPem,
  ExtKeyUsageOid,
  namesMatch,
  parseCertificate,
  parseCertificates,
  parseName,
  MAX_PEM_BLOCKS,
  parsePem,
  pemToDer,
} from '../../src/x509/index.js';
import { encodeSequence, encodeTlv } from '../../src/x509/der.js';
import { derChildren } from '../helpers/der.js';
import { encodeName } from '../../src/x509/name.js';
import { annexDBytes } from '../helpers/annex-d.js';
import { loadVectorText } from '../helpers/vectors.js';

function parseError(fn: () => unknown): X509Error {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(X509Error);
    expect((e as X509Error).code).toBe('ERR_X509_PARSE');
    return e as X509Error;
  }
  throw new Error('expected ERR_X509_PARSE');
}

describe('parseCertificate: ISO 18013-5 Annex D certificates', () => {
  it.each(['iaca_cert', 'ds_cert', 'reader_cert', 'reader_root_cert'])('%s agrees with node:crypto', (name) => {
    const der = annexDBytes(name);
    const cert = parseCertificate(der);
    const node = new X509Certificate(der);
    expect(toHex(cert.der)).toBe(toHex(der));
    expect(cert.serialNumber).toBe(node.serialNumber.toLowerCase().replace(/^0+(?=.)/, ''));
    expect(cert.notBefore.getTime()).toBe(new Date(node.validFrom).getTime());
    expect(cert.notAfter.getTime()).toBe(new Date(node.validTo).getTime());
    expect(cert.version).toBe(3);
    expect(cert.signatureAlgorithm.name).toBe('ES256');
    expect(cert.publicKey?.kty).toBe('EC');
    // the TBS is a view of the received DER, starting right after the outer header
    expect(toHex(cert.der.subarray(4, 4 + cert.tbs.length))).toBe(toHex(cert.tbs));
    expect(toHex(cert.subjectKeyIdentifier!.keyIdentifier)).toBe(
      createHash('sha1').update(cert.subjectPublicKey).digest('hex'),
    );
  });

  it('reads names, extensions and general names of the DS certificate', () => {
    const ds = parseCertificate(annexDBytes('ds_cert'));
    expect(ds.subject.text).toBe('C=US,CN=utopia ds');
    expect(ds.subject.attributes.CN).toEqual(['utopia ds']);
    expect(ds.issuer.attributes.C).toEqual(['US']);
    expect(ds.keyUsage).toEqual({ critical: true, usages: ['digitalSignature'] });
    expect(ds.extKeyUsage).toEqual({ critical: true, oids: [ExtKeyUsageOid.mdlDS] });
    expect(ds.issuerAltName?.names).toEqual([{ type: 'rfc822Name', value: 'example@example.com' }]);
    expect(ds.cRLDistributionPoints?.points[0]?.fullName).toEqual([{ type: 'dNSName', value: 'example.com' }]);
    expect(ds.cRLDistributionPoints?.uris).toEqual([]);
    expect(ds.basicConstraints).toBeNull();
    expect(ds.selfIssued).toBe(false);
    expect(ds.extensions.map((e) => e.oid)).toContain('2.5.29.35');
    const iaca = parseCertificate(annexDBytes('iaca_cert'));
    expect(iaca.basicConstraints).toEqual({ critical: true, cA: true, pathLen: 0 });
    expect(iaca.selfIssued).toBe(true);
    expect(toHex(ds.authorityKeyIdentifier!.keyIdentifier!)).toBe(toHex(iaca.subjectKeyIdentifier!.keyIdentifier));
  });

  it('returns the cached object for the same bytes, and parses again after the cache is cleared', () => {
    const der = annexDBytes('iaca_cert');
    const a = parseCertificate(der);
    expect(parseCertificate(der.slice())).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    a.notAfter.setTime(0); // a careless caller writes into the shared object
    const c = parseCertificate(der);
    expect(c).not.toBe(a);
    expect(c.notAfter.toISOString()).toBe('2029-09-29T00:00:00.000Z');
    clearCertificateCache();
    const b = parseCertificate(der);
    expect(b).not.toBe(c);
    expect(toHex(b.der)).toBe(toHex(a.der));
  });

  it('parses the same bytes object again when its bytes changed in place (a trust anchor buffer reused)', () => {
    const der = annexDBytes('iaca_cert').slice();
    const first = parseCertificate(der);
    expect(parseCertificate(der)).toBe(first);
    // The last byte is inside the signature value: the bytes still parse, as another certificate.
    der[der.length - 1] = (der[der.length - 1] as number) ^ 1;
    const again = parseCertificate(der);
    expect(again).not.toBe(first);
    expect(toHex(again.der)).toBe(toHex(der));
    expect(toHex(again.signature)).not.toBe(toHex(first.signature));
    // After clearCertificateCache the same bytes object is parsed afresh as well.
    clearCertificateCache();
    expect(parseCertificate(der)).not.toBe(again);
  });
});

describe('parseCertificate: JPKI', () => {
  it('parses the real (expired) JPKI authentication certificate', () => {
    const cert = parseCertificate(loadVectorText('jpki/real-auth-cert-expired.pem'));
    expect(cert.subject.text).toBe('CN=308014E45JEFIG14104003A,C=JP');
    expect(cert.issuer.attributes.OU).toEqual(['JPKI for user authentication', 'Japan Agency for Local Authority Information Systems']);
    expect(cert.signatureAlgorithm.name).toBe('RS256');
    expect(cert.publicKey?.kty).toBe('RSA');
    expect(cert.certificatePolicies).toMatchObject({ critical: true, oids: ['1.2.392.200149.8.5.1.3.30'] });
    expect(cert.certificatePolicies?.policies[0]?.cpsUris).toEqual(['http://www.jpki.go.jp/cps.html']);
    const ian = cert.issuerAltName?.names[0];
    expect(ian?.type).toBe('directoryName');
    if (ian?.type === 'directoryName') expect(ian.value.attributes.O).toEqual(['公的個人認証サービス']);
    const dp = cert.cRLDistributionPoints?.points[0]?.fullName?.[0];
    expect(dp?.type === 'directoryName' && dp.value.attributes.CN).toEqual(['Yokohama-shi-Naka-ku CRLDP']);
    expect(cert.authorityKeyIdentifier?.authorityCertSerialNumber).toBe('0133c349');
    expect(toHex(cert.authorityKeyIdentifier!.keyIdentifier!)).toBe('8cd5586a891485e559379b7e29d410cfd28b3593');
  });
});

describe('PEM', () => {
  it('round-trips DER through PEM and reads bundles with text around the blocks', () => {
    const a = annexDBytes('iaca_cert');
    const b = annexDBytes('ds_cert');
    const bundle = `IACA\n${derToPem(a)}\nsome text\r\n${derToPem(b).replace(/\n/g, '\r\n')}`;
    expect(parsePem(bundle).map((x) => x.label)).toEqual(['CERTIFICATE', 'CERTIFICATE']);
    expect(parseCertificates(bundle).map((c) => c.subject.text)).toEqual(['C=US,CN=utopia iaca', 'C=US,CN=utopia ds']);
    expect(toHex(pemToDer(derToPem(a)))).toBe(toHex(a));
    expect(parseCertificate(new TextEncoder().encode(derToPem(b))).subject.text).toBe('C=US,CN=utopia ds');
    expect(derToPem(a).split('\n')[1]!.length).toBe(64);
  });

  it('rejects bad PEM and ambiguous input', () => {
    parseError(() => pemToDer('no pem here'));
    parseError(() => parsePem('-----BEGIN CERTIFICATE-----\nAAA*\n-----END CERTIFICATE-----'));
    parseError(() => parsePem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----'));
    parseError(() => parseCertificate(`${derToPem(annexDBytes('iaca_cert'))}${derToPem(annexDBytes('ds_cert'))}`));
    parseError(() => parseCertificate(''));
    expect(() => parseCertificate(42 as unknown as string)).toThrow(TypeError);
  });

  it('counts the certificate blocks before parsing any, and reads at most MAX_PEM_BLOCKS blocks', () => {
    // 3,000 blocks that are not certificates: refused as too many, none of them parsed.
    const junk = '-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n'.repeat(3000);
    expect(() => parseCertificate(junk)).toThrow('expected one certificate, found 3000');
    expect(() => parseCertificate(new TextEncoder().encode(junk))).toThrow('expected one certificate, found 3000');
    const empty = (n: number) => '-----BEGIN A----------END A-----'.repeat(n);
    expect(parsePem(empty(MAX_PEM_BLOCKS))).toHaveLength(MAX_PEM_BLOCKS);
    expect(() => parsePem(empty(MAX_PEM_BLOCKS + 1))).toThrow(`more than ${MAX_PEM_BLOCKS} PEM blocks`);
  });
});

describe('names', () => {
  it('writes RFC 4514 strings with escaping, and matches names per RFC 5280 §7.1', () => {
    const name = parseName(encodeName({ C: 'JP', CN: ' a,b+c#=' }));
    expect(name.text).toBe('CN=\\ a\\,b\\+c#=,C=JP');
    expect(name.rdns.map((r) => r.map((a) => a.type))).toEqual([['C'], ['CN']]);
    expect(parseName(encodeName({ CN: '#x ' })).text).toBe('CN=\\#x\\ ');
    expect(parseName(encodeName({ CN: '日本' })).rdns[0]![0]!.tag).toBe(0x0c);
    expect(parseName(encodeName({ O: ['a', 'b'] })).attributes.O).toEqual(['a', 'b']);
    const other = parseName(encodeName({ C: 'jp', CN: 'A,B+C#=' }));
    expect(namesMatch(name, other)).toBe(true);
    expect(namesMatch(name, parseName(encodeName({ C: 'JP' })))).toBe(false);
    expect(namesMatch(name, parseName(encodeName({ CN: ' a,b+c#=', C: 'JP' })))).toBe(false);
    expect(() => encodeName({ XX: 'a' })).toThrow(TypeError);
    expect(() => encodeName({ C: 'J@' })).toThrow(TypeError);
    expect(() => parseName(fromHex('3003310100'))).toThrow(X509Error);
  });
});

/** `cert` with its TBSCertificate's children rewritten by `edit` (the signature no longer matches: a parse test). */
function editTbs(cert: Uint8Array, edit: (children: Uint8Array[]) => Uint8Array[]): Uint8Array {
  const [tbs, alg, sig] = derChildren(cert) as [Uint8Array, Uint8Array, Uint8Array];
  return encodeSequence(encodeSequence(...edit(derChildren(tbs))), alg, sig);
}

describe('strict DER: the TBSCertificate (found by a differential fuzz campaign against OpenSSL)', () => {
  const ds = annexDBytes('ds_cert');
  const beforeExtensions = (children: Uint8Array[], ...extra: Uint8Array[]) => [...children.slice(0, -1), ...extra, children.at(-1)!];

  it('refuses version v1 written out: DER leaves out a DEFAULT value (X.690 §11.5)', () => {
    // A v1 certificate: no extensions, version [0] INTEGER 0 written out.
    const v1 = editTbs(ds, (c) => [encodeTlv(0xa0, fromHex('020100')), ...c.slice(1, -1)]);
    expect(parseError(() => parseCertificate(v1)).message).toMatch(/version v1 written out/);
    expect(parseCertificate(editTbs(ds, (c) => c.slice(1, -1))).version).toBe(1);
  });

  it('refuses a unique identifier that is not a DER BIT STRING; reads one that is', () => {
    for (const [content, why] of [
      ['', /not a BIT STRING/],
      ['09ff', /unused-bit count/],
      ['04f1', /unused bits are not zero/],
    ] as const) {
      for (const tag of [0x81, 0x82]) {
        const bad = editTbs(ds, (c) => beforeExtensions(c, encodeTlv(tag, fromHex(content))));
        expect(parseError(() => parseCertificate(bad)).message).toMatch(why);
      }
    }
    // The extensions block retagged [2] is no subjectUniqueID.
    parseError(() => parseCertificate(editTbs(ds, (c) => [...c.slice(0, -1), Uint8Array.from([0x82, ...c.at(-1)!.subarray(1)])])));
    const good = parseCertificate(editTbs(ds, (c) => beforeExtensions(c, encodeTlv(0x81, fromHex('04f0')), encodeTlv(0x82, fromHex('00abcd')))));
    expect(good.version).toBe(3);
  });

  it('refuses an Ed25519 key of small order, as it refuses an EC point off its curve', async () => {
    const key = await nobleBackend.generateKeyPair('Ed25519');
    const cert = await buildCertificate({ subject: { CN: 'ed25519' }, notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z'), publicKey: publicKeyOf(key), signer: key, backend: nobleBackend });
    expect(cert.publicKey?.kty).toBe('OKP');
    const identity = editTbs(cert.der, (c) => {
      const spki = c.findIndex((x) => x[0] === 0x30 && derChildren(x)[1]?.[0] === 0x03);
      const out = c.slice();
      out[spki] = encodeSequence(derChildren(c[spki]!)[0]!, encodeTlv(0x03, fromHex(`000100${'00'.repeat(30)}`)));
      return out;
    });
    expect(parseError(() => parseCertificate(identity)).message).toMatch(/small order/);
  });

  it('refuses an RSA key whose parameters are not NULL (RFC 3279 §2.3.1), reads them absent', () => {
    const jpki = parseCertificate(loadVectorText('jpki/real-auth-cert-expired.pem'));
    expect(jpki.publicKey?.kty).toBe('RSA');
    const withParams = (params: Uint8Array[]) =>
      editTbs(jpki.der, (c) => {
        const spki = c.findIndex((x) => x[0] === 0x30 && derChildren(x)[1]?.[0] === 0x03);
        const [alg, key] = derChildren(c[spki]!) as [Uint8Array, Uint8Array];
        const out = c.slice();
        out[spki] = encodeSequence(encodeSequence(derChildren(alg)[0]!, ...params), key);
        return out;
      });
    expect(parseError(() => parseCertificate(withParams([fromHex('3000')]))).message).toMatch(/parameters must be NULL/);
    expect(parseError(() => parseCertificate(withParams([fromHex('050101')]))).message).toMatch(/NULL/);
    expect(parseCertificate(withParams([])).publicKey?.kty).toBe('RSA');
    expect(parseCertificate(withParams([fromHex('0500')])).publicKey?.kty).toBe('RSA');
  });
});

describe('strict DER', () => {
  const iaca = annexDBytes('iaca_cert');
  it('rejects trailing bytes, truncation, indefinite and non-minimal lengths', () => {
    parseError(() => parseCertificate(Uint8Array.from([...iaca, 0])));
    parseError(() => parseCertificate(iaca.subarray(0, iaca.length - 1)));
    const indefinite = iaca.slice();
    indefinite[1] = 0x80;
    parseError(() => parseCertificate(indefinite));
    // re-encode the outer length in a longer form than needed
    const long = Uint8Array.from([0x30, 0x83, 0x00, iaca[2]!, iaca[3]!, ...iaca.subarray(4)]);
    expect(parseError(() => parseCertificate(long)).message).toMatch(/shortest form/);
  });
});
