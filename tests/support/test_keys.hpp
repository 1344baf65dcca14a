#pragma once
// Fixed test keys, generated once for tessera's tests with the openssl CLI (PEM forms; the JWK
// forms were derived from the same keys) and never used for anything else. They keep the suites
// from spending their time generating RSA keys, and give every area the same unusual keys
// (RSA 1024, secp256k1, X25519, DSA, encrypted PEM) to test refusals with.

#include <string_view>

namespace tessera_test::keys {

// RSA 2048 private key, PKCS#8 PEM.
inline constexpr std::string_view rsa2048_private_pkcs8 = R"PEM(-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCsCLGFMZkM5jK8
JAmQIcRHKmnMJ8MhKGordgsDMUD9VH+Ebdqpw9Khf8IsywxEOfJRDgHiblanpkwm
VOQlqZsE2SCVE4J03wSsbHp+CAFSbAriP0k63qQVmqPbnoDA9sAfTxNGj9zw824C
GIDzSqZ4SblfXv+jbBEtcpm8Tp6yLBEJ0cY11YOYEh30cWS6NOTfZGpSfI5vLUr5
2fjVTBzLsM+aaTcp46ycPhE/ntKUoND0VwvkPqAVeIzOPdo5O8zwsS/99PVmYmoP
es4vxzgSYPEo8mC5b0lGxoTqCaUWNhCv4mHJGNyP183eQ/jI95OvtTQOWgpDAvrW
UsanDdV7AgMBAAECggEANkXh107f5YlkHSXTXITCmt7/FJjAvx+0avSpIb8yrRkw
x5MuplswgqG/HQmL26RaVYbxQkGkFezpXjhu55Db5oondNB8WimXnFv2wvb8j8el
IV5s2GUv597q7djR7s6Jqvbz8lFllyB9Jq0bVWXKIe3ETRm31ZM80hUy+gzllPi8
lseCXEU0Vof69li+/k/X+X5F3ldm05Cm8iIuiZ/WFBJjBlCeF5JtsZfvyEvEbyhy
myfOxAN9rSFvzKMofzbtttLUKTEkvpf1g5lIHPE2QXHD2O7NnuIrJzrfAGNgXuEL
yQ1KW1tMutpmm92VKGFnjJiwhv9frGqxWqAw8Hje6QKBgQDTJpKGpm/bG34M12U5
O+38IIwaymcVBxPiYtEN3LExCcjkmgJsyA0k6vNrlFlDjPL7WvlpaEOVlTO4LDZh
7+8kckATmzb3/VTwTHL/b2iHAQc62D65zZK03RftNSaq1g1bilZAHJAESVjhjBJM
wG5sI4nQpKAG6Xqt6vmIFG99mQKBgQDQkyEfIoqqgH/dsz4QebdgMEcd/ZV4FQrY
8F4znILHs+iiim6fie4W3oh4lYD+pY4A8LhwCW7x2oMi/xdikGP3wlSriaXwY1E9
axweCrAJpTBdnzaCK3nMGFVPjGS5KAP5lfxRaQIpIgLdNkO2Rgd7EBN6P7j6IlLY
SPRZuVhQMwKBgEket2kno96lg54gzS3nwf8oqjvw0Yennswr2idJwJaxw77eUm6n
TF33evpLMipBWjePBoXpFFZth66EqQR7WT4uzl+7xWpVcR+R6dTpGLJ/uag4EGi5
ds9pLQr49/37CD8mBb5H5duGJuBcaE3p6ZNLL0NwbvZVziUCFQ15vi4pAoGBAL+s
5jxZnvsvmdJgvYGgiY/A7io2d1ziYZSZ2MgvZdQmlnyBIUZGGGI14U6HfgMGm6hr
j+OOF8H1IJxRtujibqwqj2sQ1UlDzE3YF//XrI1AnGD9Rrd7QrP4DLZM++dYScbd
OgKKsOyiD+XAz5s7YfaLAItQ8ioUzvNqn/uwo+MXAoGBAMsRdlTlIYZJR7csUTAF
vYyC87dBRZw5O7g9OHPKvsQLLnJ3hU0B8DEOAX1d7G8ezomgDcqQ8FxrPPMz7LUX
jAJaUPEM+3hZzxrm1uGkuRLdObDGg28Nrae08c1wELxmxZCeXwHpC4He9YyDR1AE
UEqkdBmv7rfyA+iG9hCDtXr+
-----END PRIVATE KEY-----
)PEM";

