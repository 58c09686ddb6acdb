/**
 * `shomei jpki`: the My Number Card's JPKI-AP from the command line — token and PIN status,
 * certificates, raw signatures, detached CMS signatures — and `jpki simulate`, which puts
 * the virtual card behind pcscd's vpcd reader.
 *
 * PINs never come from argv: a no-echo prompt on a terminal, or one line per PIN on
 * standard input with `--pin-stdin`. They are never printed or logged.
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HashAlg } from '../crypto/types.js';
import type { OcspTransport } from '../x509/ocsp-check.js';
import { derToPem } from '../x509/pem.js';
import { isShomeiError } from '../errors.js';
import { decodeJpkiCertificate } from '../jpki/certificates.js';
import { MyNumberCard } from '../jpki/my-number-card.js';
import { authCertificateNeedsPin, type TokenKind } from '../jpki/token.js';
import { openPcscTransport, type PcscOptions } from '../jpki/pcsc.js';
import { DEFAULT_TEST_IDENTITY, createVirtualMyNumberCard, connectVpcd, VIRTUAL_CARD_ATR_HEX } from '../jpki/simulator/index.js';
import { verificationCodeB } from '../jpki/verification-code.js';
import type { CardTransport } from '../jpki/transport.js';
import { type Command, flag, parse, printable, readInput, str, UsageError } from './io.js';
import { httpOcspTransport, JPKI_VERIFY_HELP, verifyAuthCommand, verifyCmsCommand } from './jpki-verify.js';

/** Reads one PIN for a prompt; injectable for tests. */
export type PinReader = (prompt: string) => Promise<string>;

/** A card session the subcommands use: a transport and how to close it. */
export interface CardSession {
  readonly transport: CardTransport;
  close(): Promise<void>;
}

/** What the JPKI commands depend on (replaced in tests). */
export interface JpkiCliDeps {
  readonly openCard: (options: { reader?: string; virtual: boolean; android?: boolean }) => Promise<CardSession>;
  readonly pinReader: (fromStdin: boolean) => PinReader;
  readonly out: (text: string) => void;
  /** OCSP transport of `verify-auth` / `verify-cms` (default HTTP POST). */
  readonly ocspTransport?: OcspTransport;
}

let stdinLines: string[] | undefined;

/** One line of standard input per call (all of stdin is read on the first call). */
function stdinPin(): Promise<string> {
  stdinLines ??= readFileSync(0, 'utf8').split(/\r?\n/);
  const line = stdinLines.shift();
  if (line === undefined || line === '') throw new UsageError('--pin-stdin: no more lines on standard input');
  return Promise.resolve(line);
}

