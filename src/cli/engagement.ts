/**
 * `shomei engagement`: decode an ISO/IEC 18013-5 device engagement as a reader receives
 * it: the `mdoc:` URI of a QR code (§8.2.2.3), DeviceEngagement bytes (§8.2.1.1), or an
 * NFC Handover Select message (NFC Forum Connection Handover, see `session/nfc.ts`). Also
 * the descriptions `shomei inspect` uses for engagements and NDEF handover messages.
 * Clause numbers are those the session layer cites.
 */

import { type CborValue, decode, EncodedCbor } from '../cbor/index.js';
import { ShomeiError } from '../errors.js';
import { toHex, utf8Decode, utf8Encode } from '../internal/bytes.js';
import { cborToJson, type JsonValue } from '../mdoc/index.js';
import {
  bleModesFromLeRole,
  type Carrier,
  type CarrierConfiguration,
  carriersOf,
  type DeviceEngagement,
  type DeviceRetrievalMethod,
  decodeDeviceEngagement,
  decodeHandoverRequest,
  decodeHandoverSelect,
  decodeNdefMessage,
  engagementToQrUri,
  extractDeviceEngagement,
  type HandoverRequest,
  type HandoverSelect,
  isNdefRecord,
  LeRole,
  latin1Text,
  MdocNdef,
  type NdefRecord,
  qrUriToEngagement,
  SessionError,
  TNF,
  uuidToString,
} from '../session/index.js';
import type { EcPublicKey, OkpPublicKey } from '../crypto/types.js';
import { diag } from './diagnostic.js';
import { type Command, colorTerminal, flag, InputError, parse, printable, readItem, str, UsageError } from './io.js';
import { renderQrTerminal } from './qr.js';

// ---------------------------------------------------------------------------
// Descriptions (shared with `shomei inspect`)


const yesNo = (b: boolean | undefined) => (b === undefined ? undefined : b ? 'yes' : 'no');

/** A 16-byte UUID as `xxxxxxxx-xxxx-…`, anything else as hex with its length. */
export function uuidText(bytes: Uint8Array): string {
  return bytes.length === 16 ? uuidToString(bytes) : `h'${toHex(bytes)}' (${bytes.length} bytes, not a UUID)`;
}

function colonHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Lines describing an ephemeral public key (curve and coordinates). */
export function keyLines(key: EcPublicKey | OkpPublicKey, indent: string): string[] {
  return key.kty === 'EC'
    ? [`${indent}x: ${toHex(key.x)}`, `${indent}y: ${toHex(key.y)}`]
    : [`${indent}x: ${toHex(key.x)}`];
}

/** A COSE_Key public key as JSON: kty, crv and the coordinates in hex. */
export function keyJson(key: EcPublicKey | OkpPublicKey): Record<string, JsonValue> {
  return key.kty === 'EC' ? { kty: key.kty, crv: key.crv, x: toHex(key.x), y: toHex(key.y) } : { kty: key.kty, crv: key.crv, x: toHex(key.x) };
}

function methodName(m: DeviceRetrievalMethod): string {
  if (m.type === 'ble') return 'BLE';
  if (m.type === 'nfc') return 'NFC';
  if (m.type === 'wifiAware') return 'Wi-Fi Aware';
  return `type ${m.type}`;
}

