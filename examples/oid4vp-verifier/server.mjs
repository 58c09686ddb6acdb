// An OpenID4VP 1.0 verifier web server for mdocs, with Node's http and the built package only.
//
// The page (index.html, page.js) shows a QR code for the cross-device flow: a request_uri
// (OpenID4VP 1.0 §5.10) to a Request Object signed with the x509_san_dns client identifier
// prefix (§5.9.3), answered with direct_post.jwt (§8.3) to /response. And a button for the
// Digital Credentials API (Appendix A, openid4vp-v1-unsigned with dc_api.jwt). The server
// verifies every answer (mdoc over the OpenID4VPHandover, B.2.6) and the page shows the result.
//
// For the demo it makes a throwaway PKI at start-up (verifier CA and leaf for "localhost",
// IACA and document signer, one mDL) and writes the wallet's half (the mDL, the device key,
// the verifier CA) to wallet.json in `walletDir`, for wallet.mjs, the simulated wallet.
//
//   npm run build && node examples/oid4vp-verifier/server.mjs   (then open the printed URL)
//   node examples/oid4vp-verifier/wallet.mjs 'openid4vp://?client_id=...' --dir DIR
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FullDate } from '../../dist/cbor/index.js';
import { defaultBackend } from '../../dist/crypto/index.js';
import { encodeIssuerSigned, issueMdoc, MDL_DOCTYPE } from '../../dist/mdoc/index.js';
import { createOpenId4VpDcApiRequest, OpenId4VpVerifier, openId4VpQrSvg, openOpenId4VpDcApiResponse } from '../../dist/online/index.js';
import { buildCertificate, buildDocumentSigner, buildIaca } from '../../dist/x509/index.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const DAY = 86_400_000;
const NS = 'org.iso.18013.5.1';
const DOC_REQUESTS = [{ id: 'mdl', docType: MDL_DOCTYPE, nameSpaces: { [NS]: { family_name: false, given_name: false, age_over_18: false } } }];
const MAX_BODY = 1 << 20;
const MAX_PENDING = 256;
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const pub = (k) => ({ kty: k.kty, crv: k.crv, x: k.x, y: k.y });

