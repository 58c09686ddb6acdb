/**
 * `shomei demo`: one face-to-face presentation from start to end, on this machine, with
 * no network: an issuer PKI, an mDL and a My Number Card mdoc, a holder session showing
 * its QR engagement, a reader session scanning it, the holder's consent, the encrypted
 * request and response, and the verified result with every check and the time each step took.
 */

import { createInterface } from 'node:readline/promises';
import { FullDate } from '../cbor/index.js';
import { defaultBackend } from '../crypto/index.js';
import { publicKeyOf } from '../crypto/keys.js';
import type { EcPrivateKey } from '../crypto/types.js';
import type { CborValue } from '../cbor/index.js';
import { type Check, cborToJson, type ElementSelection, issueMdoc, type IssuerSigned, MDL_DOCTYPE, MNC_DOCTYPE, type VerifyDeviceResponseResult } from '../mdoc/index.js';
import { buildStatusListToken, createStatusBytes, defaultRegistry, StatusType, verifyIssuerSigned, writeStatus } from '../mdoc/index.js';
import { type ConsentRequest, HolderSession, ReaderSession } from '../session/index.js';
import { buildDocumentSigner, buildIaca, type Certificate } from '../x509/index.js';
import { type Command, colorTerminal, flag, parse } from './io.js';
import { renderQrTerminal } from './qr.js';
import { formatReport } from './verify.js';

const DAY = 86_400_000;
const MDL_NS = 'org.iso.18013.5.1';
const MNC_JP = 'org.iso.23220.1.jp';
const ISO_23220 = 'org.iso.23220.1';
/** Where the demo issuer "publishes" its status list (served from memory: the demo has no network). */
const STATUS_URI = 'https://status.demo.shomei.invalid/lists/1';

/** A 1×1 JPEG-ish placeholder portrait (the demo needs bytes, not a face). */
const PORTRAIT = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);

interface Step {
  readonly step: string;
  /** A one- or two-word name for the summary line. */
  readonly short: string;
  readonly ms: number;
}

async function timed<T>(steps: Step[], short: string, step: string, f: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  const v = await f();
  steps.push({ step, short, ms: Math.round((performance.now() - t) * 100) / 100 });
  return v;
}

/** What the reader asks for: intentToRetain false everywhere. */
const REQUEST = [
  { docType: MDL_DOCTYPE, nameSpaces: { [MDL_NS]: { family_name: false, given_name: false, age_over_18: false, portrait: false } } },
  { docType: MNC_DOCTYPE, nameSpaces: { [MNC_JP]: { full_name_unicode: false, resident_address_unicode: false }, [ISO_23220]: { age_over_20: false } } },
];

/** A disclosed value on one line: bytes by their length, the rest as JSON (strings bare). */
function show(value: CborValue): string {
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  const json = cborToJson(value);
  return typeof json === 'string' ? json : JSON.stringify(json);
}

/** The short default output: what was asked, what was disclosed, the verdict and the timings. */
function summary(result: VerifyDeviceResponseResult, steps: readonly Step[]): string[] {
  const out = ['', 'The reader asked for:'];
  for (const r of REQUEST) {
    out.push(`  ${r.docType}`);
    for (const [ns, ids] of Object.entries(r.nameSpaces)) out.push(`    ${ns}: ${Object.keys(ids).join(', ')}`);
  }
  out.push('', 'The holder disclosed (each value checked against the issuer-signed digest):');
  for (const d of result.documents) {
    out.push(`  ${d.docType}${d.documentSigner === undefined ? '' : `, signed by ${d.documentSigner.subject.text}`}`);
    for (const elements of [d.issuerSigned, d.deviceSigned]) {
      for (const [ns, values] of Object.entries(elements)) {
        out.push(`    ${ns}`);
        for (const [id, value] of Object.entries(values)) out.push(`      ${id}: ${show(value)}`);
      }
    }
  }
  const checks: Check[] = [...result.checks, ...result.documents.flatMap((d) => d.checks)];
  const count = (status: Check['status']) => checks.filter((c) => c.status === status).length;
  out.push('', `Result: ${result.valid ? 'VALID' : 'NOT VALID'} (${count('passed')} checks passed, ${count('failed')} failed${count('waived') > 0 ? `, ${count('waived')} waived` : ''})`);
  for (const c of checks.filter((c) => c.status === 'failed')) out.push(`  FAIL ${c.id}${c.element === undefined ? '' : ` ${c.namespace}/${c.element}`}${c.detail === undefined ? '' : `  (${c.detail})`}`);
  const total = steps.reduce((n, s) => n + s.ms, 0);
  out.push(`Timings: ${steps.map((s) => `${s.short} ${s.ms.toFixed(1)} ms`).join(', ')}; total ${total.toFixed(1)} ms`);
  out.push('', "Run 'shomei demo --verbose' for every check and step.");
  return out;
}

