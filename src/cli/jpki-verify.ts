/**
 * `shomei jpki verify-auth` and `shomei jpki verify-cms`: the server side of JPKI from the
 * command line — a My Number Card login response (challenge, signature, 利用者証明用
 * certificate) and a CMS signature (detached, or attached: carrying the document), each
 * with its certificate's status by OCSP (RFC 6960, POSTed over HTTP by the CLI: the library
 * itself never does I/O) and/or a CRL file. Exit status: 0 valid, 1 not valid (or bad input), 2 usage.
 */

import { writeFileSync } from 'node:fs';
import type { Certificate } from '../x509/certificate.js';
import { loadTrustAnchors } from '../x509/anchors.js';
import { JPKI_AUTH_CA_2015, JPKI_AUTH_CA_2019, JPKI_AUTH_CA_2023, JPKI_SIGN_CA_2015, JPKI_SIGN_CA_2023 } from '../x509/anchors/jpki-roots.js';
import type { OcspTransport } from '../x509/ocsp-check.js';
import type { JpkiStatusOptions, JpkiStatusRequirement } from '../jpki/cert-status.js';
import { verifyAttachedCms, verifyDetachedCms } from '../jpki/cms.js';
import { verifyJpkiAuthentication } from '../jpki/verify-auth.js';
import { flag, parse, readInput, str, strs, UsageError } from './io.js';
import { readTrust } from './keys.js';

/** What the verify commands depend on (replaced in tests). */
export interface JpkiVerifyDeps {
  readonly out: (text: string) => void;
  /** Sends an OCSP request; default an HTTP POST with fetch (RFC 6960 Appendix A.1). */
  readonly transport: OcspTransport;
}

/** Most bytes read from an OCSP responder. */
const MAX_OCSP_HTTP = 256 * 1024;

