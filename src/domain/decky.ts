/** Where a decky row lives (SPEC §1.1). */
export type DeckySource = 'topology' | 'fleet' | 'shard';

/** A row of the union view: one running decky, whatever its source (SPEC §1.1). */
export interface RunningDecky {
  /** topology: row uuid; fleet and shard: `<host_uuid>:<name>` */
  uuid: string;
  name: string;
  ip: string | null;
  /** null when the stored value cannot be decoded as a list of strings */
  services: string[] | null;
  source: DeckySource;
  topologyId?: string;
  hostUuid?: string;
  /**
   * set (true) when the decky's host shares a network with the other hosts that say so, so
   * traffic may cross between them (issue 6); absent → traffic stays within its host
   */
  sharesNetwork?: boolean;
}

/** What discovery saw of one decky on one Docker host (SPEC §1.3). */
export interface ObservedDecky {
  name: string;
  hostUuid: string;
  /** set for a topology decky (its service containers carry `decnet.topology.id`) */
  topologyId?: string;
  services: string[];
  ip: string | null;
  running: boolean;
}
