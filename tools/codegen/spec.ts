/**
 * Parser for the project's `.spec` files (grammar: protocol-specs/README.md).
 * Produces a plain model that the code generator and the dump both consume.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Inclusive version range; `hi` is Infinity for open-ended `N+`. `null` means "none". */
export interface Range {
  lo: number;
  hi: number;
}

export const PRIMITIVES = [
  'int8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'varint', 'float64',
  'bool', 'string', 'bytes', 'records', 'uuid',
] as const;
export type Primitive = (typeof PRIMITIVES)[number];

export type FieldKind = 'primitive' | 'primitiveArray' | 'struct' | 'structArray';

export interface FieldSpec {
  name: string;
  /** The type as written in the spec: `int16`, `[]int32`, `[]Topic`, `Topic`. */
  type: string;
  kind: FieldKind;
  /** Primitive type for primitive kinds, struct name for struct kinds. */
  elem: string;
  versions: Range | null;
  nullable: Range | null;
  tag?: number;
  tagged: Range | null;
  default?: string;
  flexibleNone: boolean;
  about?: string;
  fields: FieldSpec[];
  line: number;
}

export type MessageKind = 'request' | 'response' | 'header' | 'data';

export interface MessageSpec {
  /** e.g. ProduceRequest, RequestHeader, ConsumerProtocolAssignment. */
  name: string;
  kind: MessageKind;
  apiKey?: number;
  /** API name without Request/Response, e.g. Produce. */
  apiName?: string;
  versions: Range;
  flexible: Range | null;
  fields: FieldSpec[];
  file: string;
}

export class SpecError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
  }
}

export function parseRange(text: string): Range | null {
  const t = text.trim();
  if (t === 'none') return null;
  let m = /^(\d+)\+$/.exec(t);
  if (m) return { lo: Number(m[1]), hi: Infinity };
  m = /^(\d+)-(\d+)$/.exec(t);
  if (m) {
    const lo = Number(m[1]);
    const hi = Number(m[2]);
    if (hi < lo) throw new Error(`empty range ${t}`);
    return { lo, hi };
  }
  m = /^(\d+)$/.exec(t);
  if (m) return { lo: Number(m[1]), hi: Number(m[1]) };
  throw new Error(`bad version range "${t}"`);
}

export function formatRange(r: Range | null): string {
  if (!r) return 'none';
  if (r.hi === Infinity) return `${r.lo}+`;
  if (r.lo === r.hi) return `${r.lo}`;
  return `${r.lo}-${r.hi}`;
}

export const inRange = (r: Range | null, v: number): boolean => r !== null && v >= r.lo && v <= r.hi;

export function intersect(a: Range | null, b: Range | null): Range | null {
  if (!a || !b) return null;
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  return lo <= hi ? { lo, hi } : null;
}

const NULLABLE_TYPES = new Set(['string', 'bytes', 'records']);

interface Line {
  indent: number;
  text: string;
  no: number;
}

