/**
 * RSA key pairs from node:crypto for tests, made so that no KeyObject leaves a generation
 * job: the job hands out DER and the keys are imported from it. Node 20 can deadlock when a
 * generated KeyObject is exported (JWK, PEM) while a garbage collection finalizes its
 * generation job; a test worker then hangs (seen in CI). See src/crypto/node.ts.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A fresh RSA key pair of `modulusLength` bits, as KeyObjects independent of the generation job. */
export function rsaKeyPair(modulusLength: number): { privateKey: KeyObject; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength,
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
    publicKeyEncoding: { type: 'spki', format: 'der' },
  });
  return { privateKey: createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8' }), publicKey: createPublicKey({ key: publicKey, format: 'der', type: 'spki' }) };
}
