/** `shomei present`: build a DeviceResponse from held mdocs. */

import { writeFileSync } from 'node:fs';
import type { EcPublicKey, OkpPublicKey } from '../crypto/types.js';
import { buildDeviceResponse, type DeviceResponse, decodeDeviceRequest, encodeDeviceResponse, type ElementSelection } from '../mdoc/index.js';
import { type Command, flag, InputError, parse, readCbor, str, strs, UsageError } from './io.js';
import { readPrivateKey, readPublicKey } from './keys.js';

/** `ns/element,ns/element` → { ns: [element…] } (the namespace is everything before the last `/`). */
export function parseElements(spec: string): ElementSelection {
  // Null prototype: a namespace named __proto__ is a key like any other.
  const out = Object.create(null) as Record<string, string[]>;
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const slash = part.lastIndexOf('/');
    if (slash <= 0 || slash === part.length - 1) throw new UsageError(`--elements: expected namespace/element, got ${part}`);
    (out[part.slice(0, slash)] ??= []).push(part.slice(slash + 1));
  }
  if (Object.keys(out).length === 0) throw new UsageError('--elements is empty');
  return out;
}

/**
 * Every `--elements` name must be disclosed by at least one document: a name that
 * matches nothing (a typo, the wrong namespace) is invalid input, not an empty answer.
 */
function assertAllMatched(selection: ElementSelection, response: DeviceResponse): void {
  const disclosed = new Set<string>();
  for (const d of response.documents) for (const [ns, items] of d.issuerSigned.nameSpaces) for (const i of items) disclosed.add(`${ns}/${i.value.elementIdentifier}`);
  const unknown = Object.entries(selection).flatMap(([ns, ids]) => ids.map((id) => `${ns}/${id}`)).filter((name) => !disclosed.has(name));
  if (unknown.length === 0) return;
  const held = [...new Set(response.documents.map((d) => d.docType))].join(', ');
  throw new InputError(`--elements: no document${held === '' ? '' : ` (${held})`} holds ${unknown.join(', ')}`);
}

export const present: Command = {
  summary: 'build a DeviceResponse from held mdocs (selective disclosure, device authentication)',
  help: `
Usage: shomei present --mdoc issuer-signed.cbor [--mdoc ...] (--request device-request.cbor | --elements ns/element,...)
                      --device-key PRIV --transcript session-transcript.cbor [--mac --reader-key PUB] -o device-response.cbor

  --mdoc FILE          an IssuerSigned (from 'shomei issue'); repeat for several documents
  --request FILE       a DeviceRequest to answer, or
  --elements LIST      what to disclose from every document, e.g. org.iso.18013.5.1/family_name,org.iso.18013.5.1/age_over_18
  --device-key PRIV    the holder's device private key (PEM PKCS#8 or JWK); one key for all documents
  --transcript FILE    SessionTranscriptBytes (tag 24) or the bare SessionTranscript array
  --mac                authenticate with deviceMac (needs --reader-key) instead of deviceSignature
  --reader-key PUB     the reader's ephemeral public key, for --mac
  -o FILE              where to write the DeviceResponse CBOR
`,
  async run(argv) {
    const args = parse(
      argv,
      {
        mdoc: { type: 'string', multiple: true },
        request: { type: 'string' },
        elements: { type: 'string' },
        'device-key': { type: 'string' },
        transcript: { type: 'string' },
        mac: { type: 'boolean', default: false },
        'reader-key': { type: 'string' },
        out: { type: 'string', short: 'o' },
      },
      false,
    );
    const mdocs = strs(args, 'mdoc');
    if (mdocs.length === 0) throw new UsageError('--mdoc is required');
    const request = str(args, 'request');
    const elements = str(args, 'elements');
    if ((request === undefined) === (elements === undefined)) throw new UsageError('give exactly one of --request and --elements');
    const deviceKeyPath = str(args, 'device-key');
    const transcript = str(args, 'transcript');
    const out = str(args, 'out');
    if (deviceKeyPath === undefined || transcript === undefined || out === undefined) throw new UsageError('--device-key, --transcript and -o are required');
    const readerKey = str(args, 'reader-key');
    if (flag(args, 'mac') && readerKey === undefined) throw new UsageError('--mac needs --reader-key');
    const selection = elements === undefined ? undefined : parseElements(elements);
    const deviceKey = readPrivateKey(deviceKeyPath);
    const response = await buildDeviceResponse({
      documents: mdocs.map((p) => ({ issuerSigned: readCbor(p), deviceKey })),
      ...(selection === undefined ? { request: decodeDeviceRequest(readCbor(request!)) } : { elements: selection }),
      sessionTranscript: readCbor(transcript),
      ...(flag(args, 'mac') ? { mac: { eReaderKey: readPublicKey(readerKey!) as EcPublicKey | OkpPublicKey } } : {}),
    });
    if (selection !== undefined) assertAllMatched(selection, response);
    writeFileSync(out, encodeDeviceResponse(response));
    const disclosed = response.documents.reduce((n, d) => n + [...d.issuerSigned.nameSpaces.values()].reduce((m, i) => m + i.length, 0), 0);
    process.stdout.write(`wrote a DeviceResponse with ${response.documents.length} document(s), ${disclosed} element(s) disclosed, to ${out}\n`);
    return 0;
  },
};
