/**
 * `shomei/session`: ISO/IEC 18013-5 proximity presentation — device engagement (QR and
 * NFC), SessionTranscript, session keys and encryption, reader and holder sessions, and
 * the BLE and NFC transport helpers.
 */

export * from './ble.js';
export { SessionCipher, type SessionRole } from './cipher.js';
export {
  type BleOptions,
  type DeviceEngagement,
  type DeviceEngagementInput,
  type DeviceRetrievalMethod,
  decodeDeviceEngagement,
  encodeDeviceEngagement,
  engagementToQrUri,
  type NfcOptions,
  qrUriToEngagement,
  RetrievalType,
  type WifiAwareOptions,
} from './engagement.js';
export {
  decodeSessionData,
  decodeSessionEstablishment,
  encodeSessionData,
  encodeSessionEstablishment,
  type SessionData,
  type SessionEstablishment,
  SessionStatus,
  type SessionTerminated,
  type TerminationReason,
  terminationReason,
} from './messages.js';
export { buildSessionTranscript, deriveSessionKeys, type Handover, type SessionKeys, type SessionTranscriptInput } from './transcript.js';
export * from './ndef.js';
export * from './handover.js';
export * from './carriers.js';
export * from './nfc.js';
export * from './type4-tag.js';
export { SessionError } from '../errors.js';
export {
  type ConsentCallback,
  type ConsentRequest,
  type HolderReceiveResult,
  HolderSession,
  type HolderSessionOptions,
  type ReaderIdentity,
} from './holder.js';
export { type ReaderReceiveResult, ReaderSession, type ReaderSessionOptions } from './reader.js';
export { readerWaivableCheckIds } from './reader-auth.js';
