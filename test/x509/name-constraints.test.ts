/** Name constraints in path validation (RFC 5280 §4.2.1.10, §6.1.3 (b)(c), §6.1.4 (g)). */
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { fromHex } from '../../src/internal/bytes.js';
import { contextTag, encodeSequence, encodeTlv } from '../../src/x509/der.js';
import { encodeGeneralName, type GeneralNameInput } from '../../src/x509/extensions.js';
import {
  buildCertificate,
  type Certificate,
  type ChainReport,
  decodeNameConstraints,
  encodeNameConstraints,
  MAX_CONSTRAINED_NAMES,
  MAX_NAME_CONSTRAINT_SUBTREES,
  type NameConstraintsInput,
  verifyChain,
} from '../../src/x509/index.js';
import { ExtensionOid } from '../../src/x509/oids.js';
import { days, key, NOW, T0 } from './pki.js';

const backend = nobleBackend;
const validity = { notBefore: T0, notAfter: days(T0, 1000) };

let keys: EcPrivateKey[] | undefined;
async function k(i: number): Promise<EcPrivateKey> {
  keys ??= await Promise.all([0, 1, 2, 3].map((n) => key(backend, 'P-256', n)));
  return keys[i]!;
}

async function ca(subject: Record<string, string>, issuer: { cert: Certificate; key: EcPrivateKey } | null, i: number, nc?: NameConstraintsInput | Uint8Array, critical = true) {
  const own = await k(i);
  const cert = await buildCertificate({
    subject,
    ...(issuer === null ? {} : { issuer: issuer.cert }),
    ...validity,
    publicKey: publicKeyOf(own),
    signer: issuer?.key ?? own,
    basicConstraints: { cA: true },
    keyUsage: ['keyCertSign', 'cRLSign'],
    ...(nc === undefined ? {} : { extensions: [{ oid: ExtensionOid.nameConstraints, critical, value: nc instanceof Uint8Array ? nc : encodeNameConstraints(nc) }] }),
    backend,
  });
  return { cert, key: own };
}

async function leaf(issuer: { cert: Certificate; key: EcPrivateKey }, subject: Record<string, string>, san?: GeneralNameInput[]): Promise<Certificate> {
  return buildCertificate({
    subject,
    issuer: issuer.cert,
    ...validity,
    publicKey: publicKeyOf(await k(3)),
    signer: issuer.key,
    keyUsage: ['digitalSignature'],
    ...(san === undefined ? {} : { subjectAltName: san }),
    backend,
  });
}

function nc(report: ChainReport) {
  return report.checks.find((c) => c.id === 'NAME_CONSTRAINTS')!;
}

