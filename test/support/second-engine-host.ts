import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

// host-level helpers of the second engine: processes, addresses, iptables

/** The name's octet in 10.214.x.0/24, moved on while a host interface already sits in that /24. */
export function freeOctet(name: string): number {
  const used = new Set(
    Object.values(networkInterfaces())
      .flat()
      .map((a) => a?.address ?? '')
      .filter((a) => a.startsWith('10.214.'))
      .map((a) => Number(a.split('.')[2])),
  );
  let octet = createHash('sha256').update(name).digest()[0]!;
  while (used.has(octet)) octet = (octet + 1) % 256;
  return octet;
}

/** Runs iptables (waiting for the xtables lock); false when it fails. */
export function iptables(args: string[]): boolean {
  try {
    execFileSync('iptables', ['-w', ...args], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** True when `pid` is a dockerd started with `runDir` in its arguments. */
export function isOurDaemon(pid: number, runDir: string): boolean {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.startsWith('dockerd') && cmd.includes(runDir);
  } catch {
    return false;
  }
}

/** True while process `pid` exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The last lines of a log file, or nothing. */
export function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
