// The shomei namespaces the smoke needs, from the built ESM package (dist/), by relative
// path so that Node, Deno, Bun, a browser page and the QuickJS bundle resolve them alike.
import * as cbor from '../../dist/cbor/index.js';
import * as crypto from '../../dist/crypto/index.js';
import * as errors from '../../dist/errors.js';
import * as jpki from '../../dist/jpki/index.js';
import * as mdoc from '../../dist/mdoc/index.js';
import * as session from '../../dist/session/index.js';
import * as x509 from '../../dist/x509/index.js';

export const lib = { cbor, crypto, errors, jpki, mdoc, session, x509 };