// the same RSA 2048 key, PKCS#1 "RSA PRIVATE KEY" PEM.
inline constexpr std::string_view rsa2048_private_pkcs1 = R"PEM(-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEArAixhTGZDOYyvCQJkCHERyppzCfDIShqK3YLAzFA/VR/hG3a
qcPSoX/CLMsMRDnyUQ4B4m5Wp6ZMJlTkJambBNkglROCdN8ErGx6fggBUmwK4j9J
Ot6kFZqj256AwPbAH08TRo/c8PNuAhiA80qmeEm5X17/o2wRLXKZvE6esiwRCdHG
NdWDmBId9HFkujTk32RqUnyOby1K+dn41Uwcy7DPmmk3KeOsnD4RP57SlKDQ9FcL
5D6gFXiMzj3aOTvM8LEv/fT1ZmJqD3rOL8c4EmDxKPJguW9JRsaE6gmlFjYQr+Jh
yRjcj9fN3kP4yPeTr7U0DloKQwL61lLGpw3VewIDAQABAoIBADZF4ddO3+WJZB0l
01yEwpre/xSYwL8ftGr0qSG/Mq0ZMMeTLqZbMIKhvx0Ji9ukWlWG8UJBpBXs6V44
bueQ2+aKJ3TQfFopl5xb9sL2/I/HpSFebNhlL+fe6u3Y0e7Oiar28/JRZZcgfSat
G1VlyiHtxE0Zt9WTPNIVMvoM5ZT4vJbHglxFNFaH+vZYvv5P1/l+Rd5XZtOQpvIi
Lomf1hQSYwZQnheSbbGX78hLxG8ocpsnzsQDfa0hb8yjKH827bbS1CkxJL6X9YOZ
SBzxNkFxw9juzZ7iKyc63wBjYF7hC8kNSltbTLraZpvdlShhZ4yYsIb/X6xqsVqg
MPB43ukCgYEA0yaShqZv2xt+DNdlOTvt/CCMGspnFQcT4mLRDdyxMQnI5JoCbMgN
JOrza5RZQ4zy+1r5aWhDlZUzuCw2Ye/vJHJAE5s29/1U8Exy/29ohwEHOtg+uc2S
tN0X7TUmqtYNW4pWQByQBElY4YwSTMBubCOJ0KSgBul6rer5iBRvfZkCgYEA0JMh
HyKKqoB/3bM+EHm3YDBHHf2VeBUK2PBeM5yCx7Pooopun4nuFt6IeJWA/qWOAPC4
cAlu8dqDIv8XYpBj98JUq4ml8GNRPWscHgqwCaUwXZ82git5zBhVT4xkuSgD+ZX8
UWkCKSIC3TZDtkYHexATej+4+iJS2Ej0WblYUDMCgYBJHrdpJ6PepYOeIM0t58H/
KKo78NGHp57MK9onScCWscO+3lJup0xd93r6SzIqQVo3jwaF6RRWbYeuhKkEe1k+
Ls5fu8VqVXEfkenU6Riyf7moOBBouXbPaS0K+Pf9+wg/JgW+R+XbhibgXGhN6emT
Sy9DcG72Vc4lAhUNeb4uKQKBgQC/rOY8WZ77L5nSYL2BoImPwO4qNndc4mGUmdjI
L2XUJpZ8gSFGRhhiNeFOh34DBpuoa4/jjhfB9SCcUbbo4m6sKo9rENVJQ8xN2Bf/
16yNQJxg/Ua3e0Kz+Ay2TPvnWEnG3ToCirDsog/lwM+bO2H2iwCLUPIqFM7zap/7
sKPjFwKBgQDLEXZU5SGGSUe3LFEwBb2MgvO3QUWcOTu4PThzyr7ECy5yd4VNAfAx
DgF9XexvHs6JoA3KkPBcazzzM+y1F4wCWlDxDPt4Wc8a5tbhpLkS3TmwxoNvDa2n
tPHNcBC8ZsWQnl8B6QuB3vWMg0dQBFBKpHQZr+638gPohvYQg7V6/g==
-----END RSA PRIVATE KEY-----
)PEM";