function methodLines(m: DeviceRetrievalMethod, indent: string): string[] {
  const out = [`${indent}${methodName(m)} (version ${m.version})`];
  const line = (label: string, value: string | undefined) => {
    if (value !== undefined) out.push(`${indent}  ${label}: ${value}`);
  };
  if (m.type === 'ble') {
    const o = m.options;
    line('peripheral server mode', yesNo(o.peripheralServerMode));
    line('central client mode', yesNo(o.centralClientMode));
    line('peripheral server UUID', o.peripheralServerUuid && uuidText(o.peripheralServerUuid));
    line('central client UUID', o.centralClientUuid && uuidText(o.centralClientUuid));
    line('device address', o.deviceAddress && colonHex(o.deviceAddress));
  } else if (m.type === 'nfc') {
    line('max command data length', String(m.options.maxCommandDataLength));
    line('max response data length', String(m.options.maxResponseDataLength));
  } else if (m.type === 'wifiAware') {
    const o = m.options;
    line('passphrase', o.passphrase && JSON.stringify(o.passphrase));
    line('channel info operating class', o.channelInfoOperatingClass?.toString());
    line('channel info channel number', o.channelInfoChannelNumber?.toString());
    line('band info', o.bandInfo && `h'${toHex(o.bandInfo)}'`);
  } else {
    line('options', diag(m.options as CborValue));
  }
  if (typeof m.type !== 'number' && m.options.extensions !== undefined) line('other options', diag(m.options.extensions as CborValue));
  return out;
}

function methodJson(m: DeviceRetrievalMethod): Record<string, JsonValue> {
  const json = knownMethodJson(m);
  if (typeof m.type !== 'number' && m.options.extensions !== undefined) {
    (json.options as Record<string, JsonValue>).extensions = cborToJson(m.options.extensions as CborValue);
  }
  return json;
}

function knownMethodJson(m: DeviceRetrievalMethod): Record<string, JsonValue> {
  if (m.type === 'ble') {
    const o = m.options;
    const options: Record<string, JsonValue> = {};
    if (o.peripheralServerMode !== undefined) options.peripheralServerMode = o.peripheralServerMode;
    if (o.centralClientMode !== undefined) options.centralClientMode = o.centralClientMode;
    if (o.peripheralServerUuid !== undefined) options.peripheralServerUuid = uuidText(o.peripheralServerUuid);
    if (o.centralClientUuid !== undefined) options.centralClientUuid = uuidText(o.centralClientUuid);
    if (o.deviceAddress !== undefined) options.deviceAddress = colonHex(o.deviceAddress);
    return { type: 'ble', version: m.version, options };
  }
  if (m.type === 'nfc') {
    return { type: 'nfc', version: m.version, options: { maxCommandDataLength: m.options.maxCommandDataLength, maxResponseDataLength: m.options.maxResponseDataLength } };
  }
  if (m.type === 'wifiAware') {
    const o = m.options;
    const options: Record<string, JsonValue> = {};
    if (o.passphrase !== undefined) options.passphrase = o.passphrase;
    if (o.channelInfoOperatingClass !== undefined) options.channelInfoOperatingClass = o.channelInfoOperatingClass;
    if (o.channelInfoChannelNumber !== undefined) options.channelInfoChannelNumber = o.channelInfoChannelNumber;
    if (o.bandInfo !== undefined) options.bandInfo = toHex(o.bandInfo);
    return { type: 'wifiAware', version: m.version, options };
  }
  return { type: m.type, version: m.version, options: cborToJson(m.options as CborValue) };
}

/**
 * ServerRetrievalMethods: `{ ? "webApi": [version, URL, token], ? "oidc": […] }`;
 * anything else shown as diagnostic notation.
 */
function serverRetrievalLines(value: CborValue, indent: string): string[] {
  if (!(value instanceof Map)) return [`${indent}${diag(value)}`];
  return [...value].map(([k, v]) => {
    if (Array.isArray(v) && v.length === 3 && typeof v[0] === 'number' && typeof v[1] === 'string' && typeof v[2] === 'string') {
      return `${indent}${String(k)}: version ${v[0]}, URL ${v[1]}, token ${JSON.stringify(v[2])}`;
    }
    return `${indent}${typeof k === 'string' ? k : diag(k)}: ${diag(v)}`;
  });
}

