/**
 * `shomei oid4vp verifier`: a one-shot OpenID4VP 1.0 verifier for mdocs (cross-device
 * flow): serves the Request Object at its `request_uri` and receives the answer at its
 * `response_uri` with Node's http server, prints the wallet invocation URL (first line of
 * standard output) and its QR code (standard error), waits for one presentation, verifies
 * it and prints the report. Exit 0 when valid, 1 when not (or on timeout).
 */

import { createServer, type IncomingMessage } from 'node:http';
import { publicKeyOf } from '../crypto/keys.js';
import type { EcPrivateKey } from '../crypto/types.js';
import { type DcqlQuery, OpenId4VpVerifier, type OpenId4VpResult, type OpenId4VpVerifierClientIdPrefix } from '../online/index.js';
import { buildCertificate, type Certificate } from '../x509/index.js';
import { type Command, flag, InputError, parse, printable, str, strs, UsageError } from './io.js';
import { readCertificates, readJson, readPrivateKey, readTrust } from './keys.js';
import { renderQrTerminal } from './qr.js';

const DEFAULT_QUERY: DcqlQuery = {
  credentials: [
    {
      id: 'mdl',
      format: 'mso_mdoc',
      meta: { doctype_value: 'org.iso.18013.5.1.mDL' },
      claims: [
        { path: ['org.iso.18013.5.1', 'family_name'], intent_to_retain: false },
        { path: ['org.iso.18013.5.1', 'age_over_18'], intent_to_retain: false },
      ],
    },
  ],
};

const MAX_BODY = 4 * 1024 * 1024;

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A throwaway verifier certificate for `host` (self-made CA, printed nowhere): for trying a wallet that does not check trust. */
async function ephemeral(host: string): Promise<{ key: EcPrivateKey; certificates: Certificate[] }> {
  const { webCryptoBackend: backend } = await import('../crypto/index.js');
  const caKey = await backend.generateKeyPair('P-256');
  const now = Date.now();
  const ca = await buildCertificate({
    subject: { CN: 'shomei ephemeral verifier CA' },
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 86_400_000),
    publicKey: publicKeyOf(caKey),
    signer: caKey,
    basicConstraints: { cA: true },
    keyUsage: ['keyCertSign'],
  });
  const key = await backend.generateKeyPair('P-256');
  const leaf = await buildCertificate({
    subject: { CN: host },
    issuer: ca,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 86_400_000),
    publicKey: publicKeyOf(key),
    signer: caKey,
    keyUsage: ['digitalSignature'],
    subjectAltName: [{ type: 'dNSName', value: host }],
  });
  return { key, certificates: [leaf] };
}

function printReport(result: OpenId4VpResult, json: boolean): void {
  if (json) {
    const presentations = Object.fromEntries(
      Object.entries(result.presentations).map(([id, list]) => [
        id,
        list.map((p) => ({ valid: p.valid, checks: p.checks, documents: p.verification.documents.map((d) => ({ docType: d.docType, issuerSigned: d.issuerSigned, checks: d.checks })) })),
      ]),
    );
    const replacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `<${v.length} bytes>` : v instanceof Date ? v.toISOString() : v);
    process.stdout.write(`${JSON.stringify({ valid: result.valid, checks: result.checks, walletError: result.walletError, presentations }, replacer, 2)}\n`);
    return;
  }
  process.stdout.write(`valid: ${result.valid ? 'yes' : 'no'}\n`);
  if (result.walletError !== undefined) process.stdout.write(printable(`wallet error: ${result.walletError.error}${result.walletError.error_description ? ` (${result.walletError.error_description})` : ''}\n`));
  for (const c of result.checks) process.stdout.write(printable(`  ${c.status === 'passed' ? '✓' : '✗'} ${c.id}${c.detail ? `: ${c.detail}` : ''}\n`));
  for (const [id, list] of Object.entries(result.presentations)) {
    for (const p of list) {
      process.stdout.write(printable(`${id}: ${p.valid ? 'valid' : 'NOT valid'}\n`));
      for (const c of [...p.checks, ...p.verification.documents.flatMap((d) => d.checks)]) {
        if (c.status === 'failed') process.stdout.write(printable(`  ✗ ${c.id}${c.detail ? `: ${c.detail}` : ''}\n`));
      }
      for (const d of p.verification.documents) {
        for (const [ns, els] of Object.entries(d.issuerSigned)) {
          for (const [el, v] of Object.entries(els)) process.stdout.write(printable(`  ${ns}/${el} = ${v instanceof Uint8Array ? `<${v.length} bytes>` : String(v)}\n`));
        }
      }
    }
  }
}

