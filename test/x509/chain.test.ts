import { describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { X509Error, type X509ErrorCode } from '../../src/errors.js';
import {
  buildCertificate,
  type Certificate,
  type ChainReport,
  JPKI_AUTH_CA_2015,
  JPKI_AUTH_CA_2019,
  JPKI_AUTH_CA_2023,
  loadTrustAnchors,
  MAX_PATH_LENGTH,
  parseCertificate,
  verifyChain,
  verifyIssuerChain,
  verifyReaderChain,
} from '../../src/x509/index.js';
import { annexDBytes } from '../helpers/annex-d.js';
import { BACKENDS } from '../helpers/backends.js';
import { loadVectorText } from '../helpers/vectors.js';
import { days, issuerPki, key, NOW, T0 } from './pki.js';

const ANNEX_D_TIME = new Date('2020-10-01T13:30:02Z');
const iaca = annexDBytes('iaca_cert');
const ds = annexDBytes('ds_cert');

function status(report: ChainReport, id: string): string | undefined {
  return report.checks.find((c) => c.id === id)?.status;
}

function failed(report: ChainReport): string[] {
  return report.checks.filter((c) => c.status === 'failed').map((c) => c.id);
}

async function rejects(p: Promise<unknown>, code: X509ErrorCode, check?: string): Promise<X509Error> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(X509Error);
  expect((error as X509Error).code).toBe(code);
  if (check !== undefined) expect((error as X509Error).check).toBe(check);
  return error as X509Error;
}

