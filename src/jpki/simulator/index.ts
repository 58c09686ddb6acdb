/**
 * The virtual My Number Card: an APDU-level simulator with a TEST identity, TEST keys and
 * a TEST CA, plus the vpcd bridge that puts it behind pcscd. Nothing it signs proves
 * anything: its keys ship in the package.
 */
import type { CardDataShape } from './card-files.js';
import { DEFAULT_TEST_IDENTITY, type TestIdentity } from './identity.js';
import { buildTestCertificates } from './test-certificates.js';
import { VirtualMyNumberCard, type VirtualTokenKind } from './virtual-card.js';

export { DEFAULT_TEST_IDENTITY, type TestIdentity } from './identity.js';
export { TEST_AUTH_CA_NAME, TEST_SIGN_CA_NAME, buildTestCertificates } from './test-certificates.js';
export { type CardDataShape, TEST_CVC_ISSUER, testCvcAnchors } from './card-files.js';
export { type AccessRule, VIRTUAL_CARD_ATR_HEX, type VirtualCardCertificates, type VirtualCardOptions, VirtualMyNumberCard, type VirtualTokenKind } from './virtual-card.js';
export { connectVpcd, type VpcdConnection, type VpcdOptions } from './vpcd.js';
export { TestJpkiCa, type TestOcspResponseOptions, type TestOcspSigner } from './test-ca.js';

/** Options of {@link createVirtualMyNumberCard}. */
export interface CreateVirtualCardOptions {
  readonly identity?: TestIdentity;
  readonly extendedLength?: boolean;
  readonly codeTries?: number;
  readonly dataShape?: CardDataShape;
  /** `'android'`: the JPKI-AP of an Android smartphone token (auth certificate behind the auth PIN). */
  readonly token?: VirtualTokenKind;
}

/** TEST ONLY: a virtual card with the identity's test certificates, ready to use. */
export async function createVirtualMyNumberCard(options: CreateVirtualCardOptions = {}): Promise<VirtualMyNumberCard> {
  const identity = options.identity ?? DEFAULT_TEST_IDENTITY;
  const certificates = await buildTestCertificates(identity);
  return VirtualMyNumberCard.create({ ...options, identity, certificates });
}
