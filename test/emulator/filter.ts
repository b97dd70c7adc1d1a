/**
 * A real $filter parser and evaluator (a subset, everything else is a 400).
 * Strict where Business Central is stricter than OData (README.md, "How
 * strict, and why"): no `or` across fields, no `not`, nested calls and `in`
 * only with $schemaversion=2.1, Code fields' length checked.
 */
import type { EdmType } from './data';
import { errors, type ServiceError } from './errors';

export type Schema = Readonly<Record<string, EdmType>>;
type Row = Readonly<Record<string, unknown>>;

const EDM: Record<EdmType | 'null', string> = {
  string: 'Edm.String',
  number: 'Edm.Decimal',
  boolean: 'Edm.Boolean',
  guid: 'Edm.Guid',
  datetime: 'Edm.DateTimeOffset',
  address: 'microsoft.graph.postalAddressType',
  null: 'null',
};

// ---------------------------------------------------------------- tokenizer

type Token =
  | { t: 'str'; v: string; pos: number }
  | { t: 'num'; v: number; pos: number }
  | { t: 'guid'; v: string; pos: number }
  | { t: 'date'; v: string; pos: number }
  | { t: 'id'; v: string; pos: number }
  | { t: 'punct'; v: '(' | ')' | ','; pos: number }
  | { t: 'end'; pos: number };

const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2}))?(?![\w:.-])/;
const NUM_RE = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMdDfFlL]?(?![\w.])/;
const ID_RE = /^[A-Za-z_][A-Za-z0-9_]*/;

export function isGuid(s: string): boolean {
  return GUID_RE.test(s) && s.length === 36;
}

function syntaxError(text: string, pos: number): ServiceError {
  return errors.badQuery(`Syntax error at position ${pos} in '${text}'.`);
}

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    const rest = text.slice(i);
    if (ch === '(' || ch === ')' || ch === ',') {
      out.push({ t: 'punct', v: ch, pos: i });
      i++;
    } else if (ch === "'") {
      let v = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) {
          throw errors.badQuery(`There is an unterminated string literal at position ${i} in '${text}'.`);
        }
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            v += "'";
            j += 2;
            continue;
          }
          break;
        }
        v += text[j++];
      }
      out.push({ t: 'str', v, pos: i });
      i = j + 1;
    } else {
      let m: RegExpExecArray | null;
      if ((m = GUID_RE.exec(rest))) {
        out.push({ t: 'guid', v: m[0].toLowerCase(), pos: i });
      } else if ((m = DATE_RE.exec(rest))) {
        out.push({ t: 'date', v: m[0], pos: i });
      } else if ((m = NUM_RE.exec(rest))) {
        out.push({ t: 'num', v: Number(m[0].replace(/[mMdDfFlL]$/, '')), pos: i });
      } else if ((m = ID_RE.exec(rest))) {
        out.push({ t: 'id', v: m[0], pos: i });
      } else {
        throw syntaxError(text, i);
      }
      i += m[0].length;
    }
  }
  out.push({ t: 'end', pos: text.length });
  return out;
}

// ---------------------------------------------------------------- parser

type ValueType = EdmType | 'null';
type Compiled = {
  type: ValueType;
  eval: (row: Row) => unknown;
  /** The properties the expression reads: an `or` may read one only. */
  fields: ReadonlySet<string>;
  /** Set on a bare property reference and on a string literal, for the Code[n] length check. */
  property?: string;
  literal?: string;
  /** A function call: another call around it is a nested call. */
  call?: boolean;
};

/** Which server the filter is parsed for: its version, and the query's $schemaversion. */
export interface FilterContext {
  readonly serverVersion: 'current' | 'old';
  readonly schemaVersion: string;
  /** Longest value a property holds (Code[20] and the like): a longer literal is a 400. */
  readonly maxLengths?: Readonly<Record<string, number>>;
}

export const CURRENT: FilterContext = { serverVersion: 'current', schemaVersion: '2.0' };

const NONE: ReadonlySet<string> = new Set();
function union(...parts: Compiled[]): ReadonlySet<string> {
  return new Set(parts.flatMap((p) => [...p.fields]));
}

const COMPARISONS: Record<string, string> = {
  eq: 'Equal',
  ne: 'NotEqual',
  gt: 'GreaterThan',
  ge: 'GreaterThanOrEqual',
  lt: 'LessThan',
  le: 'LessThanOrEqual',
};

function toComparable(type: ValueType, v: unknown): unknown {
  if (type === 'datetime' && typeof v === 'string') {
    return Date.parse(v);
  }
  if (type === 'guid' && typeof v === 'string') {
    return v.toLowerCase();
  }
  return v;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
  }
  if (a === null || b === null || a === undefined || b === undefined) {
    return false;
  }
  const x = a as number | string;
  const y = b as number | string;
  switch (op) {
    case 'gt':
      return x > y;
    case 'ge':
      return x >= y;
    case 'lt':
      return x < y;
    default:
      return x <= y;
  }
}

class FilterParser {
  private i = 0;
  private readonly tokens: Token[];

