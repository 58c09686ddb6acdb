/**
 * `shomei jpki …` and `shomei card-info read` against the virtual card, with the PIN
 * reader and output injected: PINs never appear in the output, the My Number is masked
 * unless --reveal, usage errors exit 2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cardInfoCommand } from '../../src/cli/card-info.js';
import { runCommand } from '../../src/cli/io.js';
import { type JpkiCliDeps, jpkiCommand } from '../../src/cli/jpki.js';
import { nobleBackend } from '../../src/crypto/noble.js';
import { verifyDetachedCms } from '../../src/jpki/cms.js';
import { DEFAULT_TEST_IDENTITY as ID } from '../../src/jpki/simulator/index.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { virtualCard } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'shomei-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function deps(pins: string[]): { deps: JpkiCliDeps; out: string[]; prompts: string[] } {
  const out: string[] = [];
  const prompts: string[] = [];
  return {
    out,
    prompts,
    deps: {
      openCard: async () => ({ transport: await virtualCard(), close: async () => {} }),
      pinReader: () => async (prompt) => {
        prompts.push(prompt);
        const p = pins.shift();
        if (p === undefined) throw new Error('no PIN scripted');
        return p;
      },
      out: (t) => out.push(t),
    },
  };
}

describe('shomei jpki', () => {
  it('info: token, availability, PIN tries, auth certificate', async () => {
    const d = deps([]);
    expect(await jpkiCommand(d.deps).run(['info', '--virtual'])).toBe(0);
    const info = JSON.parse(d.out.join(''));
    expect(info.token).toEqual({ label: 'JPKIAPICCTOKEN2', kind: 'card' });
    expect(info.pins.auth.retriesLeft).toBe(3);
    expect(info.authCertificate.kind).toBe('auth');
  });

  it('certs --sign --out DIR writes four DER files', async () => {
    const d = deps([ID.pins.sign]);
    expect(await jpkiCommand(d.deps).run(['certs', '--sign', '--out', dir])).toBe(0);
    for (const name of ['auth', 'auth-ca', 'sign-ca', 'sign']) parseCertificate(new Uint8Array(readFileSync(join(dir, `${name}.der`))));
    expect(d.out.join('')).not.toContain(ID.pins.sign);
    const pem = deps([]);
    await jpkiCommand(pem.deps).run(['certs']);
    expect(pem.out.join('').match(/BEGIN CERTIFICATE/g)?.length).toBe(3);
  });

  it('sign --key auth|sign writes a signature that verifies', async () => {
    writeFileSync(join(dir, 'in.txt'), 'hello');
    for (const [key, pin, cert] of [
      ['auth', ID.pins.auth, 'auth'],
      ['sign', ID.pins.sign, 'sign'],
    ] as const) {
      const d = deps([pin]);
      expect(await jpkiCommand(d.deps).run(['sign', '--key', key, '--in', join(dir, 'in.txt'), '--out', join(dir, `${key}.sig`)])).toBe(0);
      const pub = parseCertificate(new Uint8Array(readFileSync(join(dir, `${cert}.der`)))).publicKey!;
      const sig = new Uint8Array(readFileSync(join(dir, `${key}.sig`)));
      expect(await nobleBackend.rsaPkcs1Verify(pub as never, 'SHA-256', new TextEncoder().encode('hello'), sig)).toBe(true);
      expect(d.out.join('')).not.toContain(pin);
    }
  });

  it('cms-sign writes a .p7s that verifies', async () => {
    const d = deps([ID.pins.sign]);
    expect(await jpkiCommand(d.deps).run(['cms-sign', '--in', join(dir, 'in.txt'), '--out', join(dir, 'in.p7s'), '--include-ca'])).toBe(0);
    const r = await verifyDetachedCms(new Uint8Array(readFileSync(join(dir, 'in.p7s'))), new TextEncoder().encode('hello'), {
      anchors: [new Uint8Array(readFileSync(join(dir, 'sign-ca.der')))],
    });
    expect(r.valid).toBe(true);
  });

  it('pin-status', async () => {
    const d = deps([]);
    await jpkiCommand(d.deps).run(['pin-status']);
    expect(JSON.parse(d.out.join('')).sign).toEqual({ retriesLeft: 5, blocked: false });
  });

  it('usage errors exit 2; card errors exit 1 with their code', async () => {
    const d = deps(['12']);
    const cmd = jpkiCommand(d.deps);
    const stderr: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => {
      stderr.push(s);
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(await runCommand('jpki', cmd, [])).toBe(2);
      expect(await runCommand('jpki', cmd, ['sign', '--key', 'other', '--in', 'a', '--out', 'b'])).toBe(2);
      expect(await runCommand('jpki', cmd, ['simulate'])).toBe(2);
      expect(await runCommand('jpki', cmd, ['simulate', '--vpcd', 'host:99999'])).toBe(2);
      expect(await runCommand('jpki', cmd, ['sign', '--key', 'auth', '--in', join(dir, 'in.txt'), '--out', join(dir, 'x.sig')])).toBe(1);
    } finally {
      process.stderr.write = orig;
    }
    expect(stderr.join('')).toContain('ERR_JPKI_PIN_FORMAT');
    expect(stderr.join('')).not.toContain(' 12\n');
  });
});

describe('shomei card-info read', () => {
  it('masks the My Number unless --reveal; integrity unverifiable without anchors, valid with the test anchors', async () => {
    const masked = deps([ID.pins.support]);
    await cardInfoCommand(masked.deps).run(['read']);
    const a = JSON.parse(masked.out.join(''));
    expect(a.myNumber).toBe('********9018');
    expect(a.name).toBe(ID.name);
    expect(a.integrity.status).toBe('unverifiable');
    const revealed = deps([ID.pins.support]);
    await cardInfoCommand(revealed.deps).run(['read', '--reveal', '--cvc-anchors', 'test']);
    const b = JSON.parse(revealed.out.join(''));
    expect(b.myNumber).toBe(ID.myNumber);
    expect(b.integrity.status).toBe('valid');
    expect(revealed.prompts).toEqual(['Card info PIN (4 digits): ']);
  });

  it('refuses unknown subcommands and anchors', async () => {
    await expect(cardInfoCommand(deps([]).deps).run(['write'])).rejects.toThrow('unknown subcommand');
    await expect(cardInfoCommand(deps(['1234']).deps).run(['read', '--cvc-anchors', 'mine'])).rejects.toThrow('--cvc-anchors');
  });
});
