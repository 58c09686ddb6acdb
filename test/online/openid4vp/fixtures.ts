/** Test fixtures for OpenID4VP: a verifier PKI (CA and a leaf with a DNS name), a held mDL, and a fetch that routes to a verifier. */
import { publicKeyOf } from '../../../src/crypto/keys.js';
import type { CryptoBackend, EcPrivateKey, PrivateKey } from '../../../src/crypto/types.js';
import { type IssuerSigned, issueMdoc } from '../../../src/mdoc/index.js';
import type { FetchLike, OpenId4VpVerifier } from '../../../src/online/index.js';
import { buildCertificate, type Certificate } from '../../../src/x509/index.js';
import { deviceKey, MDL_DATA, NOW, type TestIssuer, testIssuer } from '../../mdoc/fixtures.js';

export { NOW };
const FIXED_NOW = NOW;
export const MDL = 'org.iso.18013.5.1.mDL';
export const NS = 'org.iso.18013.5.1';
export const HOST = 'verifier.example';
export const BASE = `https://${HOST}`;
const DAY = 86_400_000;

export interface VerifierPki {
  readonly caKey: EcPrivateKey;
  readonly ca: Certificate;
  readonly key: EcPrivateKey;
  readonly leaf: Certificate;
}

/** A verifier CA and a leaf for `dns`, signed by it. */
export async function verifierPki(backend: CryptoBackend, dns = HOST, NOW = FIXED_NOW): Promise<VerifierPki> {
  const caKey = await backend.generateKeyPair('P-256');
  const ca = await buildCertificate({
    subject: { C: 'JP', CN: 'Test Verifier CA' },
    notBefore: new Date(NOW.getTime() - 30 * DAY),
    notAfter: new Date(NOW.getTime() + 365 * DAY),
    publicKey: publicKeyOf(caKey),
    signer: caKey,
    basicConstraints: { cA: true },
    keyUsage: ['keyCertSign', 'cRLSign'],
    backend,
  });
  const key = await backend.generateKeyPair('P-256');
  return { caKey, ca, key, leaf: await verifierLeaf({ caKey, ca }, key, backend, dns, NOW) };
}

/** A verifier's certificate for `key` (any curve) under the CA of {@link verifierPki}. */
export function verifierLeaf(pki: Pick<VerifierPki, 'caKey' | 'ca'>, key: PrivateKey, backend: CryptoBackend, dns = HOST, NOW = FIXED_NOW): Promise<Certificate> {
  return buildCertificate({
    subject: { C: 'JP', CN: dns },
    issuer: pki.ca,
    notBefore: new Date(NOW.getTime() - DAY),
    notAfter: new Date(NOW.getTime() + 90 * DAY),
    publicKey: publicKeyOf(key),
    signer: pki.caKey,
    keyUsage: ['digitalSignature'],
    subjectAltName: [{ type: 'dNSName', value: dns }],
    backend,
  });
}

export interface Holder {
  readonly issuer: TestIssuer;
  readonly device: PrivateKey;
  readonly mdl: IssuerSigned;
  readonly documents: { issuerSigned: IssuerSigned; deviceKey: PrivateKey }[];
}

export async function holder(backend: CryptoBackend): Promise<Holder> {
  const issuer = await testIssuer(backend);
  const device = await deviceKey(backend);
  const validity = { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 30 * DAY) };
  const mdl = await issueMdoc({
    docType: MDL,
    nameSpaces: MDL_DATA,
    deviceKey: publicKeyOf(device),
    validity,
    issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] },
    backend,
  });
  return { issuer, device, mdl, documents: [{ issuerSigned: mdl, deviceKey: device }] };
}

export const DOC_REQUESTS = [{ id: 'mdl', docType: MDL, nameSpaces: { [NS]: { age_over_18: false, family_name: true } } }];

/** A fetch that serves `/request/:id` and `/response` from the verifier, recording calls; `tamper` may change a reply. */
export function routeTo(
  verifier: OpenId4VpVerifier,
  verify: Parameters<OpenId4VpVerifier['handleResponse']>[1],
  log: { method: string; url: string; body?: string }[] = [],
  tamper?: (url: string, body: string) => string,
): { fetch: FetchLike; results: unknown[] } {
  const results: unknown[] = [];
  const fetch: FetchLike = async (url, init) => {
    log.push({ method: init.method, url, ...(init.body === undefined ? {} : { body: init.body }) });
    const u = new URL(url);
    let reply: { status: number; headers: Readonly<Record<string, string>>; body: string };
    if (u.pathname.startsWith('/request/')) {
      reply = await verifier.handleRequestUri(u.pathname.slice('/request/'.length), { method: init.method, ...(init.body === undefined ? {} : { body: init.body }) });
    } else if (u.pathname === '/response') {
      const handled = await verifier.handleResponse(init.body ?? '', verify);
      results.push(handled.result ?? handled.error);
      reply = handled.reply;
    } else {
      reply = { status: 404, headers: {}, body: 'not found' };
    }
    const body = tamper ? tamper(url, reply.body) : reply.body;
    return { status: reply.status, headers: { get: (n: string) => reply.headers[n.toLowerCase()] ?? null }, text: async () => body };
  };
  return { fetch, results };
}
