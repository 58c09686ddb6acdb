// The simulated wallet of the OpenID4VP verifier example, with shomei's wallet API: it reads
// wallet.json (written by server.mjs: the mDL, the device key, the verifier CA), fetches and
// verifies the request (x509_san_dns against the verifier CA, OpenID4VP 1.0 §5.9.3), presents
// what the DCQL query asks for and posts the answer (direct_post.jwt, §8.3).
//
//   node examples/oid4vp-verifier/wallet.mjs 'openid4vp://?client_id=...&request_uri=...' --dir DIR
//
// `dcApiAnswer` is the same wallet for the Digital Credentials API (Appendix A), for a stubbed
// navigator.credentials.get.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOpenId4VpDcApiResponse, createOpenId4VpResponse, readOpenId4VpDcApiRequest, resolveOpenId4VpRequest, submitOpenId4VpResponse } from '../../dist/online/index.js';

const bytes = (b64) => new Uint8Array(Buffer.from(b64, 'base64'));

/** The held documents and the verifier CA from `dir`/wallet.json. */
export async function loadWallet(dir) {
  const w = JSON.parse(await readFile(join(dir, 'wallet.json'), 'utf8'));
  const k = w.deviceKey;
  const deviceKey = { kty: 'EC', crv: k.crv, x: bytes(k.x), y: bytes(k.y), d: bytes(k.d) };
  return { documents: [{ issuerSigned: bytes(w.mdoc), deviceKey }], verifierCa: bytes(w.verifierCa) };
}

/** Answer a cross-device request URL; resolves to what was disclosed and the verifier's reply status. */
export async function answer(url, dir) {
  const wallet = await loadWallet(dir);
  const request = await resolveOpenId4VpRequest(url, { fetch: globalThis.fetch, trustAnchors: [wallet.verifierCa] });
  const response = await createOpenId4VpResponse(request, { documents: wallet.documents });
  const reply = await submitOpenId4VpResponse(response, { fetch: globalThis.fetch });
  return { verifier: request.clientId, trusted: request.client.trusted, asked: request.credentials.map((c) => c.id), status: reply.status };
}

/** Answer a DC API request (`{ protocol, data }`) made for `origin`: the `data` of the DigitalCredential. */
export async function dcApiAnswer(request, origin, dir) {
  const wallet = await loadWallet(dir);
  const seen = await readOpenId4VpDcApiRequest(request.data, origin);
  return createOpenId4VpDcApiResponse(seen, { documents: wallet.documents });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [url, flag, dir] = process.argv.slice(2);
  if (url === undefined || flag !== '--dir' || dir === undefined) {
    console.error('usage: node examples/oid4vp-verifier/wallet.mjs URL --dir DIR');
    process.exit(2);
  }
  try {
    console.log(JSON.stringify(await answer(url, dir)));
  } catch (e) {
    console.error(`wallet: ${e.code ?? ''} ${e.message}`);
    process.exit(1);
  }
}
