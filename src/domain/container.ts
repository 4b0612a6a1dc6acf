/** A container as the engine lists it: a decky's base or one of its service containers. */
export interface ContainerInfo {
  id: string;
  /** name without the leading slash */
  name: string;
  running: boolean;
  labels: Readonly<Record<string, string>>;
  /**
   * the container whose network namespace this one shares (`NetworkMode: container:<ref>`), as the
   * engine reports it: a full id, or a name on engines that keep what was asked
   */
  networkContainerId?: string;
  /** its address on each network it is attached to (IPv4, else global IPv6), by network name */
  networks: Readonly<Record<string, string>>;
}