/** Lines describing a decoded DeviceEngagement, starting with its title line. */
export function engagementLines(e: DeviceEngagement, indent = ''): string[] {
  const out = [
    `${indent}DeviceEngagement ${e.version}`,
    `${indent}  cipher suite: ${e.cipherSuite}`,
    `${indent}  EDeviceKey: ${e.eDeviceKey.kty} ${e.eDeviceKey.crv}`,
    ...keyLines(e.eDeviceKey, `${indent}    `),
  ];
  if (e.deviceRetrievalMethods.length === 0) out.push(`${indent}  device retrieval methods: none`);
  else {
    out.push(`${indent}  device retrieval methods:`);
    for (const m of e.deviceRetrievalMethods) out.push(...methodLines(m, `${indent}    `));
  }
  if (e.serverRetrievalMethods !== undefined) out.push(`${indent}  server retrieval methods:`, ...serverRetrievalLines(e.serverRetrievalMethods, `${indent}    `));
  if (e.protocolInfo !== undefined) out.push(`${indent}  protocol info: ${diag(e.protocolInfo)}`);
  if (e.originInfos !== undefined) out.push(`${indent}  origin infos: ${diag(e.originInfos)}`);
  if (e.capabilities !== undefined) out.push(`${indent}  capabilities: ${diag(e.capabilities)}`);
  for (const [k, v] of e.extensions ?? []) out.push(`${indent}  unknown member ${diag(k)}: ${diag(v)}`);
  return out;
}

/** A decoded DeviceEngagement as JSON. */
export function engagementJson(e: DeviceEngagement): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {
    version: e.version,
    cipherSuite: e.cipherSuite,
    eDeviceKey: keyJson(e.eDeviceKey),
    deviceRetrievalMethods: e.deviceRetrievalMethods.map(methodJson),
  };
  if (e.serverRetrievalMethods !== undefined) out.serverRetrievalMethods = cborToJson(e.serverRetrievalMethods);
  if (e.protocolInfo !== undefined) out.protocolInfo = cborToJson(e.protocolInfo);
  if (e.originInfos !== undefined) out.originInfos = cborToJson(e.originInfos);
  if (e.capabilities !== undefined) out.capabilities = cborToJson(e.capabilities);
  if (e.extensions !== undefined) out.unknownMembers = Object.fromEntries([...e.extensions].map(([k, v]) => [typeof k === 'string' ? k : diag(k), cborToJson(v)]));
  return out;
}

const TNF_NAMES = ['Empty', 'Well Known', 'Media', 'Absolute URI', 'External', 'Unknown', 'Unchanged', 'Reserved'];
const CPS_NAMES = ['inactive', 'active', 'activating', 'unknown'];
const LE_ROLE_NAMES: Record<number, string> = {
  [LeRole.PeripheralOnly]: 'peripheral only',
  [LeRole.CentralOnly]: 'central only',
  [LeRole.BothPeripheralPreferred]: 'peripheral and central, peripheral preferred',
  [LeRole.BothCentralPreferred]: 'peripheral and central, central preferred',
};

function recordName(r: NdefRecord): string {
  const id = r.id === undefined ? '' : `, ID "${latin1Text(r.id)}"`;
  return `${TNF_NAMES[r.tnf]} ${JSON.stringify(latin1Text(r.type))}${id}, ${r.payload.length} byte${r.payload.length === 1 ? '' : 's'}`;
}

