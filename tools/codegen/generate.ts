/**
 * Turns one parsed message spec into a TypeScript module: interfaces, `encodeX(w, msg, version)`
 * and `decodeX(r, version)`. The generated code is straight-line per field with version checks,
 * so the hot paths pay for no interpretation at run time.
 */
import { FieldSpec, formatRange, inRange, intersect, MessageSpec, Range } from './spec';

const TS_TYPE: Record<string, string> = {
  int8: 'number', int16: 'number', int32: 'number', int64: 'bigint', uint16: 'number', uint32: 'number',
  varint: 'number', float64: 'number', bool: 'boolean', string: 'string', bytes: 'Buffer', records: 'Buffer', uuid: 'string',
};

/** Fewest bytes one element of a primitive array takes (for the count-vs-remaining check). */
const MIN_SIZE: Record<string, number> = {
  int8: 1, int16: 2, int32: 4, int64: 8, uint16: 2, uint32: 4, varint: 1, float64: 8, bool: 1, string: 1, bytes: 1, records: 1, uuid: 16,
};

interface Ctx {
  msg: MessageSpec;
  out: string[];
  /** Structs whose default check is needed (tagged struct fields and what they contain). */
  needsIsDefault: Set<string>;
}

/**
 * A condition that is true exactly for versions in `r`, knowing that the code only runs for
 * versions in `within` (the message's versions, or the versions a field is present in).
 */
function versionCond(r: Range | null, msg: MessageSpec, within: Range = msg.versions): string {
  const eff = intersect(r, within);
  if (!eff) return 'false';
  if (eff.lo <= within.lo && eff.hi >= within.hi) return 'true';
  if (eff.lo === eff.hi) return `v === ${eff.lo}`;
  const parts: string[] = [];
  if (eff.lo > within.lo) parts.push(`v >= ${eff.lo}`);
  if (eff.hi < within.hi) parts.push(`v <= ${eff.hi}`);
  return parts.join(' && ');
}

/** Versions in which field `f` is on the wire. */
const presentIn = (f: FieldSpec, msg: MessageSpec): Range => intersect(f.versions, msg.versions) ?? msg.versions;

const and = (...c: string[]): string => {
  const xs = c.filter((x) => x !== 'true');
  if (xs.includes('false')) return 'false';
  return xs.length ? xs.map((x) => (x.includes('||') ? `(${x})` : x)).join(' && ') : 'true';
};

function structType(msg: MessageSpec, f: FieldSpec): string {
  return `${msg.name}${f.elem}`;
}

function tsType(msg: MessageSpec, f: FieldSpec): string {
  let base: string;
  if (f.kind === 'primitive') base = TS_TYPE[f.elem];
  else if (f.kind === 'primitiveArray') base = `${TS_TYPE[f.elem]}[]`;
  else if (f.kind === 'struct') base = structType(msg, f);
  else base = `${structType(msg, f)}[]`;
  const nullable = f.nullable !== null || (f.elem === 'records' && f.kind === 'primitive') || f.default === 'null';
  return nullable ? `${base} | null` : base;
}

/** TypeScript expression for a field's default value. */
function defaultExpr(msg: MessageSpec, f: FieldSpec): string {
  const d = f.default;
  if (d === 'null') return 'null';
  switch (f.kind) {
    case 'primitiveArray':
    case 'structArray':
      return '[]';
    case 'struct':
      return `default${structType(msg, f)}()`;
    default:
      break;
  }
  switch (f.elem) {
    case 'int64':
      return d !== undefined ? `${BigInt(d)}n` : '0n';
    case 'bool':
      return d === 'true' ? 'true' : 'false';
    case 'string':
      return JSON.stringify(d ?? '');
    case 'uuid':
      return 'ZERO_UUID';
    case 'bytes':
      return 'Buffer.alloc(0)';
    case 'records':
      return 'null';
    default: {
      if (d === undefined) return '0';
      const n = Number(d);
      if (!Number.isFinite(n)) throw new Error(`${msg.file}:${f.line}: bad numeric default ${d}`);
      return String(n);
    }
  }
}

