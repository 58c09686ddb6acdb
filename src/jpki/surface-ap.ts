/**
 * The 券面事項確認AP (券面AP, card info AP, `D3 92 10 00 31 00 01 01 04 02`; reference
 * §2.3, §4.5): VERIFY with 照合番号A (0013) or 照合番号B (0012); read the card face
 * (EF 0002, opened by A or B), the My Number image (EF 0005, A only) and the CVC (EF 0004).
 * This AP has no secure messaging, so the codes travel in the clear.
 */
import { SurfaceEf } from './aid.js';
import type { CardChannel, PinOptions, PinRetryStatus } from './channel.js';
import { type CardVerifiableCertificate, decodeCvc } from './cvc.js';
import { encodePin } from './pin.js';
import { type CardFace, decodeCardFaceFile, decodeMyNumberImageFile, type MyNumberImage } from './surface.js';

/** How to open the 券面事項確認AP. */
export type SurfaceApCredential = { readonly codeA: string } | { readonly codeB: string };

/** The retry counter of 照合番号A or B in this AP (its limit is uncertain, reference §8 item 2). */
export async function surfaceApPinStatus(ch: CardChannel, which: 'codeA' | 'codeB'): Promise<PinRetryStatus> {
  await ch.selectAp('CARD_SURFACE');
  return ch.pinStatus(which === 'codeA' ? SurfaceEf.CODE_A : SurfaceEf.CODE_B);
}

/** Validate the code, select the AP and VERIFY (with the last-try guard). */
export async function openSurfaceAp(ch: CardChannel, credential: SurfaceApCredential, options: PinOptions = {}): Promise<void> {
  const [fid, kind, value] = 'codeA' in credential ? ([SurfaceEf.CODE_A, 'code-a', credential.codeA] as const) : ([SurfaceEf.CODE_B, 'code-b', credential.codeB] as const);
  const bytes = encodePin(kind, value);
  await ch.transaction(async () => {
    await ch.selectAp('CARD_SURFACE', { force: true });
    await ch.verifyPin(fid, kind, bytes, options);
  });
}

/** Read EF 0002 of an opened AP. */
export async function readCardFace(ch: CardChannel): Promise<CardFace> {
  await ch.selectAp('CARD_SURFACE');
  return decodeCardFaceFile(await ch.readTlvEf(SurfaceEf.FACE));
}

/** Read EF 0005 of an AP opened with 照合番号A. */
export async function readMyNumberImage(ch: CardChannel): Promise<MyNumberImage> {
  await ch.selectAp('CARD_SURFACE');
  return decodeMyNumberImageFile(await ch.readTlvEf(SurfaceEf.MY_NUMBER_IMAGE));
}

/** Read EF 0004 (free). */
export async function readSurfaceApCvc(ch: CardChannel): Promise<CardVerifiableCertificate> {
  await ch.selectAp('CARD_SURFACE');
  return decodeCvc(await ch.readTlvEf(SurfaceEf.CVC));
}
