/** `shomei inspect`: show any CBOR item in diagnostic notation or as JSON. */

import { decode } from '../cbor/index.js';
import { cborToJson } from '../mdoc/index.js';
import { diagnoseText } from './diagnostic.js';
import { explain, explainNdef } from './explain.js';
import { type Command, flag, parse, printable, readItem, str, UsageError } from './io.js';

export const inspect: Command = {
  summary: 'show a CBOR item in diagnostic notation or as JSON',
  help: `
Usage: shomei inspect [FILE | - | --hex HEX | --base64url B64] [--format diag|json | --json]

Decode one CBOR data item strictly and print it.

  FILE               read the item from a binary file
  -                  read it from standard input
  --hex HEX          the item as hex
  --base64url B64    the item as base64url (or base64)
  --format diag      RFC 8949 diagnostic notation, tag 24 content shown as <<…>> (default)
  --format json      JSON, with {"$bytes": …} and similar objects for what JSON lacks
  --json             the same as --format json
  --compact          diagnostic notation on one line, without the summary

A DeviceResponse, DeviceRequest, IssuerSigned or MSO is recognised and summarised first
(elements, MSO, certificates), then printed in full; text is printed as UTF-8; so are the proximity session
structures: DeviceEngagement, SessionEstablishment, SessionData and SessionTranscript (or
SessionTranscriptBytes, with its handover named). An NFC Handover Select or Request (an
NDEF message, not CBOR) is summarised instead: carriers and the DeviceEngagement.

Exit status: 0 printed, 1 the input is not accepted (the error code is printed), 2 usage.
`,
  async run(argv) {
    const args = parse(argv, {
      hex: { type: 'string' },
      base64url: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean', default: false },
      compact: { type: 'boolean', default: false },
    });
    const asked = str(args, 'format');
    if (asked !== undefined && asked !== 'diag' && asked !== 'json') throw new UsageError(`unknown format ${asked}; use diag or json`);
    if (flag(args, 'json') && asked === 'diag') throw new UsageError('--json and --format diag contradict each other');
    const format = flag(args, 'json') ? 'json' : (asked ?? 'diag');
    const bytes = readItem(args.positionals, { hex: str(args, 'hex'), base64url: str(args, 'base64url') });
    const ndef = explainNdef(bytes);
    if (ndef !== undefined) {
      process.stdout.write(format === 'json' ? `${JSON.stringify(ndef.json, null, 2)}\n` : `${printable(ndef.lines.join('\n'))}\n`);
      return 0;
    }
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify(cborToJson(decode(bytes)), null, 2)}\n`);
    } else {
      const text = diagnoseText(bytes, flag(args, 'compact') ? 0 : 2);
      const summary = flag(args, 'compact') ? undefined : explain(decode(bytes));
      process.stdout.write(summary === undefined ? `${text}\n` : `${printable(summary.join('\n'))}\n\n${text}\n`);
    }
    return 0;
  },
};