// its public key, SPKI PEM.
inline constexpr std::string_view rsa2048_public_spki = R"PEM(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArAixhTGZDOYyvCQJkCHE
RyppzCfDIShqK3YLAzFA/VR/hG3aqcPSoX/CLMsMRDnyUQ4B4m5Wp6ZMJlTkJamb
BNkglROCdN8ErGx6fggBUmwK4j9JOt6kFZqj256AwPbAH08TRo/c8PNuAhiA80qm
eEm5X17/o2wRLXKZvE6esiwRCdHGNdWDmBId9HFkujTk32RqUnyOby1K+dn41Uwc
y7DPmmk3KeOsnD4RP57SlKDQ9FcL5D6gFXiMzj3aOTvM8LEv/fT1ZmJqD3rOL8c4
EmDxKPJguW9JRsaE6gmlFjYQr+JhyRjcj9fN3kP4yPeTr7U0DloKQwL61lLGpw3V
ewIDAQAB
-----END PUBLIC KEY-----
)PEM";

// its public key, PKCS#1 "RSA PUBLIC KEY" PEM.
inline constexpr std::string_view rsa2048_public_pkcs1 = R"PEM(-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEArAixhTGZDOYyvCQJkCHERyppzCfDIShqK3YLAzFA/VR/hG3aqcPS
oX/CLMsMRDnyUQ4B4m5Wp6ZMJlTkJambBNkglROCdN8ErGx6fggBUmwK4j9JOt6k
FZqj256AwPbAH08TRo/c8PNuAhiA80qmeEm5X17/o2wRLXKZvE6esiwRCdHGNdWD
mBId9HFkujTk32RqUnyOby1K+dn41Uwcy7DPmmk3KeOsnD4RP57SlKDQ9FcL5D6g
FXiMzj3aOTvM8LEv/fT1ZmJqD3rOL8c4EmDxKPJguW9JRsaE6gmlFjYQr+JhyRjc
j9fN3kP4yPeTr7U0DloKQwL61lLGpw3VewIDAQAB
-----END RSA PUBLIC KEY-----
)PEM";

// a self-signed certificate for it.
inline constexpr std::string_view rsa2048_certificate = R"PEM(-----BEGIN CERTIFICATE-----
MIIDETCCAfmgAwIBAgIUcuS8Kc3x24Z7svODcNl0tckK+jMwDQYJKoZIhvcNAQEL
BQAwFzEVMBMGA1UEAwwMdGVzc2VyYS10ZXN0MCAXDTI2MTEyMzE4MDIwOVoYDzIx
MjYxMDMwMTgwMjA5WjAXMRUwEwYDVQQDDAx0ZXNzZXJhLXRlc3QwggEiMA0GCSqG
SIb3DQEBAQUAA4IBDwAwggEKAoIBAQCsCLGFMZkM5jK8JAmQIcRHKmnMJ8MhKGor
dgsDMUD9VH+Ebdqpw9Khf8IsywxEOfJRDgHiblanpkwmVOQlqZsE2SCVE4J03wSs
bHp+CAFSbAriP0k63qQVmqPbnoDA9sAfTxNGj9zw824CGIDzSqZ4SblfXv+jbBEt
cpm8Tp6yLBEJ0cY11YOYEh30cWS6NOTfZGpSfI5vLUr52fjVTBzLsM+aaTcp46yc
PhE/ntKUoND0VwvkPqAVeIzOPdo5O8zwsS/99PVmYmoPes4vxzgSYPEo8mC5b0lG
xoTqCaUWNhCv4mHJGNyP183eQ/jI95OvtTQOWgpDAvrWUsanDdV7AgMBAAGjUzBR
MB0GA1UdDgQWBBR+yYbeYZXCMg6gMydpGuKHlb+ymDAfBgNVHSMEGDAWgBR+yYbe
YZXCMg6gMydpGuKHlb+ymDAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUA
A4IBAQBBRa2lH2n2qVS8tuH39L8zvnFSjTgvrpmpQ8YMWeZJlAC+2d2rS8h6G0g9
fsSSashHSzx2ahhOZZNfNSIPxqcjdP8nIGv/GP5Kzp1BmOs8GKW7aOQEWBK/wZ03
mLlDNv7JvXHrJZRWxZxYH6SF7VNkQISDX1Z01ZZEk7i5zR/ltOakNBbEr21JwUVn
4ggicE/x/KZrn9wJbFOYQBKRlYz3vSWutoXKkyREKjIj3wUAp+0ojlhDeGa0BC5v
RrFrEFK/wc3Iyac4tvT1h1QUKWIkKu32n3RiS8QyJMvIK8qkkRB7Eij2EowlQqUP
tpLe6EbvQjo0n+WdTIRha3lL8Zfh
-----END CERTIFICATE-----
)PEM";

