/**
 * TEST ONLY: the virtual card's test CAs as revocation authorities. They keep a list of
 * revoked certificates, issue CRLs (RFC 5280 §5) and answer OCSP requests (RFC 6960 §4.2)
 * for the virtual card's certificates, signed by the CA itself or by a delegated OCSP
 * responder certificate (id-kp-OCSPSigning, id-pkix-ocsp-nocheck) — and, to test refusals,
 * by a rogue responder whose certificate a look-alike CA (same name, another key) issued.
 * A test serves them over loopback HTTP, as J-LIS serves licensed verifiers.
 *
 * Nothing here proves anything: every key ships in the package.
 */
import { publicKeyOf } from '../../crypto/keys.js';
import { ecPrivateKeyFromScalar } from '../../crypto/key-from-secret.js';
import { lazyNobleBackend as nobleBackend } from '../../crypto/lazy.js';
import type { EcPrivateKey } from '../../crypto/types.js';
import { fromHex, toHex } from '../../internal/bytes.js';
import { buildCertificate, buildCrl, type CertificateSigner } from '../../x509/build.js';
import { type Certificate, parseCertificate } from '../../x509/certificate.js';
import { type OcspCertId, type OcspCertStatus, OcspOid, decodeOcspRequest } from '../../x509/ocsp.js';
import { buildOcspResponse, encodeOcspErrorResponse } from '../../x509/ocsp-responder.js';
import { ExtKeyUsageOid } from '../../x509/oids.js';
import { testRsaSigner } from './test-certificates.js';
import { testKey } from './test-keys.js';
import type { VirtualCardCertificates } from './virtual-card.js';

/** TEST ONLY: fixed P-256 scalars of the delegated and the rogue OCSP responders. */
const RESPONDER_SCALAR = '4f2b8e1d9c7a6b5e3d2c1b0a99887766554433221100ffeeddccbbaa99887766';
const ROGUE_SCALAR = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809';

const FROM = new Date('2024-01-01T00:00:00Z');
const TO = new Date('2049-12-31T23:59:59Z');

/** Who signs an OCSP response: the CA, its delegated responder, or a rogue responder it never authorised. */
export type TestOcspSigner = 'ca' | 'responder' | 'rogue';

/** Options of {@link TestJpkiCa.respond}: each overrides what a correct responder would do. */
export interface TestOcspResponseOptions {
  /** The responder's clock (thisUpdate = producedAt = now). */
  readonly now: Date;
  readonly signer?: TestOcspSigner;
  /** nextUpdate (default now + 1 day); null for none. */
  readonly nextUpdate?: Date | null;
  /** thisUpdate (default now). */
  readonly thisUpdate?: Date;
  /** Force this status for every certificate asked about. */
  readonly certStatus?: OcspCertStatus;
  /** The nonce to put in the response: `echo` the request's (default), `none`, or these bytes. */
  readonly nonce?: 'echo' | 'none' | Uint8Array;
}

interface Authority {
  readonly ca: Certificate;
  readonly signer: CertificateSigner;
  readonly responder: Certificate;
}

/** TEST ONLY: revocation for the virtual card's auth and sign hierarchies. */
export class TestJpkiCa {
  /** The auth and sign CAs and leaves, as the card holds them. */
  readonly certificates: { readonly auth: Certificate; readonly authCa: Certificate; readonly sign: Certificate; readonly signCa: Certificate };
  /** The delegated OCSP responder of the auth CA (P-256, id-kp-OCSPSigning, ocsp-nocheck). */
  readonly authResponder: Certificate;
  readonly #authorities: readonly Authority[];
  readonly #rogue: { readonly responder: Certificate; readonly key: EcPrivateKey };
  readonly #responderKey: EcPrivateKey;
  /** Revoked serials by CA subject key hash and serial: `${issuer}/${serial}`. */
  readonly #revoked = new Map<string, { readonly at: Date; readonly reason: number | null }>();

  private constructor(
    certificates: TestJpkiCa['certificates'],
    authorities: readonly Authority[],
    responderKey: EcPrivateKey,
    rogue: { responder: Certificate; key: EcPrivateKey },
  ) {
    this.certificates = certificates;
    this.#authorities = authorities;
    this.authResponder = authorities[0]!.responder;
    this.#responderKey = responderKey;
    this.#rogue = rogue;
  }

  /** TEST ONLY: the CAs of `certificates` (from `buildTestCertificates`), with their responders. */
  static async create(certificates: VirtualCardCertificates): Promise<TestJpkiCa> {
    const certs = {
      auth: parseCertificate(certificates.auth),
      authCa: parseCertificate(certificates.authCa),
      sign: parseCertificate(certificates.sign),
      signCa: parseCertificate(certificates.signCa),
    };
    const responderKey = ecPrivateKeyFromScalar('P-256', fromHex(RESPONDER_SCALAR));
    const rogueKey = ecPrivateKeyFromScalar('P-256', fromHex(ROGUE_SCALAR));
    const responderFor = (ca: Certificate, signer: CertificateSigner, serial: bigint) =>
      buildCertificate({
        subject: { C: 'JP', O: 'JPKI-TEST-SHOMEI', CN: `OCSP responder ${serial.toString(16)} TEST ONLY` },
        issuer: ca,
        serialNumber: serial,
        notBefore: FROM,
        notAfter: TO,
        publicKey: publicKeyOf(responderKey),
        signer,
        keyUsage: ['digitalSignature'],
        extKeyUsage: [ExtKeyUsageOid.ocspSigning],
        extensions: [{ oid: OcspOid.noCheck, value: Uint8Array.of(0x05, 0x00) }],
        backend: nobleBackend,
      });
    const authSigner = testRsaSigner(testKey('authCa'));
    const signSigner = testRsaSigner(testKey('signCa'));
    const authorities: Authority[] = [
      { ca: certs.authCa, signer: authSigner, responder: await responderFor(certs.authCa, authSigner, 0x9001n) },
      { ca: certs.signCa, signer: signSigner, responder: await responderFor(certs.signCa, signSigner, 0x9002n) },
    ];
    // A look-alike of the auth CA: the same name, another key. What it issues names the real CA as issuer.
    const lookAlike = await buildCertificate({
      subject: certs.authCa.subject.der,
      serialNumber: 1n,
      notBefore: FROM,
      notAfter: TO,
      publicKey: publicKeyOf(rogueKey),
      signer: rogueKey,
      basicConstraints: { cA: true },
      backend: nobleBackend,
    });
    const rogueResponder = await buildCertificate({
      subject: { C: 'JP', O: 'JPKI-TEST-SHOMEI', CN: 'rogue OCSP responder TEST ONLY' },
      issuer: lookAlike,
      serialNumber: 0x9666n,
      notBefore: FROM,
      notAfter: TO,
      publicKey: publicKeyOf(rogueKey),
      signer: rogueKey,
      extKeyUsage: [ExtKeyUsageOid.ocspSigning],
      backend: nobleBackend,
    });
    return new TestJpkiCa(certs, authorities, responderKey, { responder: rogueResponder, key: rogueKey });
  }

