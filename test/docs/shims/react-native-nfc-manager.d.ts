/**
 * A typed stand-in for the calls of `react-native-nfc-manager` (v3) that docs/jpki.md
 * makes, so that block type-checks here; it is not a dependency of shomei.
 */
export declare const NfcTech: { readonly IsoDep: 'IsoDep' };

declare const NfcManager: {
  requestTechnology(tech: 'IsoDep'): Promise<unknown>;
  /** Android: the IsoDep transceive timeout in milliseconds. */
  setTimeout(timeout: number): Promise<void>;
  readonly isoDepHandler: { transceive(bytes: number[]): Promise<number[]> };
};
export default NfcManager;