describe.each(BACKENDS)('ISO 18013-5 Annex D chains (%s)', (_name, backend) => {
  it('the DS chains to the IACA at 2020-10-01T13:30:02Z; only DS_CRL_DP fails (a dNSName, not a URI), and it can be waived', async () => {
    const report = await verifyIssuerChain([ds], { anchors: [iaca], now: ANNEX_D_TIME, backend });
    expect(failed(report)).toEqual(['DS_CRL_DP']);
    expect(report.checks.find((c) => c.id === 'DS_CRL_DP')?.detail).toMatch(/dNSName/);
    expect(status(report, 'REVOCATION')).toBe('skipped');
    expect(report.path.map((c) => c.subject.text)).toEqual(['C=US,CN=utopia ds', 'C=US,CN=utopia iaca']);

    const waived = await verifyIssuerChain([ds], { anchors: [iaca], now: ANNEX_D_TIME, waive: ['DS_CRL_DP'], backend });
    expect(waived.valid).toBe(true);
    expect(status(waived, 'DS_CRL_DP')).toBe('waived');
    expect(waived.anchor?.subject.text).toBe('C=US,CN=utopia iaca');
    // every chain check and every other profile check passed
    expect(waived.checks.filter((c) => c.status !== 'passed').map((c) => c.id)).toEqual(['REVOCATION', 'DS_CRL_DP']);
  });

  it('tolerates the IACA inside the x5chain but trusts only the anchors', async () => {
    const report = await verifyIssuerChain([ds, iaca], { anchors: [iaca], now: ANNEX_D_TIME, waive: ['DS_CRL_DP'], backend });
    expect(report.valid).toBe(true);
    expect(report.path).toHaveLength(2);
    const untrusted = await verifyIssuerChain([ds, iaca], { anchors: [annexDBytes('reader_root_cert')], now: ANNEX_D_TIME, backend });
    expect(untrusted.valid).toBe(false);
    expect(failed(untrusted)).toEqual(['TRUST_ANCHOR']);
  });

  it('fails VALIDITY in 2030, and before notBefore; clock skew widens the window', async () => {
    const later = await verifyIssuerChain([ds], { anchors: [iaca], now: new Date('2030-01-01T00:00:00Z'), waive: ['DS_CRL_DP'], backend });
    expect(failed(later)).toEqual(['VALIDITY']);
    expect(later.checks.find((c) => c.id === 'VALIDITY')?.detail).toMatch(/utopia ds expired.*utopia iaca expired/);
    await rejects(verifyIssuerChain([ds], { anchors: [iaca], now: new Date('2030-01-01T00:00:00Z'), waive: ['DS_CRL_DP'], strict: true, backend }), 'ERR_X509_VALIDITY', 'VALIDITY');
    const early = new Date('2020-09-30T23:59:30Z');
    expect(failed(await verifyIssuerChain([ds], { anchors: [iaca], now: early, waive: ['DS_CRL_DP'], backend }))).toEqual(['VALIDITY']);
    expect((await verifyIssuerChain([ds], { anchors: [iaca], now: early, clockSkewSeconds: 60, waive: ['DS_CRL_DP'], backend })).valid).toBe(true);
  });

  it('the reader certificate chains to the reader root and passes the reader profile but READER_CRL_DP', async () => {
    const report = await verifyReaderChain([annexDBytes('reader_cert')], { anchors: [annexDBytes('reader_root_cert')], now: ANNEX_D_TIME, backend });
    expect(failed(report)).toEqual(['READER_CRL_DP']);
    const waived = await verifyReaderChain([annexDBytes('reader_cert')], {
      anchors: [annexDBytes('reader_root_cert')],
      now: ANNEX_D_TIME,
      waive: ['READER_CRL_DP'],
      strict: true,
      backend,
    });
    expect(waived.valid).toBe(true);
  });

  it('a flipped TBS byte fails SIGNATURE', async () => {
    const bad = ds.slice();
    const text = new TextEncoder().encode('utopia ds'); // only in the subject, inside the TBS
    const at = bad.findIndex((_, i) => text.every((b, j) => bad[i + j] === b));
    expect(at).toBeGreaterThan(0);
    bad[at + 7]! ^= 0x01; // 'utopia ds' -> 'utopia es'
    expect(parseCertificate(bad).subject.text).toBe('C=US,CN=utopia es');
    const report = await verifyIssuerChain([bad], { anchors: [iaca], now: ANNEX_D_TIME, waive: ['DS_CRL_DP'], backend });
    expect(failed(report)).toContain('SIGNATURE');
    await rejects(verifyIssuerChain([bad], { anchors: [iaca], now: ANNEX_D_TIME, waive: ['DS_CRL_DP'], strict: true, backend }), 'ERR_X509_SIGNATURE', 'SIGNATURE');
  });

  it('a DS checked against the wrong anchor is untrusted', async () => {
    const report = await verifyIssuerChain([ds], { anchors: [annexDBytes('reader_root_cert')], now: ANNEX_D_TIME, backend });
    expect(report.valid).toBe(false);
    expect(report.anchor).toBeNull();
    expect(failed(report)).toEqual(['TRUST_ANCHOR']);
    expect(status(report, 'SIGNATURE')).toBe('skipped');
    expect(status(report, 'DS_EKU')).toBe('skipped');
    await rejects(verifyIssuerChain([ds], { anchors: [], now: ANNEX_D_TIME, strict: true, backend }), 'ERR_X509_UNTRUSTED', 'TRUST_ANCHOR');
  });
});

describe.each(BACKENDS)('JPKI roots (%s)', (_name, backend) => {
  const real = loadVectorText('jpki/real-auth-cert-expired.pem');
  const when = new Date(1_700_000_000_000);

  it('the real authentication certificate chains to JPKI_AUTH_CA_2019 among the same-named roots', async () => {
    const anchors = loadTrustAnchors([JPKI_AUTH_CA_2023, JPKI_AUTH_CA_2015, JPKI_AUTH_CA_2019]);
    const report = await verifyChain(parseCertificate(real), { anchors, now: when, backend });
    expect(report.valid).toBe(true);
    expect(report.anchor?.serialNumber).toBe('0133c349');
    expect(report.anchor?.der).toEqual(loadTrustAnchors(JPKI_AUTH_CA_2019)[0]!.der);
  });

  it.each([
    ['2015', JPKI_AUTH_CA_2015],
    ['2023', JPKI_AUTH_CA_2023],
  ])('and not to the %s root', async (_year, pem) => {
    const report = await verifyChain(parseCertificate(real), { anchors: loadTrustAnchors(pem), now: when, backend });
    expect(report.valid).toBe(false);
    expect(failed(report)).toEqual(['SIGNATURE']);
  });
});