// RSA 1024 private key (below the default policy).
inline constexpr std::string_view rsa1024_private_pkcs8 = R"PEM(-----BEGIN PRIVATE KEY-----
MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAMXdFNLRRTJlWVG2
GjxAhJXLeCFPGu89BPWavFi9KsW03s7u8AlMFZ9cqYh+kXjul3XvkzbrtcVxbmBy
AowMUT5XbdFW+BKiZnIpnjQKFQRgLT84cdbzayRdB6RN68EzfjL48PmfmdUWN5A4
l4ICNDFEH0vSlscQNY9g/sx0qllFAgMBAAECgYEApRv3ZHR86bDo9+advemYuecw
N5trPngMy2Z0BRjVuGVWCBga9acn4/PPBLeZbPCsMx3YGtxWsowVLyX0OimNIKDo
Qwhdi5MFXTcntWahH6ZHnHc28hD12aOfyUbLCzOsAN4VHHiXTTbEf4YqLq4NvHPj
rKgjY152VeiOHb4Q24ECQQDk90YA8OGEEONUbgNnfhbM1zIzwf0iRBql8K10DblA
izmwiaAZlg/pQ+Vsj6Z17v1Kv4tzDwluGm66+hTaou3rAkEA3Tm1gB4qv+JKF9L1
Zh3dNpQz+HZvk0ABDsAsJbfmGe/ht7+axSLAKp86ZpLrdmrAn8vAUV/XY6u7/ceS
PuKZjwJALVSjYGZQT6RETZ/mPqQhAXcNcl/SrOkM2ZOX06Uv6w5lYoUs1EP4bHdL
wb2C+FBTh2v6wNHWTR0glRYT8OFW9wJADMGeIKQcrPHceeE1O00vi00ibgpORrxj
EzmrkgU3pHk7l7/ZqdJmKE8ELBP+tdZUAyLZlReksN+fOHQAj9W7KwJBAJuKhCE7
hEW0XVfu3Be1rmIazKTsWNNSSjQ8DNHcDo6zIw2CUBvuy1owXWrQcyF/L82PMsHa
JYB5LcCV/EUCC68=
-----END PRIVATE KEY-----
)PEM";

// its public key.
inline constexpr std::string_view rsa1024_public_spki = R"PEM(-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDF3RTS0UUyZVlRtho8QISVy3gh
TxrvPQT1mrxYvSrFtN7O7vAJTBWfXKmIfpF47pd175M267XFcW5gcgKMDFE+V23R
VvgSomZyKZ40ChUEYC0/OHHW82skXQekTevBM34y+PD5n5nVFjeQOJeCAjQxRB9L
0pbHEDWPYP7MdKpZRQIDAQAB
-----END PUBLIC KEY-----
)PEM";

// P-256 private key, PKCS#8 PEM.
inline constexpr std::string_view p256_private_pkcs8 = R"PEM(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgNVlsLCVCU5gDyrfx
gwhp1mkCYozd4R+2HmKUeD+1346hRANCAAQONjq9yqwvvPgLDXcUw23lbJ0tB/G9
LxjHekgxmaR4lldRW85vLtHoAzvYUkFfDfucdbCw/dmtFz0UvebZ4RGU
-----END PRIVATE KEY-----
)PEM";

// the same P-256 key, SEC1 "EC PRIVATE KEY" PEM.
inline constexpr std::string_view p256_private_sec1 = R"PEM(-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIDVZbCwlQlOYA8q38YMIadZpAmKM3eEfth5ilHg/td+OoAoGCCqGSM49
AwEHoUQDQgAEDjY6vcqsL7z4Cw13FMNt5WydLQfxvS8Yx3pIMZmkeJZXUVvOby7R
6AM72FJBXw37nHWwsP3ZrRc9FL3m2eERlA==
-----END EC PRIVATE KEY-----
)PEM";

// its public key.
inline constexpr std::string_view p256_public_spki = R"PEM(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEDjY6vcqsL7z4Cw13FMNt5WydLQfx
vS8Yx3pIMZmkeJZXUVvOby7R6AM72FJBXw37nHWwsP3ZrRc9FL3m2eERlA==
-----END PUBLIC KEY-----
)PEM";