function carrierLines(c: CarrierConfiguration, sender: 'mdoc' | 'reader', indent: string): string[] {
  switch (c.kind) {
    case 'ble': {
      const out: string[] = [];
      if (c.leRole !== undefined) {
        const modes = bleModesFromLeRole(c.leRole, sender);
        const names = [modes.peripheralServerMode && 'mdoc peripheral server mode', modes.centralClientMode && 'mdoc central client mode'].filter(Boolean).join(' and ');
        out.push(`${indent}LE role of the ${sender}: ${LE_ROLE_NAMES[c.leRole]} (${names})`);
      }
      for (const u of c.serviceUuids ?? []) out.push(`${indent}service UUID: ${uuidToString(u)}`);
      if (c.deviceAddress !== undefined) {
        const type = c.deviceAddressType === undefined ? '' : c.deviceAddressType === 0 ? ' (public)' : ' (random)';
        // The LE OOB record carries the address least significant byte first; show it as written on devices.
        out.push(`${indent}device address: ${colonHex(Uint8Array.from(c.deviceAddress).reverse())}${type}`);
      }
      for (const o of c.otherAdStructures ?? []) out.push(`${indent}AD type 0x${o.type.toString(16).padStart(2, '0')}: ${toHex(o.data)}`);
      return out;
    }
    case 'nfc':
      if (c.maxCommandDataLength === undefined && c.maxResponseDataLength === undefined) return [`${indent}no maximum data lengths given`];
      return [
        ...(c.maxCommandDataLength === undefined ? [] : [`${indent}max command data length: ${c.maxCommandDataLength}`]),
        ...(c.maxResponseDataLength === undefined ? [] : [`${indent}max response data length: ${c.maxResponseDataLength}`]),
      ];
    case 'wifiAware':
      return [`${indent}configuration: ${toHex(c.data)}`];
    case 'handoverCarrier':
      return [`${indent}carrier type: ${TNF_NAMES[c.carrierTnf]} ${JSON.stringify(latin1Text(c.carrierType))}${c.carrierData.length > 0 ? `, data ${toHex(c.carrierData)}` : ''}`];
    case 'other':
      return [];
  }
}

function carrierTitle(c: CarrierConfiguration): string {
  switch (c.kind) {
    case 'ble':
      return 'Bluetooth LE';
    case 'nfc':
      return 'NFC';
    case 'wifiAware':
      return 'Wi-Fi Aware';
    case 'handoverCarrier':
      return 'Handover Carrier';
    case 'other':
      return 'other';
  }
}

function carriersBlock(carriers: readonly Carrier[], sender: 'mdoc' | 'reader', indent: string): string[] {
  if (carriers.length === 0) return [`${indent}carriers: none`];
  const out = [`${indent}carriers:`];
  carriers.forEach((c, i) => {
    const aux = c.auxiliaryRecords.length === 0 ? '' : `, auxiliary data ${c.auxiliaryRecords.map((r) => `"${r.id === undefined ? '' : latin1Text(r.id)}"`).join(', ')}`;
    out.push(`${indent}  ${i + 1}. ${carrierTitle(c.configuration)} (${recordName(c.record)}; power state ${CPS_NAMES[c.cps]}${aux})`);
    out.push(...carrierLines(c.configuration, sender, `${indent}     `));
  });
  return out;
}

function carrierJson(c: Carrier): Record<string, JsonValue> {
  const k = c.configuration;
  const base: Record<string, JsonValue> = {
    kind: k.kind,
    powerState: CPS_NAMES[c.cps]!,
    record: { tnf: c.record.tnf, type: latin1Text(c.record.type), ...(c.record.id === undefined ? {} : { id: latin1Text(c.record.id) }) },
    auxiliaryData: c.auxiliaryRecords.map((r) => (r.id === undefined ? '' : latin1Text(r.id))),
  };
  switch (k.kind) {
    case 'ble':
      if (k.leRole !== undefined) base.leRole = k.leRole;
      if (k.serviceUuids !== undefined) base.serviceUuids = k.serviceUuids.map(uuidToString);
      if (k.deviceAddress !== undefined) base.deviceAddress = colonHex(Uint8Array.from(k.deviceAddress).reverse());
      if (k.deviceAddressType !== undefined) base.deviceAddressType = k.deviceAddressType === 0 ? 'public' : 'random';
      if (k.otherAdStructures !== undefined) base.otherAdStructures = k.otherAdStructures.map((o) => ({ type: o.type, data: toHex(o.data) }));
      break;
    case 'nfc':
      if (k.maxCommandDataLength !== undefined) base.maxCommandDataLength = k.maxCommandDataLength;
      if (k.maxResponseDataLength !== undefined) base.maxResponseDataLength = k.maxResponseDataLength;
      break;
    case 'wifiAware':
      base.data = toHex(k.data);
      break;
    case 'handoverCarrier':
      base.carrierTnf = k.carrierTnf;
      base.carrierType = latin1Text(k.carrierType);
      base.carrierData = toHex(k.carrierData);
      break;
    case 'other':
      base.payload = toHex(k.record.payload);
      break;
  }
  return base;
}

