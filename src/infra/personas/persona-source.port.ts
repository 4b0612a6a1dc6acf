/** What the resolver needs to know of one topology (SPEC §1.2, §6.2). */
export interface TopologyPersonas {
  /** ISO 639-1 code used for personas whose language is null */
  languageDefault: string;
  /** the raw `email_personas` list; validated leniently by the resolver */
  emailPersonas: unknown[];
  /** IANA zone for personas that set none; absent → the host's zone */
  timezone?: string | null;
}

/** Reads a topology's personas; the store implements it. */
export interface TopologyPersonaSource {
  /** null when no topology has this id */
  getTopology(id: string): Promise<TopologyPersonas | null>;
}
