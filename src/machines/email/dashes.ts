// figure dash, en dash, em dash, horizontal bar, two- and three-em dashes
const DASH = '[\\u2012\\u2013\\u2014\\u2015\\u2e3a\\u2e3b]';
const ANY_DASH = new RegExp(DASH);
const RANGE_IN_WORD = /(?<=[\p{L}\p{N}])[\u2012\u2013](?=[\p{L}\p{N}])/gu;
const RANGE_OF_NUMBERS = new RegExp(`(?<=\\p{N})\\s*${DASH}+\\s*(?=\\p{N})`, 'gu');
const LEADING = new RegExp(`^(\\s*)${DASH}+\\s*`, 'u');
const TRAILING = new RegExp(`\\s*${DASH}+\\s*$`, 'u');
const BREAK = new RegExp(`\\s*${DASH}+\\s*`, 'gu');

/** True when `text` holds an em-dash, en-dash or a look-alike. */
export function hasDashes(text: string): boolean {
  return ANY_DASH.test(text);
}

/**
 * Replaces long dashes the way a person typing on a keyboard would have written them:
 * ranges (`9–5`, `Paris–Berlin`) get a hyphen, a dash opening a line becomes `- `, a dash
 * closing a line goes, and every other dash (a parenthetical break) becomes a comma.
 */
export function removeDashes(text: string): string {
  if (!hasDashes(text)) return text;
  return text.split('\n').map(fixLine).join('\n');
}

function fixLine(line: string): string {
  let s = line
    // unspaced en dash or figure dash between letters or digits: a range or compound
    .replace(RANGE_IN_WORD, '-')
    // any dash between digits, spaced or not: a range
    .replace(RANGE_OF_NUMBERS, '-')
    // a dash opening the line works as a bullet
    .replace(LEADING, '$1- ')
    // a dash closing the line (a trailing aside) goes
    .replace(TRAILING, '')
    // everything else is a parenthetical break
    .replace(BREAK, ', ');
  // tidy what the comma may have produced: ", ," / ", ." / "(, " / ":,"
  s = s
    .replace(/,\s*(?=[,.;:!?)\]])/g, '')
    .replace(/([,;:!?([])\s*,\s*/g, '$1 ')
    .replace(/\( /g, '(');
  return s;
}
