/** Every ApduError and JpkiError code, each raised through the public API. */
import { describe, expect, it } from 'vitest';
import { ApduErrorCodes, JpkiErrorCodes } from '../../src/errors.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { AidHex, SupportEf } from '../../src/jpki/aid.js';
import { decodeResponseApdu } from '../../src/jpki/apdu.js';
import { CardChannel } from '../../src/jpki/channel.js';
import { verifyDetachedCms } from '../../src/jpki/cms.js';
import { readJpkiCertificate } from '../../src/jpki/jpki-ap.js';
import { decodeMyNumberFile } from '../../src/jpki/my-number.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { openPcscTransport } from '../../src/jpki/pcsc.js';
import { createVirtualMyNumberCard } from '../../src/jpki/simulator/index.js';
import { ReplayTransport } from '../../src/jpki/transcript.js';
import { fakePcsc } from './fake-pcsc.js';
import { rejectsWith, virtualCard } from './helpers.js';

const seen = new Set<string>();
const note = async (p: Promise<unknown>, code: string) => {
  const e = await rejectsWith(p, code);
  seen.add(e.code);
  return e;
};

describe('ApduError and JpkiError codes', () => {
  it('ERR_APDU_MALFORMED: a response without status word', async () => {
    await note(Promise.resolve().then(() => decodeResponseApdu(Uint8Array.of(0x90))), 'ERR_APDU_MALFORMED');
  });

  it('ERR_APDU_STATUS with sw: reading the sign certificate without the password', async () => {
    const e = await note(readJpkiCertificate(new CardChannel(await virtualCard()), 'sign'), 'ERR_APDU_STATUS');
    expect(e.sw).toBe(0x6982);
  });

  it('ERR_APDU_TRANSPORT: a replay that does not match', async () => {
    await note(new MyNumberCard(new ReplayTransport({ exchanges: [] })).readTokenInfo(), 'ERR_APDU_TRANSPORT');
  });

  it('ERR_APDU_CARD_BUSY: another PC/SC client keeps the card through a PIN sequence', async () => {
    const t = await openPcscTransport({ pcsclite: fakePcsc(await virtualCard(), { others: 1, log: [] }), lockTimeoutMs: 0 });
    await note(new MyNumberCard(t).signWithAuthKey(utf8Encode('x'), '1234'), 'ERR_APDU_CARD_BUSY');
    await t.close();
  });

  it('ERR_JPKI_PIN_REQUIRED: the auth certificate of an Android token without the PIN', async () => {
    await note(new MyNumberCard(await createVirtualMyNumberCard({ token: 'android' })).readAuthCertificate(), 'ERR_JPKI_PIN_REQUIRED');
  });

  it('ERR_JPKI_PIN, ERR_JPKI_LAST_TRY, ERR_JPKI_PIN_BLOCKED, ERR_JPKI_PIN_FORMAT', async () => {
    const card = new MyNumberCard(await virtualCard());
    await note(card.readMyNumber('0000'), 'ERR_JPKI_PIN');
    await note(card.readMyNumber('0000'), 'ERR_JPKI_PIN');
    await note(card.readMyNumber('1234'), 'ERR_JPKI_LAST_TRY');
    await note(card.readMyNumber('0000', { allowLastTry: true }), 'ERR_JPKI_PIN_BLOCKED');
    await note(card.readMyNumber('12'), 'ERR_JPKI_PIN_FORMAT');
  });

  it('ERR_JPKI_DATA: card data that does not parse', async () => {
    await note(Promise.resolve().then(() => decodeMyNumberFile(utf8Encode('not a TLV'))), 'ERR_JPKI_DATA');
  });

  it('ERR_JPKI_INTEGRITY with check: tampered card info', async () => {
    const vc = await virtualCard();
    vc.tamper(AidHex.CARD_INFO_SUPPORT, SupportEf.MY_NUMBER, (b) => {
      b[5] = 0x39;
      return b;
    });
    const e = await note(new MyNumberCard(vc).readMyNumber('1234'), 'ERR_JPKI_INTEGRITY');
    expect(e.check).toBe('MY_NUMBER_DIGEST');
  });

  it('ERR_JPKI_CMS: not a SignedData', async () => {
    await note(verifyDetachedCms(utf8Encode('garbage'), utf8Encode('x')), 'ERR_JPKI_CMS');
  });

  it('covers every code of both families', () => {
    expect([...seen].sort()).toEqual([...ApduErrorCodes, ...JpkiErrorCodes].sort());
  });
});
