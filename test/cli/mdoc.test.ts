import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { printable } from '../../src/cli/io.js';
import { encode } from '../../src/cbor/index.js';
import { annexDBytes } from '../helpers/annex-d.js';
import { runCli as run } from '../helpers/cli.js';


afterEach(() => vi.restoreAllMocks());

const DATA = {
  'org.iso.18013.5.1': {
    family_name: 'Yamada',
    given_name: 'Taro',
    birth_date: '1990-04-01',
    issue_date: '2025-04-01',
    expiry_date: '2030-04-01',
    issuing_country: 'JP',
    issuing_authority: 'Tokyo',
    document_number: '123456',
    portrait: '/9j/4AAQSkZJRg==',
    driving_privileges: [{ vehicle_category_code: 'B', issue_date: '2020-01-01' }],
    un_distinguishing_sign: 'J',
    age_over_18: true,
  },
};

describe('shomei pki → issue → present → verify', () => {
  it('round-trips with deviceSignature and deviceMac, and verify exits 1 when a check fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shomei-cli-'));
    const f = (name: string) => join(dir, name);
    expect((await run('pki', '--out', dir)).code).toBe(0);
    writeFileSync(f('data.json'), JSON.stringify(DATA));
    const issued = await run('issue', '--doctype', 'org.iso.18013.5.1.mDL', '--data', f('data.json'), '--issuer-key', f('ds-key.pem'), '--issuer-cert', f('ds.pem'), '--device-key', f('device.pub.pem'), '-o', f('is.cbor'));
    expect(issued.err).toBe('');
    expect(issued.code).toBe(0);

    const elements = 'org.iso.18013.5.1/family_name,org.iso.18013.5.1/birth_date,org.iso.18013.5.1/age_over_18';
    expect((await run('present', '--mdoc', f('is.cbor'), '--elements', elements, '--device-key', f('device-key.pem'), '--transcript', f('session-transcript.cbor'), '-o', f('sig.cbor'))).code).toBe(0);
    const verified = await run('verify', f('sig.cbor'), '--trust', f('iaca.pem'), '--transcript', f('session-transcript.cbor'), '--json');
    expect(verified.code).toBe(0);
    const report = JSON.parse(verified.out) as { valid: boolean; documents: { issuerSigned: Record<string, Record<string, unknown>> }[] };
    expect(report.valid).toBe(true);
    expect(report.documents[0]!.issuerSigned['org.iso.18013.5.1']).toEqual({ family_name: 'Yamada', birth_date: '1990-04-01', age_over_18: true });

    const macArgs = ['--mac', '--reader-key', f('reader-ephemeral.pub.pem')];
    expect((await run('present', '--mdoc', f('is.cbor'), '--elements', elements, '--device-key', f('device-key.pem'), '--transcript', f('session-transcript.cbor'), ...macArgs, '-o', f('mac.cbor'))).code).toBe(0);
    const mac = await run('verify', f('mac.cbor'), '--trust', dir, '--transcript', f('session-transcript.cbor'), '--reader-key', f('reader-ephemeral-key.pem'));
    expect(mac.code).toBe(0);
    expect(mac.out).toContain('DEVICE_AUTH  (deviceMac)');
    // Without the reader key the MAC cannot be checked: not valid, exit 1.
    const noKey = await run('verify', f('mac.cbor'), '--trust', f('iaca.pem'), '--transcript', f('session-transcript.cbor'));
    expect(noKey.code).toBe(1);
    expect(noKey.out).toContain('FAIL DEVICE_AUTH');
    // The wrong anchor: exit 1.
    expect((await run('verify', f('sig.cbor'), '--trust', f('reader-root.pem'), '--transcript', f('session-transcript.cbor'))).code).toBe(1);
    // inspect recognises the structures.
    expect((await run('inspect', f('sig.cbor'))).out).toContain('"documents"');
  });

  it("verifies a ProximityReader response: the transcript as a byte string, the reader key as its raw bytes (Annex D's deviceMac)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shomei-cli-prox-'));
    const f = (name: string) => join(dir, name);
    writeFileSync(f('response.cbor'), annexDBytes('device_response'));
    writeFileSync(f('iaca.der'), annexDBytes('iaca_cert'));
    writeFileSync(f('transcript.bin'), encode(annexDBytes('session_transcript')));
    writeFileSync(f('reader.key'), annexDBytes('e_reader_key_d'));
    writeFileSync(f('other.key'), annexDBytes('e_device_key_d'));
    const common = [f('response.cbor'), '--trust', f('iaca.der'), '--transcript', f('transcript.bin'), '--at', '2020-10-01T13:30:02Z', '--waive', 'DS_CRL_DP'];
    const ok = await run('verify', ...common, '--reader-key', f('reader.key'));
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('DEVICE_AUTH  (deviceMac)');
    // Another session's key is not read as this one: bad input, exit 1, with the reason.
    const other = await run('verify', ...common, '--reader-key', f('other.key'));
    expect(other.code).toBe(1);
    expect(other.err).toContain('is not the private key of');
  });

  it('gives usage errors exit 2', async () => {
    expect((await run('verify')).code).toBe(2);
    expect((await run('verify', 'x.cbor')).code).toBe(2);
    expect((await run('issue', '--doctype', 'x')).code).toBe(2);
    expect((await run('present', '--mdoc', 'a', '--elements', 'nodelimiter', '--device-key', 'k', '--transcript', 't', '-o', 'o')).code).toBe(2);
  });
});

describe('what the CLI prints for people', () => {
  it('writes control characters from the other side as \\uXXXX: no escape sequence reaches the terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shomei-cli-esc-'));
    const f = (name: string) => join(dir, name);
    expect((await run('pki', '--out', dir)).code).toBe(0);
    // An element value that would retitle the window, write the clipboard (OSC 52) and clear
    // the screen (in a namespace of its own: the mDL profile keeps its names to Latin-1).
    const hostile = '\u001b]0;pwned\u0007\u001b]52;c;ZWNobyBoaQ==\u0007\u001b[2J\u009b31m\u202e';
    writeFileSync(f('data.json'), JSON.stringify({ ...DATA, 'org.example.wallet': { note: hostile } }));
    expect((await run('issue', '--doctype', 'org.iso.18013.5.1.mDL', '--data', f('data.json'), '--issuer-key', f('ds-key.pem'), '--issuer-cert', f('ds.pem'), '--device-key', f('device.pub.pem'), '-o', f('is.cbor'))).code).toBe(0);
    expect((await run('present', '--mdoc', f('is.cbor'), '--elements', 'org.example.wallet/note', '--device-key', f('device-key.pem'), '--transcript', f('session-transcript.cbor'), '-o', f('sig.cbor'))).code).toBe(0);
    const r = await run('verify', f('sig.cbor'), '--trust', f('iaca.pem'), '--transcript', f('session-transcript.cbor'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('note: \\u001b]0;pwned\\u0007\\u001b]52;c;ZWNobyBoaQ==\\u0007\\u001b[2J\\u009b31m\\u202e');
    expect(r.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    // JSON output escapes them as JSON does.
    expect((await run('verify', f('sig.cbor'), '--trust', f('iaca.pem'), '--transcript', f('session-transcript.cbor'), '--json')).out).toContain('\\u001b]0;pwned');
  });

  it('printable leaves text, tabs, newlines and CJK alone', () => {
    expect(printable('山田\t太郎\nYamada')).toBe('山田\t太郎\nYamada');
    expect(printable('a\u0000b\u007fc\u2028d\u2066')).toBe('a\\u0000b\\u007fc\\u2028d\\u2066');
  });
});