async function issuerPki(now: number): Promise<{ iaca: Certificate; ds: Certificate; dsKey: EcPrivateKey; statusSigner: Certificate; statusKey: EcPrivateKey }> {
  const backend = defaultBackend();
  const iacaKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
  const dsKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
  const statusKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
  const iaca = await buildIaca({
    country: 'JP',
    commonName: 'shomei demo IACA',
    key: iacaKey,
    validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 3 * 365 * DAY) },
    issuerAltName: { uri: 'https://iaca.demo.shomei.invalid/' },
  });
  const ds = await buildDocumentSigner({
    iaca,
    iacaKey,
    commonName: 'shomei demo DS',
    publicKey: publicKeyOf(dsKey),
    validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) },
    crlUri: 'https://iaca.demo.shomei.invalid/crl',
  });
  const statusSigner = await buildDocumentSigner({
    iaca,
    iacaKey,
    commonName: 'shomei demo status list signer',
    publicKey: publicKeyOf(statusKey),
    validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) },
    crlUri: 'https://iaca.demo.shomei.invalid/crl',
  });
  return { iaca, ds, dsKey, statusSigner, statusKey };
}

/** The issuer's status list (the mDL at index 0, the My Number Card mdoc at 1), published in memory. */
function statusPublisher(pki: { statusSigner: Certificate; statusKey: EcPrivateKey }, now: number) {
  const statuses = createStatusBytes(1024, 1);
  const published = new Map<string, Uint8Array>();
  const publish = async () => {
    const token = await buildStatusListToken({
      uri: STATUS_URI,
      bits: 1,
      statuses,
      issuedAt: new Date(now),
      expiresAt: new Date(now + DAY),
      ttlSeconds: 3600,
      signer: { signer: pki.statusKey, certificates: [pki.statusSigner.der] },
    });
    published.set(STATUS_URI, token);
  };
  return { statuses, publish, fetch: async (uri: string) => published.get(uri) };
}

function interactiveConsent(): (c: ConsentRequest) => Promise<ElementSelection> {
  return async (c) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      const out: Record<string, string[]> = {};
      const who = c.reader === undefined ? 'an unauthenticated reader' : `${c.reader.certificate?.subject.text ?? 'a reader'}${c.reader.trusted ? ' (trusted)' : ''}`;
      process.stdout.write(`\n${who} asks for ${c.docType}:\n`);
      for (const [ns, ids] of Object.entries(c.available)) {
        for (const id of ids) {
          const retain = c.requested[ns]?.[id] ? ' (will be retained)' : '';
          const answer = (await rl.question(`  release ${ns}/${id}${retain}? [Y/n] `)).trim().toLowerCase();
          if (answer === '' || answer === 'y' || answer === 'yes') (out[ns] ??= []).push(id);
        }
      }
      return out;
    } finally {
      rl.close();
    }
  };
}

