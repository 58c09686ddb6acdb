/**
 * The built-in doctype profiles (mDL + AAMVA, PhotoID, EU PID, Japanese My Number Card)
 * and {@link defaultRegistry}, kept apart from the registry class so that the profile
 * modules and the checker never import each other in a circle.
 */

import { PID_PROFILE } from './eupid.js';
import { MNC_PROFILE } from './jp-mnc.js';
import { MDL_PROFILE } from './mdl.js';
import { PHOTOID_PROFILE } from './photoid.js';
import { DoctypeRegistry } from './registry.js';
import type { DoctypeProfile } from './types.js';

/** The built-in profiles: mDL (+ AAMVA), PhotoID, EU PID, Japanese My Number Card. */
export const BUILTIN_PROFILES: readonly DoctypeProfile[] = /*#__PURE__*/ Object.freeze([
  MDL_PROFILE,
  PHOTOID_PROFILE,
  PID_PROFILE,
  MNC_PROFILE,
]);

/**
 * A new registry with the built-in profiles. Each call returns a fresh registry, so
 * registering your own doctypes in it affects nobody else.
 *
 * @example
 * ```ts
 * const registry = defaultRegistry().register(myLoyaltyProfile)
 * registry.get('org.iso.23220.photoID.1')?.docType // 'org.iso.23220.photoid.1'
 * ```
 */
export function defaultRegistry(): DoctypeRegistry {
  return new DoctypeRegistry(BUILTIN_PROFILES);
}
