/**
 * Runs before every test file: fast-check draws from one fixed seed, so a property test
 * explores the same cases on every run and a failure reproduces. SHOMEI_FC_SEED picks
 * another seed (printed, so a failing exploration can be replayed).
 */

import fc from 'fast-check';

const DEFAULT_SEED = 0x5407e1;
const fromEnv = process.env.SHOMEI_FC_SEED;
const seed = fromEnv === undefined ? DEFAULT_SEED : Number(fromEnv);
if (!Number.isSafeInteger(seed)) throw new Error(`SHOMEI_FC_SEED must be an integer, got ${fromEnv}`);
if (fromEnv !== undefined) console.log(`fast-check seed ${seed} (SHOMEI_FC_SEED)`);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
