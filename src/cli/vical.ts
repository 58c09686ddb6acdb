/**
 * `shomei vical`: verify a VICAL (ISO/IEC 18013-5 Annex C, the Verified Issuer Certificate
 * Authority List) and list its IACAs, or build one for tests; and the `--vical` option of
 * `shomei verify`, which takes a verified VICAL's IACAs as doctype-restricted trust anchors.
 */

import { writeFileSync } from 'node:fs';
import { toHex } from '../internal/bytes.js';
import { buildVical, type Check, loadVicalTrustAnchors, type VerifyVicalResult, verifyVical } from '../mdoc/index.js';
import type { LoadedTrustAnchor } from '../x509/index.js';
import { type Command, flag, parse, printable, readCbor, str, strs, UsageError } from './io.js';
import { readCertificates, readPrivateKey, readTrust } from './keys.js';

function time(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new UsageError(`${name}: not an ISO 8601 time: ${value}`);
  return d;
}

function mark(c: Check): string {
  return c.status === 'passed' ? 'ok  ' : c.status === 'failed' ? 'FAIL' : 'skip';
}

const day = (d: Date | undefined): string => (d === undefined ? '?' : d.toISOString().slice(0, 10));

/** A readable listing of a verified VICAL. */
export function formatVical(r: VerifyVicalResult): string {
  const v = r.vical;
  const head = v === undefined ? 'VICAL (unreadable)' : `VICAL ${v.vicalProvider}${v.vicalIssueID === undefined ? '' : ` #${String(v.vicalIssueID)}`} of ${v.date.text}${v.nextUpdate === undefined ? '' : `, next update ${v.nextUpdate.text}`}`;
  const out = [`${head}: ${r.valid ? 'VALID' : 'NOT VALID'}`];
  if (r.signer !== undefined) out.push(`signed by ${r.signer.subject.text}${r.anchor === undefined ? '' : `, chaining to ${r.anchor.subject.text}`}`);
  out.push(...r.checks.map((c) => `  ${mark(c)} ${c.id}${c.detail === undefined ? '' : `  (${c.detail})`}`));
  if (r.entries.length > 0) out.push('', `IACAs (${r.entries.length}):`);
  for (const e of r.entries) {
    const i = e.info;
    const where = [i.issuingCountry, i.stateOrProvinceName].filter((x) => x !== undefined).join(' ');
    out.push(
      `  [${e.index}] ${i.issuingAuthority ?? e.certificate?.subject.text ?? '(unknown)'}${where === '' ? '' : ` (${where})`}`,
      `      doctypes: ${i.docType.join(', ')}`,
      `      valid ${day(e.certificate?.notBefore)} to ${day(e.certificate?.notAfter)}; ${e.certificate?.subject.text ?? 'certificate unreadable'}`,
      ...e.findings.map((f) => `      finding ${f.id}: ${f.detail}`),
    );
    if (!e.usable) out.push('      not used as a trust anchor');
  }
  return out.join('\n');
}

/** The listing as JSON-ready data. */
function vicalJson(r: VerifyVicalResult): unknown {
  const v = r.vical;
  return {
    valid: r.valid,
    vicalProvider: v?.vicalProvider ?? null,
    vicalIssueID: v?.vicalIssueID === undefined ? null : String(v.vicalIssueID),
    date: v?.date.text ?? null,
    nextUpdate: v?.nextUpdate?.text ?? null,
    signer: r.signer?.subject.text ?? null,
    anchor: r.anchor?.subject.text ?? null,
    checks: r.checks,
    iacas: r.entries.map((e) => ({
      index: e.index,
      subject: e.certificate?.subject.text ?? null,
      ski: toHex(e.info.ski),
      issuingAuthority: e.info.issuingAuthority ?? null,
      issuingCountry: e.info.issuingCountry ?? null,
      stateOrProvinceName: e.info.stateOrProvinceName ?? null,
      docTypes: e.info.docType,
      notBefore: e.certificate?.notBefore.toISOString() ?? null,
      notAfter: e.certificate?.notAfter.toISOString() ?? null,
      usable: e.usable,
      findings: e.findings,
    })),
  };
}

/**
 * The IACAs of a VICAL verified against `trust` at `now`, as doctype-restricted anchors (for
 * `shomei verify --vical`).
 * @throws MdocError `ERR_VICAL_UNTRUSTED` when the VICAL does not verify.
 */
export async function readVicalAnchors(file: string, trust: readonly string[], now: Date): Promise<LoadedTrustAnchor[]> {
  if (trust.length === 0) throw new UsageError('--vical-trust is required with --vical: the anchor the VICAL signer must chain to');
  return loadVicalTrustAnchors(readCbor(file), { trustAnchors: readTrust(trust), now });
}

async function verifyCommand(argv: string[]): Promise<number> {
  const args = parse(argv, { trust: { type: 'string', multiple: true }, at: { type: 'string' }, json: { type: 'boolean', default: false } });
  if (args.positionals.length !== 1) throw new UsageError('give exactly one VICAL file');
  const trust = strs(args, 'trust');
  if (trust.length === 0) throw new UsageError('--trust is required: the anchor the VICAL signer must chain to');
  const now = time('--at', str(args, 'at')) ?? new Date();
  const result = await verifyVical(readCbor(args.positionals[0]!), { trustAnchors: readTrust(trust), now });
  process.stdout.write(flag(args, 'json') ? `${JSON.stringify(vicalJson(result), null, 2)}\n` : `${printable(formatVical(result))}\n`);
  return result.valid ? 0 : 1;
}

