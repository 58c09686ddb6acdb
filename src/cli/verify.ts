/** `shomei verify`: verify a DeviceResponse (ISO/IEC 18013-5 §9.3) and print the report. */

import type { CborValue } from '../cbor/index.js';
import type { EcPrivateKey, OkpPrivateKey, PrivateKey } from '../crypto/types.js';
import { isShomeiError } from '../errors.js';
import {
  type Check,
  defaultRegistry,
  isMdocDeviation,
  MDOC_DEVIATIONS,
  type MdocDeviation,
  readEphemeralReaderKey,
  readProximityTranscript,
  verifyDeviceResponse,
  type VerifyDeviceResponseResult,
  waivableCheckIds,
} from '../mdoc/index.js';
import { type Command, flag, InputError, parse, printable, readInput, str, strs, UsageError } from './io.js';
import { cborToJson } from '../mdoc/index.js';
import { type CertificateList, CrlCache, crlTransportFromFetch, parseCrl } from '../x509/index.js';
import { readPrivateKey, readTrust } from './keys.js';
import { readVicalAnchors } from './vical.js';
import { httpStatusFetcher } from './status-fetch.js';

function show(value: CborValue): string {
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  const json = cborToJson(value);
  return typeof json === 'string' ? json : JSON.stringify(json);
}

function line(c: Check): string {
  const mark = c.status === 'passed' ? 'ok  ' : c.status === 'failed' ? 'FAIL' : c.status === 'waived' ? 'waiv' : c.status === 'tolerated' ? 'tol ' : 'skip';
  const where = c.element === undefined ? '' : ` ${c.namespace}/${c.element}`;
  return `  ${mark} ${c.id}${where}${c.detail === undefined ? '' : `  (${c.detail})`}`;
}

/**
 * The check lines, with a run of three or more skipped checks that share one reason (the
 * Annex B checks of a chain with no path to an anchor, say) shown as one line naming the
 * first and the last. `--json` keeps every check.
 */
function lines(checks: readonly Check[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < checks.length; ) {
    const c = checks[i]!;
    let j = i + 1;
    if (c.status === 'skipped' && c.element === undefined) {
      while (j < checks.length && checks[j]!.status === 'skipped' && checks[j]!.element === undefined && checks[j]!.detail === c.detail) j++;
    }
    if (j - i >= 3) out.push(`  skip ${c.id} … ${checks[j - 1]!.id}: ${j - i} checks${c.detail === undefined ? '' : `  (${c.detail})`}`);
    else for (let k = i; k < j; k++) out.push(line(checks[k]!));
    i = j;
  }
  return out;
}

/** A readable report. */
export function formatReport(result: VerifyDeviceResponseResult): string {
  const out: string[] = [`DeviceResponse ${result.version ?? '?'} status ${result.status ?? '?'}: ${result.valid ? 'VALID' : 'NOT VALID'}`];
  out.push(...lines(result.checks));
  for (const doc of result.documents) {
    out.push('', `${doc.docType}: ${doc.valid ? 'valid' : 'NOT VALID'}${doc.documentSigner === undefined ? '' : `, signed by ${doc.documentSigner.subject.text}`}`);
    for (const [kind, ns] of [
      ['issuer-signed', doc.issuerSigned],
      ['device-signed', doc.deviceSigned],
    ] as const) {
      for (const [namespace, elements] of Object.entries(ns)) {
        out.push(`  ${namespace} (${kind})`);
        for (const [id, value] of Object.entries(elements)) out.push(`    ${id}: ${show(value)}`);
      }
    }
    for (const [namespace, errors] of Object.entries(doc.errors)) {
      for (const [id, code] of Object.entries(errors)) out.push(`  not returned: ${namespace}/${id} (error ${code})`);
    }
    out.push('  checks:', ...lines(doc.checks));
  }
  for (const [docType, code] of Object.entries(result.documentErrors)) out.push(`document not returned: ${docType} (error ${code})`);
  return printable(out.join('\n'));
}

/** The `--crl` files, parsed (DER, or PEM text): a file that is not a CRL is a usage error. */
function readCrls(paths: readonly string[]): CertificateList[] {
  return paths.map((path) => {
    const bytes = readInput(path);
    try {
      return parseCrl(bytes[0] === 0x30 ? bytes : new TextDecoder().decode(bytes));
    } catch (e) {
      throw new UsageError(`--crl ${path}: ${(e as Error).message}`);
    }
  });
}

