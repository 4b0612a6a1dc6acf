/** The message of anything thrown, for a log field or a stored row. */
export function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
