/**
 * DeviceEngagement (ISO/IEC 18013-5:2021 §8.2.1.1; version 1.1 members of the second
 * edition kept as received) and its QR form, the `mdoc:` URI (§8.2.2.3).
 *
 * ```cddl
 * DeviceEngagement = {
 *   0 : tstr,                          ; version "1.0" / "1.1"
 *   1 : Security,
 *   ? 2 : DeviceRetrievalMethods,
 *   ? 3 : ServerRetrievalMethods,
 *   ? 4 : ProtocolInfo,
 *   ? 5 : OriginInfos,                 ; 1.1
 *   ? 6 : Capabilities,                ; 1.1
 *   * int => any
 * }
 * Security = [ int, EDeviceKeyBytes ]  ; cipher suite identifier 1
 * EDeviceKeyBytes = #6.24(bstr .cbor EDeviceKey)
 * DeviceRetrievalMethods = [ + DeviceRetrievalMethod ]
 * DeviceRetrievalMethod = [ type : uint, version : uint, RetrievalOptions ]
 *   ; type 1 NFC { 0 : uint max command data length, 1 : uint max response data length }
 *   ; type 2 BLE { ? 0 : bool peripheral server mode, ? 1 : bool central client mode,
 *   ;              ? 10 : bstr peripheral server UUID, ? 11 : bstr central client UUID,
 *   ;              ? 20 : bstr mdoc BLE device address }
 *   ; type 3 Wi-Fi Aware { ? 0 : tstr passphrase, ? 1 : uint operating class,
 *   ;                      ? 2 : uint channel number, ? 3 : bstr band info }
 * ```
 *
 * The engagement's exact bytes are kept: the SessionTranscript embeds them as received.
 */

import { CborFloat, type CborMap, type CborValue, decode, EncodedCbor, encode, encodeEmbedded } from '../cbor/index.js';
import { decodeCoseKey, encodeCoseKey } from '../cose/index.js';
import type { EcPublicKey, OkpPublicKey } from '../crypto/types.js';
import { CborError, CoseError, isShomeiError, SessionError } from '../errors.js';
import { fromBase64, toBase64Url } from '../internal/bytes.js';

/** Device retrieval method types (§8.2.1.1). */
export const RetrievalType = { NFC: 1, BLE: 2, WIFI_AWARE: 3 } as const;

/** BLE options of a device retrieval method. */
export interface BleOptions {
  readonly peripheralServerMode?: boolean;
  readonly centralClientMode?: boolean;
  readonly peripheralServerUuid?: Uint8Array;
  readonly centralClientUuid?: Uint8Array;
  readonly deviceAddress?: Uint8Array;
  /** Options with other keys, kept as received and written back by {@link encodeDeviceEngagement}. */
  readonly extensions?: ReadonlyMap<CborValue, CborValue>;
}

/** NFC options of a device retrieval method. */
export interface NfcOptions {
  readonly maxCommandDataLength: number;
  readonly maxResponseDataLength: number;
  /** Options with other keys, kept as received and written back by {@link encodeDeviceEngagement}. */
  readonly extensions?: ReadonlyMap<CborValue, CborValue>;
}

/** Wi-Fi Aware options of a device retrieval method. */
export interface WifiAwareOptions {
  readonly passphrase?: string;
  readonly channelInfoOperatingClass?: number;
  readonly channelInfoChannelNumber?: number;
  readonly bandInfo?: Uint8Array;
  /** Options with other keys, kept as received and written back by {@link encodeDeviceEngagement}. */
  readonly extensions?: ReadonlyMap<CborValue, CborValue>;
}

/** One device retrieval method; unknown types keep their options as received. */
export type DeviceRetrievalMethod =
  | { readonly type: 'ble'; readonly version: number; readonly options: BleOptions }
  | { readonly type: 'nfc'; readonly version: number; readonly options: NfcOptions }
  | { readonly type: 'wifiAware'; readonly version: number; readonly options: WifiAwareOptions }
  | { readonly type: number; readonly version: number; readonly options: CborValue };

/** A decoded DeviceEngagement. */
export interface DeviceEngagement {
  readonly version: string;
  /** Cipher suite identifier (1 is the only one defined). */
  readonly cipherSuite: number;
  /** The mdoc's ephemeral key. */
  readonly eDeviceKey: EcPublicKey | OkpPublicKey;
  /** EDeviceKeyBytes as received. */
  readonly eDeviceKeyBytes: EncodedCbor;
  readonly deviceRetrievalMethods: readonly DeviceRetrievalMethod[];
  readonly serverRetrievalMethods?: CborValue;
  readonly protocolInfo?: CborValue;
  readonly originInfos?: CborValue;
  readonly capabilities?: CborValue;
  /** Members with other keys, kept as received. */
  readonly extensions?: ReadonlyMap<CborValue, CborValue>;
}

