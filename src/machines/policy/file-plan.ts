/** A file to drop on a decky: where and what (SPEC §3.2). Plain data, safe in a context. */
export interface FilePlan {
  /** absolute path inside the decky's ssh container */
  path: string;
  content: string;
}