/** Expression that is true when `x` equals the field default (tagged fields are omitted then). */
function isDefaultExpr(msg: MessageSpec, f: FieldSpec, x: string): string {
  if (f.default === 'null') return `${x} === null`;
  if (f.kind === 'primitiveArray' || f.kind === 'structArray') return f.nullable ? `(${x} !== null && ${x}.length === 0)` : `${x}.length === 0`;
  if (f.kind === 'struct') return f.nullable ? `(${x} !== null && isDefault${structType(msg, f)}(${x}))` : `isDefault${structType(msg, f)}(${x})`;
  if (f.elem === 'bytes') return f.nullable ? `(${x} !== null && ${x}.length === 0)` : `${x}.length === 0`;
  if (f.elem === 'records') return `${x} === null`;
  return `${x} === ${defaultExpr(msg, f)}`;
}

function primWrite(f: FieldSpec, x: string, flexVar: string, nullableVar: string): string {
  const compact = f.flexibleNone ? 'false' : flexVar;
  switch (f.elem) {
    case 'string':
    case 'bytes':
    case 'records': {
      const method = f.elem === 'string' ? 'String' : 'Bytes';
      const val = nullableVar === 'true' ? x : nullableVar === 'false' ? `nonNull(${x}, '${f.name}', v)` : `(${nullableVar} ? ${x} : nonNull(${x}, '${f.name}', v))`;
      if (compact === 'false') return `w.${method.toLowerCase()}(${val});`;
      if (compact === 'true') return `w.compact${method}(${val});`;
      return `if (${compact}) w.compact${method}(${val}); else w.${method.toLowerCase()}(${val});`;
    }
    default:
      return `w.${f.elem}(${x});`;
  }
}

function primRead(f: FieldSpec, flexVar: string, nullableVar: string, r = 'r'): string {
  const compact = f.flexibleNone ? 'false' : flexVar;
  switch (f.elem) {
    case 'string':
    case 'bytes':
    case 'records': {
      const m = f.elem === 'string' ? 'String' : 'Bytes';
      const pick = (flex: boolean, nul: boolean): string => {
        const name = flex ? `compact${nul ? 'Nullable' : ''}${m}` : nul ? `nullable${m}` : m.toLowerCase();
        return `${r}.${name}()`;
      };
      const byNull = (flex: boolean): string =>
        nullableVar === 'true' ? pick(flex, true) : nullableVar === 'false' ? pick(flex, false) : `(${nullableVar} ? ${pick(flex, true)} : ${pick(flex, false)})`;
      if (compact === 'false') return byNull(false);
      if (compact === 'true') return byNull(true);
      return `(${compact} ? ${byNull(true)} : ${byNull(false)})`;
    }
    default:
      return `${r}.${f.elem}()`;
  }
}

