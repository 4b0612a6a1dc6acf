import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DockerError } from './docker-error.js';

/** How an ssh:// engine is logged into and its host key checked. */
export interface SshAuth {
  /** the ssh-agent socket (SSH_AUTH_SOCK) */
  agent?: string;
  /** an unencrypted private key, and the file it came from */
  privateKey?: Buffer;
  keyPath?: string;
  /** passphrase-protected keys found and left to the agent (ssh2 cannot ask for a passphrase) */
  lockedKeys: string[];
  /** the known_hosts file every host key must be in */
  knownHosts: string;
}

/** The environment variables ssh:// engines read (a swarm host gets these and no other). */
export const SSH_ENV = ['SSH_AUTH_SOCK', 'DECNET_SSH_KEY', 'DECNET_SSH_KNOWN_HOSTS', 'HOME'] as const;

// what ssh itself tries, in its order, when no key is named
const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/**
 * The agent, key and known_hosts an ssh:// engine uses: SSH_AUTH_SOCK; DECNET_SSH_KEY, else the
 * first unencrypted `~/.ssh/id_ed25519`, `id_ecdsa`, `id_rsa`; DECNET_SSH_KNOWN_HOSTS, else
 * `~/.ssh/known_hosts`. A named key that cannot be read, or that is passphrase-protected with no
 * agent to hold it, is a DockerError (`DOCKER_CONFIG`) saying so.
 */
export function sshAuthFrom(env: NodeJS.ProcessEnv): SshAuth {
  const home = env.HOME || homedir();
  const agent = env.SSH_AUTH_SOCK || undefined;
  const auth: SshAuth = {
    lockedKeys: [],
    knownHosts: env.DECNET_SSH_KNOWN_HOSTS || join(home, '.ssh', 'known_hosts'),
    ...(agent ? { agent } : {}),
  };
  const named = env.DECNET_SSH_KEY;
  if (named) {
    const key = readKey(named);
    if (key === undefined) throw new DockerError(`cannot read the SSH key DECNET_SSH_KEY=${named}`, 'DOCKER_CONFIG', false);
    if (!isEncryptedKey(key)) return { ...auth, privateKey: key, keyPath: named };
    if (!agent) {
      throw new DockerError(
        `the SSH key DECNET_SSH_KEY=${named} is passphrase-protected: load it into an ssh-agent (ssh-add ${named}) and set SSH_AUTH_SOCK`,
        'DOCKER_CONFIG',
        false,
      );
    }
    return { ...auth, lockedKeys: [named] };
  }
  for (const name of DEFAULT_KEYS) {
    const path = join(home, '.ssh', name);
    const key = readKey(path);
    if (key === undefined) continue;
    if (isEncryptedKey(key)) {
      auth.lockedKeys.push(path);
      continue;
    }
    return { ...auth, privateKey: key, keyPath: path };
  }
  return auth;
}

/** The one line an SSH login refusal becomes: what was offered, and what to do when nothing was. */
export function sshAuthFailure(endpoint: string, user: string, auth: Omit<SshAuth, 'knownHosts'>): string {
  const tried = [...(auth.agent ? [`agent ${auth.agent}`] : []), ...(auth.keyPath ? [`key ${auth.keyPath}`] : [])];
  const locked =
    auth.lockedKeys.length > 0 && !auth.agent
      ? `; ${auth.lockedKeys.join(', ')} need a passphrase: ssh-add them to an agent and set SSH_AUTH_SOCK`
      : '';
  if (tried.length === 0) {
    return `refused ${endpoint}: SSH authentication failed for ${user}: no SSH_AUTH_SOCK agent and no key (set SSH_AUTH_SOCK or DECNET_SSH_KEY, or create ~/.ssh/id_ed25519)${locked}`;
  }
  return `refused ${endpoint}: SSH authentication failed for ${user} (tried ${tried.join(', ')}); is the key in ${user}'s authorized_keys?${locked}`;
}

/** True for an OpenSSH or PEM private key that needs a passphrase. */
export function isEncryptedKey(key: Buffer): boolean {
  const text = key.toString('latin1');
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text) || /^Proc-Type:\s*4,ENCRYPTED/m.test(text)) return true;
  const body = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text)?.[1];
  if (body === undefined) return false;
  // openssh-key-v1\0, then the cipher name as an SSH string: "none" when unencrypted
  const raw = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  const magic = 'openssh-key-v1\0'.length;
  if (raw.length < magic + 4) return false;
  const len = raw.readUInt32BE(magic);
  return raw.subarray(magic + 4, magic + 4 + len).toString('latin1') !== 'none';
}

function readKey(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