// a self-signed certificate for it.
inline constexpr std::string_view p256_certificate = R"PEM(-----BEGIN CERTIFICATE-----
MIIBhTCCASugAwIBAgIUQYVqTCMSW4nLePEhvjmMSroNciowCgYIKoZIzj0EAwIw
FzEVMBMGA1UEAwwMdGVzc2VyYS10ZXN0MCAXDTI2MTEyMzE4MDIwOVoYDzIxMjYx
MDMwMTgwMjA5WjAXMRUwEwYDVQQDDAx0ZXNzZXJhLXRlc3QwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAAQONjq9yqwvvPgLDXcUw23lbJ0tB/G9LxjHekgxmaR4lldR
W85vLtHoAzvYUkFfDfucdbCw/dmtFz0UvebZ4RGUo1MwUTAdBgNVHQ4EFgQUO0cC
h1+rYKaddNwl7t9BGXWWtqswHwYDVR0jBBgwFoAUO0cCh1+rYKaddNwl7t9BGXWW
tqswDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiBLpHPfRhBgKNv4
4szxrFQoh569JpbEgybWLVuo49GoiwIhALECtby0JGx317vZm2Z39H+Jm3dWnBPS
qtkpEzlLMpcl
-----END CERTIFICATE-----
)PEM";

// the P-256 key, encrypted PKCS#8 (password "test").
inline constexpr std::string_view p256_private_encrypted_pkcs8 = R"PEM(-----BEGIN ENCRYPTED PRIVATE KEY-----
MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAjxt4/Drt472wICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEN7PW95VU9Dk/kYZNoO6rroEgZCX
aCUW53l9undxVy6d3gRt5e6KFk9P6k/lL7oq4iPEadb/LddiV1oB42Q4gkVKH8JN
1r86IjlEbssZqBwYU0371/ADdB9f61TUT0iDJXhzZffxruK4tsWVwaiZ7nZ1Qc6D
hMte8qWnvC8XHxpHH+Ki3SJ5RRCCmqDR4r2sSii2Z2bWm9/oyuBH7BJv5nJznVg=
-----END ENCRYPTED PRIVATE KEY-----
)PEM";

// the P-256 key, legacy encrypted SEC1 PEM (Proc-Type: 4,ENCRYPTED).
inline constexpr std::string_view p256_private_encrypted_sec1 = R"PEM(-----BEGIN EC PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-256-CBC,6433FA55B242E8EC74B82D91A1CB46D7

NNvGBieXxDT8vfQeiY4ib8Qy7oUCl0U9eZqUCJ7aPywxGvQAZaOSEKojnURpe8YG
WOSCh8gBKs+7AGAaoZYoemBv1qFESgahSl6CX+OSHKwGaTht+8iKILLJge2VMG2M
z+c6XbtVsqnggruD7GZYsIzyoFLA665KV4mAbsrX018=
-----END EC PRIVATE KEY-----
)PEM";

// P-384 private key.
inline constexpr std::string_view p384_private_pkcs8 = R"PEM(-----BEGIN PRIVATE KEY-----
MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDDTsmXoIXiSlGuk5KHM
6M8D5X8EKdekOAaf/XCSEjUPzc9eZWsFKaxHdt1O7i2/t5uhZANiAATeIS4aXRRj
G9ek+ifTOF9HXtvy6qfHjbxh6KwhlISKKD+23QN2AhlXQJ3g3wevukvjqcRTF/fN
HPqspCz7b2I6/U1VAAn6vkhNXuxIEN9lOsz1DdDzaai5wauvuLrkjng=
-----END PRIVATE KEY-----
)PEM";

// its public key.
inline constexpr std::string_view p384_public_spki = R"PEM(-----BEGIN PUBLIC KEY-----
MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE3iEuGl0UYxvXpPon0zhfR17b8uqnx428
YeisIZSEiig/tt0DdgIZV0Cd4N8Hr7pL46nEUxf3zRz6rKQs+29iOv1NVQAJ+r5I
TV7sSBDfZTrM9Q3Q82moucGrr7i65I54
-----END PUBLIC KEY-----
)PEM";

