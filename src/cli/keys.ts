/**
 * Reading keys and certificates for the CLI: keys as PEM (PKCS#8 private, SPKI public)
 * or JWK JSON; certificates as PEM or DER; trust arguments as a file, a PEM bundle or a
 * directory of them. Node's crypto module converts PEM keys to JWK, which the library reads.
 */

import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Jwk, keyFromJwk } from '../cose/index.js';
import type { PrivateKey, PublicKey } from '../crypto/types.js';
import { toBase64Url } from '../internal/bytes.js';
import { ShomeiError } from '../errors.js';
import { type Certificate, parseCertificates } from '../x509/index.js';
import { denoPermission, InputError, readInput, UsageError } from './io.js';

function text(path: string): string {
  return new TextDecoder().decode(readInput(path));
}

function fromKeyObject(key: KeyObject): PrivateKey | PublicKey {
  return keyFromJwk(key.export({ format: 'jwk' }) as Jwk);
}

/** A private key from a PEM (PKCS#8 or SEC 1) or JWK file. */
export function readPrivateKey(path: string): PrivateKey {
  const t = text(path).trim();
  if (/^-----BEGIN PUBLIC KEY-----/.test(t)) throw new InputError(`${path} holds a public key; a private key is needed`);
  try {
    const key = t.startsWith('{') ? keyFromJwk(JSON.parse(t) as Jwk) : fromKeyObject(createPrivateKey(t));
    if (!('d' in key)) throw new InputError(`${path} holds a public key; a private key is needed`);
    return key as PrivateKey;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${path}: not a supported private key (${(e as Error).message})`);
  }
}

/** A public key from a PEM (SPKI, or a private key whose public part is taken) or JWK file. */
export function readPublicKey(path: string): PublicKey {
  const t = text(path).trim();
  try {
    const key = t.startsWith('{') ? keyFromJwk(JSON.parse(t) as Jwk) : fromKeyObject(createPublicKey(t));
    if ('d' in key) {
      const { d: _d, ...pub } = key;
      return pub as PublicKey;
    }
    return key;
  } catch (e) {
    throw new InputError(`${path}: not a supported public key (${(e as Error).message})`);
  }
}

/** Certificates from a PEM bundle or a DER file. */
export function readCertificates(path: string): Certificate[] {
  const bytes = readInput(path);
  try {
    return parseCertificates(bytes);
  } catch (e) {
    throw new InputError(`${path}: not a certificate (${(e as Error).message})`, e instanceof ShomeiError ? e.code : undefined);
  }
}

/** Trust anchors from files, PEM bundles and directories (`*.pem`, `*.crt`, `*.der`, `*.cer`). */
export function readTrust(paths: readonly string[]): Certificate[] {
  const out: Certificate[] = [];
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      if (denoPermission(e) !== undefined) throw e;
      throw new UsageError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (!isDir) out.push(...readCertificates(p));
    else for (const f of readdirSync(p).sort()) if (/\.(pem|crt|der|cer)$/i.test(f)) out.push(...readCertificates(join(p, f)));
  }
  if (out.length === 0) throw new InputError(`no trust anchor certificates found in ${paths.join(', ')}`);
  return out;
}

/** A key as PEM (PKCS#8 for private keys, SPKI for public keys), through node:crypto. */
export function keyToPem(key: PrivateKey | PublicKey): string {
  const jwk: Record<string, string> = { kty: key.kty, crv: key.crv, x: toBase64Url(key.x) };
  if (key.kty === 'EC') jwk.y = toBase64Url(key.y);
  if ('d' in key && key.d !== undefined) {
    jwk.d = toBase64Url(key.d);
    return createPrivateKey({ key: jwk, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }) as string;
  }
  return createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
}

/** The bytes of a JSON or text file, parsed as JSON. */
export function readJson(path: string): unknown {
  const t = text(path);
  try {
    return JSON.parse(t);
  } catch (e) {
    throw new InputError(`${path}: not JSON (${(e as Error).message})`);
  }
}