describe.each(BACKENDS)('path building and RFC 5280 checks (%s)', (_name, backend) => {
  const validity = { notBefore: T0, notAfter: days(T0, 3650) };

  async function ca(subject: Record<string, string>, keyIndex: number, issuer?: { cert: Certificate; keyIndex: number }, extra: Partial<Parameters<typeof buildCertificate>[0]> = {}) {
    const k = await key(backend, 'P-256', keyIndex);
    const signer = issuer === undefined ? k : await key(backend, 'P-256', issuer.keyIndex);
    return buildCertificate({
      subject,
      ...(issuer === undefined ? {} : { issuer: issuer.cert }),
      ...validity,
      publicKey: publicKeyOf(k),
      signer,
      basicConstraints: { cA: true },
      keyUsage: ['keyCertSign', 'cRLSign'],
      backend,
      ...extra,
    });
  }

  async function leaf(issuer: Certificate, issuerKeyIndex: number, extra: Partial<Parameters<typeof buildCertificate>[0]> = {}) {
    return buildCertificate({
      subject: { CN: 'leaf' },
      issuer,
      ...validity,
      publicKey: publicKeyOf(await key(backend, 'P-256', 9)),
      signer: await key(backend, 'P-256', issuerKeyIndex),
      keyUsage: ['digitalSignature'],
      backend,
      ...extra,
    });
  }

  it('chooses among same-named anchors by signature when there are no key identifiers', async () => {
    const opts = { subjectKeyIdentifier: false, authorityKeyIdentifier: false } as const;
    const rootA = await ca({ CN: 'Same Root' }, 4, undefined, opts);
    const rootB = await ca({ CN: 'Same Root' }, 5, undefined, opts);
    const cert = await leaf(rootB, 5, opts);
    const report = await verifyChain(cert, { anchors: [rootA, rootB], now: NOW, backend });
    expect(report.valid).toBe(true);
    expect(report.anchor).toBe(rootB);
    expect(failed(await verifyChain(cert, { anchors: [rootA], now: NOW, backend }))).toEqual(['SIGNATURE']);
  });

  it('builds through intermediates, and checks basicConstraints, keyUsage, pathLen and critical extensions', async () => {
    const root = await ca({ CN: 'Root' }, 4, undefined, { basicConstraints: { cA: true, pathLen: 1 } });
    const mid = await ca({ CN: 'Mid' }, 5, { cert: root, keyIndex: 4 });
    const cert = await leaf(mid, 5);
    const ok = await verifyChain(cert, { anchors: [root], intermediates: [mid], now: NOW, backend });
    expect(ok.valid).toBe(true);
    expect(ok.path.map((c) => c.subject.text)).toEqual(['CN=leaf', 'CN=Mid', 'CN=Root']);
    expect(failed(await verifyChain(cert, { anchors: [root], now: NOW, backend }))).toEqual(['TRUST_ANCHOR']);

    const root0 = await ca({ CN: 'Root' }, 4, undefined, { basicConstraints: { cA: true, pathLen: 0 } });
    const mid0 = await ca({ CN: 'Mid' }, 5, { cert: root0, keyIndex: 4 });
    const r0 = await verifyChain(await leaf(mid0, 5), { anchors: [root0], intermediates: [mid0], now: NOW, backend });
    expect(failed(r0)).toEqual(['PATH_LENGTH']);
    await rejects(verifyChain(await leaf(mid0, 5), { anchors: [root0], intermediates: [mid0], now: NOW, strict: true, backend }), 'ERR_X509_UNTRUSTED', 'PATH_LENGTH');

    const notCa = await ca({ CN: 'Mid' }, 5, { cert: root, keyIndex: 4 }, { basicConstraints: { cA: false } });
    expect(failed(await verifyChain(await leaf(notCa, 5), { anchors: [root], intermediates: [notCa], now: NOW, backend }))).toEqual(['BASIC_CONSTRAINTS']);
    const noBc = await ca({ CN: 'Mid' }, 5, { cert: root, keyIndex: 4 }, { basicConstraints: undefined as never });
    expect(failed(await verifyChain(await leaf(noBc, 5), { anchors: [root], intermediates: [noBc], now: NOW, backend }))).toEqual(['BASIC_CONSTRAINTS']);
    const noSign = await ca({ CN: 'Mid' }, 5, { cert: root, keyIndex: 4 }, { keyUsage: ['cRLSign'] });
    expect(failed(await verifyChain(await leaf(noSign, 5), { anchors: [root], intermediates: [noSign], now: NOW, backend }))).toEqual(['KEY_USAGE']);

    const critical = await leaf(root, 4, { extensions: [{ oid: '1.2.3.4', critical: true, value: Uint8Array.of(5, 0) }] });
    expect(failed(await verifyChain(critical, { anchors: [root], now: NOW, backend }))).toEqual(['CRITICAL_EXTENSIONS']);
    const nonCritical = await leaf(root, 4, { extensions: [{ oid: '1.2.3.4', value: Uint8Array.of(5, 0) }] });
    expect((await verifyChain(nonCritical, { anchors: [root], now: NOW, backend })).valid).toBe(true);
  });

  it('accepts a leaf that is itself an anchor', async () => {
    const root = await ca({ CN: 'Root' }, 4);
    const report = await verifyChain(root, { anchors: [root], now: NOW, backend });
    expect(report.valid).toBe(true);
    expect(report.path).toHaveLength(1);
  });

  it('prefers a path through the IACA when the anchors also hold the DS itself', async () => {
    const pki = await issuerPki(backend);
    const report = await verifyIssuerChain([pki.ds], { anchors: [pki.ds, pki.iaca], now: NOW, backend });
    expect(report.valid).toBe(true);
    expect(report.path.map((c) => c.subject.text)).toEqual([pki.ds.subject.text, pki.iaca.subject.text]);
  });

  it('stays bounded with a hostile pile of same-named, self-issued intermediates', async () => {
    const root = await ca({ CN: 'Root' }, 4);
    const loopKey = 6;
    const loops: Certificate[] = [];
    for (let i = 0; i < 12; i++) loops.push(await ca({ CN: 'Loop' }, loopKey, undefined, { serialNumber: BigInt(i + 1) }));
    const cert = await leaf(loops[0]!, loopKey);
    // The work is counted, never timed: every signature check goes through this backend.
    let verifies = 0;
    const counting = {
      ...backend,
      ecdsaVerify: (...args: Parameters<typeof backend.ecdsaVerify>) => {
        verifies++;
        return backend.ecdsaVerify(...args);
      },
    };
    const report = await verifyChain(cert, { anchors: [root], intermediates: loops, now: NOW, backend: counting });
    expect(report.valid).toBe(false);
    expect(failed(report)).toEqual(['TRUST_ANCHOR']);
    // No candidate path reaches an anchor, so the search ends without any signature check
    // (the path search itself is capped at MAX_PATH_LENGTH and 512 candidate visits).
    expect(verifies).toBe(0);
    expect(MAX_PATH_LENGTH).toBe(8);
  });

  it('rejects waivers of chain checks and of unknown checks, and bad options', async () => {
    const { iaca: builtIaca, ds: builtDs } = await issuerPki(backend);
    const anchors = [builtIaca];
    for (const id of ['SIGNATURE', 'VALIDITY', 'TRUST_ANCHOR', 'REVOCATION']) {
      await expect(verifyIssuerChain([builtDs], { anchors, now: NOW, waive: [id], backend })).rejects.toThrow(RangeError);
    }
    await expect(verifyIssuerChain([builtDs], { anchors, now: NOW, waive: ['READER_EKU'], backend })).rejects.toThrow(RangeError);
    await expect(verifyChain(builtDs, { anchors, now: NOW, waive: ['DS_EKU'], backend })).rejects.toThrow(RangeError);
    await expect(verifyChain(builtDs, { anchors, now: new Date(Number.NaN), backend })).rejects.toThrow(TypeError);
    await expect(verifyChain(builtDs, { anchors, clockSkewSeconds: -1, backend })).rejects.toThrow(RangeError);
    await expect(verifyChain(builtDs, { anchors: 'x' as never, backend })).rejects.toThrow(TypeError);
    await expect(verifyIssuerChain([], { anchors, backend })).rejects.toThrow(X509Error);
    await rejects(verifyIssuerChain([Uint8Array.of(1, 2, 3)], { anchors, backend }), 'ERR_X509_PARSE');
  });
});
