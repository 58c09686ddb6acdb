/**
 * The browser build's stand-in for the node:crypto backend (src/crypto/node-absent.ts, behind
 * the `browser` condition of `#crypto-node-backend`): `defaultBackend()` there finds none, as
 * in a browser, whatever the bundler's host has.
 */
import { describe, expect, it } from 'vitest';
import { nodeCryptoBackend as absent } from '../../src/crypto/node-absent.js';
import { nodeCryptoBackend } from '../../src/crypto/node.js';

describe('node:crypto backend, browser variant', () => {
  it('is always undefined, where the real lookup finds node:crypto', () => {
    expect(nodeCryptoBackend()?.name).toBe('node');
    expect(absent()).toBeUndefined();
  });
});
