// throwaway keys made by ssh-keygen for these tests only; they open nothing

/** An ed25519 host public key (base64 blob) and its fingerprint as `ssh-keygen -lf` printed it. */
export const HOST_KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIB5L6gH2xpVsDht0fGXfXgQXVE2J+3ivYSCA2H0yvgWK';
export const HOST_FINGERPRINT = 'SHA256:YzeJ3nvn3o1IDJJyj+LwpNgNDhxhHKuEJQDKQlLub0I';
/** `[h.example]:2222` with HOST_KEY, hashed by `ssh-keygen -H`. */
export const HASHED_LINE = `|1|dA08mezl86Q7FDSH0brlGm0Zu5E=|InL4NmGTEyvXXjpVBAYYPGwoQCk= ssh-ed25519 ${HOST_KEY}`;
/** Another ed25519 key, and an ecdsa one. */
export const OTHER_KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIOFeX2mL2g9XNtRR/8aAEHeb82IQ6s425YSGjxIHjXdF';
export const ECDSA_KEY =
  'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBJhgu9RktbqEMQfNLMYv77hfavzlwXGitw/TtgpAea6rV8HOoI8CDArDlk/eybUVgEudhObMGbExgV0GsZDvxow=';

/** Private keys: OpenSSH without passphrase, OpenSSH with one, PEM (EC) with one. */
export const PLAIN_PRIVATE = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACDI3KigrqtgWkE8EVKdisWQG7xFHZ2OWT8exRw46RMC6AAAAIiKbgvbim4L
2wAAAAtzc2gtZWQyNTUxOQAAACDI3KigrqtgWkE8EVKdisWQG7xFHZ2OWT8exRw46RMC6A
AAAEDlfzi8lM7hvOv1evV0TKErIPF9GdxSWvkX2/F40uueNMjcqKCuq2BaQTwRUp2KxZAb
vEUdnY5ZPx7FHDjpEwLoAAAAAXQBAgME
-----END OPENSSH PRIVATE KEY-----
`;
export const LOCKED_PRIVATE = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABBa90NHjl
KeEFcR4IiuMM1DAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIHLC0yHKqPdl3Vv3
JCZdUAtsxiiSB3lomqO6ee/PRWQ7AAAAkCrDIIfzTjNAIW5FI5cRVyVzOtJziRiBj0vzJt
q8y2k0zu9K/fdl32Evc6sZgESkHELf/mpVpLkYvI3epqseEFJRkKz/kJejaK95rqdPZuo0
SQ518Z+mX2sEmK+JlRMPnfpM9FFUUHGIdd/KoB/20ulfOzuaYwA3f1adNvF2LOEc++bkHs
JynZYi4CxJmVaMpA==
-----END OPENSSH PRIVATE KEY-----
`;
export const LOCKED_PEM = `-----BEGIN EC PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-128-CBC,4B68D66C7A946B46F6C3AB4570E4BC6B

J/Q1tH3LJCZYOcLYo/i7nNAy343LNG4ZyhPEQRSpP7/kWKp2kB674uwjrrOgdphb
k6xyYdWQQWDjN1XUUluU41R9KGTIhtXpBa2OgXCM7aGZyaT0quaQdHZwkiA8jKFZ
tPkITD4lbPjGoR404ffZfRK6mO9ks2F0WVd1486cuKM=
-----END EC PRIVATE KEY-----
`;