function lexLines(source: string, file: string): Line[] {
  const out: Line[] = [];
  source.split('\n').forEach((raw, i) => {
    const no = i + 1;
    if (/^\s*(#|$)/.test(raw)) return;
    if (raw.includes('\t')) throw new SpecError(file, no, 'tabs are not allowed; indent with two spaces');
    const indent = raw.length - raw.trimStart().length;
    if (indent % 2 !== 0) throw new SpecError(file, no, 'indentation must be a multiple of two spaces');
    out.push({ indent: indent / 2, text: raw.trim(), no });
  });
  return out;
}

function parseField(line: Line, file: string): FieldSpec {
  const [decl, ...aboutParts] = line.text.split(' -- ');
  const about = aboutParts.length ? aboutParts.join(' -- ').trim() : undefined;
  const m = /^([a-z][A-Za-z0-9]*):\s+(\S+)(.*)$/.exec(decl.trim());
  if (!m) throw new SpecError(file, line.no, `expected "name: type [modifiers]" but got "${decl.trim()}"`);
  const [, name, type, rest] = m;
  const isArray = type.startsWith('[]');
  const elem = isArray ? type.slice(2) : type;
  const isPrim = (PRIMITIVES as readonly string[]).includes(elem);
  if (!isPrim && !/^[A-Z][A-Za-z0-9]*$/.test(elem)) throw new SpecError(file, line.no, `unknown type "${type}"`);
  const kind: FieldKind = isPrim ? (isArray ? 'primitiveArray' : 'primitive') : isArray ? 'structArray' : 'struct';
  if (elem === 'records' && isArray) throw new SpecError(file, line.no, 'arrays of records are not a thing');
  const field: FieldSpec = {
    name, type, kind, elem,
    versions: { lo: 0, hi: Infinity },
    nullable: null,
    tagged: null,
    flexibleNone: false,
    about,
    fields: [],
    line: line.no,
  };
  let nullableAll = false;
  let taggedText: string | undefined;
  for (const tok of rest.trim().split(/\s+/).filter(Boolean)) {
    try {
      if (/^v\d/.test(tok)) field.versions = parseRange(tok.slice(1));
      else if (tok === 'nullable') nullableAll = true;
      else if (tok.startsWith('nullable=')) field.nullable = parseRange(tok.slice('nullable='.length));
      else if (tok.startsWith('tag=')) field.tag = Number(tok.slice(4));
      else if (tok.startsWith('tagged=')) taggedText = tok.slice('tagged='.length);
      else if (tok.startsWith('default=')) field.default = tok.slice('default='.length);
      else if (tok === 'flexible=none') field.flexibleNone = true;
      else throw new Error(`unknown modifier "${tok}"`);
    } catch (e) {
      throw new SpecError(file, line.no, (e as Error).message);
    }
  }
  if (nullableAll) field.nullable = field.versions;
  if (field.nullable) {
    const ok = kind !== 'primitive' || NULLABLE_TYPES.has(elem);
    if (!ok) throw new SpecError(file, line.no, `${type} cannot be nullable`);
  }
  if (field.tag !== undefined) {
    if (!Number.isInteger(field.tag) || field.tag < 0) throw new SpecError(file, line.no, 'tag must be a non-negative integer');
    field.tagged = taggedText ? parseRange(taggedText) : field.versions;
  } else if (taggedText) {
    throw new SpecError(file, line.no, 'tagged= needs tag=');
  }
  return field;
}

/** Builds the field tree from indented lines starting at `start`, at nesting `depth`. */
function parseFields(lines: Line[], start: number, depth: number, file: string): [FieldSpec[], number] {
  const fields: FieldSpec[] = [];
  let i = start;
  while (i < lines.length && lines[i].indent >= depth) {
    const line = lines[i];
    if (line.indent > depth) throw new SpecError(file, line.no, 'unexpected indentation');
    const field = parseField(line, file);
    i++;
    if (i < lines.length && lines[i].indent > depth) {
      if (field.kind !== 'struct' && field.kind !== 'structArray') {
        throw new SpecError(file, lines[i].no, `only struct fields have nested fields (${field.name} is ${field.type})`);
      }
      [field.fields, i] = parseFields(lines, i, depth + 1, file);
    } else if (field.kind === 'struct' || field.kind === 'structArray') {
      throw new SpecError(file, line.no, `struct ${field.elem} has no fields`);
    }
    fields.push(field);
  }
  return [fields, i];
}

function checkFields(fields: FieldSpec[], msg: MessageSpec, structNames: Map<string, number>): void {
  const names = new Set<string>();
  const tags = new Map<number, string>();
  for (const f of fields) {
    if (names.has(f.name)) throw new SpecError(msg.file, f.line, `duplicate field ${f.name}`);
    names.add(f.name);
    if (!intersect(f.versions, msg.versions)) throw new SpecError(msg.file, f.line, `${f.name} is present in no version of ${msg.name}`);
    if (f.nullable && !intersect(f.nullable, f.versions)) throw new SpecError(msg.file, f.line, `${f.name}: nullable range outside its versions`);
    if (f.tag !== undefined) {
      const taggedPresent = intersect(f.tagged, f.versions);
      const flex = msg.flexible;
      if (!taggedPresent || !flex || taggedPresent.lo < flex.lo) {
        throw new SpecError(msg.file, f.line, `${f.name}: tagged versions must be flexible versions in which the field is present`);
      }
      const prev = tags.get(f.tag);
      if (prev) throw new SpecError(msg.file, f.line, `tag ${f.tag} used by both ${prev} and ${f.name}`);
      tags.set(f.tag, f.name);
    }
    if (f.kind === 'struct' || f.kind === 'structArray') {
      if (structNames.has(f.elem)) {
        throw new SpecError(msg.file, f.line, `struct name ${f.elem} already used on line ${structNames.get(f.elem)}`);
      }
      structNames.set(f.elem, f.line);
      checkFields(f.fields, msg, structNames);
    }
  }
}

/** Parses one spec file into its messages (two for an `api`, one for `header`/`data`). */
export function parseSpecFile(source: string, file: string): MessageSpec[] {
  const lines = lexLines(source, file);
  let i = 0;
  const expect = (re: RegExp, what: string): RegExpExecArray => {
    const line = lines[i];
    if (!line) throw new SpecError(file, 0, `unexpected end of file, expected ${what}`);
    const m = re.exec(line.text);
    if (!m || line.indent !== 0) throw new SpecError(file, line.no, `expected ${what}, got "${line.text}"`);
    i++;
    return m;
  };
  const head = expect(/^(api|header|data)\s+(?:(\d+)\s+)?([A-Z][A-Za-z0-9]*)$/, '"api <key> <Name>", "header <Name>" or "data <Name>"');
  const [, what, key, name] = head;
  if (what === 'api' && key === undefined) throw new SpecError(file, lines[0].no, 'api needs a key');
  let versions: Range | null = null;
  let flexible: Range | null = null;
  try {
    versions = parseRange(expect(/^versions\s+(\S+)$/, 'versions <range>')[1]);
    flexible = parseRange(expect(/^flexible\s+(\S+)$/, 'flexible <range|none>')[1]);
  } catch (e) {
    if (e instanceof SpecError) throw e;
    throw new SpecError(file, lines[i - 1].no, (e as Error).message);
  }
  if (!versions) throw new SpecError(file, lines[1].no, 'versions cannot be none');
  if (flexible && flexible.hi !== Infinity) throw new SpecError(file, lines[2].no, 'flexible versions must be open-ended (N+)');

  const sections = what === 'api' ? ['request', 'response'] : ['body'];
  const out: MessageSpec[] = [];
  for (const section of sections) {
    expect(new RegExp(`^${section}$`), section);
    const [fields, next] = parseFields(lines, i, 1, file);
    i = next;
    const msg: MessageSpec = {
      name: what === 'api' ? `${name}${section === 'request' ? 'Request' : 'Response'}` : name,
      kind: what === 'api' ? (section as 'request' | 'response') : (what as 'header' | 'data'),
      apiKey: key === undefined ? undefined : Number(key),
      apiName: what === 'api' ? name : undefined,
      versions,
      flexible,
      fields,
      file,
    };
    checkFields(fields, msg, new Map());
    out.push(msg);
  }
  if (i < lines.length) throw new SpecError(file, lines[i].no, `unexpected "${lines[i].text}"`);
  return out;
}

export function loadSpecs(dir: string): MessageSpec[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.spec')).sort();
  const all: MessageSpec[] = [];
  const seen = new Map<string, string>();
  const keys = new Map<string, string>();
  for (const f of files) {
    const rel = path.join(path.basename(dir), f);
    for (const m of parseSpecFile(fs.readFileSync(path.join(dir, f), 'utf8'), rel)) {
      if (seen.has(m.name)) throw new Error(`${m.name} defined in both ${seen.get(m.name)} and ${rel}`);
      seen.set(m.name, rel);
      if (m.apiKey !== undefined) {
        const k = `${m.kind}:${m.apiKey}`;
        if (keys.has(k)) throw new Error(`api key ${m.apiKey} defined in both ${keys.get(k)} and ${rel}`);
        keys.set(k, rel);
      }
      all.push(m);
    }
  }
  return all;
}
