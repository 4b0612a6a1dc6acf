import { fromCallback } from 'xstate';

/**
 * Discovery for an inventory kept true by someone else (tests, `--no-discovery` setups): it
 * reports one sync at start so the supervisor reads the running set and starts ticking.
 */
export function createStaticDiscoveryLogic() {
  return fromCallback<{ type: string }, { resyncMs: number }>(({ sendBack }) => {
    sendBack({ type: 'DISCOVERY.SYNCED' });
  });
}