const BLE_KEYS = { peripheralServerMode: 0, centralClientMode: 1, peripheralServerUuid: 10, centralClientUuid: 11, deviceAddress: 20 } as const;
const NFC_KEYS = { maxCommandDataLength: 0, maxResponseDataLength: 1 } as const;
const WIFI_KEYS = { passphrase: 0, channelInfoOperatingClass: 1, channelInfoChannelNumber: 2, bandInfo: 3 } as const;
const KNOWN = new Set<CborValue>([0, 1, 2, 3, 4, 5, 6]);

function fail(message: string, cause?: unknown): never {
  throw new SessionError('ERR_SESSION_ENGAGEMENT', message, cause === undefined ? {} : { cause });
}

function optionsFrom<K extends Record<string, number>>(
  keys: K,
  m: CborMap,
  check: Record<keyof K, (v: CborValue) => boolean>,
  what: string,
): Record<string, CborValue> {
  const out: Record<string, CborValue | ReadonlyMap<CborValue, CborValue>> = {};
  for (const [name, label] of Object.entries(keys)) {
    if (!m.has(label)) continue;
    const v = m.get(label)!; // present, perhaps as CBOR undefined (f7), which no check takes
    if (!check[name as keyof K](v)) fail(`${what} option ${label} has the wrong type`);
    out[name] = v;
  }
  const known = new Set<CborValue>(Object.values(keys));
  const extensions = new Map([...m].filter(([k]) => !known.has(k)));
  if (extensions.size > 0) out.extensions = extensions;
  return out;
}

const isBool = (v: CborValue) => typeof v === 'boolean';
const isBytes = (v: CborValue) => v instanceof Uint8Array;
const isUint = (v: CborValue) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function decodeRetrievalMethod(v: CborValue, i: number): DeviceRetrievalMethod {
  if (!Array.isArray(v) || v.length < 3) fail(`DeviceRetrievalMethod ${i} is not [type, version, options]`);
  const [type, version, options] = v as CborValue[];
  if (!isUint(type!) || !isUint(version!)) fail(`DeviceRetrievalMethod ${i} type and version must be unsigned integers`);
  const t = type as number;
  const ver = version as number;
  if (t === RetrievalType.BLE || t === RetrievalType.NFC || t === RetrievalType.WIFI_AWARE) {
    if (!(options instanceof Map)) fail(`DeviceRetrievalMethod ${i} options must be a map`);
    if (t === RetrievalType.BLE) {
      const o = optionsFrom(BLE_KEYS, options, { peripheralServerMode: isBool, centralClientMode: isBool, peripheralServerUuid: isBytes, centralClientUuid: isBytes, deviceAddress: isBytes }, 'BLE');
      return { type: 'ble', version: ver, options: o as unknown as BleOptions };
    }
    if (t === RetrievalType.NFC) {
      const o = optionsFrom(NFC_KEYS, options, { maxCommandDataLength: isUint, maxResponseDataLength: isUint }, 'NFC');
      if (o.maxCommandDataLength === undefined || o.maxResponseDataLength === undefined) fail('NFC options need max command and response data lengths');
      return { type: 'nfc', version: ver, options: o as unknown as NfcOptions };
    }
    const o = optionsFrom(WIFI_KEYS, options, { passphrase: (x) => typeof x === 'string', channelInfoOperatingClass: isUint, channelInfoChannelNumber: isUint, bandInfo: isBytes }, 'Wi-Fi Aware');
    return { type: 'wifiAware', version: ver, options: o as unknown as WifiAwareOptions };
  }
  return { type: t, version: ver, options: options as CborValue };
}

/**
 * Read a DeviceEngagement from its encoded bytes (as scanned from a QR code or read over NFC).
 * @throws SessionError `ERR_SESSION_ENGAGEMENT` for anything that is not a usable engagement.
 */
export function decodeDeviceEngagement(bytes: Uint8Array): DeviceEngagement {
  let value: CborValue;
  try {
    // exactNumbers: the labels, the cipher suite and the EDeviceKey parameters are integers; a
    // float such as 1.0 stays a float and is refused instead of being read as the integer 1.
    value = decode(bytes, { embedded: 'eager', exactNumbers: true });
  } catch (e) {
    if (e instanceof CborError) fail(`DeviceEngagement is not valid CBOR: ${e.message}`, e);
    throw e;
  }
  if (!(value instanceof Map)) fail('DeviceEngagement is not a map');
  const version = value.get(0);
  if (typeof version !== 'string' || !/^1\.\d+$/.test(version)) fail('DeviceEngagement version must be "1.x"');
  const security = value.get(1);
  if (!Array.isArray(security) || security.length < 2) fail('DeviceEngagement has no Security [cipherSuite, EDeviceKeyBytes]');
  const [cipherSuite, keyBytes] = security as CborValue[];
  if (cipherSuite !== 1) fail(`unsupported cipher suite ${cipherSuite instanceof CborFloat ? `${cipherSuite.value} written as a float` : String(cipherSuite)} (only 1 is defined)`);
  if (!(keyBytes instanceof EncodedCbor)) fail('EDeviceKeyBytes is not tag 24');
  const eDeviceKeyBytes = keyBytes;
  let eDeviceKey: EcPublicKey | OkpPublicKey;
  try {
    const k = decodeCoseKey(eDeviceKeyBytes.value).key;
    if ('d' in k) fail('EDeviceKey must not carry a private key');
    if (k.crv === 'Ed25519') fail('EDeviceKey must be a key agreement key (P-256/384/521, X25519)');
    eDeviceKey = k;
  } catch (e) {
    if (e instanceof CoseError || e instanceof CborError) fail(`EDeviceKey: ${e.message}`, e);
    throw e;
  }
  const methods = value.get(2);
  if (value.has(2) && !Array.isArray(methods)) fail('DeviceRetrievalMethods is not an array');
  const extensions = new Map([...value].filter(([k]) => !KNOWN.has(k)));
  const opt = (k: number, name: string) => (value.has(k) ? { [name]: value.get(k) } : {});
  return {
    version,
    cipherSuite: 1,
    eDeviceKey,
    eDeviceKeyBytes,
    deviceRetrievalMethods: ((methods as CborValue[] | undefined) ?? []).map(decodeRetrievalMethod),
    ...opt(3, 'serverRetrievalMethods'),
    ...opt(4, 'protocolInfo'),
    ...opt(5, 'originInfos'),
    ...opt(6, 'capabilities'),
    ...(extensions.size > 0 ? { extensions } : {}),
  };
}

