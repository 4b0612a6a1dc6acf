import type { InspectorHandle, InspectorOptions } from './inspector.port.js';
import { startStatelyInspector } from './impl/stately-ws.js';

/** Default port of `--inspect` without a value. */
export const DEFAULT_INSPECT_PORT = 9339;

/**
 * Starts the XState inspector on loopback (issue 4, `--inspect[=PORT]`). Everything sent is
 * sanitised first (`sanitizeForInspector`). When `--inspect` is off, do not call this and pass
 * no `inspect` to the actor: nothing is converted or sent.
 */
export function startInspector(o: InspectorOptions): Promise<InspectorHandle> {
  return startStatelyInspector(o);
}
