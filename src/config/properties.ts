/**
 * A parser for Java `.properties` text, following `java.util.Properties.load`:
 * - lines end at \n, \r or \r\n; whitespace is space, \t and \f;
 * - a line whose first non-whitespace character is `#` or `!` is a comment (and is never
 *   continued by a trailing backslash);
 * - a line ending in an odd number of backslashes continues on the next line, whose leading
 *   whitespace is dropped;
 * - the key runs to the first unescaped `=`, `:` or whitespace; the separator is whitespace
 *   with at most one `=` or `:`; the value is the rest of the line (trailing whitespace kept);
 * - escapes in keys and values: \t \n \r \f, \uXXXX, and `\c` → `c` for any other c;
 * - a key given twice keeps its last value.
 * Unlike Java's `load(InputStream)`, which reads ISO-8859-1, the caller hands us decoded text
 * (config files are read as UTF-8), so non-ASCII characters need not be \u-escaped.
 */

/** One key/value pair with the 1-based line its logical line started on. */
export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

export class PropertiesSyntaxError extends Error {
  override name = 'PropertiesSyntaxError';
  readonly code = 'ERR_CONFIG_PROPERTIES_SYNTAX';
  constructor(
    readonly line: number,
    readonly detail: string,
    readonly source?: string,
  ) {
    super(`${source ?? 'properties'}:${line}: ${detail}`);
  }
}

const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\f';

interface LogicalLine {
  readonly text: string;
  readonly line: number;
}

/** Splits text into logical lines: comments and blank lines dropped, continuations joined. */
function logicalLines(text: string): LogicalLine[] {
  const natural = text.split(/\r\n|\r|\n/);
  const out: LogicalLine[] = [];
  let pending: string | undefined;
  let pendingLine = 0;
  for (let i = 0; i < natural.length; i++) {
    let line = natural[i];
    if (pending !== undefined) {
      // A continuation line: its leading whitespace is not part of the value.
      let s = 0;
      while (s < line.length && isWhitespace(line[s])) s++;
      line = line.slice(s);
      // Java's LineReader skips empty lines while looking for the continuation's text.
      if (line === '' && i < natural.length - 1) continue;
    } else {
      let s = 0;
      while (s < line.length && isWhitespace(line[s])) s++;
      if (s === line.length) continue; // blank
      if (line[s] === '#' || line[s] === '!') continue; // comment
      line = line.slice(s);
      pendingLine = i + 1;
    }
    let backslashes = 0;
    for (let j = line.length - 1; j >= 0 && line[j] === '\\'; j--) backslashes++;
    const joined = (pending ?? '') + (backslashes % 2 === 1 ? line.slice(0, -1) : line);
    if (backslashes % 2 === 1 && i < natural.length - 1) {
      pending = joined;
    } else {
      out.push({ text: joined, line: pendingLine });
      pending = undefined;
    }
  }
  return out;
}

function unescape(raw: string, line: number, source: string | undefined): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    i++;
    if (i >= raw.length) break; // a lone trailing backslash (end of input) is dropped, as Java does
    const e = raw[i];
    switch (e) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        const hex = raw.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw new PropertiesSyntaxError(line, `malformed \\uxxxx escape '\\u${hex}'`, source);
        }
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      default:
        out += e;
    }
  }
  return out;
}

/** Splits a logical line into its raw (still escaped) key and value. */
function splitKeyValue(text: string): { rawKey: string; rawValue: string } {
  let i = 0;
  let escaped = false;
  for (; i < text.length; i++) {
    const c = text[i];
    if (escaped) {
      escaped = false;
      continue;
    }
    if (c === '\\') {
      escaped = true;
      continue;
    }
    if (c === '=' || c === ':' || isWhitespace(c)) break;
  }
  const rawKey = text.slice(0, i);
  let j = i;
  while (j < text.length && isWhitespace(text[j])) j++;
  if (j < text.length && (text[j] === '=' || text[j] === ':')) {
    j++;
    while (j < text.length && isWhitespace(text[j])) j++;
  }
  return { rawKey, rawValue: text.slice(j) };
}

/** Parses properties text into entries in file order (duplicates included). */
export function parsePropertiesEntries(text: string, source?: string): PropertyEntry[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // tolerate a UTF-8 BOM
  return logicalLines(body).map(({ text: l, line }) => {
    const { rawKey, rawValue } = splitKeyValue(l);
    return { key: unescape(rawKey, line, source), value: unescape(rawValue, line, source), line };
  });
}

/** Parses properties text into a map; a repeated key keeps its last value. */
export function parseProperties(text: string, source?: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const e of parsePropertiesEntries(text, source)) map.set(e.key, e.value);
  return map;
}
