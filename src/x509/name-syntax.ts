/**
 * The syntax RFC 5280 §4.2.1.6 gives the IA5String names of a GeneralName (and a
 * CPS pointer's URI, §4.2.1.4): what is wrong with one, in words, or undefined (internal).
 * Non-ASCII octets are the string type's own finding and are not repeated here.
 */

/** RFC 3986 characters outside percent-encoding: unreserved, gen-delims and sub-delims. */
const URI_CHAR = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

function controlAt(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return i;
  }
  return -1;
}

/**
 * Why `value` is not a conformant name of `type` ('rfc822Name', 'dNSName' or
 * 'uniformResourceIdentifier'), or undefined. A control character is never part of a mail
 * address, a host name or a URI; a dNSName of " " is forbidden by name; a URI must be an
 * absolute RFC 3986 URI: a scheme, a scheme-specific part, only URI characters, and `%`
 * followed by two hexadecimal digits. A name constraint's subtree `base` has forms of its own
 * (a URI base is a host or a domain, RFC 5280 §4.2.1.10): only the control characters apply.
 */
export function nameSyntaxProblem(type: 'rfc822Name' | 'dNSName' | 'uniformResourceIdentifier', value: string, base = false): string | undefined {
  const control = controlAt(value);
  if (control >= 0) return `holds the control character 0x${value.charCodeAt(control).toString(16).padStart(2, '0')} at ${control}`;
  if (base) return undefined;
  if (type === 'dNSName' && value.includes(' ')) return 'holds a space';
  if (type !== 'uniformResourceIdentifier') return undefined;
  const scheme = SCHEME.exec(value);
  if (scheme === null) return 'is not an absolute URI (no scheme, RFC 3986 §4.3)';
  if (value.length === scheme[0].length) return 'has no scheme-specific part';
  for (let i = scheme[0].length; i < value.length; i++) {
    const c = value.charAt(i);
    // Non-ASCII octets are the IA5String's own finding.
    if (c.charCodeAt(0) >= 0x80) continue;
    if (!URI_CHAR.test(c)) return `holds ${JSON.stringify(c)} at ${i}, not a URI character (RFC 3986 §2)`;
    if (c === '%' && !/^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) return `has a "%" at ${i} not followed by two hexadecimal digits (RFC 3986 §2.1)`;
  }
  return undefined;
}
