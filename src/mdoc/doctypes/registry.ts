/**
 * The doctype registry: which profiles a verifier or issuer knows, looked up by docType
 * or alias. Doctypes are an open set (ISO/IEC 18013-5:2021 §7.1 lets any issuer define
 * its own), so users register their own profiles next to the built-ins.
 *
 * There is no shared global registry: `defaultRegistry` (builtins.ts) returns a fresh one each
 * call, so registering in one place never changes another.
 */

import type { CborValue } from '../../cbor/index.js';
import { type CheckDocumentProfileOptions, checkDocumentProfile, type ProfileCheck } from './check.js';
import { assertDoctypeProfile } from './profile.js';
import type { DoctypeProfile } from './types.js';

/** Options for {@link DoctypeRegistry.register}. */
export interface RegisterOptions {
  /** Replace the profiles already registered under the new profile's docType or aliases. */
  readonly replace?: boolean;
}

function namesOf(profile: DoctypeProfile): string[] {
  return [profile.docType, ...(profile.aliases ?? [])];
}

/** A set of doctype profiles, looked up by docType or alias. */
export class DoctypeRegistry {
  /** Every name (docType or alias) → its profile. */
  readonly #byName = new Map<string, DoctypeProfile>();
  /** The registered profiles, in registration order. */
  readonly #profiles: DoctypeProfile[] = [];

  /** A registry holding `profiles` (none by default; see {@link defaultRegistry}). */
  constructor(profiles: Iterable<DoctypeProfile> = []) {
    for (const p of profiles) this.register(p);
  }

  /**
   * Add a profile. A name (docType or alias) that is already registered is an error
   * unless `replace` is set; then every profile owning one of those names is removed
   * first. The registry keeps the profile object (use `defineProfile` to freeze it).
   *
   * @throws TypeError when `profile` is malformed.
   * @throws RangeError when a name is taken and `replace` is not set.
   */
  register(profile: DoctypeProfile, options: RegisterOptions = {}): this {
    assertDoctypeProfile(profile);
    const names = namesOf(profile);
    if (new Set(names).size !== names.length) throw new TypeError(`profile ${profile.docType} lists a name twice`);
    const clashing = new Set<DoctypeProfile>();
    for (const name of names) {
      const existing = this.#byName.get(name);
      if (existing !== undefined) clashing.add(existing);
    }
    if (clashing.size > 0) {
      if (options.replace !== true) {
        const taken = names.filter((n) => this.#byName.has(n));
        throw new RangeError(`docType ${taken.map((n) => JSON.stringify(n)).join(', ')} already registered; pass { replace: true } to replace`);
      }
      for (const old of clashing) this.#remove(old);
    }
    for (const name of names) this.#byName.set(name, profile);
    this.#profiles.push(profile);
    return this;
  }

  #remove(profile: DoctypeProfile): void {
    for (const name of namesOf(profile)) {
      if (this.#byName.get(name) === profile) this.#byName.delete(name);
    }
    const i = this.#profiles.indexOf(profile);
    if (i >= 0) this.#profiles.splice(i, 1);
  }

  /** The profile registered for `docType` (its docType or one of its aliases). */
  get(docType: string): DoctypeProfile | undefined {
    return this.#byName.get(docType);
  }

  /** True when a profile is registered for `docType` or alias. */
  has(docType: string): boolean {
    return this.#byName.has(docType);
  }

  /** The registered profiles, in registration order. */
  list(): readonly DoctypeProfile[] {
    return [...this.#profiles];
  }
  /**
   * The profile checks of one document's elements against this registry (see
   * {@link checkDocumentProfile}); what `verifyDeviceResponse` runs when given `profiles`,
   * so that a verification that passes no registry loads no profile code.
   */
  checkDocument(docType: string, nameSpaces: ReadonlyMap<string, ReadonlyMap<string, CborValue>>, options: CheckDocumentProfileOptions = {}): ProfileCheck[] {
    return checkDocumentProfile(this, docType, nameSpaces, options);
  }

}
