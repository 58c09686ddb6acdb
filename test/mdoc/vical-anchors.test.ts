/**
 * Trust anchors with restrictions in mdoc verification (ISO/IEC 18013-5 2nd edition §12.8.1:
 * the MSO docType must be one the VICAL lists for the IACA): a VICAL's IACAs anchor only their
 * doctypes, a constrained anchor only its countries, and the report names the anchor and the
 * restriction.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { nobleBackend } from '../../src/crypto/index.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { isShomeiError } from '../../src/errors.js';
import { toHex } from '../../src/internal/bytes.js';
import { type IssuerSigned, issueMdoc, type VerifyIssuerSignedResult, verifyIssuerSigned, verifyVical, vicalTrustAnchors } from '../../src/mdoc/index.js';
import { buildDocumentSigner, type Certificate, checkTrustAnchorUse, derToPem, JLIS_MDOC_IACA, loadTrustAnchors, type LoadedTrustAnchor } from '../../src/x509/index.js';
import { NOW } from './fixtures.js';
import { DAY, MDL, MNC, sampleVical, type VicalPki, vicalPki } from './vical-fixtures.js';

const backend = nobleBackend;
let pki: VicalPki;
let anchors: LoadedTrustAnchor[];
let usMdl: IssuerSigned;
let jpMnc: IssuerSigned;
let jpMdl: IssuerSigned;
let krDsMnc: IssuerSigned;

async function issue(iaca: Certificate, iacaKey: EcPrivateKey, docType: string, dsCountry?: string): Promise<IssuerSigned> {
  const dsKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
  const device = await backend.generateKeyPair('P-256');
  const validity = { notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 300 * DAY) };
  const ds = await buildDocumentSigner({ iaca, iacaKey, commonName: 'DS', publicKey: publicKeyOf(dsKey), validity, ...(dsCountry === undefined ? {} : { country: dsCountry }), backend });
  const ns = docType === MDL ? 'org.iso.18013.5.1' : 'org.iso.23220.1';
  return issueMdoc({
    docType,
    nameSpaces: { [ns]: { age_over_18: true } },
    deviceKey: publicKeyOf(device),
    validity: { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 30 * DAY) },
    issuer: { signer: dsKey, certificates: [ds.der] },
    backend,
  });
}

beforeAll(async () => {
  pki = await vicalPki(backend);
  anchors = vicalTrustAnchors(await verifyVical(await sampleVical(pki, backend), { trustAnchors: [pki.root], now: NOW, backend }));
  [usMdl, jpMnc, jpMdl, krDsMnc] = await Promise.all([
    issue(pki.us.iaca, pki.us.key, MDL),
    issue(pki.jp.iaca, pki.jp.key, MNC),
    issue(pki.jp.iaca, pki.jp.key, MDL),
    issue(pki.jp.iaca, pki.jp.key, MNC, 'KR'),
  ]);
});

const verify = (doc: IssuerSigned, trustAnchors: Parameters<typeof verifyIssuerSigned>[1]['trustAnchors']) => verifyIssuerSigned(doc, { trustAnchors, now: NOW, backend, profiles: false });
const check = (r: VerifyIssuerSignedResult, id: string) => r.checks.find((c) => c.id === id);

describe('VICAL anchors in verification', () => {
  it('accepts each IACA for the doctype the list names, and says which anchor and list applied', async () => {
    const us = await verify(usMdl, anchors);
    expect(us.checks.filter((c) => c.status === 'failed')).toEqual([]);
    expect(us.valid).toBe(true);
    const c = check(us, 'TRUST_ANCHOR_DOCTYPE')!;
    expect(c.status).toBe('passed');
    expect(c.detail).toContain('Example US IACA');
    expect(c.detail).toContain(`SKI ${toHex(pki.us.iaca.subjectKeyIdentifier!.keyIdentifier)}`);
    expect(c.detail).toContain('from VICAL Example Provider #42');
    expect(check(us, 'TRUST_ANCHOR_COUNTRY')?.status).toBe('passed');
    expect((await verify(jpMnc, anchors)).valid).toBe(true);
  });

  it('refuses a document of another doctype signed under an IACA the list names for one doctype only', async () => {
    // The JP IACA is listed for the My Number Card: it must not anchor an mDL.
    const r = await verify(jpMdl, anchors);
    expect(r.valid).toBe(false);
    expect(check(r, 'DS_CHAIN')?.status).toBe('passed'); // the chain itself is fine
    const c = check(r, 'TRUST_ANCHOR_DOCTYPE')!;
    expect(c.status).toBe('failed');
    expect(check(r, 'TRUST_ANCHOR_COUNTRY')?.status).toBe('passed'); // only the doctype is refused
    expect(c.detail).toMatch(new RegExp(`^docType ${MDL.replaceAll('.', '\\.')} is not among ${MNC.replaceAll('.', '\\.')}; anchor .*Example JP IACA.*from VICAL Example Provider #42`));
    // And an mDL-only IACA must not anchor a My Number Card.
    const mdlOnly = anchors.map((a) => ({ ...a, docTypes: [MDL] }));
    const r2 = await verify(jpMnc, mdlOnly);
    expect(check(r2, 'TRUST_ANCHOR_DOCTYPE')?.status).toBe('failed');
    expect(r2.valid).toBe(false);
  });

  it('trusts an anchor also given as a plain certificate for everything (no restriction reported)', async () => {
    const r = await verify(jpMdl, [...anchors, pki.jp.iaca]);
    expect(r.valid).toBe(true);
    expect(check(r, 'TRUST_ANCHOR_DOCTYPE')).toBeUndefined();
  });

  it('takes the union of several constrained entries for one certificate', async () => {
    const r = await verify(jpMdl, [...anchors, { certificate: pki.jp.iaca.der, docTypes: [MDL], source: 'local policy' }]);
    expect(r.valid).toBe(true);
    expect(check(r, 'TRUST_ANCHOR_DOCTYPE')?.detail).toContain('from local policy');
  });
});

describe('country restrictions', () => {
  it('compares the allowed countries with the IACA and DS countryName', async () => {
    const jpOnly = { certificate: pki.jp.iaca, countries: ['JP'] };
    expect((await verify(jpMnc, [jpOnly])).valid).toBe(true);
    const r = await verify(jpMnc, [{ certificate: pki.jp.iaca, countries: ['US'] }]);
    expect(r.valid).toBe(false);
    expect(check(r, 'TRUST_ANCHOR_COUNTRY')).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^countryName JP\/JP is not among US; anchor /) });
    expect(check(r, 'TRUST_ANCHOR_DOCTYPE')).toBeUndefined();
    // The DS says KR under a JP IACA restricted to JP: refused.
    const kr = await verify(krDsMnc, [jpOnly]);
    expect(check(kr, 'TRUST_ANCHOR_COUNTRY')).toMatchObject({ status: 'failed', detail: expect.stringContaining('JP/KR') });
  });

  it('needs one entry that allows docType and country together', async () => {
    const r = await verify(jpMdl, [
      { certificate: pki.jp.iaca, docTypes: [MDL], countries: ['US'] },
      { certificate: pki.jp.iaca, docTypes: [MNC], countries: ['JP'] },
    ]);
    expect(r.valid).toBe(false);
    expect(check(r, 'TRUST_ANCHOR_DOCTYPE')?.detail).toMatch(/not together with countryName JP\/JP/);
    expect(check(r, 'TRUST_ANCHOR_COUNTRY')?.detail).toMatch(/not together with docType/);
  });

  it('fails closed when the certificate has no countryName or no docType is known', () => {
    const noCountry = { ...pki.jp.iaca, subject: { ...pki.jp.iaca.subject, attributes: {} } } as Certificate;
    const out = checkTrustAnchorUse([{ certificate: pki.jp.iaca, countries: ['JP'], docTypes: [MNC] }], pki.jp.iaca, { countries: [undefined] });
    expect(out.map((c) => [c.id, c.ok])).toEqual([
      ['TRUST_ANCHOR_DOCTYPE', false],
      ['TRUST_ANCHOR_COUNTRY', false],
    ]);
    expect(checkTrustAnchorUse([pki.us.iaca], noCountry, { countries: [] })).toEqual([]);
  });
});

describe('loadTrustAnchors with constrained entries', () => {
  it('parses the certificate of each entry (DER, PEM or parsed) and keeps its restrictions', () => {
    const loaded = loadTrustAnchors([
      pki.us.iaca,
      { certificate: JLIS_MDOC_IACA, docTypes: [MNC], countries: ['JP'], source: 'J-LIS' },
      { certificate: derToPem(pki.jp.iaca.der), docTypes: [MNC] },
    ]);
    expect(loaded).toHaveLength(3);
    expect(loaded[0]).toBe(pki.us.iaca);
    expect(loaded[1]).toMatchObject({ docTypes: [MNC], countries: ['JP'], source: 'J-LIS' });
    expect((loaded[1] as LoadedTrustAnchor).certificate.subject.text).toContain('mncmdocRootCA');
    // A plain certificate list still gives certificates.
    expect(loadTrustAnchors([pki.us.iaca.der, pki.us.iaca.der])).toHaveLength(1);
  });

  it('refuses a PEM holding two certificates, and bad restriction fields', () => {
    try {
      loadTrustAnchors({ certificate: derToPem(pki.us.iaca.der) + derToPem(pki.jp.iaca.der) });
      expect.unreachable();
    } catch (e) {
      expect(isShomeiError(e, 'ERR_X509_PARSE')).toBe(true);
    }
    expect(() => loadTrustAnchors({ certificate: pki.us.iaca, docTypes: 'mDL' as never })).toThrow(TypeError);
    expect(() => loadTrustAnchors({ certificate: pki.us.iaca, countries: [1] as never })).toThrow(TypeError);
    expect(() => loadTrustAnchors({ certificate: pki.us.iaca, source: 1 as never })).toThrow(TypeError);
  });
});
