/**
 * Incremental parser for newline-delimited JSON (the engine's event stream). Lines may arrive
 * split across chunks or several per chunk; blank and malformed lines are skipped, and a line
 * longer than `maxLine` is dropped whole so a runaway stream cannot grow memory.
 */
export class JsonLines {
  private parts: Buffer[] = [];
  private size = 0;
  private skipping = false;
  /** lines dropped as malformed or oversized */
  dropped = 0;

  constructor(
    private readonly onValue: (value: unknown) => void,
    private readonly maxLine = 1024 * 1024,
  ) {}

  /** feeds one chunk; calls onValue once per complete, valid line */
  push(chunk: Buffer | string): void {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10)) {
      this.append(buf.subarray(0, nl));
      this.flushLine();
      buf = buf.subarray(nl + 1);
    }
    this.append(buf);
  }

  private append(part: Buffer): void {
    if (this.skipping || part.length === 0) return;
    if (this.size + part.length > this.maxLine) {
      this.skipping = true;
      this.parts = [];
      this.size = 0;
      return;
    }
    this.parts.push(Buffer.from(part));
    this.size += part.length;
  }

  private flushLine(): void {
    const line = Buffer.concat(this.parts).toString('utf8').trim();
    const wasSkipping = this.skipping;
    this.parts = [];
    this.size = 0;
    this.skipping = false;
    if (wasSkipping) {
      this.dropped++;
      return;
    }
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.dropped++;
      return;
    }
    this.onValue(value);
  }
}
