import { readFileSync } from 'node:fs';
import { checkHostKey, fingerprint, type KnownHost, knownHostsName, knownKeyTypes, keyTypeOf, parseKnownHosts } from './known-hosts.js';

/** Where the check looks and what it is checking: one ssh:// engine. */
interface HostKeyCheckOptions {
  /** the known_hosts file (`~/.ssh/known_hosts` or DECNET_SSH_KNOWN_HOSTS) */
  knownHosts: string;
  host: string;
  port: number;
  /** `ssh://user@host:port`, the name refusal lines start with */
  endpoint: string;
}

// ssh2's default server host key algorithms, in its order; the exact list is handed over so the
// types known_hosts holds for a host can come first (ssh2's `prepend` never moves a listed one)
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];
const ALGORITHMS_OF_TYPE: Record<string, string[]> = { 'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] };

/**
 * The host key check of one ssh:// engine: `verify` is ssh2's hostVerifier. known_hosts is read at
 * every connection, so an entry added (or removed) applies at the next retry without a restart.
 * A refused key leaves its one-line reason in `refusal` until a key is accepted.
 */
export class HostKeyCheck {
  /** why the last presented key was refused, naming the endpoint and the key's fingerprint */
  refusal: string | undefined;
  private readonly name: string;

  constructor(private readonly opts: HostKeyCheckOptions) {
    this.name = knownHostsName(opts.host, opts.port);
  }

  /** True when known_hosts has this very key for the host; never throws. */
  verify(key: Buffer): boolean {
    const { entries, missing } = this.read();
    const verdict = checkHostKey(entries, this.name, key);
    if (verdict.status === 'known') {
      this.refusal = undefined;
      return true;
    }
    const file = this.opts.knownHosts;
    const what = `${keyTypeOf(key) || 'unknown-type'} ${fingerprint(key)}`;
    const where = this.opts.port === 22 ? this.opts.host : `-p ${this.opts.port} ${this.opts.host}`;
    switch (verdict.status) {
      case 'unknown':
        this.refusal = `refused ${this.opts.endpoint}: unknown host key ${what}, not in ${file}${missing ? ' (no such file)' : ''}; check it on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then add it (ssh-keyscan ${where} >> ${file})`;
        break;
      case 'changed':
        this.refusal = `refused ${this.opts.endpoint}: host key CHANGED, now ${what}, ${file}:${verdict.line} holds another (a man in the middle, or a reinstalled host: check, then ssh-keygen -f ${file} -R '${this.name}')`;
        break;
      case 'revoked':
        this.refusal = `refused ${this.opts.endpoint}: host key ${what} is marked @revoked in ${file}:${verdict.line}`;
        break;
    }
    return false;
  }

  /** Host key algorithms to offer, those of key types known_hosts holds for the host first. */
  algorithms(): string[] {
    const first = knownKeyTypes(this.read().entries, this.name).flatMap((t) => ALGORITHMS_OF_TYPE[t] ?? [t]);
    const known = first.filter((a) => HOST_KEY_ALGORITHMS.includes(a));
    return [...new Set([...known, ...HOST_KEY_ALGORITHMS])];
  }

  // an unreadable file is an empty one: every key is then unknown, hence refused
  private read(): { entries: KnownHost[]; missing: boolean } {
    try {
      return { entries: parseKnownHosts(readFileSync(this.opts.knownHosts, 'utf8')), missing: false };
    } catch {
      return { entries: [], missing: true };
    }
  }
}
