/** `shomei issue`: issue an mdoc (IssuerSigned) from JSON data. */

import { writeFileSync } from 'node:fs';
import { type DigestAlgorithm, defaultRegistry, encodeIssuerSigned, issueMdoc, jsonToNameSpaces } from '../mdoc/index.js';
import { type Command, flag, parse, str, strs, UsageError } from './io.js';
import { readCertificates, readJson, readPrivateKey, readPublicKey } from './keys.js';

function date(value: string | undefined, name: string, fallback: Date): Date {
  if (value === undefined) return fallback;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new UsageError(`${name}: not an ISO 8601 date: ${value}`);
  return d;
}

export const issue: Command = {
  summary: 'issue an mdoc (IssuerSigned) from data.json',
  help: `
Usage: shomei issue --doctype T --data data.json --issuer-key KEY --issuer-cert CERT [--issuer-cert ...]
                    --device-key PUB [--valid-from ISO] [--valid-until ISO] [--digest SHA-256] -o issuer-signed.cbor

  --doctype T        e.g. org.iso.18013.5.1.mDL, org.iso.23220.1.jp.mnc, eu.europa.ec.eudi.pid.1
  --data FILE        { "<namespace>": { "<element>": value } }. Where the doctype profile knows an
                     element's type, JSON is converted to it (ISO dates to full-date or tdate, base64
                     to bytes for portrait, driving_privileges); {"$bytes": b64}, {"$date": "YYYY-MM-DD"}
                     and {"$tdate": "RFC 3339"} override.
  --issuer-key KEY   the document signer's private key (PEM PKCS#8 or JWK)
  --issuer-cert CERT the document signer certificate, then intermediates (PEM or DER; never the IACA)
  --device-key PUB   the holder's device public key (PEM SPKI or JWK)
  --valid-from ISO   default now;  --valid-until ISO  default 1 year later
  --digest ALG       SHA-256 (default), SHA-384 or SHA-512
  -o FILE            where to write the IssuerSigned CBOR
`,
  async run(argv) {
    const args = parse(
      argv,
      {
        doctype: { type: 'string' },
        data: { type: 'string' },
        'issuer-key': { type: 'string' },
        'issuer-cert': { type: 'string', multiple: true },
        'device-key': { type: 'string' },
        'valid-from': { type: 'string' },
        'valid-until': { type: 'string' },
        digest: { type: 'string', default: 'SHA-256' },
        out: { type: 'string', short: 'o' },
        quiet: { type: 'boolean', default: false },
      },
      false,
    );
    const need = (name: string) => str(args, name) ?? (() => { throw new UsageError(`--${name} is required`); })();
    const docType = need('doctype');
    const out = need('out');
    const certs = strs(args, 'issuer-cert').flatMap((p) => readCertificates(p).map((c) => c.der));
    if (certs.length === 0) throw new UsageError('--issuer-cert is required');
    const now = new Date(); // one clock reading: signed ≤ validFrom must hold even across a second boundary
    const validFrom = date(str(args, 'valid-from'), '--valid-from', now);
    const validUntil = date(str(args, 'valid-until'), '--valid-until', new Date(validFrom.getTime() + 365 * 86_400_000));
    const digest = str(args, 'digest');
    if (digest !== 'SHA-256' && digest !== 'SHA-384' && digest !== 'SHA-512') throw new UsageError(`--digest must be SHA-256, SHA-384 or SHA-512, got ${digest}`);
    const nameSpaces = jsonToNameSpaces(defaultRegistry(), docType, readJson(need('data')));
    const issuerSigned = await issueMdoc({
      docType,
      nameSpaces,
      deviceKey: readPublicKey(need('device-key')),
      validity: { signed: now, validFrom, validUntil },
      digestAlgorithm: digest satisfies DigestAlgorithm,
      issuer: { signer: readPrivateKey(need('issuer-key')), certificates: certs },
    });
    writeFileSync(out, encodeIssuerSigned(issuerSigned));
    if (!flag(args, 'quiet')) {
      const count = [...issuerSigned.nameSpaces.values()].reduce((n, items) => n + items.length, 0);
      process.stdout.write(`issued ${docType} with ${count} elements to ${out}\n`);
    }
    return 0;
  },
};
