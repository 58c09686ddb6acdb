import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/index.js';
import { X509Error } from '../../src/errors.js';
import { buildCrl, parseCertificate, parseCrl, parseName, parsePem, pemToDer, verifyIssuerChain } from '../../src/x509/index.js';
import { annexDBytes } from '../helpers/annex-d.js';
import { loadVectorText } from '../helpers/vectors.js';
import { days, issuerPki, NOW, T0 } from './pki.js';

/** Run `fn`; anything thrown must be an X509Error. */
async function onlyX509Errors(fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof X509Error)) throw e;
  }
}

const SEEDS = [annexDBytes('iaca_cert'), annexDBytes('ds_cert'), annexDBytes('reader_cert'), pemToDer(loadVectorText('jpki/real-auth-cert-expired.pem'))];

const mutation = fc.record({
  seed: fc.integer({ min: 0, max: SEEDS.length - 1 }),
  edits: fc.array(
    fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('flip', 'set', 'delete', 'insert', 'truncate'),
      value: fc.integer({ min: 0, max: 255 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

function mutate(bytes: Uint8Array, edits: readonly { at: number; kind: string; value: number }[]): Uint8Array {
  let b = Array.from(bytes);
  for (const e of edits) {
    const i = b.length === 0 ? 0 : e.at % b.length;
    if (e.kind === 'flip') b[i] = (b[i] ?? 0) ^ (1 << (e.value & 7));
    else if (e.kind === 'set') b[i] = e.value;
    else if (e.kind === 'delete') b.splice(i, 1);
    else if (e.kind === 'insert') b.splice(i, 0, e.value);
    else b = b.slice(0, i);
  }
  return Uint8Array.from(b);
}

describe('hostile input never escapes as anything but X509Error', () => {
  it('random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        await onlyX509Errors(() => parseCertificate(bytes));
        await onlyX509Errors(() => parseCrl(bytes));
        await onlyX509Errors(() => parseName(bytes));
        const withHeader = Uint8Array.from([0x30, 0x82, bytes.length >> 8, bytes.length & 0xff, ...bytes]);
        await onlyX509Errors(() => parseCertificate(withHeader));
      }),
      { numRuns: 400 },
    );
  });

  it('mutated certificates, parsed and validated', async () => {
    const anchors = [annexDBytes('iaca_cert')];
    await fc.assert(
      fc.asyncProperty(mutation, async ({ seed, edits }) => {
        const bytes = mutate(SEEDS[seed]!, edits);
        await onlyX509Errors(() => parseCertificate(bytes));
        await onlyX509Errors(() =>
          verifyIssuerChain([bytes], { anchors, now: new Date('2020-10-01T13:30:02Z'), backend: nobleBackend, crls: [bytes], fetchCrl: async () => bytes }),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('mutated CRLs', async () => {
    const { iaca, iacaKey, ds } = await issuerPki(nobleBackend);
    const crl = await buildCrl({
      issuer: iaca,
      signer: iacaKey,
      thisUpdate: days(T0, 1),
      nextUpdate: days(NOW, 1),
      revoked: [{ serialNumber: ds.serialNumber, revocationDate: T0, reason: 1 }],
      backend: nobleBackend,
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ edits }) => {
        const bytes = mutate(crl.der, edits);
        await onlyX509Errors(() => parseCrl(bytes));
        const report = await verifyIssuerChain([ds], { anchors: [iaca], now: NOW, backend: nobleBackend, crls: [bytes] });
        // a mutated CRL is never "good": its signature no longer verifies (or it does not parse)
        const revocation = report.checks.find((c) => c.id === 'REVOCATION')!;
        expect(revocation.status === 'passed').toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('PEM text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parsePem(`-----BEGIN CERTIFICATE-----\n${text}\n-----END CERTIFICATE-----`);
        } catch (e) {
          expect(e).toBeInstanceOf(X509Error);
        }
      }),
      { numRuns: 200 },
    );
  });
});
