/**
 * Field interop of X.509 (issue 9 item 1): certificates other implementations issue that are
 * well-formed but not conformant in one extension parse, load as trust anchors, and fail a
 * named Annex B check that a caller can waive; a critical extension nobody processes still
 * fails the chain, waiver or not. Fixtures: `vectors/interop/x509/` (see its README).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncodedCbor, encode, FullDate } from '../../src/cbor/index.js';
import { readTrust } from '../../src/cli/keys.js';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { buildDeviceResponse, encodeDeviceResponse, issueMdoc, verifyDeviceResponse } from '../../src/mdoc/index.js';
import {
  buildCertificate,
  type Certificate,
  type ChainReport,
  derToPem,
  ExtensionOid,
  loadTrustAnchors,
  parseCertificate,
  verifyChain,
  verifyIssuerChain,
  X509FindingId,
} from '../../src/x509/index.js';
import { runCli } from '../helpers/cli.js';
import { loadVectorText } from '../helpers/vectors.js';
import { buildInteropFixtures, DS_KEY, FIXTURE_NOW, ODD_VALUES } from './interop-fixtures.js';

const backend = nobleBackend;
const now = FIXTURE_NOW;
const pem = (name: string) => loadVectorText(`interop/x509/${name}.pem`);
const cert = (name: string) => parseCertificate(pem(name));

function failed(report: ChainReport): string[] {
  return report.checks.filter((c) => c.status === 'failed').map((c) => c.id);
}

function detail(report: ChainReport, id: string): string | undefined {
  return report.checks.find((c) => c.id === id)?.detail;
}

describe('vectors/interop/x509 fixtures', () => {
  it('are exactly what interop-fixtures.ts builds (deterministic)', async () => {
    const built = await buildInteropFixtures();
    expect(Object.keys(built)).toHaveLength(6);
    for (const [name, c] of Object.entries(built)) expect(pem(name), name).toBe(derToPem(c.der));
  });
});

describe('an IACA with an empty, non-critical cRLDistributionPoints (an Android wallet test service)', () => {
  it('parses, with the empty list and one finding', () => {
    const iaca = cert('iaca-empty-crldp');
    expect(iaca.cRLDistributionPoints).toEqual({ critical: false, points: [], uris: [] });
    expect(iaca.findings).toEqual([
      { id: X509FindingId.EXTENSION_EMPTY, extension: 'cRLDistributionPoints', oid: ExtensionOid.cRLDistributionPoints, critical: false, detail: 'cRLDistributionPoints is empty', offset: expect.any(Number) },
    ]);
  });

  it('loads as a trust anchor, through the library and through the CLI --trust reader', () => {
    expect(loadTrustAnchors(pem('iaca-empty-crldp'))).toHaveLength(1);
    const dir = mkdtempSync(join(tmpdir(), 'shomei-iaca-'));
    try {
      writeFileSync(join(dir, 'iaca.pem'), pem('iaca-empty-crldp'));
      expect(readTrust([join(dir, 'iaca.pem')]).map((c) => c.subject.text)).toEqual(['CN=shomei interop IACA (empty CRL DP),ST=US-CA,C=US']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the chain report names the finding as IACA_EXTENSION_EMPTY; waiving it makes the chain valid', async () => {
    const anchors = [cert('iaca-empty-crldp')];
    const ds = cert('ds-under-iaca-empty-crldp');
    expect(ds.findings).toEqual([]);
    const report = await verifyIssuerChain([ds], { anchors, now, backend });
    expect(report.valid).toBe(false);
    expect(failed(report)).toEqual(['IACA_EXTENSION_EMPTY']);
    expect(detail(report, 'IACA_EXTENSION_EMPTY')).toBe('cRLDistributionPoints: cRLDistributionPoints is empty (EXTENSION_EMPTY)');
    const waived = await verifyIssuerChain([ds], { anchors, now, backend, waive: ['IACA_EXTENSION_EMPTY'] });
    expect(waived.valid).toBe(true);
    expect(waived.checks.filter((c) => c.status !== 'passed').map((c) => `${c.id}:${c.status}`)).toEqual(['REVOCATION:skipped', 'IACA_EXTENSION_EMPTY:waived']);
  });

  it('plain RFC 5280 validation (no profile: JPKI, CMS) is not failed by a finding in a non-critical extension', async () => {
    const report = await verifyChain(cert('ds-under-iaca-empty-crldp'), { anchors: [cert('iaca-empty-crldp')], now, backend });
    expect(report.valid).toBe(true);
  });
});

describe('document signers with one odd extension', () => {
  const anchors = () => [cert('iaca-empty-crldp')];
  const waiveIaca = ['IACA_EXTENSION_EMPTY'];

  it('keyUsage with trailing zero bits: read as digitalSignature, DS_KEY_USAGE fails, waivable', async () => {
    const ds = cert('ds-keyusage-trailing-zero-bits');
    expect(ds.keyUsage).toEqual({ critical: true, usages: ['digitalSignature'] });
    expect(ds.findings.map((f) => [f.id, f.extension])).toEqual([[X509FindingId.EXTENSION_NONCONFORMANT, 'keyUsage']]);
    const report = await verifyIssuerChain([ds], { anchors: anchors(), now, backend, waive: waiveIaca });
    expect(failed(report)).toEqual(['DS_KEY_USAGE']);
    expect(detail(report, 'DS_KEY_USAGE')).toMatch(/trailing zero bits/);
    expect((await verifyIssuerChain([ds], { anchors: anchors(), now, backend, waive: [...waiveIaca, 'DS_KEY_USAGE'] })).valid).toBe(true);
  });

  it('an unknown policy qualifier: DS_EXTENSION_NONCONFORMANT fails, waivable', async () => {
    const ds = cert('ds-policy-unknown-qualifier');
    expect(ds.certificatePolicies?.oids).toEqual(['2.23.140.1.2.2']);
    const report = await verifyIssuerChain([ds], { anchors: anchors(), now, backend, waive: waiveIaca });
    expect(failed(report)).toEqual(['DS_EXTENSION_NONCONFORMANT']);
    expect(detail(report, 'DS_EXTENSION_NONCONFORMANT')).toMatch(/^certificatePolicies: unknown policy qualifier 1\.3\.6\.1\.5\.5\.7\.2\.99/);
    expect((await verifyIssuerChain([ds], { anchors: anchors(), now, backend, waive: [...waiveIaca, 'DS_EXTENSION_NONCONFORMANT'] })).valid).toBe(true);
  });

  it('a cRLDistributionPoints that does not decode: the DS parses (field null), DS_CRL_DP fails, waivable; nothing is fetched', async () => {
    const ds = cert('ds-crldp-not-a-sequence');
    expect(ds.cRLDistributionPoints).toBeNull();
    expect(ds.findings.map((f) => [f.id, f.extension])).toEqual([[X509FindingId.EXTENSION_MALFORMED, 'cRLDistributionPoints']]);
    const report = await verifyIssuerChain([ds], { anchors: anchors(), now, backend, waive: waiveIaca });
    expect(failed(report)).toEqual(['DS_CRL_DP']);
    expect(detail(report, 'DS_CRL_DP')).toMatch(/^cRLDistributionPoints: cRLDistributionPoints does not decode/);
    expect((await verifyIssuerChain([ds], { anchors: anchors(), now, backend, waive: [...waiveIaca, 'DS_CRL_DP'] })).valid).toBe(true);
  });

  it('a critical private extension still fails CRITICAL_EXTENSIONS, which cannot be waived', async () => {
    const ds = cert('ds-critical-private-extension');
    expect(ds.findings).toEqual([]);
    const report = await verifyIssuerChain([ds], { anchors: anchors(), now, backend, waive: waiveIaca });
    expect(failed(report)).toEqual(['CRITICAL_EXTENSIONS']);
    await expect(verifyIssuerChain([ds], { anchors: anchors(), now, backend, waive: [...waiveIaca, 'CRITICAL_EXTENSIONS'] })).rejects.toThrow(RangeError);
  });

  it('a critical extension shomei knows but cannot decode fails CRITICAL_EXTENSIONS too (RFC 5280 §4.2)', async () => {
    const iaca = cert('iaca-empty-crldp');
    const ds = await buildCertificate({
      subject: { C: 'US', CN: 'critical and malformed' },
      issuer: iaca,
      notBefore: now,
      notAfter: new Date(now.getTime() + 86_400_000),
      publicKey: publicKeyOf(DS_KEY),
      signer: DS_KEY,
      extensions: [{ oid: ExtensionOid.cRLDistributionPoints, critical: true, value: ODD_VALUES.notASequence }],
      backend,
    });
    const report = await verifyChain(ds, { anchors: [iaca], now, backend });
    expect(report.checks.find((c) => c.id === 'CRITICAL_EXTENSIONS')).toMatchObject({ status: 'failed', detail: expect.stringMatching(/2\.5\.29\.31 that does not decode/) });
  });
});

describe('end to end: a response signed under the empty-CRL-DP IACA', () => {
  const NS = 'org.iso.18013.5.1';
  const sessionTranscript = EncodedCbor.wrap(encode([null, null, ['test', 2]]), null).tagged;
  let dir: string;
  let response: Uint8Array;

  beforeAll(async () => {
    const { 'ds-under-iaca-empty-crldp': ds } = await buildInteropFixtures();
    const device = await backend.generateKeyPair('P-256');
    const mdl = await issueMdoc({
      docType: 'org.iso.18013.5.1.mDL',
      nameSpaces: { [NS]: { family_name: 'Doe', given_name: 'Jo', birth_date: FullDate.of(1990, 1, 2), issuing_country: 'US', age_over_18: true } },
      deviceKey: publicKeyOf(device),
      validity: { signed: now, validFrom: now, validUntil: new Date(now.getTime() + 30 * 86_400_000) },
      issuer: { signer: DS_KEY, certificates: [(ds as Certificate).der] },
      backend,
    });
    response = encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned: mdl, deviceKey: device }], elements: { [NS]: ['family_name', 'age_over_18'] }, sessionTranscript, backend }));
    dir = mkdtempSync(join(tmpdir(), 'shomei-interop-'));
    writeFileSync(join(dir, 'iaca.pem'), pem('iaca-empty-crldp'));
    writeFileSync(join(dir, 'response.cbor'), response);
    writeFileSync(join(dir, 'transcript.cbor'), encode([null, null, ['test', 2]]));
  });

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('verifyDeviceResponse shows DS_CHAIN.IACA_EXTENSION_EMPTY; waived, the response is valid', async () => {
    const strict = await verifyDeviceResponse(response, { trustAnchors: [cert('iaca-empty-crldp')], sessionTranscript, now, backend });
    expect(strict.valid).toBe(false);
    const chainChecks = strict.documents[0]!.checks.filter((c) => c.status === 'failed').map((c) => c.id);
    expect(chainChecks).toEqual(['DS_CHAIN.IACA_EXTENSION_EMPTY', 'DS_CHAIN']);
    const waived = await verifyDeviceResponse(response, { trustAnchors: [cert('iaca-empty-crldp')], sessionTranscript, now, backend, waive: ['IACA_EXTENSION_EMPTY'] });
    expect(waived.documents[0]!.checks.find((c) => c.id === 'DS_CHAIN.IACA_EXTENSION_EMPTY')?.status).toBe('waived');
    expect(waived.documents[0]!.checks.find((c) => c.id === 'DS_CHAIN')?.status).toBe('passed');
    expect(waived.valid).toBe(true);
  });

  it('shomei verify --trust loads the IACA (no exit 2), names the check, and --waive lets it through', async () => {
    const args = ['verify', join(dir, 'response.cbor'), '--trust', join(dir, 'iaca.pem'), '--transcript', join(dir, 'transcript.cbor'), '--at', now.toISOString()];
    const strict = await runCli(...args);
    expect(strict.err).not.toMatch(/not a certificate/);
    expect(strict.code).toBe(1);
    expect(strict.out).toContain('FAIL DS_CHAIN.IACA_EXTENSION_EMPTY');
    const waived = await runCli(...args, '--waive', 'IACA_EXTENSION_EMPTY');
    expect(waived.out).toContain('DS_CHAIN.IACA_EXTENSION_EMPTY');
    expect(waived.out).not.toContain('FAIL');
    expect(waived.code).toBe(0);
  });
});

describe('certificates handed over as objects', () => {
  it('an object without findings (made by hand, or by an older version) is parsed from its DER', async () => {
    const { findings: _f, ...old } = cert('iaca-empty-crldp');
    const report = await verifyIssuerChain([cert('ds-under-iaca-empty-crldp')], { anchors: [old as unknown as Certificate], now, backend });
    expect(failed(report)).toEqual(['IACA_EXTENSION_EMPTY']);
  });
});
