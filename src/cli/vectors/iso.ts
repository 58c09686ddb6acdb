/**
 * ISO/IEC 18013-5 Annex D and the online-presentation suites (with Apple's Verify with Wallet sample): the published mdoc,
 * session and handover values, each case checked byte for byte or by verification.
 */

import { buildSigStructure, decodeCoseSign1, getX5Chain, verifyCoseSign1 } from '../../cose/index.js';
import { keyFromJwk } from '../../cose/key.js';
import type { CryptoBackend, EcPrivateKey, EcPublicKey } from '../../crypto/types.js';
import { ecPrivateKeyFromScalar } from '../../crypto/key-from-secret.js';
import { equalBytes, fromHex } from '../../internal/bytes.js';
import { verifyDeviceResponse } from '../../mdoc/index.js';
import { dcApiHandover, hpkeDeriveKeyPair, openAppleIdentityResponse, hpkeOpenBase, iso18013_7AnnexBHandover, jwkThumbprint, openId4VpDcApiHandover, openId4VpHandover } from '../../online/index.js';
import { buildSessionTranscript, decodeSessionData, decodeSessionEstablishment, deriveSessionKeys, extractDeviceEngagement, SessionCipher } from '../../session/index.js';
import { parseCertificate } from '../../x509/index.js';
import { readJson, type Suite, tally } from './suite.js';

type Entry = { hex: string; inputs?: Record<string, string> };
type Case = readonly [name: string, check: (backend: CryptoBackend) => Promise<boolean> | boolean];

function annexD(dir: string): Case[] {
  const v = readJson<Record<string, Entry>>(dir, 'iso18013-5/annex-d.json');
  const h = (k: string) => fromHex(v[k]!.hex);
  const same = (a: Uint8Array, k: string) => equalBytes(a, h(k));
  const eReader: EcPrivateKey = { kty: 'EC', crv: 'P-256', x: h('e_reader_key_x'), y: h('e_reader_key_y'), d: h('e_reader_key_d') };
  const eDevice: EcPrivateKey = { kty: 'EC', crv: 'P-256', x: h('e_device_key_x'), y: h('e_device_key_y'), d: h('e_device_key_d') };
  const handover = { kind: 'nfc', handoverSelect: h('nfc_handover_select'), handoverRequest: h('nfc_handover_request') } as const;
  const transcript = () => buildSessionTranscript({ deviceEngagement: h('device_engagement_nfc'), eReaderKey: decodeSessionEstablishment(h('session_establishment')).eReaderKeyBytes.bytes, handover });
  const keyOf = (cert: string) => parseCertificate(h(cert)).publicKey as EcPublicKey;
  return [
    ['D.5.2 IssuerAuth Sig_structure rebuilds', () => {
      const s = decodeCoseSign1(h('issuer_auth'));
      return same(buildSigStructure(s.protectedBytes, new Uint8Array(0), s.payload!), 'issuer_auth_sig_structure');
    }],
    ['D.5.2 IssuerAuth verifies with the DS certificate', async (backend) => {
      await verifyCoseSign1(decodeCoseSign1(h('issuer_auth')), { key: keyOf('ds_cert'), backend });
      return equalBytes(getX5Chain(decodeCoseSign1(h('issuer_auth')).protectedHeaders, decodeCoseSign1(h('issuer_auth')).unprotectedHeaders)[0]!, h('ds_cert'));
    }],
    ['D.5.4 ReaderAuth verifies with the reader certificate', async (backend) => {
      await verifyCoseSign1(decodeCoseSign1(h('reader_auth')), { key: keyOf('reader_cert'), detachedPayload: h('reader_authentication_bytes'), backend });
      return true;
    }],
    ['D.5.1 the NFC Handover Select carries the DeviceEngagement', () => same(extractDeviceEngagement(h('nfc_handover_select')), 'device_engagement_nfc')],
    ['D.5.1 SessionTranscriptBytes rebuild', () => same(transcript().tagged, 'session_transcript_bytes')],
    ['D.5.1 SKReader and SKDevice', async (backend) => {
      const k = await deriveSessionKeys(eReader, eDevice, transcript(), { backend });
      return same(k.skReader, 'sk_reader') && same(k.skDevice, 'sk_device');
    }],
    ['D.5.1 SessionEstablishment and SessionData decrypt to D.4.1.1 and D.4.1.2', async (backend) => {
      const keys = await deriveSessionKeys(eDevice, eReader, transcript(), { backend });
      const request = await new SessionCipher('mdoc', keys, { backend }).decrypt(decodeSessionEstablishment(h('session_establishment')).data);
      const response = await new SessionCipher('reader', keys, { backend }).decrypt(decodeSessionData(h('session_data')).data!);
      return same(request, 'device_request') && same(response, 'device_response');
    }],
    ['D.4.1.2 DeviceResponse verifies (deviceMac; DS_CRL_DP waived: a dNSName CRL DP)', async (backend) => {
      const r = await verifyDeviceResponse(h('device_response'), {
        trustAnchors: [h('iaca_cert')],
        sessionTranscript: h('session_transcript_bytes'),
        eReaderKey: eReader,
        now: new Date('2020-10-01T13:30:02Z'),
        waive: ['DS_CRL_DP'],
        backend,
      });
      return r.valid;
    }],
  ];
}

