// The columns of DECNET's tables this project writes, in insert order: the repositories bind them,
// and the ownership check requires each of them on a DECNET database (one list, so they never drift).

/** `orchestrator_events` (DECNET-COMPAT §2). */
export const EVENT_COLUMNS = [
  'uuid',
  'ts',
  'kind',
  'protocol',
  'action',
  'src_decky_uuid',
  'dst_decky_uuid',
  'success',
  'payload',
] as const;

/** `orchestrator_emails` (DECNET-COMPAT §2). */
export const EMAIL_COLUMNS = [
  'uuid',
  'ts',
  'mail_decky_uuid',
  'thread_id',
  'message_id',
  'in_reply_to',
  'sender_email',
  'recipient_email',
  'subject',
  'language',
  'eml_path',
  'success',
  'payload',
] as const;

/** `synthetic_files` (DECNET-COMPAT §2); `persona` is NOT NULL there: an unknown author is ''. */
export const SYNTHETIC_FILE_COLUMNS = [
  'uuid',
  'decky_uuid',
  'path',
  'persona',
  'content_class',
  'created_at',
  'last_modified',
  'edit_count',
  'content_hash',
  'last_body',
] as const;
