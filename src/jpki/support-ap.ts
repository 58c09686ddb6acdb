/**
 * The 券面事項入力補助AP (card info input support AP, `D3 92 10 00 31 00 01 01 04 08`;
 * reference §2.2, §4.2–§4.4): VERIFY with its PIN (0011), 照合番号A (0014) or
 * 照合番号B (0015); read My Number (EF 0001), the basic four (EF 0002), the integrity
 * record (EF 0003) and the CVC (EF 0004).
 *
 * The PIN opens EF 0001–0003; 照合番号A opens 0001 and 0003; 照合番号B 0002 and 0003
 * (measured by one source).
 */
import { SupportEf } from './aid.js';
import { type BasicFourFile, decodeBasicFourFile } from './basic-four.js';
import type { CardChannel, PinOptions, PinRetryStatus } from './channel.js';
import { type CardVerifiableCertificate, decodeCvc } from './cvc.js';
import { decodeIntegrityRecord, type IntegrityRecord } from './integrity.js';
import { decodeMyNumberFile, type MyNumberFile } from './my-number.js';
import { encodePin } from './pin.js';

/** How to open the 券面事項入力補助AP. */
export type SupportApCredential = { readonly pin: string } | { readonly codeA: string } | { readonly codeB: string };

/**
 * EF 0001's physical length on the cards documented so far (15-byte object + 2 filler
 * bytes `FF FF`; the DF31 digest covers all 17). A card may report a longer EF: it is read
 * to its end, see {@link MY_NUMBER_EF_MAX}.
 */
export const MY_NUMBER_EF_LENGTH = 17;

/** The most bytes of EF 0001 read (a bound against a card that never reports an end). */
export const MY_NUMBER_EF_MAX = 1024;

/** The retry counter of the 券面事項入力補助AP PIN (or a verification code). */
export async function supportApPinStatus(ch: CardChannel, which: 'pin' | 'codeA' | 'codeB' = 'pin'): Promise<PinRetryStatus> {
  await ch.selectAp('CARD_INFO_SUPPORT');
  return ch.pinStatus(which === 'pin' ? SupportEf.PIN : which === 'codeA' ? SupportEf.CODE_A : SupportEf.CODE_B);
}

/** Validate the credential, select the AP and VERIFY (with the last-try guard). */
export async function openSupportAp(ch: CardChannel, credential: SupportApCredential, options: PinOptions = {}): Promise<void> {
  const [fid, kind, value] =
    'pin' in credential
      ? ([SupportEf.PIN, 'support-pin', credential.pin] as const)
      : 'codeA' in credential
        ? ([SupportEf.CODE_A, 'code-a', credential.codeA] as const)
        : ([SupportEf.CODE_B, 'code-b', credential.codeB] as const);
  const bytes = encodePin(kind, value);
  await ch.transaction(async () => {
    await ch.selectAp('CARD_INFO_SUPPORT', { force: true });
    await ch.verifyPin(fid, kind, bytes, options);
  });
}

/**
 * Read EF 0001 of an opened AP to the end the card reports (17 bytes on the cards
 * documented so far): the decoded number and the physical bytes, which DF31 covers.
 */
export async function readMyNumberFile(ch: CardChannel): Promise<{ file: MyNumberFile; raw: Uint8Array }> {
  await ch.selectAp('CARD_INFO_SUPPORT');
  const raw = await ch.readEfToEnd(SupportEf.MY_NUMBER, MY_NUMBER_EF_MAX, MY_NUMBER_EF_LENGTH);
  return { file: decodeMyNumberFile(raw), raw };
}

/** Read EF 0002 of an opened AP. */
export async function readBasicFourFile(ch: CardChannel): Promise<BasicFourFile> {
  await ch.selectAp('CARD_INFO_SUPPORT');
  return decodeBasicFourFile(await ch.readTlvEf(SupportEf.BASIC_FOUR));
}

/** Read EF 0003 of an opened AP. */
export async function readIntegrityRecord(ch: CardChannel): Promise<IntegrityRecord> {
  await ch.selectAp('CARD_INFO_SUPPORT');
  return decodeIntegrityRecord(await ch.readTlvEf(SupportEf.INTEGRITY));
}

/** Read EF 0004 (free). */
export async function readSupportApCvc(ch: CardChannel): Promise<CardVerifiableCertificate> {
  await ch.selectAp('CARD_INFO_SUPPORT');
  return decodeCvc(await ch.readTlvEf(SupportEf.CVC));
}
