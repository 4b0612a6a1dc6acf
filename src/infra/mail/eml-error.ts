/** Codes of EmlError, one per way a message can be refused. */
type EmlErrorCode = 'EML_INVALID_ADDRESS' | 'EML_INVALID_MESSAGE_ID' | 'EML_INVALID_ZONE' | 'EML_UNSAFE_PATH';

/** A message that must not be built or stored: bad address, Message-ID, zone or path. Never retryable. */
export class EmlError extends Error {
  readonly retryable = false;
  constructor(
    readonly code: EmlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EmlError';
  }
}
