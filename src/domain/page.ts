/** A page of rows, newest first (SPEC §4.3). */
export interface Page<T> {
  total: number;
  limit: number;
  offset: number;
  data: T[];
}
