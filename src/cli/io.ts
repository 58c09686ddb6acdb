/**
 * CLI plumbing: reading inputs, printing, and turning errors into one line and an exit
 * code (0 success, 1 invalid input or failed check, 2 usage).
 */

import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ShomeiError } from '../errors.js';
import { fromBase64, fromHex } from '../internal/bytes.js';

/** A usage error: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
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
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The bytes of an item given as a file, `-`, `--hex` or `--base64url` (exactly one). */
export function readItem(positionals: string[], values: { hex?: string | undefined; base64url?: string | undefined }): Uint8Array {
  const sources = [positionals.length > 0, values.hex !== undefined, values.base64url !== undefined].filter(Boolean).length;
  if (sources !== 1 || positionals.length > 1) throw new UsageError('give exactly one input: FILE, -, --hex HEX or --base64url B64');
  try {
    if (values.hex !== undefined) return fromHex(values.hex.replace(/\s+/g, ''));
    if (values.base64url !== undefined) return fromBase64(values.base64url.trim());
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return readInput(positionals[0]!);
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
    if (e instanceof UsageError) {
      process.stderr.write(`shomei ${name}: ${e.message}\nRun 'shomei ${name} --help' for usage.\n`);
      return 2;
    }
    if (e instanceof ShomeiError) {
      process.stderr.write(`shomei ${name}: ${e.code}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
