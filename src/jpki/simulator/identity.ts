/**
 * The virtual card's deterministic test identity. Everything here is synthetic and
 * labelled TEST: the name and address follow the style of the public sample card face,
 * the My Number is the commonly used example number (valid check digit).
 */

/** The holder data and secrets of a virtual card. */
export interface TestIdentity {
  /** 12 digits with a valid check digit. */
  readonly myNumber: string;
  /** 氏名, surname and given name separated by U+3000. */
  readonly name: string;
  /** 住所. */
  readonly address: string;
  /** 生年月日, Gregorian `YYYY-MM-DD`. */
  readonly birthDate: string;
  /** 性別, ISO 5218 code: `1` male, `2` female. */
  readonly sex: '1' | '2' | '9' | '0';
  /** Card expiry (有効期限) `YYYY-MM-DD`. */
  readonly expiryDate: string;
  /** The 4-digit セキュリティコード printed on the card. */
  readonly securityCode: string;
  /** 全国地方公共団体コード (5 digits) of the issuing municipality. */
  readonly municipalityCode: string;
  /** Romanised prefecture and municipality for the sign certificate's subject (L=…, L=…). */
  readonly locality: readonly [string, string];
  /** PINs: auth 4 digits, sign 6–16 of A–Z0–9, card-info support 4 digits, 住基 4 digits. */
  readonly pins: {
    readonly auth: string;
    readonly sign: string;
    readonly support: string;
    readonly juki: string;
  };
}

/** TEST ONLY: the default identity of `VirtualMyNumberCard`. */
export const DEFAULT_TEST_IDENTITY: TestIdentity = Object.freeze({
  myNumber: '123456789018',
  name: '番号　花子',
  address: '東京都千代田区霞が関２－１－２',
  birthDate: '1989-03-31',
  sex: '2',
  expiryDate: '2034-03-31',
  securityCode: '5678',
  municipalityCode: '13101',
  locality: Object.freeze(['Tokyo-to', 'Chiyoda-ku']) as readonly [string, string],
  pins: Object.freeze({ auth: '1234', sign: 'SHOMEI2024', support: '1234', juki: '1234' }),
});