/** HTTP POST of a DER OCSPRequest (`application/ocsp-request`), with a timeout and a size limit. */
export const httpOcspTransport: OcspTransport = async (request, url) => {
  if (!/^https?:\/\//i.test(url)) throw new Error(`not an http(s) URL: ${url}`);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
    body: request.slice() as Uint8Array<ArrayBuffer>,
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
  const body = new Uint8Array(await res.arrayBuffer());
  if (body.length > MAX_OCSP_HTTP) throw new Error(`response from ${url} larger than ${MAX_OCSP_HTTP} bytes`);
  return body;
};

const REQUIREMENTS: readonly JpkiStatusRequirement[] = ['none', 'any', 'ocsp', 'crl', 'all'];

const STATUS_OPTIONS = {
  ocsp: { type: 'string' },
  crl: { type: 'string', multiple: true },
  require: { type: 'string' },
  trust: { type: 'string', multiple: true },
  at: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

function common(args: ReturnType<typeof parse>, deps: JpkiVerifyDeps, defaultAnchors: readonly string[]) {
  const at = str(args, 'at');
  const now = at === undefined ? new Date() : new Date(at);
  if (Number.isNaN(now.getTime())) throw new UsageError(`--at: not an ISO 8601 time: ${at}`);
  const trust = strs(args, 'trust');
  const anchors: Certificate[] = trust.length > 0 ? readTrust(trust) : defaultAnchors.flatMap((pem) => loadTrustAnchors(pem));
  const require = str(args, 'require');
  if (require !== undefined && !REQUIREMENTS.includes(require as JpkiStatusRequirement)) throw new UsageError(`--require must be one of ${REQUIREMENTS.join(', ')}`);
  const ocspUrl = str(args, 'ocsp');
  const crls = strs(args, 'crl').map((p) => readInput(p));
  const status: JpkiStatusOptions | undefined =
    ocspUrl === undefined && crls.length === 0 && require === undefined
      ? undefined
      : {
          ...(ocspUrl === undefined ? {} : { ocsp: { transport: deps.transport, url: ocspUrl } }),
          ...(crls.length === 0 ? {} : { crls }),
          ...(require === undefined ? {} : { require: require as JpkiStatusRequirement }),
        };
  return { now, anchors, status };
}

function line(c: { id: string; status: string; detail?: string }): string {
  return `${c.status.padEnd(12)} ${c.id}${c.detail ? `  ${c.detail}` : ''}`;
}

/** `shomei jpki verify-auth`. */
export async function verifyAuthCommand(argv: string[], deps: JpkiVerifyDeps): Promise<number> {
  const args = parse(argv, { ...STATUS_OPTIONS, challenge: { type: 'string' }, signature: { type: 'string' }, cert: { type: 'string' } }, false);
  const challengePath = str(args, 'challenge');
  const signaturePath = str(args, 'signature');
  const certPath = str(args, 'cert');
  if (challengePath === undefined || signaturePath === undefined || certPath === undefined) throw new UsageError('--challenge FILE, --signature FILE and --cert FILE are required');
  const challenge = readInput(challengePath);
  if (challenge.length === 0) throw new UsageError('--challenge: the file is empty');
  const signature = readInput(signaturePath);
  const certificate = readInput(certPath);
  const { now, anchors, status } = common(args, deps, [JPKI_AUTH_CA_2015, JPKI_AUTH_CA_2019, JPKI_AUTH_CA_2023]);
  const r = await verifyJpkiAuthentication({ challenge, signature, certificate }, { anchors, now, ...(status ? { status } : {}) });
  if (flag(args, 'json')) {
    deps.out(
      `${JSON.stringify(
        {
          valid: r.valid,
          subjectId: r.subjectId,
          hash: r.hash,
          form: r.form,
          trustAnchor: r.trustAnchor?.subject.text ?? null,
          crlDistributionPoints: r.crlDistributionPoints,
          checks: r.checks,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    deps.out(`${r.valid ? 'VALID' : 'NOT VALID'}: JPKI authentication${r.subjectId ? ` of ${r.subjectId}` : ''}\n${r.checks.map(line).join('\n')}\n`);
  }
  return r.valid ? 0 : 1;
}

/**
 * `shomei jpki verify-cms`: a detached CMS with `--content FILE`, or without it an attached one
 * (the SignedData carries the document; `--out FILE` writes it, only when valid).
 */
export async function verifyCmsCommand(argv: string[], deps: JpkiVerifyDeps): Promise<number> {
  const args = parse(argv, { ...STATUS_OPTIONS, content: { type: 'string' }, out: { type: 'string' } }, true);
  const contentPath = str(args, 'content');
  const outPath = str(args, 'out');
  if (args.positionals.length !== 1) throw new UsageError('give FILE.p7s (and --content FILE when the signature is detached)');
  if (contentPath !== undefined && outPath !== undefined) throw new UsageError('--out writes the content an attached signature carries: not with --content');
  const p7s = readInput(args.positionals[0]!);
  const { now, anchors, status } = common(args, deps, [JPKI_SIGN_CA_2015, JPKI_SIGN_CA_2023]);
  const options = { anchors, now, ...(status ? { status } : {}) };
  const attached = contentPath === undefined ? await verifyAttachedCms(p7s, options) : undefined;
  const r = attached ?? (await verifyDetachedCms(p7s, readInput(contentPath!), options));
  if (attached !== undefined && outPath !== undefined && r.valid) writeFileSync(outPath, attached.content);
  const kind = attached === undefined ? 'detached CMS' : `attached CMS (${attached.content.length} bytes of content)`;
  if (flag(args, 'json')) {
    deps.out(
      `${JSON.stringify(
        {
          status: r.status,
          valid: r.valid,
          ...(attached === undefined ? {} : { contentLength: attached.content.length }),
          signers: r.signers.map((s) => ({ subject: s.certificate?.subject.text ?? null, signingTime: s.signingTime?.toISOString() ?? null, checks: s.checks, statusChecks: s.status?.checks ?? [] })),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const body = r.signers.map((s) => `signer ${s.certificate?.subject.text ?? '(certificate not found)'}\n${[...s.checks, ...(s.status?.checks.slice(0, -1) ?? [])].map(line).join('\n')}`);
    deps.out(`${r.valid ? 'VALID' : `NOT VALID (${r.status})`}: ${kind}\n${body.join('\n')}\n`);
  }
  return r.valid ? 0 : 1;
}

/** The help lines of the two subcommands (for `shomei jpki --help`). */
export const JPKI_VERIFY_HELP = `  verify-auth --challenge FILE --signature FILE --cert FILE [--ocsp URL] [--crl FILE] [--json]
                             check a card login response (server side): signature over the
                             challenge, chain to the J-LIS auth CA (or --trust), policy,
                             validity, and status by OCSP and/or CRL
  verify-cms FILE.p7s [--content FILE | --out FILE] [--ocsp URL] [--crl FILE] [--json]
                             check a CMS signature and its signer's status: detached with
                             --content, else attached (--out writes its content when valid)
    (both: --trust FILE  anchors instead of the J-LIS roots; --at ISO-8601  validation time;
     --require none|any|ocsp|crl|all  which status answer is required, default any when
     --ocsp or --crl is given; exit 0 valid, 1 not valid)
`;
