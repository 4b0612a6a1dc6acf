/** Values an attacker-named decky or label could carry; none may ever reach a shell. */
export const HOSTILE = [
  '; rm -rf /',
  '$(touch /tmp/canary)',
  '`touch /tmp/canary`',
  "'; touch /tmp/canary; '",
  '"; touch /tmp/canary; "',
  'web01\ntouch /tmp/canary',
  'web 01',
  '../../etc',
  'web01|id',
  'web01&&id',
  'a>b',
  '-rf',
  '',
] as const;
