/** Facts the discovery actor sends (SPEC §1.3): the inventory was reconciled, or the watch failed. */
export type DiscoveryReport =
  /** `recovered`: the engine had failed (list or event stream) since the previous sync */
  | { type: 'DISCOVERY.SYNCED'; hostUuid?: string; running?: number; deckies?: number; recovered?: boolean }
  | { type: 'DISCOVERY.DEGRADED'; hostUuid?: string; reason: string };
