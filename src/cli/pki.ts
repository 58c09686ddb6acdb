/** `shomei pki`: a throwaway test PKI (IACA, document signer, reader) and keys to try the CLI with. */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EncodedCbor, encode } from '../cbor/index.js';
import { defaultBackend } from '../crypto/index.js';
import { publicKeyOf } from '../crypto/keys.js';
import type { EcPrivateKey } from '../crypto/types.js';
import { toHex } from '../internal/bytes.js';
import { buildDocumentSigner, buildIaca, buildReaderAuthCertificate, derToPem } from '../x509/index.js';
import { type Command, parse, str, UsageError } from './io.js';
import { keyToPem } from './keys.js';

const DAY = 86_400_000;

export const pki: Command = {
  summary: 'create a test IACA, document signer, reader and device keys (for trying shomei out)',
  help: `
Usage: shomei pki --out DIR [--curve P-256|P-384|P-521] [--country JP] [--state ST]

Writes into DIR, all freshly generated and for testing only:
  iaca.pem, iaca-key.pem              an ISO 18013-5 IACA (Annex B profile) and its key
  ds.pem, ds-key.pem                  a document signer issued by it
  reader-root.pem, reader.pem, reader-key.pem   a reader CA and a reader authentication certificate
  device-key.pem, device.pub.pem      a holder device key
  reader-ephemeral-key.pem, reader-ephemeral.pub.pem   a reader ephemeral key (for deviceMac)
  session-transcript.cbor             a SessionTranscript [null, null, ["shomei test", nonce]]
`,
  async run(argv) {
    const args = parse(argv, { out: { type: 'string' }, curve: { type: 'string', default: 'P-256' }, country: { type: 'string', default: 'JP' }, state: { type: 'string' } }, false);
    const out = str(args, 'out');
    if (out === undefined) throw new UsageError('--out DIR is required');
    const curve = str(args, 'curve');
    if (curve !== 'P-256' && curve !== 'P-384' && curve !== 'P-521') throw new UsageError(`unsupported curve ${curve}`);
    const country = str(args, 'country')!;
    const state = str(args, 'state');
    const backend = defaultBackend();
    const now = Date.now();
    const gen = async () => (await backend.generateKeyPair(curve)) as EcPrivateKey;
    const [iacaKey, dsKey, rootKey, readerKey, deviceKey, ephemeral] = await Promise.all([gen(), gen(), gen(), gen(), gen(), gen()]);
    const iaca = await buildIaca({
      country,
      ...(state === undefined ? {} : { state }),
      commonName: 'shomei test IACA',
      key: iacaKey,
      validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 5 * 365 * DAY) },
      issuerAltName: { uri: 'https://iaca.example/' },
      backend,
    });
    const ds = await buildDocumentSigner({
      iaca,
      iacaKey,
      commonName: 'shomei test DS',
      ...(state === undefined ? {} : { state }),
      publicKey: publicKeyOf(dsKey),
      validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) },
      crlUri: 'https://iaca.example/crl',
      backend,
    });
    const root = await buildIaca({
      country,
      commonName: 'shomei test reader CA',
      key: rootKey,
      validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 5 * 365 * DAY) },
      issuerAltName: { uri: 'https://reader-ca.example/' },
      backend,
    });
    const reader = await buildReaderAuthCertificate({
      issuer: root,
      issuerKey: rootKey,
      commonName: 'shomei test reader',
      publicKey: publicKeyOf(readerKey),
      validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) },
      crlUri: 'https://reader-ca.example/crl',
      backend,
    });
    const transcript = EncodedCbor.wrap(encode([null, null, ['shomei test', toHex(backend.randomBytes(16))]]), null).tagged;
    mkdirSync(out, { recursive: true });
    const files: [string, string | Uint8Array][] = [
      ['iaca.pem', derToPem(iaca.der)],
      ['iaca-key.pem', keyToPem(iacaKey)],
      ['ds.pem', derToPem(ds.der)],
      ['ds-key.pem', keyToPem(dsKey)],
      ['reader-root.pem', derToPem(root.der)],
      ['reader.pem', derToPem(reader.der)],
      ['reader-key.pem', keyToPem(readerKey)],
      ['device-key.pem', keyToPem(deviceKey)],
      ['device.pub.pem', keyToPem(publicKeyOf(deviceKey))],
      ['reader-ephemeral-key.pem', keyToPem(ephemeral)],
      ['reader-ephemeral.pub.pem', keyToPem(publicKeyOf(ephemeral))],
      ['session-transcript.cbor', transcript],
    ];
    for (const [name, content] of files) writeFileSync(join(out, name), content);
    process.stdout.write(`wrote ${files.map(([n]) => n).join(', ')} to ${out}\n`);
    return 0;
  },
};
