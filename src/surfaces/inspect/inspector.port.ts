import type { InspectionEvent, Observer } from 'xstate';
import type { Logger } from '../../infra/log/logger.port.js';

/** Options of `startInspector`. */
export interface InspectorOptions {
  /** loopback port; 0 picks a free one (tests) */
  port: number;
  logger: Logger;
  /** `127.0.0.1` (default) or `::1`: the inspector never leaves loopback */
  host?: '127.0.0.1' | '::1';
  /** concurrent viewers, default 8 */
  maxViewers?: number;
}

/** A running inspector. Pass `inspect` to `createActor(machine, { inspect })`. */
export interface InspectorHandle {
  inspect: Observer<InspectionEvent>;
  /** the page to open in a browser: the Stately inspector fed by this daemon */
  url: string;
  /** raw inspection events as JSON, for any WebSocket client */
  wsUrl: string;
  close(): Promise<void>;
}