/** A no-echo prompt on the terminal. */
function promptPin(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new UsageError('no terminal to ask for the PIN: pass --pin-stdin and write it on standard input');
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * Open the card a command uses: the virtual one, or PC/SC (`pcsclite` injectable for tests).
 * Both are opened and closed the same way. Throws `ApduError` `ERR_APDU_TRANSPORT` when
 * PC/SC is unavailable (pcsclite not installed, pcscd not running), which the CLI prints
 * with its code.
 */
export async function openCardSession(options: { reader?: string; virtual: boolean; android?: boolean }, pcsc: Pick<PcscOptions, 'pcsclite' | 'timeoutMs'> = {}): Promise<CardSession> {
  const transport = options.virtual
    ? await createVirtualMyNumberCard(options.android === true ? { token: 'android' } : {})
    : await openPcscTransport({ ...pcsc, ...(options.reader === undefined ? {} : { reader: options.reader }) });
  return { transport, close: () => transport.close() };
}

/** The real dependencies: PC/SC (or the virtual card), stdin or terminal, stdout. */
export const defaultDeps: JpkiCliDeps = {
  openCard: (options) => openCardSession(options),
  pinReader: (fromStdin) => (fromStdin ? () => stdinPin() : promptPin),
  out: (text) => process.stdout.write(printable(text)),
};

/** Options every card subcommand takes. */
export const CARD_OPTIONS = {
  reader: { type: 'string' },
  virtual: { type: 'boolean', default: false },
  android: { type: 'boolean', default: false },
  'pin-stdin': { type: 'boolean', default: false },
  'allow-last-try': { type: 'boolean', default: false },
} as const;

/** Open the card, run `f`, close the card. */
export async function withCard<T>(deps: JpkiCliDeps, args: ReturnType<typeof parse>, f: (card: MyNumberCard, transport: CardTransport) => Promise<T>): Promise<T> {
  const reader = str(args, 'reader');
  const android = flag(args, 'android');
  if (android && !flag(args, 'virtual')) throw new UsageError('--android selects the virtual Android token: use it with --virtual');
  const session = await deps.openCard({ ...(reader === undefined ? {} : { reader }), virtual: flag(args, 'virtual'), ...(android ? { android } : {}) });
  try {
    return await f(new MyNumberCard(session.transport), session.transport);
  } finally {
    await session.close();
  }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const AUTH_PIN_PROMPT = 'User authentication PIN (4 digits): ';

/**
 * The auth certificate, asking for the auth PIN where the token needs it: at once for a
 * token known to (the Android token, `kind`), or when the read answers
 * `ERR_JPKI_PIN_REQUIRED` (a token nobody has documented).
 */
async function readAuthCertificateAsking(card: MyNumberCard, kind: TokenKind | undefined, readPin: PinReader, allowLastTry: boolean): Promise<Uint8Array> {
  if (kind !== undefined && authCertificateNeedsPin(kind)) return card.readAuthCertificate({ pin: await readPin(AUTH_PIN_PROMPT), allowLastTry });
  try {
    return await card.readAuthCertificate();
  } catch (e) {
    if (!isShomeiError(e, 'ERR_JPKI_PIN_REQUIRED')) throw e;
    return card.readAuthCertificate({ pin: await readPin(AUTH_PIN_PROMPT), allowLastTry });
  }
}

function certSummary(der: Uint8Array) {
  const info = decodeJpkiCertificate(der);
  return {
    kind: info.kind,
    subject: info.certificate.subject.text,
    issuer: info.certificate.issuer.text,
    serialNumber: info.certificate.serialNumber,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
  };
}

function parseHash(value: string | undefined): HashAlg {
  const hash = (value ?? 'SHA-256').toUpperCase().replace(/^SHA(\d)/, 'SHA-$1');
  if (hash !== 'SHA-1' && hash !== 'SHA-256' && hash !== 'SHA-384' && hash !== 'SHA-512') throw new UsageError(`unknown hash ${value}`);
  return hash;
}

function parseHostPort(value: string | undefined): { host: string; port: number } {
  if (value === undefined || value === '') return { host: '127.0.0.1', port: 35963 };
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(value);
  const port = Number(m?.[3] ?? 35963);
  if (m === null || !Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`bad vpcd address ${value}; expected host[:port]`);
  return { host: m[1] ?? m[2]!, port };
}

const HELP = `
Usage: shomei jpki <subcommand> [options]

The My Number Card's JPKI-AP (公的個人認証AP) through a PC/SC reader.

  info                       token, certificate availability, PIN tries, auth certificate
                             (an Android smartphone token asks for the auth PIN first)
  certs [--out DIR] [--sign] the auth, auth CA and sign CA certificates (and with --sign the
                             sign certificate, which needs the signature password); PEM on
                             stdout, or DER files in DIR; the auth PIN is asked for where the
                             token reads the auth certificate only after it (Android)
  sign --key auth|sign --in FILE --out SIG [--hash SHA-256]
                             RSASSA-PKCS1-v1_5 signature of FILE made on the card
  cms-sign --in FILE --out FILE.p7s [--include-ca]
                             detached CMS SignedData with the signature key
                             (openssl cms -verify -binary -inform DER -content FILE …)
  pin-status                 tries left for every PIN, without spending one
  simulate --vpcd [HOST:PORT]
                             serve the virtual test card to pcscd's vpcd driver
                             (default 127.0.0.1:35963); prints one JSON line with the
                             TEST identity and PINs, then runs until killed
${JPKI_VERIFY_HELP}
Options for the card subcommands:
  --reader NAME      use the first reader whose name contains NAME
  --virtual          use the built-in virtual TEST card instead of a reader
  --android          with --virtual: the virtual Android smartphone token (JPKIAPGPSETOKEN)
  --pin-stdin        read PINs from standard input, one line each (else a no-echo prompt)
  --allow-last-try   send a PIN even when only one try is left (otherwise refused)

PINs are never accepted as arguments and never printed.
Exit status: 0 done, 1 card or data error (the error code is printed), 2 usage.
`;

/** `shomei jpki` with injectable dependencies (tests). */
export function jpkiCommand(deps: JpkiCliDeps = defaultDeps): Command {
  return {
    summary: 'My Number Card JPKI: certificates, signatures, CMS, PIN status, simulator',
    help: HELP,
    async run(argv) {
      const [sub, ...rest] = argv;
      switch (sub) {
        case 'info': {
          const args = parse(rest, CARD_OPTIONS, false);
          const readPin = deps.pinReader(flag(args, 'pin-stdin'));
          await withCard(deps, args, async (card) => {
            const token = await card.readTokenInfo();
            const availability = await card.readCertificateAvailability();
            const pins = await card.pinStatus();
            const auth = availability.auth ? certSummary(await readAuthCertificateAsking(card, token.kind, readPin, flag(args, 'allow-last-try'))) : null;
            deps.out(json({ token, certificates: { auth: availability.auth, sign: availability.sign }, pins, authCertificate: auth }));
          });
          return 0;
        }
        case 'certs': {
          const args = parse(rest, { ...CARD_OPTIONS, out: { type: 'string' }, sign: { type: 'boolean', default: false } }, false);
          const readPin = deps.pinReader(flag(args, 'pin-stdin'));
          const allowLastTry = flag(args, 'allow-last-try');
          const certs = await withCard(deps, args, async (card) => {
            const list: [string, Uint8Array][] = [
              ['auth', await readAuthCertificateAsking(card, undefined, readPin, allowLastTry)],
              ['auth-ca', await card.readAuthCaCertificate()],
              ['sign-ca', await card.readSignCaCertificate()],
            ];
            if (flag(args, 'sign')) list.push(['sign', await card.readSignCertificate(await readPin('Signature password: '), { allowLastTry })]);
            return list;
          });
          const dir = str(args, 'out');
          if (dir === undefined) {
            for (const [, der] of certs) deps.out(derToPem(der));
          } else {
            mkdirSync(dir, { recursive: true });
            for (const [name, der] of certs) writeFileSync(join(dir, `${name}.der`), der);
            deps.out(json(Object.fromEntries(certs.map(([name, der]) => [name, { file: join(dir, `${name}.der`), ...certSummary(der) }]))));
          }
          return 0;
        }
        case 'sign': {
          const args = parse(rest, { ...CARD_OPTIONS, key: { type: 'string' }, in: { type: 'string' }, out: { type: 'string' }, hash: { type: 'string' } }, false);
          const key = str(args, 'key');
          const input = str(args, 'in');
          const output = str(args, 'out');
          if (key !== 'auth' && key !== 'sign') throw new UsageError('--key must be auth or sign');
          if (input === undefined || output === undefined) throw new UsageError('--in FILE and --out SIG are required');
          const hash = parseHash(str(args, 'hash'));
          const data = readInput(input);
          const pin = await deps.pinReader(flag(args, 'pin-stdin'))(key === 'auth' ? 'User authentication PIN (4 digits): ' : 'Signature password: ');
          const options = { hash, allowLastTry: flag(args, 'allow-last-try') };
          const signature = await withCard(deps, args, (card) => (key === 'auth' ? card.signWithAuthKey(data, pin, options) : card.signWithSignKey(data, pin, options)));
          writeFileSync(output, signature);
          deps.out(json({ key, hash, signature: output, bytes: signature.length }));
          return 0;
        }
        case 'cms-sign': {
          const args = parse(rest, { ...CARD_OPTIONS, in: { type: 'string' }, out: { type: 'string' }, 'include-ca': { type: 'boolean', default: false } }, false);
          const input = str(args, 'in');
          const output = str(args, 'out');
          if (input === undefined || output === undefined) throw new UsageError('--in FILE and --out FILE.p7s are required');
          const data = readInput(input);
          const pin = await deps.pinReader(flag(args, 'pin-stdin'))('Signature password: ');
          const p7s = await withCard(deps, args, (card) => card.cmsSign(data, pin, { allowLastTry: flag(args, 'allow-last-try'), includeCaCertificate: flag(args, 'include-ca') }));
          writeFileSync(output, p7s);
          deps.out(json({ cms: output, bytes: p7s.length }));
          return 0;
        }
        case 'pin-status': {
          const args = parse(rest, CARD_OPTIONS, false);
          await withCard(deps, args, async (card) => deps.out(json(await card.pinStatus())));
          return 0;
        }
        case 'simulate': {
          const args = parse(rest, { vpcd: { type: 'boolean', default: false } }, true);
          if (!flag(args, 'vpcd') || args.positionals.length > 1) throw new UsageError('simulate needs --vpcd [HOST:PORT]');
          const { host, port } = parseHostPort(args.positionals[0]);
          const card = await createVirtualMyNumberCard();
          const id = DEFAULT_TEST_IDENTITY;
          const codeB = verificationCodeB({ birthDate: id.birthDate, expiryYear: Number(id.expiryDate.slice(0, 4)), securityCode: id.securityCode });
          const connection = await connectVpcd(card, { host, port, onEvent: (e) => process.stderr.write(`shomei jpki simulate: vpcd ${e}\n`) });
          deps.out(
            `${JSON.stringify({
              simulator: 'shomei VirtualMyNumberCard (TEST ONLY)',
              vpcd: `${host}:${port}`,
              atr: VIRTUAL_CARD_ATR_HEX,
              identity: { myNumber: id.myNumber, name: id.name, address: id.address, birthDate: id.birthDate, sex: id.sex, expiryDate: id.expiryDate, securityCode: id.securityCode },
              pins: { auth: id.pins.auth, sign: id.pins.sign, support: id.pins.support, juki: id.pins.juki, codeA: id.myNumber, codeB },
            })}\n`,
          );
          await new Promise<void>((resolve) => {
            const stop = () => {
              void connection.close().then(resolve);
            };
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
          });
          return 0;
        }
        case 'verify-auth':
          return verifyAuthCommand(rest, { out: deps.out, transport: deps.ocspTransport ?? httpOcspTransport });
        case 'verify-cms':
          return verifyCmsCommand(rest, { out: deps.out, transport: deps.ocspTransport ?? httpOcspTransport });
        default:
          throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand ${sub}`);
      }
    },
  };
}

/** `shomei jpki`. */
export const jpki: Command = jpkiCommand();
