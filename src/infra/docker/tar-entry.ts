/** Why a file could not be read out of a container. */
export type FileReadFailure = 'missing' | 'not-a-file' | 'link' | 'too-large' | 'timeout' | 'engine';

/** A file read out of a container, or why not; never an exception. */
export type FileReadResult = { ok: true; content: Buffer } | { ok: false; reason: FileReadFailure; detail: string };

const BLOCK = 512;
/** Largest extended (pax/GNU long name) header skipped before the entry itself. */
const MAX_EXTENDED = 64 * 1024;

const fail = (reason: FileReadFailure, detail: string): FileReadResult => ({ ok: false, reason, detail });

/** Tar bytes an archive of one file of at most `maxBytes` can take: extended headers, the header, the data, the end blocks. */
export function tarCapFor(maxBytes: number): number {
  return MAX_EXTENDED + 2 * BLOCK + Math.ceil(maxBytes / BLOCK) * BLOCK + 2 * BLOCK;
}

function octal(field: Buffer): number | null {
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
  // a base-256 size (high bit set) is only ever needed past 8 GiB: refused like any odd field
  return /^[0-7]{1,12}$/.test(text) ? Number.parseInt(text, 8) : null;
}

function checksumOk(header: Buffer): boolean {
  const want = octal(header.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return want === sum;
}

/**
 * The content of the first regular file in a tar (what the Engine API's archive download gives
 * for one path). Extended headers before it (pax `x`/`g`, GNU `L`/`K`) are skipped; a link,
 * directory or device, a bad checksum, a size past `maxBytes` or bytes that stop short are
 * refused. Only this one entry is parsed; anything after it is ignored.
 */
export function firstTarFile(tar: Buffer, maxBytes: number): FileReadResult {
  let at = 0;
  for (let headers = 0; headers < 8; headers += 1) {
    if (tar.length < at + BLOCK) return fail('engine', 'archive ended inside a header');
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return fail('missing', 'empty archive');
    if (!checksumOk(header)) return fail('engine', 'archive header checksum mismatch');
    const size = octal(header.subarray(124, 136));
    if (size === null) return fail('engine', 'archive header has no readable size');
    const type = String.fromCharCode(header[156]!);
    const data = at + BLOCK;
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      if (size > MAX_EXTENDED) return fail('too-large', 'extended archive header too large');
      at = data + Math.ceil(size / BLOCK) * BLOCK;
      continue;
    }
    if (type === '1' || type === '2') return fail('link', 'the path is a link');
    if (type !== '0' && type !== '\0' && type !== '7')
      return fail('not-a-file', `the path is not a regular file (type ${JSON.stringify(type)})`);
    if (size > maxBytes) return fail('too-large', `file is ${size} bytes, more than ${maxBytes}`);
    if (tar.length < data + size) return fail('engine', 'archive ended inside the file');
    return { ok: true, content: Buffer.from(tar.subarray(data, data + size)) };
  }
  return fail('engine', 'too many extended archive headers');
}
