/** Every published handover and SessionTranscript in the online vector files, byte for byte. */
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/cbor/index.js';
import { keyFromJwk } from '../../src/cose/index.js';
import type { EcPublicKey } from '../../src/crypto/types.js';
import { fromHex, toBase64Url, toHex } from '../../src/internal/bytes.js';
import {
  appleHandover,
  dcApiHandover,
  iso18013_7AnnexBHandover,
  jwkThumbprint,
  openId4VpDcApiDraft24Handover,
  openId4VpDcApiHandover,
  openId4VpHandover,
} from '../../src/online/handovers.js';
import { BACKENDS } from '../helpers/backends.js';
import { loadVector } from '../helpers/vectors.js';

type Entry = { hex: string; inputs?: Record<string, string>; status?: string };
const v7 = loadVector('iso18013-7/openid4vp-handovers.json') as Record<string, Entry>;
const online = loadVector('online/online-presentation.json') as Record<string, Entry>;
const hex = (e: Entry | undefined) => e!.hex;

describe.each(BACKENDS)('online handovers (%s)', (_name, backend) => {
  const jwk = JSON.parse(v7.oid4vp10_jwk_thumbprint!.inputs!.jwk!) as Record<string, unknown>;
  const key = keyFromJwk(jwk) as EcPublicKey;

  it('RFC 7638 thumbprint of the OpenID4VP example key', async () => {
    expect(toHex(await jwkThumbprint(key, { backend }))).toBe(hex(v7.oid4vp10_jwk_thumbprint));
  });

  it('OpenID4VP 1.0 B.2.6.1 (redirect): handover and SessionTranscript', async () => {
    const i = v7.oid4vp10_redirect_handover_info!.inputs!;
    const t = await openId4VpHandover({ clientId: i.clientId!, nonce: i.nonce!, jwkThumbprint: await jwkThumbprint(key, { backend }), responseUri: i.responseUri! }, { backend });
    expect(toHex(t.handover)).toBe(hex(v7.oid4vp10_redirect_handover));
    expect(toHex(t.sessionTranscript.transcript)).toBe(hex(v7.oid4vp10_redirect_session_transcript));
    expect(toHex(t.sessionTranscript.transcript)).toBe(hex(online['oid4vp1_redirect.session_transcript']));
  });

  it('OpenID4VP 1.0 B.2.6.2 (DC API): handover and SessionTranscript', async () => {
    const i = v7.oid4vp10_dcapi_handover_info!.inputs!;
    const t = await openId4VpDcApiHandover({ origin: i.origin!, nonce: i.nonce!, jwkThumbprint: await jwkThumbprint(key, { backend }) }, { backend });
    expect(toHex(t.handover)).toBe(hex(v7.oid4vp10_dcapi_handover));
    expect(toHex(t.sessionTranscript.transcript)).toBe(hex(v7.oid4vp10_dcapi_session_transcript));
    // The draft-24 form hashes other inputs and differs.
    const draft = await openId4VpDcApiDraft24Handover({ origin: i.origin!, clientId: `web-origin:${i.origin}`, nonce: i.nonce! }, { backend });
    expect(toHex(draft.handover)).not.toBe(hex(v7.oid4vp10_dcapi_handover));
    expect((decode(draft.handover) as unknown[])[0]).toBe('OpenID4VPDCAPIHandover');
  });

  it('ISO/IEC TS 18013-7 Annex B OID4VPHandover, and the known-bad form is not what we build', async () => {
    const i = v7.iso18013_7_annexB_session_transcript!.inputs!;
    const t = await iso18013_7AnnexBHandover({ clientId: i.clientId!, responseUri: i.responseUri!, nonce: i.nonce!, mdocGeneratedNonce: i.mdocGeneratedNonce! }, { backend });
    expect(toHex(t.handover)).toBe(hex(v7.iso18013_7_annexB_oid4vp_handover));
    expect(toHex(t.sessionTranscript.transcript)).toBe(hex(v7.iso18013_7_annexB_session_transcript));
    expect(toHex(t.handover)).not.toBe(hex(v7.iso18013_7_annexB_awoie_main_handover_KNOWN_BAD));
    // The known-bad example encodes the hashes as arrays of integers, not byte strings.
    expect((decode(fromHex(hex(v7.iso18013_7_annexB_awoie_main_handover_KNOWN_BAD))) as unknown[])[0]).toBeInstanceOf(Array);
  });

  it('ISO/IEC TS 18013-7 Annex C dcapi: the EU age-verification example (weak provenance) and the computed one', async () => {
    const i = v7.iso18013_7_annexC_av_session_transcript!.inputs!;
    const t = await dcApiHandover({ encryptionInfo: i.encryptionInfo_b64url!, origin: i.origin! }, { backend });
    expect(toHex(t.sessionTranscript.transcript)).toBe(hex(v7.iso18013_7_annexC_av_session_transcript));
    expect(i.encryptionInfo_b64url).toBe(toBase64Url(fromHex(hex(v7.iso18013_7_annexC_av_encryption_info))));
  });

  it('Apple AppleIdentityPresentment_1.0 (computed vector: Apple publishes none)', async () => {
    const e = online['apple_in_app_computed.session_transcript']!;
    const parts = decode(fromHex(e.hex)) as unknown[];
    const h = parts[2] as [string, Uint8Array, string, string, Uint8Array];
    const t = appleHandover({ nonce: h[1], merchantId: h[2], teamId: h[3], pkRHash: h[4] });
    expect(toHex(t.sessionTranscript.transcript)).toBe(e.hex);
    expect(toHex(await backend.digest('SHA-256', t.sessionTranscript.transcript))).toBe(online['apple_in_app_computed.info_hash']!.hex);
  });
});
