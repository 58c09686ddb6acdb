/**
 * JPKI certificate interpretation and chains: the real (expired) production auth
 * certificate chains to JPKI_AUTH_CA_2019 at t = 1700000000 (not to the other roots of the
 * same name), and the virtual card's test hierarchy.
 */
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/noble.js';
import { toHex } from '../../src/internal/bytes.js';
import { decodeJpkiCertificate, verifyJpkiCertificate } from '../../src/jpki/certificates.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { DEFAULT_TEST_IDENTITY } from '../../src/jpki/simulator/index.js';
import { JPKI_AUTH_CA_2015, JPKI_AUTH_CA_2019, JPKI_AUTH_CA_2023, JPKI_SIGN_CA_2023, loadTrustAnchors } from '../../src/x509/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { loadVectorText } from '../helpers/vectors.js';
import { virtualCard } from './helpers.js';

const REAL = loadVectorText('jpki/real-auth-cert-expired.pem');
const AT = new Date(1700000000 * 1000);

describe('the real expired auth certificate', () => {
  it('is the collected certificate (SHA-256 fingerprint as in the shared collection, cert.real_auth_cert_expired)', async () => {
    const der = decodeJpkiCertificate(REAL).certificate.der;
    expect(toHex(await nobleBackend.digest('SHA-256', der))).toBe('9c3f7955586048189c96d9ea49846ef23ac952ad37fc5f875cd7bc562f23dcde');
    expect(der.length).toBe(1586);
  });

  it('is an auth certificate with an opaque subject and the JPKI auth policy', () => {
    const info = decodeJpkiCertificate(REAL);
    expect(info.kind).toBe('auth');
    expect(info.subjectId).toMatch(/^[0-9A-Z]{23}$/);
    expect(info.holder).toBeNull();
    expect(info.certificate.subject.attributes['C']).toEqual(['JP']);
    expect(info.notAfter.toISOString().slice(0, 10)).toBe('2024-12-07');
  });

  for (const [name, backend] of BACKENDS) {
    it(`chains to JPKI_AUTH_CA_2019 at t=1700000000 among same-named roots (${name})`, async () => {
      const anchors = loadTrustAnchors([JPKI_AUTH_CA_2015, JPKI_AUTH_CA_2019, JPKI_AUTH_CA_2023]);
      const { chain } = await verifyJpkiCertificate(REAL, { anchors, now: AT, backend });
      expect(chain.valid).toBe(true);
      expect(chain.anchor?.serialNumber).toBe(loadTrustAnchors(JPKI_AUTH_CA_2019)[0]!.serialNumber);
    });
  }

  it('does not chain to the sign root, nor after it expired', async () => {
    expect((await verifyJpkiCertificate(REAL, { anchors: loadTrustAnchors(JPKI_SIGN_CA_2023), now: AT })).chain.valid).toBe(false);
    expect((await verifyJpkiCertificate(REAL, { anchors: loadTrustAnchors(JPKI_AUTH_CA_2019), now: new Date('2025-06-01T00:00:00Z') })).chain.valid).toBe(false);
  });
});

describe('the virtual card hierarchy', () => {
  it('both leaves chain to their test roots; the sign holder data decodes', async () => {
    const card = new MyNumberCard(await virtualCard());
    const now = new Date('2026-01-01T00:00:00Z');
    const auth = await verifyJpkiCertificate(await card.readAuthCertificate(), { anchors: [await card.readAuthCaCertificate()], now });
    expect(auth.chain.valid).toBe(true);
    const sign = await verifyJpkiCertificate(await card.readSignCertificate(DEFAULT_TEST_IDENTITY.pins.sign), { anchors: [await card.readSignCaCertificate()], now });
    expect(sign.chain.valid).toBe(true);
    expect(sign.info.holder).toMatchObject({
      name: DEFAULT_TEST_IDENTITY.name,
      sex: '2',
      address: DEFAULT_TEST_IDENTITY.address,
      nameSubstitution: [false, false, false, false, false],
    });
    expect(sign.info.certificate.keyUsage?.usages).toEqual(['digitalSignature', 'nonRepudiation']);
  });

  it('refuses to validate without anchors', async () => {
    await expect(verifyJpkiCertificate(REAL, { anchors: undefined as never })).rejects.toThrow(TypeError);
  });
});
