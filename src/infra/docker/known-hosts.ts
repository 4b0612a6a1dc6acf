import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** One usable line of an OpenSSH known_hosts file. */
export interface KnownHost {
  /** 1-based line number, for messages */
  line: number;
  /** `@revoked` lines refuse a key; `@cert-authority` lines are not supported and never match */
  marker?: 'revoked' | 'cert-authority';
  /** the host field as written: `a,b,[c]:2222`, patterns with `*`/`?`/`!`, or `|1|salt|hash` */
  hosts: string;
  /** the key's own algorithm name (`ssh-ed25519`, `ssh-rsa`, …), read from the blob */
  keyType: string;
  /** the public key blob in SSH wire format */
  key: Buffer;
}

/** What known_hosts says of the key a host presented. */
type HostKeyVerdict =
  | { status: 'known'; line: number }
  | { status: 'unknown' }
  | { status: 'changed'; line: number }
  | { status: 'revoked'; line: number };

/** The name known_hosts stores a host under: `host` on port 22, `[host]:port` otherwise (as ssh does). */
export function knownHostsName(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return port === 22 ? bare : `[${bare}]:${port}`;
}

/** Parses known_hosts text; malformed lines are skipped, as ssh skips them. */
export function parseKnownHosts(text: string): KnownHost[] {
  const out: KnownHost[] = [];
  text.split('\n').forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0]?.startsWith('#')) return;
    let marker: KnownHost['marker'];
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m !== '@revoked' && m !== '@cert-authority') return;
      marker = m === '@revoked' ? 'revoked' : 'cert-authority';
    }
    const [hosts, type, b64] = fields;
    if (!hosts || !type || !b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return;
    const key = Buffer.from(b64, 'base64');
    // the blob names its own algorithm; a line whose two names disagree is corrupt
    if (keyTypeOf(key) !== type) return;
    out.push({ line: i + 1, hosts, keyType: type, key, ...(marker ? { marker } : {}) });
  });
  return out;
}

/** Checks the key `name` (see knownHostsName) presented against the entries. */
export function checkHostKey(entries: readonly KnownHost[], name: string, key: Buffer): HostKeyVerdict {
  const mine = entries.filter((e) => e.marker !== 'cert-authority' && hostMatches(e.hosts, name));
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', line: revoked.line };
  const plain = mine.filter((e) => e.marker === undefined);
  const same = plain.find((e) => e.key.equals(key));
  if (same) return { status: 'known', line: same.line };
  const type = keyTypeOf(key);
  const other = plain.find((e) => e.keyType === type);
  return other ? { status: 'changed', line: other.line } : { status: 'unknown' };
}

/** Key types known_hosts holds for `name` (to ask the server for one of those first). */
export function knownKeyTypes(entries: readonly KnownHost[], name: string): string[] {
  return [...new Set(entries.filter((e) => e.marker === undefined && hostMatches(e.hosts, name)).map((e) => e.keyType))];
}

/** `SHA256:` and the unpadded base64 digest of the blob, as `ssh` and `ssh-keygen -l` print it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The algorithm name a wire-format key blob starts with ('' when it is not one). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return '';
  const len = key.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > key.length) return '';
  return key.subarray(4, 4 + len).toString('latin1');
}

// a hashed field matches one name; a plain field is a list of patterns, any `!pattern` vetoes
function hostMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    const want = Buffer.from(hash, 'base64');
    const got = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
    return want.length === got.length && timingSafeEqual(want, got);
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    const negated = pattern.startsWith('!');
    if (!glob(negated ? pattern.slice(1) : pattern).test(name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function glob(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}