/**
 * The transcript bytes to verify against (a byte string around the array, as ProximityReader
 * may send it, unwrapped) and the reader key: a PEM or JWK file, or else the raw bytes of
 * ProximityReader's ephemeralReaderKey matched against the transcript's EReaderKey. A
 * transcript that does not read is passed as is, for the report to say why.
 */
function transcriptAndReaderKey(transcriptFile: string | undefined, readerKeyFile: string | undefined): { transcript?: Uint8Array; eReaderKey?: PrivateKey } {
  if (transcriptFile === undefined) return readerKeyFile === undefined ? {} : { eReaderKey: readPrivateKey(readerKeyFile) };
  const bytes = readInput(transcriptFile);
  let read: ReturnType<typeof readProximityTranscript> | undefined;
  try {
    read = readProximityTranscript(bytes);
  } catch (e) {
    if (!isShomeiError(e)) throw e;
  }
  const transcript = read?.transcript ?? bytes;
  if (readerKeyFile === undefined) return { transcript };
  try {
    return { transcript, eReaderKey: readPrivateKey(readerKeyFile) };
  } catch (e) {
    if (!(e instanceof InputError) || read?.eReaderKey === undefined) throw e;
    let key: EcPrivateKey | OkpPrivateKey;
    try {
      key = readEphemeralReaderKey(readInput(readerKeyFile), read.eReaderKey).key;
    } catch (raw) {
      if (isShomeiError(raw)) throw new InputError(`${readerKeyFile}: ${raw.message}`);
      throw raw;
    }
    return { transcript, eReaderKey: key };
  }
}

