import type { TopologyFile } from './topology-file.schema.js';

/** A `topologies` row (SPEC §1.2); personas are the raw JSON list, validated by their consumer. */
export interface TopologyRecord {
  id: string;
  name: string;
  /** ISO 639-1, default `en` */
  languageDefault: string;
  emailPersonas: unknown[];
  /** IANA zone for personas that set none; null → the host's zone */
  timezone: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What one import did. */
export interface TopologyImportResult {
  id: string;
  name: string;
  /** deckies written (inserted or updated) */
  deckies: number;
  /** false when an existing topology was updated */
  created: boolean;
}

/** Topologies and their deckies, as an operator imports them. */
export interface TopologyStore {
  /**
   * Upserts the topology and every decky of the file in one transaction: all or nothing.
   * Existing decky uuids are kept (events reference them); state and ip are only overwritten
   * when the file gives them, so an import never hides what discovery saw. When the file has
   * no id, a single existing topology with the same name is updated instead of duplicated.
   */
  importTopology(file: TopologyFile): Promise<TopologyImportResult>;
  getTopology(id: string): Promise<TopologyRecord | null>;
}
