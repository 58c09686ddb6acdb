/**
 * The `shomei` command's dispatcher: one subcommand per file, in the registry below.
 * Errors print one line with their code; exit 1 for invalid input or a failed check,
 * 2 for usage errors.
 */

import { version } from '../../package.json';
import { cardInfo } from './card-info.js';
import { demo } from './demo.js';
import { engagement } from './engagement.js';
import { inspect } from './inspect.js';
import { type Command, runCommand } from './io.js';
import { issue } from './issue.js';
import { jpki } from './jpki.js';
import { pki } from './pki.js';
import { present } from './present.js';
import { verify } from './verify.js';
import { vectors } from './vectors-command.js';

/** The package version (inlined from package.json when the CLI is built). */
export const VERSION: string = version;

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
    process.stdout.write(`shomei ${VERSION}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    process.stderr.write(`shomei: unknown command '${name}'\n${usage()}\n`);
    return 2;
  }
  return runCommand(name, command, rest);
}