  #authorityOf(cert: Certificate): Authority {
    const a = this.#authorities.find((x) => x.ca.subject.text === cert.issuer.text);
    if (a === undefined) throw new RangeError('not a certificate of the virtual card');
    return a;
  }

  #key(ca: Certificate, serial: string): string {
    return `${toHex(ca.subjectPublicKey)}/${serial}`;
  }

  /** Revoke a certificate (`auth`, `sign`, or DER) from `at`, with a CRLReason code (6 = certificateHold: suspended). */
  revoke(which: 'auth' | 'sign' | Uint8Array, at: Date, reason: number | null = null): void {
    const cert = which === 'auth' ? this.certificates.auth : which === 'sign' ? this.certificates.sign : parseCertificate(which);
    this.#revoked.set(this.#key(this.#authorityOf(cert).ca, cert.serialNumber), { at, reason });
  }

  /** Lift every revocation (a suspension undone, say). */
  clear(): void {
    this.#revoked.clear();
  }

  /** A CRL of the auth or sign CA (DER), listing what was revoked. */
  async crl(purpose: 'auth' | 'sign', thisUpdate: Date, nextUpdate: Date | null): Promise<Uint8Array> {
    const a = this.#authorities[purpose === 'auth' ? 0 : 1]!;
    const prefix = `${toHex(a.ca.subjectPublicKey)}/`;
    const revoked = [...this.#revoked]
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => ({ serialNumber: k.slice(prefix.length), revocationDate: v.at, ...(v.reason === null ? {} : { reason: v.reason }) }));
    const list = await buildCrl({ issuer: a.ca, signer: a.signer, thisUpdate, nextUpdate, revoked, crlNumber: 1, backend: nobleBackend });
    return list.der;
  }

  async #statusOf(id: OcspCertId): Promise<{ authority: Authority; status: OcspCertStatus } | undefined> {
    if (id.hash === null) return undefined;
    for (const a of this.#authorities) {
      if (toHex(await nobleBackend.digest(id.hash, a.ca.subjectPublicKey)) !== toHex(id.issuerKeyHash)) continue;
      const known = [this.certificates.auth, this.certificates.sign, a.responder].some((c) => c.serialNumber === id.serialNumber && c.issuer.text === a.ca.subject.text);
      const r = this.#revoked.get(this.#key(a.ca, id.serialNumber));
      const status: OcspCertStatus = r !== undefined ? { status: 'revoked', revocationTime: r.at, reason: r.reason } : known ? { status: 'good' } : { status: 'unknown' };
      return { authority: a, status };
    }
    return undefined;
  }

  /**
   * Answer a DER OCSPRequest as the CA's responder would (DER OCSPResponse): `malformedRequest`
   * for bytes that are not a request, `unauthorized` for a CertID of another CA.
   */
  async respond(request: Uint8Array, options: TestOcspResponseOptions): Promise<Uint8Array> {
    let decoded: ReturnType<typeof decodeOcspRequest>;
    try {
      decoded = decodeOcspRequest(request);
    } catch {
      return encodeOcspErrorResponse('malformedRequest');
    }
    const found = await Promise.all(decoded.certIds.map((id) => this.#statusOf(id)));
    if (found.some((f) => f === undefined)) return encodeOcspErrorResponse('unauthorized');
    const authority = found[0]!.authority;
    const thisUpdate = options.thisUpdate ?? options.now;
    const nextUpdate = options.nextUpdate === undefined ? new Date(options.now.getTime() + 86_400_000) : options.nextUpdate;
    const signer = options.signer ?? 'responder';
    const nonce = options.nonce === undefined || options.nonce === 'echo' ? decoded.nonce : options.nonce === 'none' ? null : options.nonce;
    const by =
      signer === 'ca'
        ? { responderCertificate: authority.ca, signer: authority.signer, certs: [] }
        : signer === 'responder'
          ? { responderCertificate: authority.responder, signer: this.#responderKey, certs: [authority.responder] }
          : { responderCertificate: this.#rogue.responder, signer: this.#rogue.key, certs: [this.#rogue.responder] };
    return buildOcspResponse({
      responses: decoded.certIds.map((certId, i) => ({ certId, certStatus: options.certStatus ?? found[i]!.status, thisUpdate, nextUpdate })),
      ...by,
      producedAt: options.now,
      nonce,
      backend: nobleBackend,
    });
  }
}
