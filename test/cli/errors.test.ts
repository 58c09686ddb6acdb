import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { encode } from '../../src/cbor/index.js';
import { runCommand } from '../../src/cli/io.js';
import { runCli as run } from '../helpers/cli.js';

afterEach(() => vi.restoreAllMocks());

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

const DATA = { 'org.iso.18013.5.1': { family_name: 'Yamada', given_name: 'Taro', age_over_18: true } };

let dir = '';
const f = (name: string) => join(dir, name);
const issueArgs = (over: Record<string, string> = {}) =>
  Object.entries({ '--doctype': 'org.iso.18013.5.1.mDL', '--data': f('data.json'), '--issuer-key': f('ds-key.pem'), '--issuer-cert': f('ds.pem'), '--device-key': f('device.pub.pem'), '-o': f('is.cbor'), ...over }).flat();
const presentArgs = (elements: string, over: Record<string, string> = {}) =>
  Object.entries({ '--mdoc': f('is.cbor'), '--elements': elements, '--device-key': f('device-key.pem'), '--transcript': f('session-transcript.cbor'), '-o': f('out.cbor'), ...over }).flat();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shomei-cli-errors-'));
  expect((await run('pki', '--out', dir)).code).toBe(0);
  writeFileSync(f('data.json'), JSON.stringify(DATA));
  writeFileSync(f('bad.json'), '{"org.iso.18013.5.1": {');
  writeFileSync(f('garbage.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  writeFileSync(f('garbage.der'), Uint8Array.of(0x30, 0x03, 0x02, 0x01));
  writeFileSync(f('not-a-key.pem'), 'hello');
  mkdirSync(f('empty-dir'));
  const issued = await run('issue', ...issueArgs());
  expect(issued.err).toBe('');
});

describe('shomei --version', () => {
  it('prints the package version and exits 0', async () => {
    for (const flag of ['--version', '-V', 'version']) {
      const r = await run(flag);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`shomei ${pkg.version}\n`);
    }
    expect((await run('--help')).out).toContain('shomei --version');
  });

  it('does not take an inherited property for a command', async () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const r = await run(name);
      expect(r.code, name).toBe(2);
      expect(r.err).toContain(`unknown command '${name}'`);
    }
  });
});