async function buildCommand(argv: string[]): Promise<number> {
  const args = parse(
    argv,
    {
      'signer-key': { type: 'string' },
      'signer-cert': { type: 'string' },
      iaca: { type: 'string', multiple: true },
      provider: { type: 'string', default: 'shomei test VICAL' },
      'issue-id': { type: 'string' },
      date: { type: 'string' },
      'next-update': { type: 'string' },
      out: { type: 'string', short: 'o' },
    },
    false,
  );
  const signerKey = str(args, 'signer-key');
  const signerCert = str(args, 'signer-cert');
  const out = str(args, 'out');
  if (signerKey === undefined || signerCert === undefined || out === undefined) throw new UsageError('--signer-key, --signer-cert and --out are required');
  const issueId = str(args, 'issue-id');
  if (issueId !== undefined && !/^\d{1,15}$/.test(issueId)) throw new UsageError(`--issue-id: not a non-negative integer: ${issueId}`);
  const certificateInfos = strs(args, 'iaca').map((spec) => {
    const at = spec.lastIndexOf(':');
    const docTypes = at < 0 ? [] : spec.slice(at + 1).split(',').filter((d) => d !== '');
    if (at <= 0 || docTypes.length === 0) throw new UsageError(`--iaca ${spec}: expected CERT:DOCTYPE[,DOCTYPE…]`);
    const certs = readCertificates(spec.slice(0, at));
    return certs.map((certificate) => {
      const attrs = certificate.subject.attributes;
      const authority = (Object.hasOwn(attrs, 'O') ? attrs.O?.[0] : undefined) ?? (Object.hasOwn(attrs, 'CN') ? attrs.CN?.[0] : undefined);
      return { certificate, docType: docTypes, ...(authority === undefined ? {} : { issuingAuthority: authority }) };
    });
  });
  const [signer, ...chain] = readCertificates(signerCert);
  const nextUpdate = time('--next-update', str(args, 'next-update'));
  const bytes = await buildVical({
    vicalProvider: str(args, 'provider')!,
    date: time('--date', str(args, 'date')) ?? new Date(Math.floor(Date.now() / 1000) * 1000),
    ...(issueId === undefined ? {} : { vicalIssueID: Number(issueId) }),
    ...(nextUpdate === undefined ? {} : { nextUpdate }),
    certificateInfos: certificateInfos.flat(),
    signer: readPrivateKey(signerKey),
    certificates: [signer!.der, ...chain.map((c) => c.der)],
  });
  writeFileSync(out, bytes);
  process.stdout.write(`wrote a VICAL of ${certificateInfos.flat().length} IACA(s), ${bytes.length} bytes, to ${out}\n`);
  return 0;
}

export const vical: Command = {
  summary: 'verify a VICAL (trusted IACA list) and list its IACAs, or build one for tests',
  help: `
Usage: shomei vical verify VICAL.cbor --trust ROOT [--trust ...] [--at ISO-8601] [--json]
       shomei vical build --signer-key KEY --signer-cert CERT --iaca CERT:DOCTYPE[,DOCTYPE...] [--iaca ...]
                          [--provider NAME] [--issue-id N] [--date ISO-8601] [--next-update ISO-8601] --out FILE

verify  checks the COSE_Sign1 signature, the VICAL signer certificate (EKU 1.0.18013.5.1.8)
        and its chain to ROOT, the date and nextUpdate, and compares each entry with its
        certificate (serial, SKI, country…); lists each IACA with its issuing authority,
        country, doctypes and validity.
  --trust ROOT         the certificate (PEM/DER, bundle or directory) the VICAL signer must chain to
  --at ISO-8601        verify as of this time (default now)
  --json               print the result as JSON

build   signs a VICAL listing each --iaca certificate for the doctypes after the last ':'
        (a PEM bundle lists each of its certificates). For tests: give a signer
        certificate with the VICAL signer EKU 1.0.18013.5.1.8.
  --signer-key KEY     the VICAL signer's private key (PEM or JWK)
  --signer-cert CERT   its certificate, then any intermediates (PEM bundle)
  --provider NAME      vicalProvider (default "shomei test VICAL")
  --issue-id N         vicalIssueID
  --date, --next-update  issue date (default now) and nextUpdate

Use a VICAL's IACAs when verifying: shomei verify FILE --vical VICAL.cbor --vical-trust ROOT
(each IACA then anchors only the doctypes the list names for it).

Exit status: 0 valid (or built), 1 not valid or bad input, 2 usage.
`,
  async run(argv) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'verify':
        return verifyCommand(rest);
      case 'build':
        return buildCommand(rest);
      default:
        throw new UsageError(sub === undefined ? 'missing subcommand: verify or build' : `unknown subcommand ${sub}: verify or build`);
    }
  },
};