  constructor(
    private readonly text: string,
    private readonly schema: Schema,
    private readonly typeName: string,
    private readonly server: FilterContext = CURRENT,
  ) {
    this.tokens = tokenize(text);
  }

  private get schema21(): boolean {
    return this.server.schemaVersion === '2.1';
  }

  /** A string literal compared with a Code[n] property must fit it, as the service checks before filtering. */
  private checkLength(a: Compiled, b: Compiled): void {
    for (const [p, l] of [
      [a, b],
      [b, a],
    ]) {
      const max = p.property !== undefined ? this.server.maxLengths?.[p.property] : undefined;
      if (max !== undefined && l.literal !== undefined && l.literal.length > max) {
        throw errors.filterLength(l.literal, max);
      }
    }
  }

  parse(): (row: object) => boolean {
    if (this.tokens.length === 1) {
      throw errors.badQuery(`The $filter query option must not be empty.`);
    }
    const e = this.or();
    if (this.peek().t !== 'end') {
      throw syntaxError(this.text, this.peek().pos);
    }
    this.expectBoolean(e, 'the $filter expression');
    return (row) => e.eval(row as Row) === true;
  }

  private peek(): Token {
    return this.tokens[this.i];
  }
  private next(): Token {
    return this.tokens[this.i++];
  }
  private isWord(w: string): boolean {
    const t = this.peek();
    return t.t === 'id' && t.v === w;
  }
  private expectPunct(p: '(' | ')' | ','): void {
    const t = this.next();
    if (t.t !== 'punct' || t.v !== p) {
      throw syntaxError(this.text, t.pos);
    }
  }
  private expectBoolean(e: Compiled, where: string): void {
    if (e.type !== 'boolean') {
      throw errors.badQuery(`The expression in ${where} must be of type 'Edm.Boolean', but is of type '${EDM[e.type]}'.`);
    }
  }

  private or(): Compiled {
    let left = this.and();
    while (this.isWord('or')) {
      this.next();
      const right = this.and();
      this.expectBoolean(left, "an 'or' operator");
      this.expectBoolean(right, "an 'or' operator");
      const l = left;
      const fields = union(l, right);
      if (fields.size > 1) {
        throw errors.notImplemented("The 'OR' operator is not supported on distinct fields on an OData filter.");
      }
      left = { type: 'boolean', eval: (r) => l.eval(r) === true || right.eval(r) === true, fields };
    }
    return left;
  }

  private and(): Compiled {
    let left = this.not();
    while (this.isWord('and')) {
      this.next();
      const right = this.not();
      this.expectBoolean(left, "an 'and' operator");
      this.expectBoolean(right, "an 'and' operator");
      const l = left;
      left = { type: 'boolean', eval: (r) => l.eval(r) === true && right.eval(r) === true, fields: union(l, right) };
    }
    return left;
  }

  private not(): Compiled {
    if (this.isWord('not')) {
      throw errors.notImplemented('The OData filter expression is not supported.');
    }
    return this.comparison();
  }

  private comparison(): Compiled {
    const left = this.primary();
    const t = this.peek();
    if (t.t === 'id' && COMPARISONS[t.v]) {
      this.next();
      const right = this.primary();
      return this.binary(t.v, left, right);
    }
    if (t.t === 'id' && t.v === 'in') {
      this.next();
      this.expectPunct('(');
      const items: Compiled[] = [];
      for (;;) {
        const lit = this.peek();
        if (!(lit.t === 'str' || lit.t === 'num' || lit.t === 'guid' || lit.t === 'date' || (lit.t === 'id' && ['true', 'false', 'null'].includes(lit.v)))) {
          throw syntaxError(this.text, lit.pos);
        }
        const item = this.primary();
        this.checkOperands('eq', left, item, 'In');
        this.checkLength(left, item);
        items.push(item);
        const sep = this.next();
        if (sep.t === 'punct' && sep.v === ')') {
          break;
        }
        if (sep.t !== 'punct' || sep.v !== ',') {
          throw syntaxError(this.text, sep.pos);
        }
      }
      if (!this.schema21) {
        // Older servers ignore `in` without a word (the whole table comes back); current ones refuse it.
        if (this.server.serverVersion === 'old') return { type: 'boolean', eval: () => true, fields: left.fields };
        throw errors.notImplemented('The OData filter expression is not supported.');
      }
      const values = new Set(items.map((it) => toComparable(left.type, it.eval({}))));
      return { type: 'boolean', eval: (r) => values.has(toComparable(left.type, left.eval(r))), fields: left.fields };
    }
    return left;
  }

  private checkOperands(op: string, l: Compiled, r: Compiled, kind = COMPARISONS[op]): void {
    const ok = l.type === r.type || l.type === 'null' || r.type === 'null';
    const ordered = op === 'eq' || op === 'ne' || (l.type !== 'boolean' && l.type !== 'null' && r.type !== 'null');
    if (!ok || !ordered) {
      throw errors.badQuery(
        `A binary operator with incompatible types was detected. Found operand types '${EDM[l.type]}' and '${EDM[r.type]}' for operator kind '${kind}'.`,
      );
    }
  }

