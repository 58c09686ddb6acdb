/**
 * `shomei card-info read`: My Number and the basic four from the 券面事項入力補助AP, with
 * the integrity record verified. The My Number is masked unless `--reveal`.
 */

import { maskMyNumber } from '../jpki/my-number.js';
import { UNCONFIRMED_JLIS_CVC_ANCHORS } from '../jpki/cvc.js';
import { MyNumberCard } from '../jpki/my-number-card.js';
import { testCvcAnchors } from '../jpki/simulator/index.js';
import { type Command, flag, parse, str, UsageError } from './io.js';
import { CARD_OPTIONS, defaultDeps, type JpkiCliDeps } from './jpki.js';

const HELP = `
Usage: shomei card-info read [--reveal] [--cvc-anchors jlis-unconfirmed|test] [options]

Reads My Number (個人番号) and the basic four (name, address, birth date, sex) from the
card-info input support AP (券面事項入力補助AP) with its 4-digit PIN, and verifies the
card's integrity record (digests and signature). The CVC issuer's key is not published
by J-LIS: without --cvc-anchors the integrity is reported as "unverifiable", never valid.

  --reveal                 print the whole My Number (masked by default)
  --cvc-anchors NAME       jlis-unconfirmed: CA keys collected by a third party
                           (provenance unconfirmed); test: the virtual card's TEST keys
  --reader NAME            use the first reader whose name contains NAME
  --virtual                use the built-in virtual TEST card instead of a reader
  --pin-stdin              read the PIN from standard input (else a no-echo prompt)
  --allow-last-try         send the PIN even when only one try is left

Exit status: 0 read, 1 card, PIN or integrity error (the code is printed), 2 usage.
`;

/** `shomei card-info` with injectable dependencies (tests). */
export function cardInfoCommand(deps: JpkiCliDeps = defaultDeps): Command {
  return {
    summary: 'read My Number and the basic four from the card, integrity checked',
    help: HELP,
    async run(argv) {
      const [sub, ...rest] = argv;
      if (sub !== 'read') throw new UsageError(sub === undefined ? 'missing subcommand (read)' : `unknown subcommand ${sub}`);
      const args = parse(rest, { ...CARD_OPTIONS, reveal: { type: 'boolean', default: false }, 'cvc-anchors': { type: 'string' } }, false);
      const anchorName = str(args, 'cvc-anchors');
      if (anchorName !== undefined && anchorName !== 'jlis-unconfirmed' && anchorName !== 'test') throw new UsageError('--cvc-anchors must be jlis-unconfirmed or test');
      const cvcAnchors = anchorName === 'test' ? testCvcAnchors() : anchorName === 'jlis-unconfirmed' ? UNCONFIRMED_JLIS_CVC_ANCHORS : [];
      const pin = await deps.pinReader(flag(args, 'pin-stdin'))('Card info PIN (4 digits): ');
      const reader = str(args, 'reader');
      const session = await deps.openCard({ ...(reader === undefined ? {} : { reader }), virtual: flag(args, 'virtual') });
      try {
        const card = new MyNumberCard(session.transport, { cvcAnchors });
        const info = await card.readCardInfo(pin, { allowLastTry: flag(args, 'allow-last-try') });
        deps.out(
          `${JSON.stringify(
            {
              myNumber: flag(args, 'reveal') ? info.myNumber : maskMyNumber(info.myNumber),
              ...info.basicFour,
              integrity: { status: info.integrity.status, checks: info.integrity.checks, issuerKeyId: info.integrity.issuerKeyId, ...(info.integrity.anchor ? { anchor: info.integrity.anchor } : {}) },
            },
            null,
            2,
          )}\n`,
        );
      } finally {
        await session.close();
      }
      return 0;
    },
  };
}

/** `shomei card-info`. */
export const cardInfo: Command = cardInfoCommand();
