/**
 * Resource bounds of name matching and path building (issue 15 item 1): a hostile x5chain of
 * certificates whose names hold many attributes, all matching each other only under
 * RFC 5280 §7.1 normalisation, costs work linear in the names, not quadratic per
 * comparison times hundreds of comparisons. Work is counted (normalisations), never timed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { X509Error } from '../../src/errors.js';
import { encodeOid, encodeSequence, encodeSetOf, encodeString, Tag } from '../../src/x509/der.js';
import {
  buildCertificate,
  type Certificate,
  MAX_NAME_ATTRIBUTES,
  MAX_RDN_ATTRIBUTES,
  MAX_INTERMEDIATES as MXI,
  namesMatch,
  parseCertificate,
  parseName,
  verifyChain,
  verifyIssuerChain,
  verifyReaderChain,
} from '../../src/x509/index.js';
import { AttributeOid } from '../../src/x509/oids.js';
import { days, issuerPki, key, NOW, T0 } from './pki.js';

const backend = nobleBackend;
const MAX_X5CHAIN_LENGTH = MXI + 1;

/** A Name of `rdns` RDNs of `perRdn` OU attributes each; `variant` changes only letter case. */
function wideName(rdns: number, perRdn: number, variant: number): Uint8Array {
  const sets: Uint8Array[] = [];
  for (let r = 0; r < rdns; r++) {
    const attrs: Uint8Array[] = [];
    for (let a = 0; a < perRdn; a++) {
      const text = `unit ${r} ${a} of a very wide name`;
      const cased = [...text].map((ch, i) => ((variant >> i % 8) & 1 ? ch.toUpperCase() : ch)).join('');
      attrs.push(encodeSequence(encodeOid(AttributeOid.OU), encodeString(Tag.UTF8_STRING, cased)));
    }
    sets.push(encodeSetOf(...attrs));
  }
  return encodeSequence(...sets);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('name bounds', () => {
  it(`a name holds at most ${MAX_NAME_ATTRIBUTES} attributes and an RDN at most ${MAX_RDN_ATTRIBUTES}: more is ERR_X509_PARSE`, () => {
    expect(parseName(wideName(4, MAX_RDN_ATTRIBUTES, 0)).rdns.flat()).toHaveLength(MAX_NAME_ATTRIBUTES);
    expect(() => parseName(wideName(5, MAX_RDN_ATTRIBUTES, 0))).toThrow(expect.objectContaining({ code: 'ERR_X509_PARSE', message: expect.stringMatching(/more than 64 attributes/) }));
    expect(() => parseName(wideName(1, MAX_RDN_ATTRIBUTES + 1, 0))).toThrow(expect.objectContaining({ code: 'ERR_X509_PARSE', message: expect.stringMatching(/more than 16 attributes/) }));
  });

  it('a certificate with an oversized name does not parse (typed error)', async () => {
    const k = await key(backend, 'P-256', 0);
    const error = await buildCertificate({ subject: wideName(1, 17, 0), notBefore: T0, notAfter: days(T0, 10), publicKey: publicKeyOf(k), signer: k, backend }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X509Error);
    expect((error as X509Error).code).toBe('ERR_X509_PARSE');
  });

  it('namesMatch normalises each parsed name once, however often it is compared', () => {
    const a = parseName(wideName(4, 16, 1));
    const b = parseName(wideName(4, 16, 2));
    const spy = vi.spyOn(String.prototype, 'normalize');
    for (let i = 0; i < 100; i++) expect(namesMatch(a, b)).toBe(true);
    expect(spy.mock.calls.length).toBe(2 * 64);
    // set semantics within an RDN, type and value both count
    expect(namesMatch(a, parseName(wideName(4, 15, 1)))).toBe(false);
  });
});

describe('a hostile x5chain costs bounded work', () => {
  it('33 certificates whose 64-attribute names all match each other only after normalisation', async () => {
    const { iaca } = await issuerPki(backend);
    const k = await key(backend, 'P-256', 6);
    const certs: Certificate[] = [];
    for (let i = 0; i < MAX_X5CHAIN_LENGTH; i++) {
      certs.push(
        await buildCertificate({
          subject: wideName(4, 16, 2 * i),
          issuer: wideName(4, 16, 2 * i + 1),
          serialNumber: (i + 1).toString(16),
          notBefore: T0,
          notAfter: days(T0, 300),
          publicKey: publicKeyOf(k),
          signer: k,
          basicConstraints: { cA: true },
          backend,
        }),
      );
    }
    // every certificate is a name-match candidate issuer of every other
    expect(namesMatch(certs[0]!.issuer, certs[5]!.subject)).toBe(true);
    const spy = vi.spyOn(String.prototype, 'normalize');
    const report = await verifyIssuerChain(certs, { anchors: [iaca], now: NOW, backend });
    expect(report.valid).toBe(false);
    expect(report.checks.find((c) => c.id === 'TRUST_ANCHOR')?.status).toBe('failed');
    // each name normalised at most once: 33 certificates, two names of 64 attributes, and the anchor's subject
    const bound = MAX_X5CHAIN_LENGTH * 2 * 64 + iaca.subject.rdns.flat().length;
    expect(spy.mock.calls.length).toBeLessThanOrEqual(bound);
  });

  it(`an x5chain longer than ${MAX_X5CHAIN_LENGTH} certificates is refused before any is parsed`, async () => {
    const { iaca, ds } = await issuerPki(backend);
    const long = Array.from({ length: MAX_X5CHAIN_LENGTH + 1 }, () => ds.der);
    const error = await verifyIssuerChain(long, { anchors: [iaca], now: NOW, backend }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X509Error);
    expect((error as X509Error).code).toBe('ERR_X509_PARSE');
    expect((error as X509Error).message).toMatch(/more than 33/);
  });

  it('a benign chain matching only under normalisation still verifies', async () => {
    const caKey = await key(backend, 'P-256', 4);
    const ca = await buildCertificate({
      subject: { C: 'JP', O: 'Shomei Test', CN: 'Root' },
      notBefore: T0,
      notAfter: days(T0, 1000),
      publicKey: publicKeyOf(caKey),
      signer: caKey,
      basicConstraints: { cA: true },
      keyUsage: ['keyCertSign'],
      backend,
    });
    const leaf = await buildCertificate({
      subject: { CN: 'leaf' },
      issuer: { C: 'JP', O: 'SHOMEI  test ', CN: 'root' },
      notBefore: T0,
      notAfter: days(T0, 300),
      publicKey: publicKeyOf(await key(backend, 'P-256', 5)),
      signer: caKey,
      authorityKeyIdentifier: ca.subjectKeyIdentifier!.keyIdentifier,
      backend,
    });
    const report = await verifyChain(parseCertificate(leaf.der), { anchors: [ca], now: NOW, backend });
    expect(report.valid).toBe(true);
    expect(report.checks.find((c) => c.id === 'NAME_CHAINING')?.detail).toMatch(/not byte-exact/);
  });
});

describe('PEM scanning is one forward pass', () => {
  /** Characters scanned by String.prototype.indexOf during `fn` (its whole search range, an upper bound). */
  function scanned(fn: () => unknown): number {
    let total = 0;
    const original = String.prototype.indexOf;
    vi.spyOn(String.prototype, 'indexOf').mockImplementation(function (this: string, search: string, from?: number) {
      total += this.length - Math.max(0, from ?? 0);
      const found = original.call(this, search, from);
      if (found >= 0) total -= this.length - found - search.length;
      return found;
    });
    try {
      fn();
    } finally {
      vi.restoreAllMocks();
    }
    return total;
  }

  it.each([
    ['many BEGIN lines and no END', '-----BEGIN A-----'.repeat(20_000)],
    ['many BEGIN lines and a bad END', `${'-----BEGIN A-----'.repeat(20_000)}-----END a-----`],
    ['one BEGIN and many bad END lines', `-----BEGIN A-----${'-----END a-----'.repeat(20_000)}`],
  ])('%s: at most a few passes over the text, no block', (_name, text) => {
    // bytes holding PEM text reach the PEM parser too (an x5chain entry is such bytes)
    const work = scanned(() => expect(() => parseCertificate(new TextEncoder().encode(text))).toThrow(X509Error));
    expect(work).toBeGreaterThan(0);
    expect(work).toBeLessThanOrEqual(4 * text.length);
  });
});

describe('the same caps on the reader-authentication path', () => {
  it(`a ReaderAuth x5chain longer than ${MAX_X5CHAIN_LENGTH} certificates is refused`, async () => {
    const { iaca, ds } = await issuerPki(backend);
    const error = await verifyReaderChain(
      Array.from({ length: MAX_X5CHAIN_LENGTH + 1 }, () => ds.der),
      { anchors: [iaca], now: NOW, backend },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_X509_PARSE' });
  });
});