// P-521 private key (its x, y and d each begin with a zero byte).
inline constexpr std::string_view p521_private_pkcs8 = R"PEM(-----BEGIN PRIVATE KEY-----
MIHuAgEAMBAGByqGSM49AgEGBSuBBAAjBIHWMIHTAgEBBEIAbuP3bOK+dlgRhay3
B4bsSIYD+EDb6Mxub2H+RuO7fDg5SsxvMd7LRv5/ec571fEGMFpblA+HDTDlaIZR
BSJ3jYihgYkDgYYABAAvXy+XGwE2CRHLygJ3d6lAbcKQMu7c3UQN6GDPnscO1/kG
3wUQR3P+ukyNuPTJHCLXAc1NyPv1/c5h7TlsAtrDdAA0VcFGoYB7k5mRuJtMpGoC
GBla63JBcoQSmyGrKlJeXJ/KpBAJrkjhNAsvQMJ8oLoXAFnTTRBVFwA/J06X0j+k
7A==
-----END PRIVATE KEY-----
)PEM";

// its public key.
inline constexpr std::string_view p521_public_spki = R"PEM(-----BEGIN PUBLIC KEY-----
MIGbMBAGByqGSM49AgEGBSuBBAAjA4GGAAQAL18vlxsBNgkRy8oCd3epQG3CkDLu
3N1EDehgz57HDtf5Bt8FEEdz/rpMjbj0yRwi1wHNTcj79f3OYe05bALaw3QANFXB
RqGAe5OZkbibTKRqAhgZWutyQXKEEpshqypSXlyfyqQQCa5I4TQLL0DCfKC6FwBZ
000QVRcAPydOl9I/pOw=
-----END PUBLIC KEY-----
)PEM";

// Ed25519 private key.
inline constexpr std::string_view ed25519_private_pkcs8 = R"PEM(-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIEvXGQGSw5ayfkFhVrpXn1CdBKw0qCj+11nEAl9h7pu0
-----END PRIVATE KEY-----
)PEM";

// its public key.
inline constexpr std::string_view ed25519_public_spki = R"PEM(-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEApNv4pZv23Dq9KW/e8ZDJFdTnDh29iE9kA1R6b4nqiDU=
-----END PUBLIC KEY-----
)PEM";

// secp256k1 private key (unsupported curve).
inline constexpr std::string_view secp256k1_private_pkcs8 = R"PEM(-----BEGIN PRIVATE KEY-----
MIGEAgEAMBAGByqGSM49AgEGBSuBBAAKBG0wawIBAQQgC3NJ2XwO/p7oRZuwaATJ
e+8avrEDk2OuybajOSuOZ9+hRANCAATa7zC73KqDTrqlG/BVwRaIMyFlArWlYwzS
UXIGKjLJulf1yAZWuSPmVbqo8NtISsbzxOa8eu9kbeF8wvdk4c3g
-----END PRIVATE KEY-----
)PEM";

// its public key.
inline constexpr std::string_view secp256k1_public_spki = R"PEM(-----BEGIN PUBLIC KEY-----
MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAE2u8wu9yqg066pRvwVcEWiDMhZQK1pWMM
0lFyBioyybpX9cgGVrkj5lW6qPDbSErG88TmvHrvZG3hfML3ZOHN4A==
-----END PUBLIC KEY-----
)PEM";

// X25519 private key (unsupported type).
inline constexpr std::string_view x25519_private_pkcs8 = R"PEM(-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VuBCIEINjsEOkrPkZE4G59KyCGpqJyf88+cIox9z9q/Tt/S/pI
-----END PRIVATE KEY-----
)PEM";

// its public key.
inline constexpr std::string_view x25519_public_spki = R"PEM(-----BEGIN PUBLIC KEY-----
MCowBQYDK2VuAyEAKpHaDsAfYFA8Yqmb+I/cK00n1vLrcc8LfAoF1IKn5CI=
-----END PUBLIC KEY-----
)PEM";

