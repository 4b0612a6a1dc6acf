/** Thrown for bus settings that name no bus, two buses, or an unsafe NATS connection; the message names the variable. */
export class BusConfigError extends Error {
  readonly code = 'BUS_CONFIG';
}