export const verify: Command = {
  summary: 'verify a DeviceResponse against trusted IACAs and print the report',
  help: `
Usage: shomei verify device-response.cbor --trust ANCHOR [--trust ...] [--transcript session-transcript.cbor]
                     [--reader-key PRIV] [--request device-request.cbor] [--at ISO-8601] [--waive CHECK]
                     [--tolerate DEVIATION] [--strict-deviations] [--vical VICAL.cbor --vical-trust ROOT] [--crl FILE]
                     [--status [--require-status]] [--json]

  --trust ANCHOR       an IACA certificate, a PEM bundle or a directory of them (repeatable)
  --transcript FILE    the SessionTranscript you built (tag 24, the bare array, or a byte string
                       holding it, as ProximityReader gives it); without it device
                       authentication fails
  --reader-key PRIV    your ephemeral private key, to verify a deviceMac: PEM or JWK, or the
                       bytes of ProximityReader's ephemeralReaderKey (raw scalar, X9.63, DER,
                       COSE_Key), read as the private key of the transcript's EReaderKey
  --request FILE       the DeviceRequest you sent: anything not asked for fails
  --at ISO-8601        verify as of this time (default now)
  --waive CHECK        waive a named Annex B profile check (repeatable); shown as waived
  --tolerate DEVIATION tolerate a named deviation from the standard (repeatable), e.g.
                       EMPTY_DOCUMENT_ERRORS; shown as tolerated. Signatures, digests, the chain
                       and validity are never tolerable. See docs/verifier.md
  --strict-deviations  fail the deviations tolerated by default too (TDATE_FRACTIONAL_SECONDS),
                       unless --tolerate names them
  --vical FILE         also trust the IACAs of this VICAL, each only for the doctypes it lists
  --vical-trust ROOT   the anchor the VICAL signer must chain to (required with --vical)
  --crl FILE           a CRL (DER or PEM) to check the DS chain against (repeatable); a
                       certificate it covers is then checked, and a revoked one fails
  --status             fetch the status lists / identifier lists the MSOs name and the CRLs the
                       DS chain names (HTTP GET) and check them (MSO_STATUS, DS_CHAIN.REVOCATION);
                       a list or CRL that cannot be fetched is skipped
  --require-status     with --status: a list that cannot be fetched fails
  --json               print the result as JSON

Exit status: 0 valid, 1 not valid, 2 usage.
`,
  async run(argv) {
    const args = parse(argv, {
      trust: { type: 'string', multiple: true },
      transcript: { type: 'string' },
      'reader-key': { type: 'string' },
      request: { type: 'string' },
      at: { type: 'string' },
      waive: { type: 'string', multiple: true },
      tolerate: { type: 'string', multiple: true },
      'strict-deviations': { type: 'boolean', default: false },
      vical: { type: 'string' },
      'vical-trust': { type: 'string', multiple: true },
      crl: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      status: { type: 'boolean', default: false },
      'require-status': { type: 'boolean', default: false },
    });
    if (args.positionals.length !== 1) throw new UsageError('give exactly one DeviceResponse file');
    const trust = strs(args, 'trust');
    const vicalFile = str(args, 'vical');
    if (trust.length === 0 && vicalFile === undefined) throw new UsageError('--trust is required: nothing is trusted implicitly');
    if (vicalFile === undefined && strs(args, 'vical-trust').length > 0) throw new UsageError('--vical-trust needs --vical');
    const at = str(args, 'at');
    const now = at === undefined ? new Date() : new Date(at);
    if (Number.isNaN(now.getTime())) throw new UsageError(`--at: not an ISO 8601 time: ${at}`);
    const vicalAnchors = vicalFile === undefined ? [] : await readVicalAnchors(vicalFile, strs(args, 'vical-trust'), now);
    const transcriptFile = str(args, 'transcript');
    const readerKey = str(args, 'reader-key');
    const { transcript, eReaderKey } = transcriptAndReaderKey(transcriptFile, readerKey);
    const request = str(args, 'request');
    const waivable = waivableCheckIds();
    const waive = strs(args, 'waive');
    for (const id of waive) if (!waivable.includes(id)) throw new UsageError(`--waive: ${id} is not a waivable Annex B check; valid: ${waivable.join(', ')}`);
    const tolerate: MdocDeviation[] = [];
    for (const id of strs(args, 'tolerate')) {
      if (!isMdocDeviation(id)) throw new UsageError(`--tolerate: ${id} is not a deviation; valid: ${MDOC_DEVIATIONS.join(', ')}`);
      tolerate.push(id);
    }
    const crls = readCrls(strs(args, 'crl'));
    if (flag(args, 'require-status') && !flag(args, 'status')) throw new UsageError('--require-status needs --status');
    // --status: the status lists the MSOs name, and the CRLs the DS chain's certificates name, over HTTP(S).
    const status = flag(args, 'status')
      ? {
          status: { fetch: httpStatusFetcher(), requireStatusCheck: flag(args, 'require-status') },
          crlCache: new CrlCache({ fetch: crlTransportFromFetch(fetch, { timeoutMs: 10_000 }), now: () => now.getTime() }),
        }
      : {};
    const result = await verifyDeviceResponse(readInput(args.positionals[0]!), {
      ...status,
      trustAnchors: [...(trust.length === 0 ? [] : readTrust(trust)), ...vicalAnchors],
      ...(crls.length === 0 ? {} : { crls }),
      now,
      waive,
      tolerate,
      strictDeviations: flag(args, 'strict-deviations'),
      // The doctype profile checks (PROFILE.*, informational) are opt-in in the library; the CLI shows them.
      profiles: defaultRegistry(),
      ...(transcript === undefined ? {} : { sessionTranscript: transcript }),
      ...(eReaderKey === undefined ? {} : { eReaderKey }),
      ...(request === undefined ? {} : { request: readInput(request) }),
    });
    if (flag(args, 'json')) {
      const documents = result.documents.map((d) => ({
        docType: d.docType,
        valid: d.valid,
        issuerSigned: cborToJson(new Map(Object.entries(d.issuerSigned).map(([ns, e]) => [ns, new Map(Object.entries(e))]))),
        deviceSigned: cborToJson(new Map(Object.entries(d.deviceSigned).map(([ns, e]) => [ns, new Map(Object.entries(e))]))),
        errors: d.errors,
        documentSigner: d.documentSigner?.subject.text ?? null,
        checks: d.checks,
      }));
      process.stdout.write(`${JSON.stringify({ valid: result.valid, version: result.version, status: result.status, checks: result.checks, documents, documentErrors: result.documentErrors }, null, 2)}\n`);
    } else {
      process.stdout.write(`${formatReport(result)}\n`);
    }
    return result.valid ? 0 : 1;
  },
};
