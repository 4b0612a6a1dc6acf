/** Whether a swarm host's engine answered at its host actor's last look. */
export type SwarmHostState = 'unknown' | 'online' | 'unreachable';

/** Paths of the TLS material for a `tcp://` engine; read when connecting, never stored inline. */
interface SwarmHostTls {
  ca: string | null;
  cert: string | null;
  key: string | null;
}

/** A remote Docker engine that runs shard deckies (SPEC §1.1, issue 6): a `swarm_hosts` row. */
export interface SwarmHost {
  /** opaque; shard decky ids are `<uuid>:<name>` */
  uuid: string;
  name: string;
  /** `unix:///path`, `tcp://host:port` (TLS when `tls` is set) or `ssh://user@host[:port]` */
  endpoint: string;
  tls: SwarmHostTls;
  /** traffic may cross to deckies of other hosts that share a network too */
  sharesNetwork: boolean;
  state: SwarmHostState;
  lastSeen: Date | null;
  /** why the engine did not answer, while it is unreachable */
  lastError: string | null;
  createdAt: Date;
}

/** What `decnet-orchestrator swarm add-host` registers. */
export interface NewSwarmHost {
  name: string;
  endpoint: string;
  tls?: Partial<SwarmHostTls>;
  sharesNetwork?: boolean;
}

/** The `swarm_hosts` table and the host-level state changes its host actors make. */
export interface SwarmHostsPort {
  /** registers a host under a new uuid; a name already taken is a StoreQueryError */
  addHost(host: NewSwarmHost): Promise<SwarmHost>;
  /** every host, by name */
  listHosts(): Promise<SwarmHost[]>;
  /** one host by name or uuid, or null */
  getHost(nameOrUuid: string): Promise<SwarmHost | null>;
  /** unregisters a host and tears down its deckies, in one transaction; null when unknown */
  removeHost(nameOrUuid: string): Promise<SwarmHost | null>;
  /** the engine answered: state online, last_seen `at`, no error */
  markOnline(uuid: string, at: Date): Promise<void>;
  /**
   * the engine stopped answering: state unreachable with the reason, and its running deckies
   * (shards and topology deckies seen there) leave the running set, in one transaction.
   * Returns how many deckies left it.
   */
  markUnreachable(uuid: string, reason: string, at: Date): Promise<number>;
}