function versionText(v: number): string {
  return `${v >> 4}.${v & 0xf}`;
}

/** What an NDEF message is: a Handover Select, a Handover Request, or other records. */
export type NdefDescription =
  | { readonly kind: 'select'; readonly message: HandoverSelect; readonly carriers: readonly Carrier[]; readonly engagement?: { readonly bytes: Uint8Array; readonly decoded: DeviceEngagement } }
  | { readonly kind: 'request'; readonly message: HandoverRequest; readonly carriers: readonly Carrier[] }
  | { readonly kind: 'other'; readonly records: readonly NdefRecord[] };

/**
 * Decode an NDEF message: a Handover Select (with its carriers and the DeviceEngagement
 * it carries, when there is one), a Handover Request, or any other records.
 * @throws SessionError `ERR_SESSION_NDEF` / `ERR_SESSION_ENGAGEMENT` when the bytes are not such a message.
 */
export function describeNdef(bytes: Uint8Array): NdefDescription {
  const records = decodeNdefMessage(bytes, { path: 'message' });
  const head = records[0]!;
  if (isNdefRecord(head, TNF.WellKnown, 'Hs')) {
    const message = decodeHandoverSelect(bytes);
    const hasEngagement = message.records.some((r) => isNdefRecord(r, TNF.External, MdocNdef.DeviceEngagementType));
    if (!hasEngagement) return { kind: 'select', message, carriers: carriersOf(message) };
    const engagement = extractDeviceEngagement(message);
    return { kind: 'select', message, carriers: carriersOf(message), engagement: { bytes: engagement, decoded: decodeDeviceEngagement(engagement) } };
  }
  if (isNdefRecord(head, TNF.WellKnown, 'Hr')) {
    const message = decodeHandoverRequest(bytes);
    return { kind: 'request', message, carriers: carriersOf(message) };
  }
  return { kind: 'other', records };
}

/** Lines describing a decoded NDEF message. */
export function ndefLines(d: NdefDescription, size: number, indent = ''): string[] {
  if (d.kind === 'other') {
    return [`${indent}NDEF message, ${d.records.length} record(s), ${size} bytes`, ...d.records.map((r, i) => `${indent}  ${i + 1}. ${recordName(r)}`)];
  }
  const m = d.message;
  const out = [
    `${indent}NFC ${d.kind === 'select' ? 'Handover Select' : 'Handover Request'} (Connection Handover ${versionText(m.version)}), ${m.records.length + 1} records, ${size} bytes`,
  ];
  if (d.kind === 'request') out.push(`${indent}  collision resolution: ${d.message.collisionResolution ?? '(no cr record)'}`);
  out.push(...carriersBlock(d.carriers, d.kind === 'select' ? 'mdoc' : 'reader', `${indent}  `));
  for (const r of m.otherLocalRecords) out.push(`${indent}  local record: ${recordName(r)}`);
  if (d.kind === 'select') {
    if (d.engagement === undefined) out.push(`${indent}  no ${MdocNdef.DeviceEngagementType} record`);
    else out.push(`${indent}  ${MdocNdef.DeviceEngagementType} record (${d.engagement.bytes.length} bytes):`, ...engagementLines(d.engagement.decoded, `${indent}    `));
  }
  return out;
}