// DSA 2048 public key (unsupported type).
inline constexpr std::string_view dsa_public_spki = R"PEM(-----BEGIN PUBLIC KEY-----
MIIDQzCCAjYGByqGSM44BAEwggIpAoIBAQDlTRGP1usN7Po8Qp9uGsExbSShxtyI
XL8iCQ7WWEp+N6ibX1Ib/rvsk+QuhR2kcR8sBYonxvsksIVFUQKoVAXYuE5MYeuU
OJufNMlqw1tVmiYrUPmnCJGR+Q8dHxYMp03Ia53H506my3SD6h79/9MwQ4ymCuwy
gJui27shzdsLfhqFjMRUgGypYSBTVs/pzlF/1r05nqs6QESm/ujrhOHiklWSW/KP
D9nWcQkOGbBtN++3ezIQzolvPgwz4RsCE/59O7FUXSosqofFSDSpuwbxE8Iw0hsY
bwAONT+aFi2Z/87GzfVx4HtYColu9Rz+ynRghCCERR8idSCPcJd3O7BfAh0AhXWk
lcOGLF8C5fVC2Yby0udDdfi+oo+6U2J/YwKCAQEAz0G7vkdlBnm0j2M+mdors5k0
jy52plY7V1KFkQw4AQIH3GdCSRRDB91Oqvj0FEtng8SyA98AG0FHcDbzIw6StcnW
D+igyj0BKDaYMRw9OqH4Op3kdaDS0c8tEZOBaUhcysC+i6VRdvTsuUbEIjBT5ATq
45hHpMAD7E6SbFLZ0++bEwCD80yjqUcqW4geDuRSSv9VGdCBosKXB6TEMA2JSUsS
RZlXtAst0Y2kh1ZFXAwG4gR9GQJtuRxO6ExdsUoQNbDPDzEbJRrBsPgil0Q6r9ji
7gSFMKuNEndZKwkyH44ejejM5+KutPRMwXRVgamA/OEplruHkiwb+YwajdumEgOC
AQUAAoIBAByDePzhXcDj1GxOOZzguFlY/0QoeS/s3u6AQMgthFZOnTVBghpuw84m
p2SbbLEWCT3cL1X+55wr5hRuFBPs+OMvQXF/avdUkWaMKR41NgTxKIjXwMgtxCfK
tuUc8IxtTBFPDNuc14ClYhpIWFtHSthPPYpGy4r8oo+QIoiHH+MUq3YukKSpXfEv
eAUtkc/jbhjrJ82xtAV8zIuh4CIN5TouRvirZjoIAywz9GDmnpXOI/Jlw9YWu/9X
PAFd4+4CzAlCyeAR0ENZv/CtvCeu93LMj8bfa0A+9pDa96wNDApFp47Nu+t3gakf
niiVOX5FIHAzPdUBNPSeLfr9mTkcrxs=
-----END PUBLIC KEY-----
)PEM";

// rsa2048_private_pkcs8 as a private JWK (with the CRT members).
inline constexpr std::string_view rsa2048_private_jwk = R"JWK({"kty": "RSA", "n": "rAixhTGZDOYyvCQJkCHERyppzCfDIShqK3YLAzFA_VR_hG3aqcPSoX_CLMsMRDnyUQ4B4m5Wp6ZMJlTkJambBNkglROCdN8ErGx6fggBUmwK4j9JOt6kFZqj256AwPbAH08TRo_c8PNuAhiA80qmeEm5X17_o2wRLXKZvE6esiwRCdHGNdWDmBId9HFkujTk32RqUnyOby1K-dn41Uwcy7DPmmk3KeOsnD4RP57SlKDQ9FcL5D6gFXiMzj3aOTvM8LEv_fT1ZmJqD3rOL8c4EmDxKPJguW9JRsaE6gmlFjYQr-JhyRjcj9fN3kP4yPeTr7U0DloKQwL61lLGpw3Vew", "e": "AQAB", "d": "NkXh107f5YlkHSXTXITCmt7_FJjAvx-0avSpIb8yrRkwx5MuplswgqG_HQmL26RaVYbxQkGkFezpXjhu55Db5oondNB8WimXnFv2wvb8j8elIV5s2GUv597q7djR7s6Jqvbz8lFllyB9Jq0bVWXKIe3ETRm31ZM80hUy-gzllPi8lseCXEU0Vof69li-_k_X-X5F3ldm05Cm8iIuiZ_WFBJjBlCeF5JtsZfvyEvEbyhymyfOxAN9rSFvzKMofzbtttLUKTEkvpf1g5lIHPE2QXHD2O7NnuIrJzrfAGNgXuELyQ1KW1tMutpmm92VKGFnjJiwhv9frGqxWqAw8Hje6Q", "p": "0yaShqZv2xt-DNdlOTvt_CCMGspnFQcT4mLRDdyxMQnI5JoCbMgNJOrza5RZQ4zy-1r5aWhDlZUzuCw2Ye_vJHJAE5s29_1U8Exy_29ohwEHOtg-uc2StN0X7TUmqtYNW4pWQByQBElY4YwSTMBubCOJ0KSgBul6rer5iBRvfZk", "q": "0JMhHyKKqoB_3bM-EHm3YDBHHf2VeBUK2PBeM5yCx7Pooopun4nuFt6IeJWA_qWOAPC4cAlu8dqDIv8XYpBj98JUq4ml8GNRPWscHgqwCaUwXZ82git5zBhVT4xkuSgD-ZX8UWkCKSIC3TZDtkYHexATej-4-iJS2Ej0WblYUDM", "dp": "SR63aSej3qWDniDNLefB_yiqO_DRh6eezCvaJ0nAlrHDvt5SbqdMXfd6-ksyKkFaN48GhekUVm2HroSpBHtZPi7OX7vFalVxH5Hp1OkYsn-5qDgQaLl2z2ktCvj3_fsIPyYFvkfl24Ym4FxoTenpk0svQ3Bu9lXOJQIVDXm-Lik", "dq": "v6zmPFme-y-Z0mC9gaCJj8DuKjZ3XOJhlJnYyC9l1CaWfIEhRkYYYjXhTod-AwabqGuP444XwfUgnFG26OJurCqPaxDVSUPMTdgX_9esjUCcYP1Gt3tCs_gMtkz751hJxt06Aoqw7KIP5cDPmzth9osAi1DyKhTO82qf-7Cj4xc", "qi": "yxF2VOUhhklHtyxRMAW9jILzt0FFnDk7uD04c8q-xAsucneFTQHwMQ4BfV3sbx7OiaANypDwXGs88zPstReMAlpQ8Qz7eFnPGubW4aS5Et05sMaDbw2tp7TxzXAQvGbFkJ5fAekLgd71jINHUARQSqR0Ga_ut_ID6Ib2EIO1ev4"})JWK";

