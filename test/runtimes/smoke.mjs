// The end-to-end smoke run on every runtime CI proves (Node ESM and CommonJS, Deno, Bun,
// headless Chromium, QuickJS): ISO/IEC 18013-5 issuance (§9.1.2, an mDL and a My Number
// Card mdoc), presentation and verification (§9.1.3–9.1.4), a tampered element caught,
// a QR-engaged session (§8.2, §9.1.1) authenticated with deviceMac, strict CBOR
// (RFC 8949 §5.6: a duplicate map key refused with its code), a revoked mdoc refused by its
// status list (ISO 18013-5 2e §12.3.6), and the JPKI virtual card
// read with integrity checks and a CMS SignedData (RFC 5652) signed and verified.
//
// Plain JavaScript with no imports, so that every runtime loads it as it is: each runner
// passes in the shomei namespaces it loaded its own way (`lib`). Throws on the first failure.

/** Fail with `message` unless `condition`. */
function check(condition, message) {
  if (!condition) throw new Error(`smoke: ${message}`);
}

const DAY = 86_400_000;
const MDL_NS = 'org.iso.18013.5.1';
const MNC_JP = 'org.iso.23220.1.jp';
const ISO_23220 = 'org.iso.23220.1';
const PORTRAIT = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9);

/**
 * Run every step with `lib` = { cbor, crypto, x509, mdoc, session, jpki, errors }.
 * `log(step)` is called after each step passes. Resolves to the backend's name and the steps.
 */