export const demo: Command = {
  summary: 'a face-to-face presentation end to end: QR engagement, consent, encrypted exchange, verification',
  help: `
Usage: shomei demo [--verbose] [--interactive] [--json] [--no-qr]

Runs everything on this machine, with no network and no setup: creates an IACA and a
document signer, issues an mDL and a My Number Card mdoc (test data), starts a holder
session and shows its QR engagement, runs a reader session against it (as if it had
scanned the code), asks the holder's consent (approved automatically unless
--interactive), exchanges the encrypted request and response, and prints the verified
result: what was asked, what was disclosed, whether it verified, and the time each step
took.

  --verbose       print every check of the verification report and every step
  --interactive   ask on the terminal which elements to release
  --json          print one JSON object; its "valid" is true only when the exchange verified
  --no-qr         do not draw the QR code

The QR code is drawn black on white when standard output is a terminal (unless NO_COLOR is
set), so it reads on light and dark terminals alike.
`,
  async run(argv) {
    const args = parse(
      argv,
      { verbose: { type: 'boolean', default: false }, interactive: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, 'no-qr': { type: 'boolean', default: false } },
      false,
    );
    const verbose = flag(args, 'verbose');
    const json = flag(args, 'json');
    const say = (text: string) => {
      if (!json) process.stdout.write(`${text}\n`);
    };
    const steps: Step[] = [];
    const now = Date.now();
    const backend = defaultBackend();

    const pki = await timed(steps, 'PKI', 'create the issuer PKI (IACA + document signer)', () => issuerPki(now));
    say(`Issuer: ${pki.ds.subject.text}, under ${pki.iaca.subject.text}`);
    const deviceKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const validity = { validFrom: new Date(now), validUntil: new Date(now + 365 * DAY) };
    const issuer = { signer: pki.dsKey, certificates: [pki.ds.der] };
    const statusList = statusPublisher(pki, now);
    await statusList.publish();
    const [mdl, mnc] = await timed(steps, 'issuance', 'issue an mDL and a My Number Card mdoc', () =>
      Promise.all([
        issueMdoc({
          docType: MDL_DOCTYPE,
          deviceKey: publicKeyOf(deviceKey),
          validity,
          issuer,
          status: { status_list: { idx: 0, uri: STATUS_URI } },
          nameSpaces: {
            [MDL_NS]: {
              family_name: 'Yamada',
              given_name: 'Hanako',
              birth_date: FullDate.of(1990, 4, 1),
              issue_date: FullDate.of(2025, 4, 1),
              expiry_date: FullDate.of(2030, 4, 1),
              issuing_country: 'JP',
              issuing_authority: 'Tokyo Metropolitan Public Safety Commission',
              document_number: '123456789012',
              portrait: PORTRAIT,
              driving_privileges: [new Map([['vehicle_category_code', 'B']])],
              un_distinguishing_sign: 'J',
              age_over_18: true,
              age_over_20: true,
            },
          },
        }),
        issueMdoc({
          docType: MNC_DOCTYPE,
          deviceKey: publicKeyOf(deviceKey),
          validity,
          issuer,
          status: { status_list: { idx: 1, uri: STATUS_URI } },
          nameSpaces: {
            [MNC_JP]: {
              full_name_unicode: '山田　花子',
              resident_address_unicode: '東京都千代田区霞が関１－１－１',
              birth_date_unicode: '1990年4月1日',
              sex_unicode: '女',
              portrait: PORTRAIT,
            },
            [ISO_23220]: { birth_date: FullDate.of(1990, 4, 1), sex: 2, age_over_20: true, age_in_years: 36 },
          },
        }),
      ] as Promise<IssuerSigned>[]),
    );

    const holder = await timed(steps, 'engagement', 'holder: create the session and its engagement', () =>
      HolderSession.create({
        documents: [
          { issuerSigned: mdl!, deviceKey },
          { issuerSigned: mnc!, deviceKey },
        ],
        ...(flag(args, 'interactive') ? { consent: interactiveConsent() } : {}),
      }),
    );
    say(`\nHolder engagement (QR, ${holder.qrUri.length} characters):\n${holder.qrUri}`);
    if (!json && !flag(args, 'no-qr')) say(renderQrTerminal(holder.qrUri, { ecc: 'L', color: colorTerminal() }));

    const reader = await timed(steps, 'scan', 'reader: scan the QR code, make the ephemeral key and transcript', () =>
      ReaderSession.fromQrUri(holder.qrUri, { verify: { trustAnchors: [pki.iaca], status: { fetch: statusList.fetch }, profiles: defaultRegistry() } }),
    );
    const establishment = await timed(steps, 'request', 'reader: encrypt the DeviceRequest (SessionEstablishment)', () =>
      reader.request(REQUEST),
    );
    if (verbose) say(`\nReader → holder: SessionEstablishment, ${establishment.length} bytes (encrypted)`);
    const answered = await timed(steps, 'response', 'holder: decrypt the request, consent, build and encrypt the DeviceResponse', () => holder.receive(establishment));
    if (answered.kind !== 'request') throw new Error(`the holder could not answer: ${answered.kind === 'error' ? answered.error.message : answered.kind}`);
    for (const d of answered.decisions) {
      if (verbose) say(`Consent for ${d.consent.docType}: released ${Object.entries(d.released).map(([ns, ids]) => ids.map((id) => `${ns}/${id}`).join(', ')).join(', ') || 'nothing'}`);
    }
    if (verbose) say(`Holder → reader: SessionData, ${answered.reply.length} bytes (encrypted)`);
    const received = await timed(steps, 'verification', 'reader: decrypt and verify the DeviceResponse', () => reader.receive(answered.reply));
    if (received.kind !== 'response') throw new Error(`the reader got no response: ${received.kind}`);
    const termination = reader.terminate();
    await timed(steps, 'end', 'holder: end the session', () => holder.receive(termination));
    const result: VerifyDeviceResponseResult = received.verification;
    // Revocation: the issuer revokes the mDL (its bit in the status list) and publishes the list again;
    // the same mDL, verified again, is refused.
    const revocation = await timed(steps, 'revocation', 'issuer: revoke the mDL in the status list; verify it again', async () => {
      writeStatus(statusList.statuses, 1, 0, StatusType.INVALID);
      await statusList.publish();
      const again = await verifyIssuerSigned(mdl!, { trustAnchors: [pki.iaca], docType: MDL_DOCTYPE, status: { fetch: statusList.fetch } });
      return { valid: again.valid, check: again.checks.find((c) => c.id === 'MSO_STATUS') };
    });
    const revocationLines = [
      '',
      `Revocation: the issuer revokes the mDL (index 0 of its status list ${STATUS_URI}) and verifies it again:`,
      `  ${revocation.valid ? 'VALID (the revocation was missed!)' : 'NOT VALID'}: ${revocation.check?.status === 'failed' ? 'FAIL' : revocation.check?.status} ${revocation.check?.id}  (${revocation.check?.detail})`,
    ];
    const ok = result.valid && !revocation.valid;

    if (json) {
      const documents = result.documents.map((d) => ({
        docType: d.docType,
        valid: d.valid,
        issuerSigned: cborToJson(new Map(Object.entries(d.issuerSigned).map(([ns, e]) => [ns, new Map(Object.entries(e))]))),
        errors: d.errors,
        checks: d.checks,
      }));
      process.stdout.write(`${JSON.stringify({ valid: result.valid, documents, checks: result.checks, revocation, steps: steps.map(({ step, ms }) => ({ step, ms })) }, null, 2)}\n`);
    } else if (verbose) {
      say(`\n${formatReport(result)}\n\nSteps:`);
      for (const s of steps) say(`  ${String(s.ms.toFixed(1)).padStart(8)} ms  ${s.step}`);
      say(`\nThe exchange ${result.valid ? 'VERIFIED' : 'DID NOT VERIFY'}.`);
      say(revocationLines.join('\n'));
    } else {
      const lines = summary(result, steps);
      // The revocation lines go before the timings.
      const at = lines.findIndex((l) => l.startsWith('Timings:'));
      lines.splice(at, 0, ...revocationLines, '');
      say(lines.join('\n'));
    }
    return ok ? 0 : 1;
  },
};