/** Encodes field `f` of struct value `m` (whose version is `v`) into `w`. */
function encodeValue(ctx: Ctx, f: FieldSpec, x: string, flex: string, indent: string): string[] {
  const nullVar = f.nullable ? versionCond(f.nullable, ctx.msg, presentIn(f, ctx.msg)) : 'false';
  const lines: string[] = [];
  if (f.kind === 'primitive') {
    lines.push(indent + primWrite(f, x, flex, nullVar));
    return lines;
  }
  if (f.kind === 'struct') {
    const fn = `encode${structType(ctx.msg, f)}`;
    if (nullVar !== 'false') {
      lines.push(`${indent}if (${nullVar}) { if (${x} === null) { w.int8(-1); } else { w.int8(1); ${fn}(w, ${x}, v); } }`);
      lines.push(`${indent}else ${fn}(w, nonNull(${x}, '${f.name}', v), v);`);
    } else {
      lines.push(`${indent}${fn}(w, nonNull(${x}, '${f.name}', v), v);`);
    }
    return lines;
  }
  // arrays
  const arr = `a_${f.name}`;
  lines.push(`${indent}{`);
  lines.push(`${indent}  const ${arr} = ${x};`);
  const lenWrite = (n: string): string => `if (${flex}) w.uvarint(${n} + 1); else w.int32(${n});`;
  const nullLen = `if (${flex}) w.uvarint(0); else w.int32(-1);`;
  if (nullVar !== 'false') {
    lines.push(`${indent}  if (${arr} === null) { if (!(${nullVar})) nonNull(null, '${f.name}', v); ${nullLen} }`);
    lines.push(`${indent}  else {`);
  } else {
    lines.push(`${indent}  if (${arr} === null) nonNull(null, '${f.name}', v);`);
    lines.push(`${indent}  {`);
  }
  lines.push(`${indent}    const n = ${arr}!.length;`);
  lines.push(`${indent}    ${lenWrite('n')}`);
  if (f.kind === 'primitiveArray') {
    const elem: FieldSpec = { ...f, kind: 'primitive', nullable: null };
    lines.push(`${indent}    for (let i = 0; i < n; i++) ${primWrite(elem, `${arr}![i]`, flex, 'false')}`);
  } else {
    lines.push(`${indent}    for (let i = 0; i < n; i++) encode${structType(ctx.msg, f)}(w, ${arr}![i], v);`);
  }
  lines.push(`${indent}  }`);
  lines.push(`${indent}}`);
  return lines;
}

/** An expression decoding field `f` from reader `r`. */
function decodeValue(ctx: Ctx, f: FieldSpec, flex: string, r = 'r'): string {
  const nullVar = f.nullable ? versionCond(f.nullable, ctx.msg, presentIn(f, ctx.msg)) : 'false';
  if (f.kind === 'primitive') return primRead(f, flex, nullVar, r);
  if (f.kind === 'struct') {
    const fn = `decode${structType(ctx.msg, f)}`;
    if (nullVar === 'false') return `${fn}(${r}, v)`;
    return `(${nullVar} && ${r}.int8() < 0 ? null : ${fn}(${r}, v))`;
  }
  const minSize = f.kind === 'primitiveArray' ? MIN_SIZE[f.elem] : 1;
  const elem =
    f.kind === 'primitiveArray'
      ? primRead({ ...f, kind: 'primitive', nullable: null }, flex, 'false', r)
      : `decode${structType(ctx.msg, f)}(${r}, v)`;
  const helper = nullVar === 'false' ? 'readArray' : 'readNullableArray';
  const nullArg = nullVar === 'false' ? '' : `, ${nullVar}`;
  return `${helper}(${r}, ${flex}, ${minSize}, () => ${elem}, '${f.name}'${nullArg})`;
}

function collectStructs(fields: FieldSpec[], acc: FieldSpec[] = []): FieldSpec[] {
  for (const f of fields) {
    if (f.kind === 'struct' || f.kind === 'structArray') {
      collectStructs(f.fields, acc);
      acc.push(f);
    }
  }
  return acc;
}

function emitInterface(ctx: Ctx, name: string, fields: FieldSpec[]): void {
  const { out, msg } = ctx;
  out.push(`export interface ${name} {`);
  for (const f of fields) {
    const ver = formatRange(intersect(f.versions, msg.versions));
    const notes = [f.about, `versions ${ver}`, f.tag !== undefined ? `tag ${f.tag}` : ''].filter(Boolean).join('; ');
    out.push(`  /** ${notes.replace(/\*\//g, '*\\/')} */`);
    out.push(`  ${f.name}: ${tsType(msg, f)};`);
  }
  out.push('  /** Tagged fields this codec did not recognise, kept for re-encoding. */');
  out.push('  _unknownTaggedFields?: UnknownTaggedField[];');
  out.push('}');
  out.push('');
}

