/** Longest stderr kept in an event payload (SPEC §3.1). */
const MAX_STDERR = 256;

/** Longest banner kept in an event payload (SPEC §3.1). */
export const MAX_BANNER = 128;

// C0 controls except tab and newline, DEL, C1 controls, and the invisible marks that can disguise
// text in an operator's terminal or UI: zero-width characters and directional marks (U+200B–U+200F,
// U+061C), bidi embeddings, overrides and isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Cuts `text` to at most `max` code points (never splits a surrogate pair). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text).slice(0, max).join('');
}

/**
 * Makes untrusted container output safe to store, log and show: control characters become `?`
 * (CR too, so `\r\n` reads as `\n`), then the text is cut to `max` code points.
 */
export function sanitizeOutput(text: string, max: number): string {
  return clip(text.replace(/\r\n/g, '\n').replace(UNSAFE, '?'), max);
}

/** Cleans an identifier echoed into a payload (decky name, ip, path): every control becomes `?`. */
export function sanitizeField(text: string, max: number): string {
  return sanitizeOutput(text.replace(/[\t\n]/g, '?'), max);
}

/** Bounds and cleans a stderr for an event payload: trimmed, controls replaced, ≤ `max` chars. */
export function sanitizeStderr(stderr: string, max: number = MAX_STDERR): string {
  return sanitizeOutput(stderr.trim(), max);
}
