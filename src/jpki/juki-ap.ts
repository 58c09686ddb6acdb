/**
 * The 住基AP (`…0401`) and the `…0100` AP (reference §2.4; which one is formally "the
 * 住基AP" is uncertain, §8 item 1). What is documented and implemented here: selecting
 * them, the retry counter and VERIFY of their 4-digit PIN (EF 001C), CHANGE KEY
 * (`80 32 00 80`, single source) and record 1 of the `…0100` AP's EF 0001
 * (serial ‖ municipality code ‖ expiry, interpretations differ). The 住民票コード's
 * location is not publicly documented and is not implemented.
 */
import { JpkiError } from '../errors.js';
import { JukiEf } from './aid.js';
import type { CardChannel, PinOptions, PinRetryStatus } from './channel.js';
import { readRecord } from './commands.js';
import { encodePin } from './pin.js';
import { decodeSimpleTlvList } from './tlv.js';

/** Which of the two APs. */
export type JukiAp = 'JUKI' | 'COMMON';

/** The retry counter of the AP's PIN (EF 001C). */
export async function jukiPinStatus(ch: CardChannel, ap: JukiAp = 'JUKI'): Promise<PinRetryStatus> {
  await ch.selectAp(ap);
  return ch.pinStatus(JukiEf.PIN);
}

/** VERIFY the AP's 4-digit PIN (with the last-try guard). */
export async function verifyJukiPin(ch: CardChannel, pin: string, ap: JukiAp = 'JUKI', options: PinOptions = {}): Promise<void> {
  const bytes = encodePin('juki-pin', pin);
  await ch.transaction(async () => {
    await ch.selectAp(ap, { force: true });
    await ch.verifyPin(JukiEf.PIN, 'juki-pin', bytes, options);
  });
}

/** VERIFY the old PIN, then JICSAP CHANGE KEY to the new one (single source). */
export async function changeJukiPin(ch: CardChannel, oldPin: string, newPin: string, ap: JukiAp = 'JUKI', options: PinOptions = {}): Promise<void> {
  const newBytes = encodePin('juki-pin', newPin);
  await ch.transaction(async () => {
    await verifyJukiPin(ch, oldPin, ap, options);
    await ch.changePin(newBytes, { changeKeyCommand: true });
  });
}

/** Record 1 of the `…0100` AP's EF 0001 (simple TLV `01 1C` + 28 ASCII digits). */
export interface CommonCardInfo {
  /** The first 15 digits (a serial number per one source; myna takes digits 2–14 as 製造番号). */
  readonly serial: string;
  /** 5-digit 全国地方公共団体コード of the issuing municipality. */
  readonly municipalityCode: string;
  /** Card expiry `YYYY-MM-DD`. */
  readonly expiryDate: string;
}

/** Decode record 1 of the `…0100` AP's EF 0001. Throws `ERR_JPKI_DATA`. */
export function decodeCommonCardInfo(record: Uint8Array): CommonCardInfo {
  const list = decodeSimpleTlvList(record);
  const item = list[0];
  if (list.length !== 1 || item === undefined || item.tag !== 0x01 || item.value.length !== 28) throw new JpkiError('ERR_JPKI_DATA', 'card info record is not 01 1C <28 digits>');
  const text = String.fromCharCode(...item.value);
  if (!/^[0-9]{28}$/.test(text)) throw new JpkiError('ERR_JPKI_DATA', 'card info record holds non-digits');
  return { serial: text.slice(0, 15), municipalityCode: text.slice(15, 20), expiryDate: `${text.slice(20, 24)}-${text.slice(24, 26)}-${text.slice(26, 28)}` };
}

/** Read and decode record 1 of EF 0001 of the `…0100` AP (no PIN needed per the source). */
export async function readCommonCardInfo(ch: CardChannel): Promise<CommonCardInfo> {
  await ch.selectAp('COMMON');
  return decodeCommonCardInfo(await ch.run(readRecord(1, { sfi: JukiEf.CARD_INFO }), 'READ RECORD'));
}