/** The throwaway PKI: the verifier's (CA, leaf for `dnsName`) and the issuer's (IACA, DS), and one mDL. */
async function demoPki(dnsName) {
  const backend = defaultBackend();
  const now = Date.now();
  const validity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 300 * DAY) };
  const [caKey, readerKey, iacaKey, dsKey, deviceKey] = await Promise.all([0, 1, 2, 3, 4].map(() => backend.generateKeyPair('P-256')));
  const verifierCa = await buildCertificate({
    subject: { C: 'JP', CN: 'shomei example verifier CA' },
    ...validity,
    publicKey: pub(caKey),
    signer: caKey,
    basicConstraints: { cA: true },
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const readerCertificate = await buildCertificate({
    subject: { C: 'JP', CN: dnsName },
    issuer: verifierCa,
    ...validity,
    publicKey: pub(readerKey),
    signer: caKey,
    keyUsage: ['digitalSignature'],
    subjectAltName: [{ type: 'dNSName', value: dnsName }],
  });
  const iaca = await buildIaca({ country: 'JP', commonName: 'shomei example IACA', key: iacaKey, validity, issuerAltName: { uri: 'https://iaca.example/' } });
  const ds = await buildDocumentSigner({ iaca, iacaKey, commonName: 'shomei example DS', publicKey: pub(dsKey), validity, crlUri: 'https://iaca.example/crl' });
  const mdl = await issueMdoc({
    docType: MDL_DOCTYPE,
    deviceKey: pub(deviceKey),
    validity: { signed: new Date(now - DAY), validFrom: new Date(now - DAY), validUntil: new Date(now + 30 * DAY) },
    issuer: { signer: dsKey, certificates: [ds.der] },
    nameSpaces: { [NS]: { family_name: 'Yamada', given_name: 'Hanako', birth_date: FullDate.of(1990, 4, 1), issuing_country: 'JP', age_over_18: true } },
  });
  const wallet = {
    mdoc: b64(encodeIssuerSigned(mdl)),
    deviceKey: { kty: 'EC', crv: 'P-256', x: b64(deviceKey.x), y: b64(deviceKey.y), d: b64(deviceKey.d) },
    verifierCa: b64(verifierCa.der),
  };
  return { readerKey, readerCertificate, trustAnchors: [iaca], wallet };
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > MAX_BODY) throw Object.assign(new Error('request too large'), { status: 413 });
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What the page shows of a verified answer: valid, and the disclosed elements per credential. */
function summary(result) {
  const claims = Object.create(null); // credential ids: from our own query, but keyed safely anyway
  for (const [id, list] of Object.entries(result.presentations ?? {})) {
    claims[id] = list.map((p) => p.verification.documents[0]?.issuerSigned ?? {});
  }
  return { state: 'done', valid: result.valid === true, claims };
}

/** A Map that forgets its oldest entries beyond MAX_PENDING. */
function remember(map, key, value) {
  map.set(key, value);
  while (map.size > MAX_PENDING) map.delete(map.keys().next().value);
}

/**
 * Start the verifier on 127.0.0.1:`port` (0: any free port). The base URL uses "localhost",
 * the DNS name in the verifier certificate (x509_san_dns binds it to the response_uri host).
 * Resolves to { url, walletDir, close }.
 */
export async function startServer({ port = 0, walletDir } = {}) {
  const dnsName = 'localhost';
  const pki = await demoPki(dnsName);
  const dir = walletDir ?? (await mkdtemp(join(tmpdir(), 'shomei-oid4vp-wallet-')));
  await writeFile(join(dir, 'wallet.json'), JSON.stringify(pki.wallet, null, 2));
  const results = new Map(); // request id → summary
  const dcApiStates = new Map(); // id → verifier state
  let verifier;
  let base;

  const send = (res, status, body, type = 'application/json') =>
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body));

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, base);
      const path = url.pathname;
      if (req.method === 'GET' && (path === '/' || path === '/index.html')) return send(res, 200, await readFile(join(HERE, 'index.html')), 'text/html; charset=utf-8');
      if (req.method === 'GET' && path === '/page.js') return send(res, 200, await readFile(join(HERE, 'page.js')), 'text/javascript; charset=utf-8');
      // Cross-device: a new request, its URL and QR code.
      if (req.method === 'POST' && path === '/api/cross-device') {
        const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, responseMode: 'direct_post.jwt', requestUri: (id) => `${base}/request/${id}` });
        remember(results, handle.id, { state: 'pending' });
        return send(res, 200, { id: handle.id, url: handle.url, qr: openId4VpQrSvg(handle.url) });
      }
      // The wallet fetches the Request Object (GET, or POST with wallet_metadata / wallet_nonce).
      if (path.startsWith('/request/') && (req.method === 'GET' || req.method === 'POST')) {
        const body = req.method === 'POST' ? await readBody(req) : undefined;
        const reply = await verifier.handleRequestUri(path.slice('/request/'.length), { method: req.method, ...(body === undefined ? {} : { body }) });
        return res.writeHead(reply.status, reply.headers).end(reply.body);
      }
      // The wallet posts its answer (direct_post.jwt).
      if (req.method === 'POST' && path === '/response') {
        const handled = await verifier.handleResponse(await readBody(req), { trustAnchors: pki.trustAnchors });
        if (handled.result !== undefined && results.has(handled.result.id)) results.set(handled.result.id, summary(handled.result));
        return res.writeHead(handled.reply.status, handled.reply.headers).end(handled.reply.body);
      }
      if (req.method === 'GET' && path.startsWith('/api/result/')) {
        return send(res, 200, results.get(path.slice('/api/result/'.length)) ?? { state: 'unknown' });
      }
      // DC API: the request for navigator.credentials.get, then its answer.
      if (req.method === 'POST' && path === '/api/dcapi') {
        // The page's origin is the server's (the page is served from `base`).
        const { request, state } = await createOpenId4VpDcApiRequest({ origin: base, responseMode: 'dc_api.jwt', docRequests: DOC_REQUESTS });
        const id = crypto.randomUUID();
        remember(dcApiStates, id, state);
        return send(res, 200, { id, request });
      }
      if (req.method === 'POST' && path.startsWith('/api/dcapi/')) {
        const id = path.slice('/api/dcapi/'.length);
        const state = dcApiStates.get(id);
        if (state === undefined) return send(res, 404, { error: 'unknown request' });
        dcApiStates.delete(id);
        const result = await openOpenId4VpDcApiResponse(await readBody(req), state, { trustAnchors: pki.trustAnchors });
        return send(res, 200, summary(result));
      }
      return send(res, 404, { error: 'not found' });
    } catch (e) {
      return send(res, e.status ?? (e.code ? 400 : 500), { error: String(e.code ?? 'server_error'), error_description: String(e.message ?? e) });
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  base = `http://${dnsName}:${server.address().port}`;
  verifier = new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', clientId: dnsName, signer: pki.readerKey, certificates: [pki.readerCertificate], responseUri: `${base}/response` });
  return { url: base, walletDir: dir, close: () => new Promise((resolve) => server.close(resolve)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url, walletDir } = await startServer({ port: Number(process.env.PORT ?? 8081) });
  console.log(`shomei OpenID4VP verifier example: ${url}/  (Ctrl-C to stop)`);
  console.log(`simulated wallet: node examples/oid4vp-verifier/wallet.mjs URL --dir ${walletDir}`);
}