// p256_private_pkcs8 as a private JWK.
inline constexpr std::string_view p256_private_jwk = R"JWK({"kty": "EC", "crv": "P-256", "x": "DjY6vcqsL7z4Cw13FMNt5WydLQfxvS8Yx3pIMZmkeJY", "y": "V1Fbzm8u0egDO9hSQV8N-5x1sLD92a0XPRS95tnhEZQ", "d": "NVlsLCVCU5gDyrfxgwhp1mkCYozd4R-2HmKUeD-1344"})JWK";

// p384_private_pkcs8 as a private JWK.
inline constexpr std::string_view p384_private_jwk = R"JWK({"kty": "EC", "crv": "P-384", "x": "3iEuGl0UYxvXpPon0zhfR17b8uqnx428YeisIZSEiig_tt0DdgIZV0Cd4N8Hr7pL", "y": "46nEUxf3zRz6rKQs-29iOv1NVQAJ-r5ITV7sSBDfZTrM9Q3Q82moucGrr7i65I54", "d": "07Jl6CF4kpRrpOShzOjPA-V_BCnXpDgGn_1wkhI1D83PXmVrBSmsR3bdTu4tv7eb"})JWK";

// p521_private_pkcs8 as a private JWK.
inline constexpr std::string_view p521_private_jwk = R"JWK({"kty": "EC", "crv": "P-521", "x": "AC9fL5cbATYJEcvKAnd3qUBtwpAy7tzdRA3oYM-exw7X-QbfBRBHc_66TI249MkcItcBzU3I-_X9zmHtOWwC2sN0", "y": "ADRVwUahgHuTmZG4m0ykagIYGVrrckFyhBKbIasqUl5cn8qkEAmuSOE0Cy9AwnyguhcAWdNNEFUXAD8nTpfSP6Ts", "d": "AG7j92zivnZYEYWstweG7EiGA_hA2-jMbm9h_kbju3w4OUrMbzHey0b-f3nOe9XxBjBaW5QPhw0w5WiGUQUid42I"})JWK";

// ed25519_private_pkcs8 as a private JWK.
inline constexpr std::string_view ed25519_private_jwk = R"JWK({"kty": "OKP", "crv": "Ed25519", "x": "pNv4pZv23Dq9KW_e8ZDJFdTnDh29iE9kA1R6b4nqiDU", "d": "S9cZAZLDlrJ-QWFWulefUJ0ErDSoKP7XWcQCX2Hum7Q"})JWK";

}  // namespace tessera_test::keys
