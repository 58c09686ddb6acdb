/**
 * CLI plumbing: reading inputs, printing, and turning errors into one line and an exit
 * code: 0 success; 1 invalid input (a file that is not the certificate, key, JSON or CBOR
 * it should be, bad hex) or a failed check; 2 usage (a missing or unknown option, a file
 * that cannot be read or written, a permission the runtime refused).
 */

import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ShomeiError } from '../errors.js';
import { fromBase64, fromHex } from '../internal/bytes.js';

/** Control characters a terminal may act on (C0 but tab and newline, DEL, C1), line and paragraph separators, and bidirectional overrides and isolates. */
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with each character a terminal could act on written as `\uXXXX`: what the CLI prints
 * for people holds strings from the other side (element values, certificate names, error
 * messages quoting input), and an escape sequence among them could retitle the window,
 * clear the screen or, on some terminals, write the clipboard.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A usage error: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Invalid input data (exit code 1): printed as one line, with its error code when it has one. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** A subcommand: its one-line summary, its help text and what it does. */
export interface Command {
  readonly summary: string;
  readonly help: string;
  run(argv: string[]): Promise<number>;
}

/** Parsed arguments: option values by name, and the positionals. */
export interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  readonly positionals: string[];
}

/** Parse `argv` with node:util parseArgs (strict), turning its errors into UsageError. */
export function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>, allowPositionals = true): ParsedArgs {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A string option's value (or undefined). */
export function str(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A repeatable string option's values. */
export function strs(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

/** A boolean option's value. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** Whether to colour output (the QR code): standard output is a terminal and NO_COLOR is not set (https://no-color.org). */
export function colorTerminal(): boolean {
  return process.stdout.isTTY === true && (process.env.NO_COLOR ?? '') === '';
}

/** Read all of standard input. */
export function readStdin(): Uint8Array {
  return new Uint8Array(readFileSync(0));
}

/** Read a file, or standard input for `-`; a missing file is a usage error. */
export function readInput(path: string): Uint8Array {
  if (path === '-') return readStdin();
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    if (denoPermission(e) !== undefined) throw e;
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The type named by a PEM armour line at the start of `bytes` (`CERTIFICATE`, `PRIVATE KEY` …), if any. */
export function pemLabel(bytes: Uint8Array): string | undefined {
  const head = String.fromCharCode(...bytes.subarray(0, 80));
  return /^\s*-----BEGIN ([A-Z0-9 ]{1,40})-----/.exec(head)?.[1];
}

/** Refuse PEM text where binary CBOR is expected, saying so: `where` names the input. */
export function assertNotPem(bytes: Uint8Array, where: string): Uint8Array {
  const label = pemLabel(bytes);
  if (label === undefined) return bytes;
  const what = label === 'CERTIFICATE' ? 'a PEM certificate' : `PEM text (${label})`;
  throw new InputError(`${where} is ${what}, not CBOR: give the binary CBOR item (a file, -, --hex or --base64url)`);
}

/** Read a CBOR item from a file or `-`, refusing PEM text with a message that says so. */
export function readCbor(path: string): Uint8Array {
  return assertNotPem(readInput(path), path === '-' ? 'standard input' : path);
}

/** The bytes of an item given as a file, `-`, `--hex` or `--base64url` (exactly one). */
export function readItem(positionals: string[], values: { hex?: string | undefined; base64url?: string | undefined }): Uint8Array {
  const sources = [positionals.length > 0, values.hex !== undefined, values.base64url !== undefined].filter(Boolean).length;
  if (sources !== 1 || positionals.length > 1) throw new UsageError('give exactly one input: FILE, -, --hex HEX or --base64url B64');
  try {
    if (values.hex !== undefined) return fromHex(values.hex.replace(/\s+/g, ''));
    if (values.base64url !== undefined) return fromBase64(values.base64url.trim());
  } catch (e) {
    throw new InputError(`${values.hex !== undefined ? '--hex' : '--base64url'}: ${(e as Error).message}`);
  }
  return readCbor(positionals[0]!);
}

/**
 * The permission Deno refused, when `e` is Deno's PermissionDenied (Deno 1) or
 * NotCapable (Deno 2) error: its message names the flag, e.g. `--allow-read`.
 */
export function denoPermission(e: unknown): { flag: string | undefined; message: string } | undefined {
  if (!(e instanceof Error) || (e.name !== 'NotCapable' && e.name !== 'PermissionDenied')) return undefined;
  return { flag: /--allow-[a-z-]+/.exec(e.message)?.[0], message: e.message };
}

/** A file system error from node:fs (ENOENT, EACCES, EISDIR …) with the path it concerns. */
function fsError(e: unknown): { code: string; path: string; syscall: string } | undefined {
  if (!(e instanceof Error)) return undefined;
  const { code, path, syscall } = e as NodeJS.ErrnoException;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && typeof path === 'string' && typeof syscall === 'string' ? { code, path, syscall } : undefined;
}

/** A ShomeiError's input is invalid (1); errors the CLI does not know are rethrown (internal errors). */
function report(name: string, e: unknown): number {
  const out = (line: string) => process.stderr.write(`shomei ${name}: ${printable(line)}\n`);
  if (e instanceof UsageError) {
    out(`${e.message}\nRun 'shomei ${name} --help' for usage.`);
    return 2;
  }
  if (e instanceof InputError) {
    out(e.code === undefined ? e.message : `${e.code}: ${e.message}`);
    return 1;
  }
  if (e instanceof ShomeiError) {
    out(`${e.code}: ${e.message}`);
    return 1;
  }
  const denied = denoPermission(e);
  if (denied !== undefined) {
    const grant = denied.flag === undefined ? 'the permission it names' : denied.flag;
    out(`Deno refused a permission: ${denied.message}\nRun it with ${grant} (for example: deno run --allow-read --allow-write --allow-env npm:shomei …).`);
    return 2;
  }
  const fs = fsError(e);
  if (fs !== undefined) {
    out(`cannot ${fs.syscall} ${fs.path}: ${fs.code}`);
    return 2;
  }
  throw e;
}

/** Run a command, printing errors as one line; returns the exit code. */
export async function runCommand(name: string, command: Command, argv: string[]): Promise<number> {
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(`${command.help.trim()}\n`);
      return 0;
    }
    return await command.run(argv);
  } catch (e) {
    return report(name, e);
  }
}