  private binary(op: string, l: Compiled, r: Compiled): Compiled {
    this.checkOperands(op, l, r);
    this.checkLength(l, r);
    const type = l.type === 'null' ? r.type : l.type;
    return {
      type: 'boolean',
      eval: (row) => compare(op, toComparable(type, l.eval(row)), toComparable(type, r.eval(row))),
      fields: union(l, r),
    };
  }

  private primary(): Compiled {
    const t = this.next();
    switch (t.t) {
      case 'punct':
        if (t.v === '(') {
          const e = this.or();
          this.expectPunct(')');
          return e;
        }
        throw syntaxError(this.text, t.pos);
      case 'str': {
        const v = t.v;
        return { type: 'string', eval: () => v, fields: NONE, literal: v };
      }
      case 'num': {
        const v = t.v;
        return { type: 'number', eval: () => v, fields: NONE };
      }
      case 'guid': {
        const v = t.v;
        return { type: 'guid', eval: () => v, fields: NONE };
      }
      case 'date': {
        const v = t.v.length === 10 ? `${t.v}T00:00:00Z` : t.v;
        return { type: 'datetime', eval: () => v, fields: NONE };
      }
      case 'id':
        return this.identifier(t.v, t.pos);
      default:
        throw syntaxError(this.text, t.pos);
    }
  }

  private identifier(name: string, pos: number): Compiled {
    if (name === 'true' || name === 'false') {
      const v = name === 'true';
      return { type: 'boolean', eval: () => v, fields: NONE };
    }
    if (name === 'null') {
      return { type: 'null', eval: () => null, fields: NONE };
    }
    const after = this.peek();
    if (after.t === 'punct' && after.v === '(') {
      return this.call(name, pos);
    }
    if (['and', 'or', 'not', 'in', ...Object.keys(COMPARISONS)].includes(name)) {
      throw syntaxError(this.text, pos);
    }
    const type = Object.prototype.hasOwnProperty.call(this.schema, name) ? this.schema[name] : undefined;
    if (!type) {
      throw errors.badQuery(`Could not find a property named '${name}' on type '${this.typeName}'.`);
    }
    return { type, eval: (row) => row[name], fields: new Set([name]), property: name };
  }

  private call(fn: string, pos: number): Compiled {
    this.expectPunct('(');
    const args: Compiled[] = [];
    if (!(this.peek().t === 'punct' && (this.peek() as { v: string }).v === ')')) {
      for (;;) {
        args.push(this.or());
        const sep = this.next();
        if (sep.t === 'punct' && sep.v === ')') {
          break;
        }
        if (sep.t !== 'punct' || sep.v !== ',') {
          throw syntaxError(this.text, sep.pos);
        }
      }
    } else {
      this.next();
    }
    if (args.some((a) => a.call) && !this.schema21) {
      // "Nested function calls in filter clauses are supported in $schemaversion=2.1 and later."
      throw errors.badQuery(`The function '${fn}' has a function call as an argument: nested function calls in $filter are supported only with $schemaversion=2.1.`);
    }
    const strings = (n: number): void => {
      if (args.length !== n) {
        throw errors.badQuery(`No function signature for the function with name '${fn}' matches the specified arguments. The function signatures considered are: ${fn}(${Array(n).fill('Edm.String').join(', ')}).`);
      }
      for (const a of args) {
        if (a.type !== 'string' && a.type !== 'null') {
          throw errors.badQuery(`No function signature for the function with name '${fn}' matches the specified arguments. The function signatures considered are: ${fn}(${Array(n).fill('Edm.String').join(', ')}).`);
        }
      }
    };
    const str = (c: Compiled, r: Row): string | null => {
      const v = c.eval(r);
      return typeof v === 'string' ? v : null;
    };
    switch (fn) {
      case 'startswith':
      case 'endswith':
      case 'contains': {
        strings(2);
        const [a, b] = args;
        this.checkLength(a, b);
        const test =
          fn === 'startswith'
            ? (x: string, y: string) => x.startsWith(y)
            : fn === 'endswith'
              ? (x: string, y: string) => x.endsWith(y)
              : (x: string, y: string) => x.includes(y);
        return {
          type: 'boolean',
          eval: (r) => {
            const x = str(a, r);
            const y = str(b, r);
            return x !== null && y !== null && test(x, y);
          },
          fields: union(a, b),
          call: true,
        };
      }
      case 'tolower':
      case 'toupper': {
        strings(1);
        const [a] = args;
        const lower = fn === 'tolower';
        return {
          type: 'string',
          eval: (r) => {
            const x = str(a, r);
            return x === null ? null : lower ? x.toLowerCase() : x.toUpperCase();
          },
          fields: a.fields,
          call: true,
        };
      }
      default:
        throw errors.badQuery(`An unknown function with name '${fn}' was found at position ${pos} in '${this.text}'. This may also be a function import or a key lookup on a navigation property, which is not allowed.`);
    }
  }
}

/** Parses a $filter into a predicate; throws a 400 ServiceError for anything it does not understand. */
export function parseFilter(text: string, schema: Schema, typeName: string, server: FilterContext = CURRENT): (row: object) => boolean {
  return new FilterParser(text, schema, typeName, server).parse();
}