export const oid4vpVerifier: Command = {
  summary: 'serve one OpenID4VP request on loopback and verify the presentation',
  help: `
Usage: shomei oid4vp verifier --trust IACA [--port N] [--host H] [--client-id-prefix x509_san_dns|x509_hash]
                              [--key KEY --cert CERT] [--response-mode direct_post|direct_post.jwt]
                              [--dcql FILE] [--timeout S] [--scheme openid4vp://] [--json]

  --trust IACA          the issuers' IACA certificates (file, PEM bundle or directory; repeatable)
  --port N              the port to listen on (default 0: any free port)
  --host H              the host to listen on and to name in the URLs (default 127.0.0.1)
  --client-id-prefix P  x509_san_dns (default; the certificate's DNS name must be H) or x509_hash
  --key KEY --cert CERT the Request Object signing key (PEM or JWK) and its certificate chain
                        (PEM, leaf first); without them a throwaway certificate is made
  --response-mode M     direct_post.jwt (default, encrypted) or direct_post
  --dcql FILE           the DCQL query (JSON); default an mDL's family_name and age_over_18
  --timeout S           how long to wait for the presentation (default 300)
  --scheme S            the invocation URL scheme (default openid4vp://)
  --json                print the report as JSON

Prints the request URL as the first line of standard output and a QR code of it on
standard error, then the report. Exit 0 when the presentation is valid, 1 when not.
`,
  async run(argv) {
    const args = parse(
      argv,
      {
        trust: { type: 'string', multiple: true },
        port: { type: 'string' },
        host: { type: 'string' },
        'client-id-prefix': { type: 'string' },
        key: { type: 'string' },
        cert: { type: 'string' },
        'response-mode': { type: 'string' },
        dcql: { type: 'string' },
        timeout: { type: 'string' },
        scheme: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      false,
    );
    const trust = strs(args, 'trust');
    if (trust.length === 0) throw new UsageError('--trust is required: nothing is trusted implicitly');
    const trustAnchors = readTrust(trust);
    const port = Number(str(args, 'port') ?? '0');
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a port number');
    const host = str(args, 'host') ?? '127.0.0.1';
    const prefix = (str(args, 'client-id-prefix') ?? 'x509_san_dns') as OpenId4VpVerifierClientIdPrefix;
    if (prefix !== 'x509_san_dns' && prefix !== 'x509_hash') throw new UsageError('--client-id-prefix must be x509_san_dns or x509_hash');
    const mode = str(args, 'response-mode') ?? 'direct_post.jwt';
    if (mode !== 'direct_post' && mode !== 'direct_post.jwt') throw new UsageError('--response-mode must be direct_post or direct_post.jwt');
    const timeout = Number(str(args, 'timeout') ?? '300');
    if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError('--timeout must be a positive number of seconds');
    const keyPath = str(args, 'key');
    const certPath = str(args, 'cert');
    if ((keyPath === undefined) !== (certPath === undefined)) throw new UsageError('give both --key and --cert, or neither');
    const signing =
      keyPath === undefined
        ? await ephemeral(host)
        : { key: readPrivateKey(keyPath) as EcPrivateKey, certificates: readCertificates(certPath!) };
    const dcqlPath = str(args, 'dcql');
    const dcqlQuery = dcqlPath === undefined ? DEFAULT_QUERY : (readJson(dcqlPath) as DcqlQuery);
    const json = flag(args, 'json');

    let verifier: OpenId4VpVerifier | undefined;
    let finish: (r: { result?: OpenId4VpResult; error?: unknown }) => void = () => undefined;
    const done = new Promise<{ result?: OpenId4VpResult; error?: unknown }>((resolve) => {
      finish = resolve;
    });
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (reply: { status: number; headers: Readonly<Record<string, string>>; body: string }) => {
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body);
      };
      (async () => {
        if (verifier === undefined) return send({ status: 503, headers: {}, body: '' });
        if (url.pathname.startsWith('/request/')) {
          const text = req.method === 'POST' ? await body(req) : undefined;
          return send(await verifier.handleRequestUri(url.pathname.slice('/request/'.length), { method: req.method ?? 'GET', ...(text === undefined ? {} : { body: text }) }));
        }
        if (url.pathname === '/response' && req.method === 'POST') {
          const handled = await verifier.handleResponse(await body(req), { trustAnchors });
          send(handled.reply);
          finish(handled);
          return;
        }
        send({ status: 404, headers: { 'content-type': 'text/plain' }, body: 'not found' });
      })().catch((e: unknown) => {
        send({ status: 500, headers: { 'content-type': 'text/plain' }, body: 'internal error' });
        finish({ error: e });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    try {
      const address = server.address();
      const actual = typeof address === 'object' && address !== null ? address.port : port;
      const origin = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
      verifier = new OpenId4VpVerifier({ clientIdPrefix: prefix, signer: signing.key, certificates: signing.certificates, responseUri: `${origin}/response` });
      const handle = await verifier.createRequest({
        dcqlQuery,
        responseMode: mode,
        requestUri: (id) => `${origin}/request/${id}`,
        requestUriMethod: 'post',
        ...(str(args, 'scheme') === undefined ? {} : { scheme: str(args, 'scheme')! }),
      });
      process.stdout.write(`${handle.url}\n`);
      process.stderr.write(renderQrTerminal(handle.url, { ecc: 'L' }));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([done, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeout * 1000)))]);
      clearTimeout(timer);
      if (outcome === 'timeout') throw new InputError(`no presentation within ${timeout} s`);
      if (outcome.result === undefined) throw outcome.error;
      printReport(outcome.result, json);
      return outcome.result.valid ? 0 : 1;
    } finally {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  },
};
