/**
 * `shomei oid4vp wallet`: answer an OpenID4VP 1.0 request with a held mdoc: fetch and
 * verify the request (Request Object signature, client identifier, the verifier's trust
 * anchors when given), present what the DCQL query asks for, post the answer, and print
 * what was disclosed and the verifier's reply.
 */

import type { PrivateKey } from '../crypto/types.js';
import { createOpenId4VpResponse, type FetchLike, resolveOpenId4VpRequest, submitOpenId4VpResponse } from '../online/index.js';
import { type Command, flag, parse, printable, readCbor, str, strs, UsageError } from './io.js';
import { readPrivateKey, readTrust } from './keys.js';

export const oid4vpWallet: Command = {
  summary: 'answer an OpenID4VP request URL with a held mdoc',
  help: `
Usage: shomei oid4vp wallet URL --mdoc FILE [--mdoc ...] --device-key KEY [--trust-reader CERT] [--json]

  URL                  the request (openid4vp://, haip-vp://, a custom scheme or an https link)
  --mdoc FILE          an IssuerSigned (from 'shomei issue'); repeat for several documents
  --device-key KEY     the holder's device private key (PEM PKCS#8 or JWK)
  --trust-reader CERT  the verifier trust anchors (repeatable); without it the verifier is not authenticated
  --json               print the outcome as JSON

Prints what was disclosed and the verifier's reply.
`,
  async run(argv) {
    const args = parse(argv, { mdoc: { type: 'string', multiple: true }, 'device-key': { type: 'string' }, 'trust-reader': { type: 'string', multiple: true }, json: { type: 'boolean', default: false } });
    if (args.positionals.length !== 1) throw new UsageError('give the request URL');
    const mdocs = strs(args, 'mdoc');
    const keyPath = str(args, 'device-key');
    if (mdocs.length === 0 || keyPath === undefined) throw new UsageError('--mdoc and --device-key are required');
    const deviceKey: PrivateKey = readPrivateKey(keyPath);
    const documents = mdocs.map((p) => ({ issuerSigned: readCbor(p), deviceKey }));
    const trust = strs(args, 'trust-reader');
    const fetch = globalThis.fetch as unknown as FetchLike;
    const request = await resolveOpenId4VpRequest(args.positionals[0]!, { fetch, ...(trust.length === 0 ? {} : { trustAnchors: readTrust(trust) }) });
    if (!request.client.trusted) process.stderr.write(printable(`warning: the verifier ${request.clientId} is not authenticated (no --trust-reader)\n`));
    const response = await createOpenId4VpResponse(request, { documents });
    const reply = await submitOpenId4VpResponse(response, { fetch });
    const disclosed = request.credentials.map((q) => ({ id: q.id, docType: q.docType, elements: q.claims.map((c) => `${c.namespace}/${c.element}`) }));
    if (flag(args, 'json')) {
      process.stdout.write(`${JSON.stringify({ verifier: request.clientId, trusted: request.client.trusted, disclosed, reply: { status: reply.status, ...(reply.redirectUri === undefined ? {} : { redirect_uri: reply.redirectUri }) } }, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(printable(`verifier: ${request.clientId}${request.client.trusted ? ' (trusted)' : ' (NOT authenticated)'}\n`));
    for (const d of disclosed) process.stdout.write(printable(`disclosed ${d.id} (${d.docType}): ${d.elements.join(', ')}\n`));
    process.stdout.write(printable(`verifier replied: HTTP ${reply.status}${reply.redirectUri === undefined ? '' : `, redirect_uri ${reply.redirectUri}`}\n`));
    return 0;
  },
};