function emitStructCodec(ctx: Ctx, name: string, fields: FieldSpec[], exported: boolean): void {
  const { out, msg } = ctx;
  const flexCond = msg.flexible ? versionCond(msg.flexible, msg) : 'false';
  const ex = exported ? 'export ' : '';

  // default constructor and default check (used for tagged struct fields and absent fields)
  out.push(`${ex}function default${name}(): ${name} {`);
  out.push(`  return { ${fields.map((f) => `${f.name}: ${defaultExpr(msg, f)}`).join(', ')} };`);
  out.push('}');
  out.push('');
  if (ctx.needsIsDefault.has(name)) {
    out.push(`function isDefault${name}(m: ${name}): boolean {`);
    const checks = fields.map((f) => isDefaultExpr(msg, f, `m.${f.name}`));
    out.push(`  return ${['!m._unknownTaggedFields?.length', ...checks].join(' && ')};`);
    out.push('}');
    out.push('');
  }

  // encoder
  out.push(`${ex}function encode${name}(w: Writer, m: ${name}, v: number): void {`);
  out.push(`  const flex = ${flexCond};`);
  const tagged: FieldSpec[] = [];
  for (const f of fields) {
    const present = versionCond(f.versions, msg);
    if (present === 'false') continue;
    if (f.tag !== undefined) {
      tagged.push(f);
      const taggedNow = versionCond(intersect(f.tagged, f.versions), msg);
      const inline = and(present, `!(${taggedNow})`);
      if (taggedNow === present) continue; // always tagged where present
      out.push(`  if (${inline}) {`);
      out.push(...encodeValue(ctx, f, `m.${f.name}`, 'flex', '    '));
      out.push('  }');
      continue;
    }
    if (present === 'true') out.push(...encodeValue(ctx, f, `m.${f.name}`, 'flex', '  '));
    else {
      out.push(`  if (${present}) {`);
      out.push(...encodeValue(ctx, f, `m.${f.name}`, 'flex', '    '));
      out.push('  }');
    }
  }
  if (msg.flexible) {
    out.push('  if (flex) {');
    out.push('    const tagged: TaggedEntry[] = [];');
    for (const f of tagged) {
      const taggedNow = versionCond(intersect(f.tagged, f.versions), msg);
      out.push(`    if (${and(taggedNow, `!(${isDefaultExpr(msg, f, `m.${f.name}`)})`)}) {`);
      out.push(`      tagged.push({ tag: ${f.tag}, write: (w) => {`);
      out.push(...encodeValue(ctx, f, `m.${f.name}`, 'true', '        '));
      out.push('      } });');
      out.push('    }');
    }
    out.push('    writeTaggedFields(w, tagged, m._unknownTaggedFields);');
    out.push('  }');
  }
  out.push('}');
  out.push('');

  // decoder
  out.push(`${ex}function decode${name}(r: Reader, v: number): ${name} {`);
  out.push(`  const flex = ${flexCond};`);
  out.push(`  const m = {} as ${name};`);
  for (const f of fields) {
    const present = versionCond(f.versions, msg);
    const taggedNow = f.tag !== undefined ? versionCond(intersect(f.tagged, f.versions), msg) : 'false';
    const inline = and(present, taggedNow === 'false' ? 'true' : `!(${taggedNow})`);
    if (inline === 'false') out.push(`  m.${f.name} = ${defaultExpr(msg, f)};`);
    else if (inline === 'true') out.push(`  m.${f.name} = ${decodeValue(ctx, f, 'flex')};`);
    else out.push(`  m.${f.name} = ${inline} ? ${decodeValue(ctx, f, 'flex')} : ${defaultExpr(msg, f)};`);
  }
  if (msg.flexible) {
    out.push('  if (flex) {');
    if (tagged.length === 0) {
      out.push('    const unknown = readTaggedFields(r, () => false);');
    } else {
      out.push('    const unknown = readTaggedFields(r, (tag, s) => {');
      for (const f of tagged) {
        const taggedNow = versionCond(intersect(f.tagged, f.versions), msg);
        out.push(`      if (${and(`tag === ${f.tag}`, taggedNow)}) { m.${f.name} = ${decodeValue(ctx, f, 'true', 's')}; return true; }`);
      }
      out.push('      return false;');
      out.push('    });');
    }
    out.push('    if (unknown) m._unknownTaggedFields = unknown;');
    out.push('  }');
  }
  out.push('  return m;');
  out.push('}');
  out.push('');
}

