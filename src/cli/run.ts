/**
 * The `shomei` command's dispatcher: one subcommand per file, in the registry below.
 * Errors print one line with their code; exit 1 for invalid input or a failed check,
 * 2 for usage errors.
 */

import { readFileSync } from 'node:fs';
import { cardInfo } from './card-info.js';
import { demo } from './demo.js';
import { engagement } from './engagement.js';
import { inspect } from './inspect.js';
import { type Command, runCommand } from './io.js';
import { issue } from './issue.js';
import { jpki } from './jpki.js';
import { oid4vp } from './oid4vp.js';
import { pki } from './pki.js';
import { present } from './present.js';
import { verify } from './verify.js';
import { vical } from './vical.js';
import { vectors } from './vectors-command.js';

/**
 * The package version, from the package.json two folders up: the same path from
 * src/cli/run.ts (tests, tsx) and from the built dist/cli/main.js.
 */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('package.json has no version');
  return pkg.version;
}

/** Every subcommand by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  demo,
  engagement,
  inspect,
  issue,
  present,
  verify,
  pki,
  jpki,
  'card-info': cardInfo,
  vectors,
  vical,
  oid4vp,
};

function usage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'Usage: shomei <command> [options]',
    '       shomei --version',
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n]!.summary}`),
    '',
    "Run 'shomei <command> --help' for a command's options.",
  ].join('\n');
}

/** Run the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`shomei ${packageVersion()}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    process.stderr.write(`shomei: unknown command '${name}'\n${usage()}\n`);
    return 2;
  }
  return runCommand(name, command, rest);
}