describe('exit 1 for invalid input, 2 for usage only', () => {
  it('a bad certificate file is invalid input (1), with the parser’s code', async () => {
    for (const cert of [f('garbage.pem'), f('garbage.der'), f('data.json')]) {
      const r = await run('issue', ...issueArgs({ '--issuer-cert': cert }));
      expect(r.code, cert).toBe(1);
      expect(r.err).toMatch(new RegExp(`^shomei issue: ERR_[A-Z0-9_]+: .*${cert.replace(/[.\\/]/g, '\\$&')}: not a certificate`));
      expect(r.err).not.toContain('--help');
    }
  });

  it('a bad JSON data file is invalid input (1)', async () => {
    const r = await run('issue', ...issueArgs({ '--data': f('bad.json') }));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${f('bad.json')}: not JSON`);
  });

  it('a bad key file, or a public key where a private one is needed, is invalid input (1)', async () => {
    const bad = await run('issue', ...issueArgs({ '--issuer-key': f('not-a-key.pem') }));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('not a supported private key');
    const pub = await run('issue', ...issueArgs({ '--issuer-key': f('device.pub.pem') }));
    expect(pub.code).toBe(1);
    expect(pub.err).toContain('holds a public key; a private key is needed');
    expect((await run('issue', ...issueArgs({ '--device-key': f('not-a-key.pem') }))).code).toBe(1);
  });

  it('a trust directory without certificates is invalid input (1)', async () => {
    const r = await run('verify', f('is.cbor'), '--trust', f('empty-dir'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('no trust anchor certificates found');
  });

  it('bad --hex or --base64url data is invalid input (1)', async () => {
    expect((await run('inspect', '--hex', 'abc')).code).toBe(1);
    const b64 = await run('inspect', '--base64url', '!!!');
    expect(b64.code).toBe(1);
    expect(b64.err).toMatch(/^shomei inspect: --base64url: /);
  });

  it('usage errors stay 2: a missing file, an unknown option, an output path that cannot be written', async () => {
    expect((await run('issue', ...issueArgs({ '--data': f('missing.json') }))).code).toBe(2);
    expect((await run('issue', ...issueArgs(), '--frobnicate')).code).toBe(2);
    const digest = await run('issue', ...issueArgs({ '--digest': 'SHA-1' }));
    expect(digest.code).toBe(2);
    expect(digest.err).toContain('--digest must be SHA-256, SHA-384 or SHA-512, got SHA-1');
    const out = await run('issue', ...issueArgs({ '-o': f('no/such/dir/is.cbor') }));
    expect(out.code).toBe(2);
    expect(out.err).toBe(`shomei issue: cannot open ${f('no/such/dir/is.cbor')}: ENOENT\n`);
  });
});

describe('shomei present --elements', () => {
  it('an element name that matches nothing is an error naming it, and nothing is written', async () => {
    const r = await run('present', ...presentArgs('org.iso.18013.5.1/family_name,org.iso.18013.5.1/nonexistent,org.example/x'));
    expect(r.code).toBe(1);
    expect(r.err).toBe('shomei present: --elements: no document (org.iso.18013.5.1.mDL) holds org.iso.18013.5.1/nonexistent, org.example/x\n');
    expect(existsSync(f('out.cbor'))).toBe(false);
    const proto = await run('present', ...presentArgs('__proto__/x'));
    expect(proto.code).toBe(1);
    expect(proto.err).toContain('holds __proto__/x');
  });

  it('names that match are disclosed as before', async () => {
    const r = await run('present', ...presentArgs('org.iso.18013.5.1/family_name,org.iso.18013.5.1/age_over_18', { '-o': f('ok.cbor') }));
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 document(s), 2 element(s) disclosed');
  });
});

describe('PEM where CBOR is expected', () => {
  it('inspect and present say that it is a PEM certificate, exit 1', async () => {
    const r = await run('inspect', f('ds.pem'));
    expect(r.code).toBe(1);
    expect(r.err).toBe(`shomei inspect: ${f('ds.pem')} is a PEM certificate, not CBOR: give the binary CBOR item (a file, -, --hex or --base64url)\n`);
    const key = await run('engagement', f('ds-key.pem'));
    expect(key.code).toBe(1);
    expect(key.err).toContain('is PEM text (PRIVATE KEY), not CBOR');
    const p = await run('present', ...presentArgs('org.iso.18013.5.1/family_name', { '--mdoc': f('iaca.pem') }));
    expect(p.code).toBe(1);
    expect(p.err).toContain(`${f('iaca.pem')} is a PEM certificate, not CBOR`);
  });
});

describe('shomei inspect: --json and UTF-8', () => {
  const name = '山田　花子';
  const item = encode(new Map<string, string>([['full_name_unicode', name]]));

  it('--json works like --format json (and like every other command’s --json)', async () => {
    const json = await run('inspect', '--json', '--hex', Buffer.from(item).toString('hex'));
    expect(json.code).toBe(0);
    expect(json.out).toBe((await run('inspect', '--format', 'json', '--hex', Buffer.from(item).toString('hex'))).out);
    expect(JSON.parse(json.out)).toEqual({ full_name_unicode: name });
    expect(json.out).toContain(name);
    expect((await run('inspect', '--json', '--format', 'diag', '--hex', '00')).code).toBe(2);
    expect((await run('inspect', '--json', '--format', 'json', '--hex', '00')).code).toBe(0);
  });

  // Needs `DiagnoseOptions.unicode` in src/cbor/diagnose.ts (the cbor branch): until it
  // lands, diagnose escapes every non-ASCII character and this test fails as expected.
  // Once it lands, remove `.fails`.
  it('diagnostic notation prints text as UTF-8, 山田　花子 not \\u5c71\\u7530…', async () => {
    const r = await run('inspect', '--compact', '--hex', Buffer.from(item).toString('hex'));
    expect(r.out).toBe(`{"full_name_unicode": "${name}"}\n`);
  });
});

describe('Deno without permissions', () => {
  it('says which permission to grant instead of "internal error", exit 2', async () => {
    for (const [errorName, flag] of [
      ['NotCapable', '--allow-read'],
      ['PermissionDenied', '--allow-write'],
    ] as const) {
      const denied = Object.assign(new Error(`Requires ${flag.slice(8)} access to "x.cbor", run again with the ${flag} flag`), { name: errorName });
      let err = '';
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
        err += String(chunk);
        return true;
      });
      const code = await runCommand('inspect', {
        summary: '',
        help: '',
        run: () => Promise.reject(denied),
      }, []);
      vi.restoreAllMocks();
      expect(code).toBe(2);
      expect(err).toContain(`shomei inspect: Deno refused a permission: ${denied.message}`);
      expect(err).toContain(`Run it with ${flag}`);
    }
  });
});

describe('a closed standard output (shomei inspect … | head)', () => {
  it('ends quietly: no stack trace, the command’s own exit code', async () => {
    const n = 20_000;
    const big = join(dir, 'big.cbor');
    writeFileSync(big, encode(Array.from({ length: n }, () => 'abc')));
    // tsx registers its loader with module.register(), which Node 26 deprecates (DEP0205): that
    // warning is the test harness's, not the CLI's, so it alone is silenced.
    const child = spawn(process.execPath, ['--disable-warning=DEP0205', '--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'inspect', big], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += String(d);
    });
    // Read the first chunk, then close the pipe as `head` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});
