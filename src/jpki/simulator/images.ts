/**
 * Placeholder images for the virtual card's 券面事項確認AP. Not the real content: a 16×8
 * 1-bit checkerboard PNG for every text image, and a JP2 signature + file-type box for the
 * photo (the JPEG 2000 magic a reader checks; not a decodable image).
 */
import { fromHex } from '../../internal/bytes.js';

/** A valid 16×8 1-bit greyscale PNG. */
export function placeholderPng(): Uint8Array {
  return fromHex('89504e470d0a1a0a0000000d4948445200000010000000080100000000d80d423a000000114944415478da635815ca10ba8a018304005fb807f93e3294250000000049454e44ae426082');
}

/** The JP2 signature box and file-type box (ISO/IEC 15444-1 Annex I), nothing else. */
export function placeholderJp2(): Uint8Array {
  return fromHex('0000000c6a5020200d0a870a00000014667479706a703220000000006a703220');
}