describe('name constraints', () => {
  it('a critical nameConstraints on an intermediate is processed: directoryName permitted and excluded', async () => {
    const root = await ca({ C: 'JP', CN: 'NC root' }, null, 0);
    const mid = await ca({ C: 'JP', O: 'Good', CN: 'NC mid' }, root, 1, { permitted: [{ type: 'directoryName', value: { C: 'JP', O: 'Good' } }], excluded: [{ type: 'directoryName', value: { C: 'JP', O: 'Good', OU: 'Bad' } }] });
    const run = (c: Certificate, strict = false) => verifyChain(c, { anchors: [root.cert], intermediates: [mid.cert], now: NOW, backend, strict });
    const inside = await run(await leaf(mid, { C: 'JP', O: 'good', CN: 'leaf' }));
    expect(inside.valid).toBe(true);
    expect(inside.checks.find((c) => c.id === 'CRITICAL_EXTENSIONS')?.status).toBe('passed');
    expect(nc(inside).status).toBe('passed');

    const outside = await run(await leaf(mid, { C: 'JP', O: 'Evil', CN: 'leaf' }));
    expect(outside.valid).toBe(false);
    expect(nc(outside)).toMatchObject({ status: 'failed', code: 'ERR_X509_NAME_CONSTRAINTS' });
    expect(nc(outside).detail).toMatch(/directoryName CN=leaf,O=Evil,C=JP is outside the permitted subtrees of CN=NC mid/);
    await expect(run(await leaf(mid, { C: 'JP', O: 'Evil', CN: 'leaf' }), true)).rejects.toMatchObject({ code: 'ERR_X509_NAME_CONSTRAINTS', check: 'NAME_CONSTRAINTS' });

    const excluded = await run(await leaf(mid, { C: 'JP', O: 'Good', OU: 'Bad', CN: 'leaf' }));
    expect(nc(excluded).detail).toMatch(/is in an excluded subtree/);
  });

  it('dNSName, rfc822Name (and the subject emailAddress), URI hosts and iPAddress', async () => {
    const root = await ca({ C: 'JP', CN: 'NC root' }, null, 0);
    const mid = await ca({ C: 'JP', CN: 'NC mid' }, root, 1, {
      permitted: [
        { type: 'dNSName', value: 'example.jp' },
        { type: 'rfc822Name', value: '.example.jp' },
        { type: 'rfc822Name', value: 'boss@partner.jp' },
        { type: 'uniformResourceIdentifier', value: '.example.jp' },
        { type: 'iPAddress', value: fromHex('c0a80000ffff0000') },
      ],
      excluded: [{ type: 'dNSName', value: 'evil.example.jp' }],
    });
    const check = async (san: GeneralNameInput[], subject: Record<string, string> = { CN: 'leaf' }) =>
      nc(await verifyChain(await leaf(mid, subject, san), { anchors: [root.cert], intermediates: [mid.cert], now: NOW, backend }));
    const ok: GeneralNameInput[][] = [
      [{ type: 'dNSName', value: 'example.jp' }],
      [{ type: 'dNSName', value: 'WWW.Example.JP' }],
      [{ type: 'rfc822Name', value: 'a@mail.example.jp' }],
      [{ type: 'rfc822Name', value: 'boss@PARTNER.jp' }],
      [{ type: 'uniformResourceIdentifier', value: 'https://www.example.jp/path' }],
      [{ type: 'iPAddress', value: fromHex('c0a80101') }],
    ];
    for (const san of ok) expect((await check(san)).status, JSON.stringify(san)).toBe('passed');
    const bad: [GeneralNameInput[], RegExp][] = [
      [[{ type: 'dNSName', value: 'badexample.jp' }], /dNSName badexample\.jp is outside/],
      [[{ type: 'dNSName', value: 'a.evil.example.jp' }], /is in an excluded subtree/],
      [[{ type: 'dNSName', value: '*.example.jp' }], /dNSName \*\.example\.jp is in an excluded subtree/],
      // A wildcard of the root stands for every name, the excluded ones among them.
      [[{ type: 'dNSName', value: '*.' }], /dNSName \*\. is in an excluded subtree/],
      [[{ type: 'rfc822Name', value: 'a@example.jp' }], /rfc822Name a@example\.jp is outside/],
      [[{ type: 'rfc822Name', value: 'other@partner.jp' }], /outside/],
      [[{ type: 'uniformResourceIdentifier', value: 'https://example.jp/' }], /outside/],
      [[{ type: 'uniformResourceIdentifier', value: 'https://10.0.0.1/' }], /cannot be checked/],
      [[{ type: 'uniformResourceIdentifier', value: 'urn:example:x' }], /cannot be checked/],
      [[{ type: 'iPAddress', value: fromHex('0a000001') }], /iPAddress 10\.0\.0\.1 is outside/],
      [[{ type: 'iPAddress', value: fromHex('00000000000000000000ffffc0a80101') }], /outside/],
    ];
    for (const [san, why] of bad) {
      const r = await check(san);
      expect(r.status, JSON.stringify(san)).toBe('failed');
      expect(r.detail).toMatch(why);
    }
    // The subject's emailAddress attribute is an rfc822Name too.
    expect((await check([{ type: 'dNSName', value: 'example.jp' }], { CN: 'leaf', E: 'x@other.jp' })).detail).toMatch(/rfc822Name x@other\.jp is outside/);
  });

  it('bases in any case and with a trailing dot match as hosts do; a mailbox base keeps its local part case-sensitive', async () => {
    const root = await ca({ C: 'JP', CN: 'NC root' }, null, 0);
    const mid = await ca({ C: 'JP', CN: 'NC mid' }, root, 1, {
      permitted: [
        { type: 'dNSName', value: 'Example.JP.' },
        { type: 'rfc822Name', value: 'Boss@Partner.JP' },
        { type: 'rfc822Name', value: '.Example.JP' },
        { type: 'uniformResourceIdentifier', value: '.Example.JP' },
      ],
      excluded: [{ type: 'dNSName', value: 'EVIL.example.jp.' }],
    });
    const check = async (san: GeneralNameInput[]) => nc(await verifyChain(await leaf(mid, { CN: 'leaf' }, san), { anchors: [root.cert], intermediates: [mid.cert], now: NOW, backend }));
    for (const san of [
      [{ type: 'dNSName', value: 'www.example.jp' }],
      [{ type: 'dNSName', value: 'example.jp.' }],
      [{ type: 'rfc822Name', value: 'Boss@partner.jp' }],
      [{ type: 'rfc822Name', value: 'a@mail.EXAMPLE.jp' }],
      [{ type: 'uniformResourceIdentifier', value: 'https://www.EXAMPLE.jp/' }],
    ] as GeneralNameInput[][]) {
      expect((await check(san)).status, JSON.stringify(san)).toBe('passed');
    }
    expect((await check([{ type: 'rfc822Name', value: 'boss@partner.jp' }])).detail).toMatch(/rfc822Name boss@partner\.jp is outside/);
    expect((await check([{ type: 'dNSName', value: 'a.Evil.Example.JP' }])).detail).toMatch(/is in an excluded subtree \(dNSName EVIL\.example\.jp\.\)/);
    expect((await check([{ type: 'dNSName', value: 'notexample.jp' }])).detail).toMatch(/outside/);
  });

  it('constraints of several CAs all apply (intersection), and a name form shomei cannot check fails closed', async () => {
    const root = await ca({ C: 'JP', CN: 'NC root' }, null, 0);
    const mid1 = await ca({ C: 'JP', CN: 'NC mid 1' }, root, 1, { permitted: [{ type: 'dNSName', value: 'example.jp' }] });
    const mid2 = await ca({ C: 'JP', CN: 'NC mid 2' }, mid1, 2, { permitted: [{ type: 'dNSName', value: 'a.example.jp' }, { type: 'otherName', typeId: '1.2.3.4', value: 'x' }] });
    const run = async (san: GeneralNameInput[]) => verifyChain(await leaf(mid2, { CN: 'leaf' }, san), { anchors: [root.cert], intermediates: [mid1.cert, mid2.cert], now: NOW, backend });
    expect(nc(await run([{ type: 'dNSName', value: 'x.a.example.jp' }])).status).toBe('passed');
    expect(nc(await run([{ type: 'dNSName', value: 'b.example.jp' }])).detail).toMatch(/outside the permitted subtrees of CN=NC mid 2/);
    const other = await run([{ type: 'otherName', typeId: '1.2.3.4', value: 'x' }]);
    expect(nc(other)).toMatchObject({ status: 'failed', code: 'ERR_X509_NAME_CONSTRAINTS' });
    expect(nc(other).detail).toMatch(/otherName names cannot be checked against the otherName constraints of CN=NC mid 2/);
    // The constraints apply to the intermediates below too: mid2's own name is checked against mid1's.
    const mid1b = await ca({ C: 'JP', CN: 'NC mid 1' }, root, 1, { permitted: [{ type: 'directoryName', value: { C: 'US' } }] });
    const r = await verifyChain(await leaf(mid2, { CN: 'leaf' }), { anchors: [root.cert], intermediates: [mid1b.cert, mid2.cert], now: NOW, backend });
    expect(nc(r).detail).toMatch(/^CN=NC mid 2,C=JP: directoryName/);
  });

  it('the trust anchor’s constraints apply only when asked', async () => {
    const root = await ca({ C: 'JP', CN: 'NC root' }, null, 0, { excluded: [{ type: 'directoryName', value: { C: 'JP', O: 'Evil' } }] });
    const evil = await leaf(root, { C: 'JP', O: 'Evil', CN: 'leaf' });
    expect(nc(await verifyChain(evil, { anchors: [root.cert], now: NOW, backend })).status).toBe('passed');
    const asked = await verifyChain(evil, { anchors: [root.cert], now: NOW, backend, anchorNameConstraints: true });
    expect(asked.valid).toBe(false);
    expect(nc(asked).detail).toMatch(/excluded subtree/);
    await expect(verifyChain(evil, { anchors: [root.cert], now: NOW, backend, anchorNameConstraints: 'yes' as never })).rejects.toThrow(TypeError);
  });

  it('hostile or non-conformant constraints fail closed: bad DER, maximum, too many subtrees', async () => {
    const root = await ca({ C: 'JP', CN: 'NC root' }, null, 0);
    const dns = encodeGeneralName({ type: 'dNSName', value: 'example.jp' });
    const withMax = encodeSequence(encodeTlv(contextTag(0, true), encodeSequence(dns, encodeTlv(contextTag(1, false), Uint8Array.of(1)))));
    const withMin = encodeSequence(encodeTlv(contextTag(1, true), encodeSequence(dns, encodeTlv(contextTag(0, false), Uint8Array.of(2)))));
    for (const [value, why] of [
      [fromHex('3003020101'), /does not decode/],
      [withMax, /maximum/],
      [withMin, /minimum other than 0/],
      [encodeSequence(encodeTlv(contextTag(0, true))), /permittedSubtrees is empty/],
      [encodeNameConstraints({ permitted: Array.from({ length: MAX_NAME_CONSTRAINT_SUBTREES + 1 }, (_, i) => ({ type: 'dNSName' as const, value: `h${i}.jp` })) }), /more than 64 subtrees/],
    ] as const) {
      const mid = await ca({ C: 'JP', CN: 'NC mid' }, root, 1, value);
      const r = await verifyChain(await leaf(mid, { CN: 'leaf' }), { anchors: [root.cert], intermediates: [mid.cert], now: NOW, backend });
      expect(nc(r), String(why)).toMatchObject({ status: 'failed', code: 'ERR_X509_NAME_CONSTRAINTS' });
      expect(nc(r).detail).toMatch(why);
    }
    // A leaf with more names than are checked fails rather than costing unbounded work.
    const wide = await ca({ C: 'JP', CN: 'NC mid' }, root, 1, { permitted: [{ type: 'dNSName', value: 'example.jp' }] });
    const many = await leaf(wide, { CN: 'leaf' }, Array.from({ length: MAX_CONSTRAINED_NAMES }, (_, i) => ({ type: 'dNSName' as const, value: `h${i}.example.jp` })));
    const r = await verifyChain(many, { anchors: [root.cert], intermediates: [wide.cert], now: NOW, backend });
    expect(nc(r).detail).toMatch(/more than 256 names/);
    // decode and encode round trip; empty input refused
    const mid = await ca({ C: 'JP', CN: 'NC mid' }, root, 1, { excluded: [{ type: 'iPAddress', value: fromHex('0a000000ff000000') }] }, false);
    expect(decodeNameConstraints(mid.cert)).toMatchObject({ critical: false, permitted: null, excluded: [{ type: 'iPAddress' }] });
    expect(decodeNameConstraints(root.cert)).toBeNull();
    expect(() => encodeNameConstraints({})).toThrow(TypeError);
    expect(() => encodeNameConstraints({ permitted: [{ type: 'iPAddress', value: fromHex('0a000001') }] })).toThrow(TypeError);
  });
});