/** What to put in a new DeviceEngagement. */
export interface DeviceEngagementInput {
  /** The mdoc's ephemeral public key. */
  readonly eDeviceKey: EcPublicKey | OkpPublicKey;
  readonly deviceRetrievalMethods?: readonly DeviceRetrievalMethod[];
  /** Default "1.0". */
  readonly version?: string;
  readonly serverRetrievalMethods?: CborValue;
  readonly protocolInfo?: CborValue;
  readonly originInfos?: CborValue;
  readonly capabilities?: CborValue;
  /** Further members (keys other than 0…6), written as given. */
  readonly extensions?: ReadonlyMap<CborValue, CborValue>;
}

const METHOD_KEYS = { ble: [RetrievalType.BLE, BLE_KEYS], nfc: [RetrievalType.NFC, NFC_KEYS], wifiAware: [RetrievalType.WIFI_AWARE, WIFI_KEYS] } as const;

function methodValue(m: DeviceRetrievalMethod): CborValue {
  if (typeof m.type === 'number') return [m.type, m.version, m.options as CborValue];
  const [type, keys] = METHOD_KEYS[m.type] as readonly [number, Record<string, number>];
  const opts = new Map<CborValue, CborValue>();
  for (const [name, value] of Object.entries(m.options)) {
    if (name === 'extensions' || value === undefined) continue;
    const label = Object.hasOwn(keys, name) ? keys[name] : undefined;
    if (label === undefined) throw new TypeError(`unknown ${m.type} option ${name}`);
    opts.set(label, value as CborValue);
  }
  for (const [k, v] of m.options.extensions ?? []) {
    if (opts.has(k)) throw new TypeError(`${m.type} option extension ${String(k)} repeats a known option`);
    opts.set(k, v);
  }
  return [type, m.version, opts];
}

/** Encode a new DeviceEngagement (deterministic encoding). */
export function encodeDeviceEngagement(input: DeviceEngagementInput): Uint8Array {
  const m = new Map<CborValue, CborValue>([
    [0, input.version ?? '1.0'],
    [1, [1, encodeEmbedded(encodeCoseKey(input.eDeviceKey)) as EncodedCbor]],
  ]);
  if (input.deviceRetrievalMethods !== undefined && input.deviceRetrievalMethods.length > 0) m.set(2, input.deviceRetrievalMethods.map(methodValue));
  const optional = [
    [3, input.serverRetrievalMethods],
    [4, input.protocolInfo],
    [5, input.originInfos],
    [6, input.capabilities],
  ] as const;
  for (const [key, value] of optional) if (value !== undefined) m.set(key, value);
  for (const [k, v] of input.extensions ?? []) {
    if (KNOWN.has(k)) throw new TypeError(`DeviceEngagement extension ${String(k)} uses a key 18013-5 defines`);
    m.set(k, v);
  }
  return encode(m);
}

/** The `mdoc:` URI of a DeviceEngagement for a QR code (base64url without padding, §8.2.2.3). */
export function engagementToQrUri(deviceEngagementBytes: Uint8Array): string {
  return `mdoc:${toBase64Url(deviceEngagementBytes)}`;
}

/**
 * The DeviceEngagement bytes of an `mdoc:` URI (the scheme is case-insensitive; padding
 * and standard base64 characters are tolerated).
 * @throws SessionError `ERR_SESSION_ENGAGEMENT` when it is not such a URI.
 */
export function qrUriToEngagement(uri: string): Uint8Array {
  if (typeof uri !== 'string') throw new TypeError('uri must be a string');
  const m = /^mdoc:([A-Za-z0-9_\-+/=]+)$/i.exec(uri.trim());
  if (m === null) fail('not an mdoc: URI');
  try {
    return fromBase64(m[1]!);
  } catch (e) {
    if (isShomeiError(e) || e instanceof TypeError) fail(`mdoc: URI is not base64url: ${(e as Error).message}`, e);
    throw e;
  }
}