/** A decoded NDEF message as JSON. */
export function ndefJson(d: NdefDescription): Record<string, JsonValue> {
  const records = (rs: readonly NdefRecord[]) =>
    rs.map((r) => ({ tnf: r.tnf, type: latin1Text(r.type), ...(r.id === undefined ? {} : { id: latin1Text(r.id) }), payloadLength: r.payload.length }));
  if (d.kind === 'other') return { ndef: 'message', records: records(d.records) };
  const out: Record<string, JsonValue> = {
    ndef: d.kind === 'select' ? 'handoverSelect' : 'handoverRequest',
    version: versionText(d.message.version),
    carriers: d.carriers.map(carrierJson),
    records: records(d.message.records),
  };
  if (d.kind === 'request') out.collisionResolution = d.message.collisionResolution ?? null;
  if (d.kind === 'select' && d.engagement !== undefined) {
    out.deviceEngagement = { bytes: toHex(d.engagement.bytes), ...engagementJson(d.engagement.decoded) };
  }
  return out;
}

/** True when `byte` can start an NDEF message: MB set, TNF not Unchanged or Reserved. */
export function looksLikeNdef(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0x80) !== 0 && (byte & 0x07) < TNF.Unchanged;
}

// ---------------------------------------------------------------------------
// The command

type Source = 'qr' | 'bytes' | 'tag24' | 'nfc';

interface Decoded {
  readonly source: Source;
  readonly deviceEngagement: Uint8Array;
  readonly engagement: DeviceEngagement;
  readonly nfc?: NdefDescription;
  readonly handoverSize?: number;
}

/** An `mdoc:` URI given as text (a file or standard input may hold one, as a QR scanner writes it). */
function asUri(bytes: Uint8Array): string | undefined {
  if (bytes.length < 5 || bytes.length > 64 * 1024) return undefined;
  const prefix = String.fromCharCode(...bytes.subarray(0, 5)).toLowerCase();
  if (prefix !== 'mdoc:') return undefined;
  return utf8Decode(bytes).trim();
}

function decodeInput(bytes: Uint8Array): Decoded {
  const uri = asUri(bytes);
  if (uri !== undefined) {
    const deviceEngagement = qrUriToEngagement(uri);
    return { source: 'qr', deviceEngagement, engagement: decodeDeviceEngagement(deviceEngagement) };
  }
  // A DeviceEngagement is a CBOR map (major type 5), DeviceEngagementBytes a tag 24 (d8 18);
  // an NDEF message starts with a record header with MB set.
  const first = bytes[0];
  if (first === 0xd8 && bytes[1] === 0x18) {
    const value = decode(bytes);
    if (!(value instanceof EncodedCbor)) throw new SessionError('ERR_SESSION_ENGAGEMENT', 'DeviceEngagementBytes is not tag 24');
    return { source: 'tag24', deviceEngagement: value.bytes, engagement: decodeDeviceEngagement(value.bytes) };
  }
  if (first !== undefined && first >> 5 !== 5 && looksLikeNdef(first)) {
    const nfc = describeNdef(bytes);
    if (nfc.kind === 'request') throw new SessionError('ERR_SESSION_NDEF', 'this is a Handover Request (sent by a reader): it carries no DeviceEngagement');
    if (nfc.kind === 'other') throw new SessionError('ERR_SESSION_NDEF', 'the NDEF message is not a Handover Select');
    if (nfc.engagement === undefined) throw new SessionError('ERR_SESSION_NDEF', `the Handover Select has no ${MdocNdef.DeviceEngagementType} record`);
    return { source: 'nfc', deviceEngagement: nfc.engagement.bytes, engagement: nfc.engagement.decoded, nfc, handoverSize: bytes.length };
  }
  return { source: 'bytes', deviceEngagement: bytes, engagement: decodeDeviceEngagement(bytes) };
}

const SOURCE_NAMES: Record<Source, string> = {
  qr: 'an mdoc: URI (QR handover)',
  bytes: 'DeviceEngagement bytes',
  tag24: 'DeviceEngagementBytes (tag 24)',
  nfc: 'an NFC Handover Select (NFC handover)',
};

