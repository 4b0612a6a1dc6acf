import type { ContainerInfo } from '../../src/domain/container.js';
import { FakeDocker } from './fake-docker.js';

/**
 * A fake engine on a swarm host that can go away and come back: while down, ping answers false,
 * listing throws and every event stream ends, as with a stopped dockerd or a cut network.
 */
export class FakeSwarmDocker extends FakeDocker {
  private down = false;

  /** the engine stops answering */
  goDown(): void {
    this.down = true;
    this.reachable = false;
    this.failEventStreams(new Error('fake engine: connection reset'));
  }

  /** the engine answers again */
  comeBack(): void {
    this.down = false;
    this.reachable = true;
  }

  override async listDeckyContainers(): Promise<ContainerInfo[]> {
    if (this.down) throw new Error('fake engine: connect ECONNREFUSED');
    return super.listDeckyContainers();
  }
}