export function moduleFileName(msg: MessageSpec): string {
  const base = msg.apiName ?? msg.name;
  return base.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** Generates the body (interfaces and codecs) for one message. */
export function generateMessage(msg: MessageSpec): string {
  const ctx: Ctx = { msg, out: [], needsIsDefault: new Set() };
  const structs = collectStructs(msg.fields);
  const markAll = (f: FieldSpec): void => {
    ctx.needsIsDefault.add(structType(msg, f));
    for (const c of f.fields) if (c.kind === 'struct' || c.kind === 'structArray') markAll(c);
  };
  for (const s of structs) if (s.tag !== undefined && s.kind === 'struct') markAll(s);
  const visitTagged = (fields: FieldSpec[]): void => {
    for (const f of fields) {
      if (f.tag !== undefined && f.kind === 'struct') markAll(f);
      visitTagged(f.fields);
    }
  };
  visitTagged(msg.fields);
  for (const s of structs) emitInterface(ctx, structType(msg, s), s.fields);
  emitInterface(ctx, msg.name, msg.fields);
  for (const s of structs) emitStructCodec(ctx, structType(msg, s), s.fields, false);
  emitStructCodec(ctx, msg.name, msg.fields, true);
  return ctx.out.join('\n');
}

export function messageMeta(msg: MessageSpec): string {
  const flexFrom = msg.flexible ? msg.flexible.lo : -1;
  return [
    `export const ${msg.name}Meta = {`,
    `  name: '${msg.name}',`,
    ...(msg.apiKey !== undefined ? [`  apiKey: ${msg.apiKey},`] : []),
    `  minVersion: ${msg.versions.lo},`,
    `  maxVersion: ${msg.versions.hi},`,
    `  /** First flexible version, or -1 when no version is flexible. */`,
    `  flexibleFrom: ${flexFrom},`,
    `} as const;`,
    '',
    `export const ${msg.name}Flexible = (v: number): boolean => ${flexFrom >= 0 ? `v >= ${flexFrom}` : 'false'};`,
    '',
  ].join('\n');
}

/** A whole generated module for one spec file's messages. */
export function generateModule(msgs: MessageSpec[]): string {
  const body = msgs.map((m) => messageMeta(m) + '\n' + generateMessage(m)).join('\n');
  const uses = (s: string): boolean => body.includes(s);
  const tagged = ['writeTaggedFields', 'readTaggedFields', 'nonNull', 'ZERO_UUID'].filter(uses);
  const types = ['UnknownTaggedField', 'TaggedEntry'].filter(uses);
  const arrays = ['readArray', 'readNullableArray'].filter(uses);
  const header = [
    `// DO NOT EDIT: generated by tools/codegen from ${msgs[0].file}. Run \`npm run codegen\` to regenerate.`,
    '/* eslint-disable */',
    "import { Reader } from '../primitives/reader';",
    "import { Writer } from '../primitives/writer';",
  ];
  if (arrays.length) header.push(`import { ${arrays.join(', ')} } from '../primitives/arrays';`);
  if (tagged.length || types.length) {
    header.push(`import { ${[...tagged, ...types.map((t) => `type ${t}`)].join(', ')} } from '../primitives/tagged';`);
  }
  return header.join('\n') + '\n\n' + body;
}

export { inRange };
