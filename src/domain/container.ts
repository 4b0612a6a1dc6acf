/** A decky service container as the engine reports it. */
export interface ContainerInfo {
  id: string;
  /** name without the leading slash */
  name: string;
  running: boolean;
  labels: Readonly<Record<string, string>>;
  /** `decnet.ip` label when it is an IP literal, else the address on its first network, if any */
  ip?: string;
}
