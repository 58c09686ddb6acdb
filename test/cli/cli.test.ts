import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli as run } from '../helpers/cli.js';
import { annexDBytes } from '../helpers/annex-d.js';


afterEach(() => vi.restoreAllMocks());

describe('shomei (top level)', () => {
  it('lists the commands on --help and exits 2 without a command', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('inspect');
    expect(help.out).toContain('vectors');
    expect((await run()).code).toBe(2);
    const unknown = await run('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'frobnicate'");
  });
});

describe('shomei inspect', () => {
  it('prints diagnostic notation from --hex, --base64url, a file and a tag 24 item unwrapped', async () => {
    expect((await run('inspect', '--hex', 'a10102', '--compact')).out).toBe('{1: 2}\n');
    expect((await run('inspect', '--base64url', 'oQEC', '--compact')).out).toBe('{1: 2}\n');
    const file = join(tmpdir(), `shomei-inspect-${process.pid}.cbor`);
    writeFileSync(file, annexDBytes('device_engagement_qr'));
    const r = await run('inspect', file);
    expect(r.code).toBe(0);
    expect(r.out).toContain('24(<<{');
    expect(r.out).toContain("h'5a88d182");
  });

  it('prints readable JSON: bytes as {"$bytes": base64}, dates as text', async () => {
    const r = await run('inspect', '--format', 'json', '--hex', 'a201420102616bd903ec6a323031392d31302d3230');
    expect(JSON.parse(r.out)).toEqual({ '1': { $bytes: 'AQI=' }, k: '2019-10-20' });
  });

  it('prints one line with the code and exits 1 on bad input, 2 on usage errors', async () => {
    const bad = await run('inspect', '--hex', 'a201000100');
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('shomei inspect: ERR_CBOR_DUPLICATE_KEY: duplicate map key 1 (at byte 3)\n');
    expect((await run('inspect')).code).toBe(2);
    // Bad hex is invalid input, not a usage error.
    expect((await run('inspect', '--hex', 'zz')).code).toBe(1);
    expect((await run('inspect', '--hex', '00', '--format', 'xml')).code).toBe(2);
    expect((await run('inspect', '--nope')).code).toBe(2);
    expect((await run('inspect', '/no/such/file')).code).toBe(2);
    expect((await run('inspect', '--help')).out).toContain('Usage: shomei inspect');
  });
});

describe('shomei vectors', () => {
  it('runs every bundled suite with no failure and reports JSON', async () => {
    const r = await run('vectors', '--json');
    const report = JSON.parse(r.out) as { ok: boolean; passed: number; failed: number; suites: { name: string; failed: number }[] };
    expect(r.code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.failed).toBe(0);
    expect(report.passed).toBeGreaterThan(3000);
    expect(report.suites.map((s) => s.name)).toContain('RFC 8949 Appendix F (not well-formed: rejected)');
    expect(report.suites.map((s) => s.name)).toContain('ISO/IEC 18013-5 Annex D (COSE, mdoc, session)');
    expect(report.suites.filter((s) => s.name.startsWith('ISO')).every((s) => s.failed === 0)).toBe(true);
  });
});
