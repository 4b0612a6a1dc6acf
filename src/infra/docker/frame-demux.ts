const HEADER = 8;

/**
 * Splits Docker's multiplexed attach stream (8-byte header: stream type, 3 zero bytes, uint32 BE
 * length) into stdout and stderr, keeping at most `cap` payload bytes in total. Frames are never
 * buffered by their declared length, so a lying header cannot make it allocate.
 */
export class FrameDemux {
  private readonly out: Buffer[] = [];
  private readonly err: Buffer[] = [];
  private header = Buffer.alloc(0);
  private stream = 0;
  private remaining = 0;
  private raw = false;
  private kept = 0;
  /** set once more than `cap` payload bytes arrived; later chunks are ignored */
  overflowed = false;

  constructor(private readonly cap: number) {}

  /** feeds one chunk; returns false once the cap was passed (the caller should hang up) */
  push(chunk: Buffer): boolean {
    let off = 0;
    while (off < chunk.length && !this.overflowed) {
      if (this.raw) {
        this.keep(1, chunk.subarray(off));
        break;
      }
      if (this.remaining === 0) {
        const need = HEADER - this.header.length;
        this.header = Buffer.concat([this.header, chunk.subarray(off, off + need)]);
        off += Math.min(need, chunk.length - off);
        if (this.header.length < HEADER) break;
        const type = this.header[0]!;
        if (type > 2) {
          // not a multiplexed stream (tty, or misaligned): keep the bytes as stdout from here on
          this.raw = true;
          this.keep(1, this.header);
          this.header = Buffer.alloc(0);
          continue;
        }
        this.stream = type;
        this.remaining = this.header.readUInt32BE(4);
        this.header = Buffer.alloc(0);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - off);
      this.keep(this.stream, chunk.subarray(off, off + take));
      this.remaining -= take;
      off += take;
    }
    return !this.overflowed;
  }

  /** stdout bytes kept so far */
  stdout(): Buffer {
    return Buffer.concat(this.out);
  }

  /** stderr bytes kept so far */
  stderr(): Buffer {
    return Buffer.concat(this.err);
  }

  /** payload bytes kept (≤ cap) */
  get bytes(): number {
    return this.kept;
  }

  private keep(stream: number, data: Buffer): void {
    const room = this.cap - this.kept;
    const slice = data.length > room ? data.subarray(0, room) : data;
    if (slice.length > 0) {
      // copy: the socket may reuse its buffer, and a subarray would pin the whole chunk
      (stream === 2 ? this.err : this.out).push(Buffer.from(slice));
      this.kept += slice.length;
    }
    if (data.length > room) this.overflowed = true;
  }
}