export const engagement: Command = {
  summary: 'decode a device engagement: mdoc: URI, DeviceEngagement bytes or NFC Handover Select',
  help: `
Usage: shomei engagement <mdoc:URI | FILE | - | --hex HEX | --base64url B64> [--json | --qr]

Decode an ISO/IEC 18013-5 device engagement as a reader receives it and print its
version, cipher suite, the mdoc's ephemeral key (EDeviceKey), each device retrieval
method with its options (BLE modes, UUIDs and device address; NFC maximum lengths;
Wi-Fi Aware), server retrieval methods, protocol info and unknown members.

  mdoc:URI           the URI a QR code holds (also read from a FILE or - holding it as text)
  FILE               DeviceEngagement bytes (or DeviceEngagementBytes, tag 24), or an NFC
                     Handover Select NDEF message (told apart by the first byte: a CBOR
                     map or an NDEF record header); for NFC the carriers are printed too
  -                  read standard input
  --hex HEX          the bytes as hex
  --base64url B64    the bytes as base64url (or base64)
  --json             print one JSON object instead
  --qr               also draw the engagement's QR code (its mdoc: URI), black on white on a
                     terminal so that it reads on light and dark themes

Exit status: 0 decoded, 1 not an engagement (the error code is printed), 2 usage.
`,
  async run(argv) {
    const args = parse(argv, { hex: { type: 'string' }, base64url: { type: 'string' }, json: { type: 'boolean', default: false }, qr: { type: 'boolean', default: false } });
    if (flag(args, 'json') && flag(args, 'qr')) throw new UsageError('--qr draws on the terminal; it does not go with --json');
    const first = args.positionals[0];
    const viaUri = args.positionals.length === 1 && first !== undefined && /^mdoc:/i.test(first) && str(args, 'hex') === undefined && str(args, 'base64url') === undefined;
    const bytes = viaUri ? utf8Encode(first) : readItem(args.positionals, { hex: str(args, 'hex'), base64url: str(args, 'base64url') });
    if (bytes.length === 0) throw new SessionError('ERR_SESSION_ENGAGEMENT', 'the input is empty');
    let d: Decoded;
    try {
      d = decodeInput(bytes);
    } catch (e) {
      if (e instanceof ShomeiError) throw e;
      if (e instanceof TypeError || e instanceof RangeError) throw new SessionError('ERR_SESSION_ENGAGEMENT', e.message, { cause: e });
      throw e;
    }
    if (flag(args, 'json')) {
      const out: Record<string, JsonValue> = {
        source: d.source,
        deviceEngagement: toHex(d.deviceEngagement),
        ...(d.source === 'nfc' ? {} : { qrUri: engagementToQrUri(d.deviceEngagement) }),
        ...engagementJson(d.engagement),
      };
      if (d.nfc !== undefined) {
        const { deviceEngagement: _omitted, ...handover } = ndefJson(d.nfc);
        out.handover = handover;
      }
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    const lines = [`Read from ${SOURCE_NAMES[d.source]}: ${d.deviceEngagement.length} bytes of DeviceEngagement`, ...engagementLines(d.engagement)];
    if (d.nfc !== undefined && d.nfc.kind === 'select') {
      lines.push(`NFC Handover Select (Connection Handover ${versionText(d.nfc.message.version)}), ${d.handoverSize} bytes`, ...carriersBlock(d.nfc.carriers, 'mdoc', '  '));
    }
    if (d.source === 'bytes' || d.source === 'tag24') lines.push(`QR form: ${engagementToQrUri(d.deviceEngagement)}`);
    // What the engagement says is printable; the QR code's own colour codes come after.
    const text = [printable(lines.join('\n'))];
    if (flag(args, 'qr')) {
      if (d.source === 'nfc') throw new UsageError('--qr: an NFC handover engagement is not shown as a QR code');
      let qr: string;
      try {
        qr = renderQrTerminal(engagementToQrUri(d.deviceEngagement), { color: colorTerminal() });
      } catch (e) {
        if (e instanceof RangeError) throw new InputError(`--qr: the engagement is too large for a QR code (${e.message})`);
        throw e;
      }
      text.push('', qr.trimEnd());
    }
    process.stdout.write(`${text.join('\n')}\n`);
    return 0;
  },
};
