/**
 * The J-LIS My Number Card mdoc IACA (`CN=mncmdocRootCA`), ISO/IEC 18013-5 IACA for the
 * docType `org.iso.23220.1.jp.mnc`. Opt-in: pass it to `loadTrustAnchors` yourself.
 *
 * Provenance: published by J-LIS (Japan Agency for Local Authority Information Systems) at
 * https://www.j-lis.go.jp/pn/mdociaca.html; the copy here is byte-identical to
 * `shared/vectors/trust/jlis-mdoc-iaca.pem` (taken from universal-verify/trust-list@98f9b833
 * `trust-list.json`, which cites that page). EC P-384, ecdsa-with-SHA384, CA pathlen 0,
 * CRL at https://dts.mdoc-iaca.digital.go.jp/certificate/latest/mnc.crl.
 */

/**
 * J-LIS mdoc IACA root (My Number Card on smartphones).
 * Subject `C=JP,O=Japan Agency for Local Authority Information Systems,CN=mncmdocRootCA`, serial `4fb7b01ca3cd6731a5e449699e7165aaeaad139f`, valid Jan 29 02:23:04 2025 GMT to May 28 02:23:03 2030 GMT.
 * SHA-256 fingerprint `6e8a3108609316961d142426ce842b7927fd281755317056e1574eb9ede80a0e`.
 */
export const JLIS_MDOC_IACA = `-----BEGIN CERTIFICATE-----
MIIDCjCCApGgAwIBAgIUT7ewHKPNZzGl5ElpnnFlquqtE58wCgYIKoZIzj0EAwMw
ZDEWMBQGA1UEAwwNbW5jbWRvY1Jvb3RDQTE9MDsGA1UECgw0SmFwYW4gQWdlbmN5
IGZvciBMb2NhbCBBdXRob3JpdHkgSW5mb3JtYXRpb24gU3lzdGVtczELMAkGA1UE
BhMCSlAwHhcNMjUwMTI5MDIyMzA0WhcNMzAwNTI4MDIyMzAzWjBkMRYwFAYDVQQD
DA1tbmNtZG9jUm9vdENBMT0wOwYDVQQKDDRKYXBhbiBBZ2VuY3kgZm9yIExvY2Fs
IEF1dGhvcml0eSBJbmZvcm1hdGlvbiBTeXN0ZW1zMQswCQYDVQQGEwJKUDB2MBAG
ByqGSM49AgEGBSuBBAAiA2IABPs5eNtlqJyCoVQwJao/duWq/kKCD1gqK4jtKUrB
mnwHQTHjZrIcmTajXjQEsNutsCtZ/ojqeXm/8yCJiCN9OiR2WfqGbnPtQzE2+Ytf
jmxSoPicmEu9dQdXv21VNBlBSaOCAQIwgf8wEgYDVR0TAQH/BAgwBgEB/wIBADAf
BgNVHSMEGDAWgBStfu+YxtDP5CRvzeFnvFc7g9EkoDAjBgNVHRIEHDAahhhodHRw
czovL3d3dy5qLWxpcy5nby5qcC8wIwYDVR0RBBwwGoYYaHR0cHM6Ly93d3cuai1s
aXMuZ28uanAvME8GA1UdHwRIMEYwRKBCoECGPmh0dHBzOi8vZHRzLm1kb2MtaWFj
YS5kaWdpdGFsLmdvLmpwL2NlcnRpZmljYXRlL2xhdGVzdC9tbmMuY3JsMB0GA1Ud
DgQWBBStfu+YxtDP5CRvzeFnvFc7g9EkoDAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZI
zj0EAwMDZwAwZAIwfvAoBLAvEguWEqdFOiDsLo40FLIKjOQS1V6/6vo5vI8qd/aa
F8ATsq7kz5v3D6qUAjATlIU/74tGYia0+aBIQ8+LOvAD9J7C51R64uvi6kf5lgdy
09mop3x9Wxf+Ofy3nrE=
-----END CERTIFICATE-----
`;
