/** `shomei oid4vp`: an OpenID4VP 1.0 verifier and wallet in the terminal (`verifier`, `wallet`). */

import { type Command, UsageError } from './io.js';
import { oid4vpVerifier } from './oid4vp-verifier.js';
import { oid4vpWallet } from './oid4vp-wallet.js';

const SUB: Readonly<Record<string, Command>> = { verifier: oid4vpVerifier, wallet: oid4vpWallet };

export const oid4vp: Command = {
  summary: 'an OpenID4VP 1.0 verifier (request_uri + response_uri on loopback) and wallet, for mdocs',
  help: `
Usage: shomei oid4vp verifier [options]     serve one request and verify the presentation
       shomei oid4vp wallet URL [options]   answer a request with a held mdoc

Run 'shomei oid4vp verifier --help' or 'shomei oid4vp wallet --help' for the options.
`,
  async run(argv) {
    const [name, ...rest] = argv;
    const sub = name !== undefined && Object.hasOwn(SUB, name) ? SUB[name]! : undefined;
    if (sub === undefined) throw new UsageError(`expected 'verifier' or 'wallet'${name === undefined ? '' : `, got '${name}'`}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${sub.help.trim()}\n`);
      return 0;
    }
    return sub.run(rest);
  },
};
