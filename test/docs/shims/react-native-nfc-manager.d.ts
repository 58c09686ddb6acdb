/**
 * A typed stand-in for the calls of `react-native-nfc-manager` (v3) that docs/jpki.md
 * makes, so that block type-checks here; it is not a dependency of shomei.
 */
export declare const NfcTech: { readonly IsoDep: 'IsoDep' };

declare const NfcManager: {
  requestTechnology(tech: 'IsoDep'): Promise<unknown>;
  readonly isoDepHandler: { transceive(bytes: number[]): Promise<number[]> };
};
export default NfcManager;