export async function smoke(lib, log = () => {}) {
  const { cbor, crypto, x509, mdoc, session, jpki, errors } = lib;
  const steps = [];
  const step = (name) => {
    steps.push(name);
    log(name);
  };
  const backend = crypto.defaultBackend();
  const now = Date.now();

  // Issuer PKI, then an mDL and a My Number Card mdoc for one device key.
  const iacaKey = await backend.generateKeyPair('P-256');
  const dsKey = await backend.generateKeyPair('P-256');
  const deviceKey = await backend.generateKeyPair('P-256');
  const iaca = await x509.buildIaca({
    country: 'JP',
    commonName: 'shomei smoke IACA',
    key: iacaKey,
    validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) },
    issuerAltName: { uri: 'https://iaca.smoke.shomei.invalid/' },
  });
  const ds = await x509.buildDocumentSigner({
    iaca,
    iacaKey,
    commonName: 'shomei smoke DS',
    publicKey: crypto.publicKeyOf(dsKey),
    validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 300 * DAY) },
    crlUri: 'https://iaca.smoke.shomei.invalid/crl',
  });
  const issuer = { signer: dsKey, certificates: [ds.der] };
  const validity = { validFrom: new Date(now), validUntil: new Date(now + 30 * DAY) };
  const mdl = await mdoc.issueMdoc({
    docType: mdoc.MDL_DOCTYPE,
    deviceKey: crypto.publicKeyOf(deviceKey),
    validity,
    issuer,
    nameSpaces: {
      [MDL_NS]: {
        family_name: 'Yamada',
        given_name: 'Hanako',
        birth_date: cbor.FullDate.of(1990, 4, 1),
        issue_date: cbor.FullDate.of(2025, 4, 1),
        expiry_date: cbor.FullDate.of(2030, 4, 1),
        issuing_country: 'JP',
        issuing_authority: 'Tokyo Metropolitan Public Safety Commission',
        document_number: '123456789012',
        portrait: PORTRAIT,
        driving_privileges: [new Map([['vehicle_category_code', 'B']])],
        un_distinguishing_sign: 'J',
        age_over_18: true,
      },
    },
  });
  const mnc = await mdoc.issueMdoc({
    docType: mdoc.MNC_DOCTYPE,
    deviceKey: crypto.publicKeyOf(deviceKey),
    validity,
    issuer,
    nameSpaces: {
      [MNC_JP]: { full_name_unicode: '山田　花子', resident_address_unicode: '東京都千代田区霞が関１－１－１', birth_date_unicode: '1990年4月1日', sex_unicode: '女', portrait: PORTRAIT },
      [ISO_23220]: { birth_date: cbor.FullDate.of(1990, 4, 1), sex: 2, age_over_20: true, age_in_years: 36 },
    },
  });
  check(mnc.nameSpaces.get(MNC_JP).length === 5, 'the My Number Card mdoc holds its five elements');
  step(`issue an mDL and a My Number Card mdoc (${mdoc.MNC_DOCTYPE})`);

  // Present both with a device signature, verify, then tamper with one element value.
  const sessionTranscript = cbor.EncodedCbor.wrap(cbor.encode([null, null, ['shomei-smoke', 1]]), null).tagged;
  const request = await mdoc.buildDeviceRequest([
    { docType: mdoc.MDL_DOCTYPE, nameSpaces: { [MDL_NS]: { family_name: false, age_over_18: false, portrait: false } } },
    { docType: mdoc.MNC_DOCTYPE, nameSpaces: { [MNC_JP]: { full_name_unicode: false }, [ISO_23220]: { age_over_20: false } } },
  ]);
  const response = await mdoc.buildDeviceResponse({
    documents: [
      { issuerSigned: mdl, deviceKey },
      { issuerSigned: mnc, deviceKey },
    ],
    request,
    sessionTranscript,
  });
  const bytes = mdoc.encodeDeviceResponse(response);
  const verified = await mdoc.verifyDeviceResponse(bytes, { trustAnchors: [iaca], sessionTranscript, request });
  check(verified.valid === true, `the presentation verifies (failed: ${JSON.stringify(mdoc.failedChecks(verified))})`);
  check(verified.documents[1].issuerSigned[MNC_JP].full_name_unicode === '山田　花子', 'the My Number Card name reads back as UTF-8');
  check(verified.documents[0].issuerSigned[MDL_NS].family_name === 'Yamada', 'the mDL family name reads back');
  step('present both documents (deviceSignature) and verify: valid');

  const yamada = [0x59, 0x61, 0x6d, 0x61, 0x64, 0x61]; // "Yamada"
  let at = -1;
  for (let i = 0; i + yamada.length <= bytes.length && at < 0; i++) if (yamada.every((b, j) => bytes[i + j] === b)) at = i;
  check(at >= 0, 'the response carries the family name');
  const tampered = bytes.slice();
  tampered[at + 5] = 0x6f; // "Yamado"
  const rejected = await mdoc.verifyDeviceResponse(tampered, { trustAnchors: [iaca], sessionTranscript, request });
  check(rejected.valid === false, 'the tampered response does not verify');
  check(
    mdoc.failedChecks(rejected).some((c) => c.id === 'VALUE_DIGEST'),
    `the tampered element fails VALUE_DIGEST (failed: ${JSON.stringify(mdoc.failedChecks(rejected).map((c) => c.id))})`,
  );
  step('tamper with one element value: invalid (VALUE_DIGEST)');

  // MSO revocation (ISO/IEC 18013-5 2e §12.3.6): a status list (ZLIB through the platform's
  // DecompressionStream where there is one, else fflate) marks an mdoc revoked: refused.
  const statusUri = 'https://status.smoke.shomei.invalid/lists/1';
  const revocable = await mdoc.issueMdoc({
    docType: mdoc.MDL_DOCTYPE,
    deviceKey: crypto.publicKeyOf(deviceKey),
    validity,
    issuer,
    nameSpaces: { [MDL_NS]: { family_name: 'Yamada', issuing_country: 'JP' } },
    status: { status_list: { idx: 5, uri: statusUri } },
  });
  const statuses = mdoc.createStatusBytes(64, 1);
  mdoc.writeStatus(statuses, 1, 5, mdoc.StatusType.INVALID);
  const statusToken = await mdoc.buildStatusListToken({ uri: statusUri, bits: 1, statuses, issuedAt: new Date(now - 60_000), expiresAt: new Date(now + DAY), signer: issuer });
  const revoked = await mdoc.verifyIssuerSigned(revocable, { trustAnchors: [iaca], status: { fetch: async (uri) => (uri === statusUri ? statusToken : undefined) } });
  const statusCheck = revoked.checks.find((c) => c.id === 'MSO_STATUS');
  check(revoked.valid === false && statusCheck?.detail === `INVALID (revoked): index 5 of ${statusUri}`, `the revoked mdoc is refused (MSO_STATUS: ${JSON.stringify(statusCheck)})`);
  step(`status list: a revoked mdoc is refused (MSO_STATUS, inflated by ${typeof DecompressionStream === 'function' ? 'DecompressionStream' : 'fflate'})`);

  // A QR-engaged session: DeviceEngagement → reader → holder → encrypted, MACed response.
  const holder = await session.HolderSession.create({
    documents: [
      { issuerSigned: mdl, deviceKey },
      { issuerSigned: mnc, deviceKey },
    ],
  });
  check(holder.qrUri.startsWith('mdoc:'), 'the engagement is an mdoc: URI');
  const reader = await session.ReaderSession.fromQrUri(holder.qrUri, { verify: { trustAnchors: [iaca] } });
  const establishment = await reader.request([{ docType: mdoc.MNC_DOCTYPE, nameSpaces: { [MNC_JP]: { full_name_unicode: false }, [ISO_23220]: { age_over_20: false } } }]);
  const answered = await holder.receive(establishment);
  check(answered.kind === 'request', `the holder answers (${answered.kind})`);
  const received = await reader.receive(answered.reply);
  check(received.kind === 'response', `the reader gets the response (${received.kind})`);
  const doc = received.verification.documents[0];
  check(received.verification.valid === true, `the session response verifies (failed: ${JSON.stringify(mdoc.failedChecks(received.verification))})`);
  check(doc.checks.find((c) => c.id === 'DEVICE_AUTH')?.detail === 'deviceMac', 'the device authenticated with deviceMac');
  check(doc.issuerSigned[MNC_JP].full_name_unicode === '山田　花子', 'the session disclosed the name');
  const ended = await holder.receive(reader.terminate());
  check(ended.kind === 'terminated', `the holder sees the termination (${ended.kind})`);
  step('QR session: engagement, reader and holder sessions, encrypted exchange, deviceMac: valid');

  // Strict CBOR: a map with the key 1 twice is refused with its code.
  let duplicate;
  try {
    cbor.decode(Uint8Array.of(0xa2, 0x01, 0x01, 0x01, 0x02));
  } catch (e) {
    duplicate = e;
  }
  check(errors.isShomeiError(duplicate, 'ERR_CBOR_DUPLICATE_KEY'), `a duplicate map key is ERR_CBOR_DUPLICATE_KEY (got ${duplicate})`);
  check(duplicate instanceof errors.CborError && duplicate.offset === 3, 'the CborError names the offset of the second key');
  let badText;
  try {
    cbor.decode(Uint8Array.of(0x63, 0xed, 0xa0, 0x80));
  } catch (e) {
    badText = e;
  }
  check(errors.isShomeiError(badText, 'ERR_CBOR_UTF8'), `a surrogate in a text string is ERR_CBOR_UTF8 (got ${badText})`);
  step('strict CBOR: duplicate key → ERR_CBOR_DUPLICATE_KEY, surrogate → ERR_CBOR_UTF8');

  // The JPKI virtual card, through the same CardTransport as a reader: card info with its
  // integrity checks, then a CMS signature with the signing key, verified to the card's CA.
  const virtual = await jpki.createVirtualMyNumberCard();
  const card = new jpki.MyNumberCard(virtual, { cvcAnchors: jpki.testCvcAnchors() });
  const pins = jpki.DEFAULT_TEST_IDENTITY.pins;
  const info = await card.readCardInfo(pins.support);
  check(info.myNumber === jpki.DEFAULT_TEST_IDENTITY.myNumber, 'the card reads its My Number');
  check(info.basicFour.name === jpki.DEFAULT_TEST_IDENTITY.name, `the card reads its holder's name (${info.basicFour.name})`);
  check(info.integrity.status === 'valid', `the card info integrity checks pass (${info.integrity.status})`);
  const content = Uint8Array.from('shomei smoke: a document to sign', (c) => c.charCodeAt(0));
  const p7s = await card.cmsSign(content, pins.sign);
  const signCa = await card.readSignCaCertificate();
  const good = await jpki.verifyDetachedCms(p7s, content, { anchors: [signCa] });
  check(good.status === 'valid', `the CMS verifies (${good.status})`);
  const other = await jpki.verifyDetachedCms(p7s, content.subarray(1), { anchors: [signCa] });
  check(other.status === 'invalid', `the CMS over other content is invalid (${other.status})`);
  step('virtual My Number Card: card info read with integrity valid, CMS signed and verified, other content invalid');

  return { backend: backend.name, steps };
}