function online(dir: string): Case[] {
  const v = readJson<Record<string, Entry>>(dir, 'iso18013-7/openid4vp-handovers.json');
  const key = keyFromJwk(JSON.parse(v.oid4vp10_jwk_thumbprint!.inputs!.jwk!) as Record<string, unknown>) as EcPublicKey;
  const t = (e: string) => fromHex(v[e]!.hex);
  const hpke = readJson<{ vectors: { ikmR: string; skRm: string; enc: string; info: string; encryptions: { pt: string; aad: string; ct: string; seq: number }[] }[] }>(dir, 'online/rfc9180-a3-1.json').vectors[0]!;
  return [
    ['OpenID4VP 1.0 JWK thumbprint (RFC 7638)', async (backend) => equalBytes(await jwkThumbprint(key, { backend }), t('oid4vp10_jwk_thumbprint'))],
    ['OpenID4VP 1.0 B.2.6.1 SessionTranscript', async (backend) => {
      const i = v.oid4vp10_redirect_handover_info!.inputs!;
      const r = await openId4VpHandover({ clientId: i.clientId!, nonce: i.nonce!, jwkThumbprint: await jwkThumbprint(key, { backend }), responseUri: i.responseUri! }, { backend });
      return equalBytes(r.sessionTranscript.transcript, t('oid4vp10_redirect_session_transcript'));
    }],
    ['OpenID4VP 1.0 B.2.6.2 SessionTranscript', async (backend) => {
      const i = v.oid4vp10_dcapi_handover_info!.inputs!;
      const r = await openId4VpDcApiHandover({ origin: i.origin!, nonce: i.nonce!, jwkThumbprint: await jwkThumbprint(key, { backend }) }, { backend });
      return equalBytes(r.sessionTranscript.transcript, t('oid4vp10_dcapi_session_transcript'));
    }],
    ['ISO/IEC TS 18013-7 Annex B SessionTranscript', async (backend) => {
      const i = v.iso18013_7_annexB_session_transcript!.inputs!;
      const r = await iso18013_7AnnexBHandover({ clientId: i.clientId!, responseUri: i.responseUri!, nonce: i.nonce!, mdocGeneratedNonce: i.mdocGeneratedNonce! }, { backend });
      return equalBytes(r.sessionTranscript.transcript, t('iso18013_7_annexB_session_transcript')) && !equalBytes(r.handover, t('iso18013_7_annexB_awoie_main_handover_KNOWN_BAD'));
    }],
    ['ISO/IEC TS 18013-7 Annex C dcapi SessionTranscript (weak provenance)', async (backend) => {
      const i = v.iso18013_7_annexC_av_session_transcript!.inputs!;
      const r = await dcApiHandover({ encryptionInfo: i.encryptionInfo_b64url!, origin: i.origin! }, { backend });
      return equalBytes(r.sessionTranscript.transcript, t('iso18013_7_annexC_av_session_transcript'));
    }],
    ["Apple's Verify with Wallet sample opens; its issuer signature, digests and deviceSignature verify (no test root: DS_CHAIN fails)", async (backend) => {
      const a = readJson<Record<string, { hex?: string; text?: string }>>(dir, 'online/apple-verify-with-wallet-sample.json');
      const key = ecPrivateKeyFromScalar('P-256', fromHex(a.merchant_encryption_key_d!.hex!));
      const context = { nonce: fromHex(a.nonce!.hex!), merchantId: a.merchant_id!.text!, teamId: a.team_id!.text! };
      const { verification } = await openAppleIdentityResponse(fromHex(a.hpke_envelope!.hex!), key, context, { trustAnchors: [], now: new Date(a.valid_at!.text!), backend });
      const checks = verification.documents[0]?.checks ?? [];
      const passed = (id: string) => checks.some((c) => c.id === id) && checks.filter((c) => c.id === id).every((c) => c.status === 'passed');
      return ['ISSUER_SIGNATURE', 'VALUE_DIGEST', 'DEVICE_AUTH', 'MSO_VALIDITY'].every(passed);
    }],
    ['RFC 9180 A.3.1 HPKE: DeriveKeyPair(ikmR) and the seq 0 ciphertext opens', async (backend) => {
      const e = hpke.encryptions.find((x) => x.seq === 0)!;
      const sk = await hpkeDeriveKeyPair(fromHex(hpke.ikmR), { backend });
      const pt = await hpkeOpenBase({ recipientPrivateKey: sk, enc: fromHex(hpke.enc), info: fromHex(hpke.info), aad: fromHex(e.aad), ciphertext: fromHex(e.ct), backend });
      return equalBytes(sk.d, fromHex(hpke.skRm)) && equalBytes(pt, fromHex(e.pt));
    }],
  ];
}

function caseSuite(name: string, cases: (dir: string) => Case[]): Suite {
  return {
    name,
    perBackend: true,
    run: ({ dir, backend }) => tally(name, backend, cases(dir), ([n]) => n, ([, check]) => check(backend)),
  };
}

export const annexDSuite = caseSuite('ISO/IEC 18013-5 Annex D (COSE, mdoc, session)', annexD);
export const onlineSuite = caseSuite('ISO 18013-7 / OpenID4VP handovers, RFC 9180 HPKE, Apple Verify with Wallet sample', online);
