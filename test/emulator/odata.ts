/**
 * The OData the service speaks besides $filter (filter.ts): system query
 * options, $orderby/$select/$top/$skip/$count/$expand, and server-driven
 * paging with $skiptoken.
 */
import { errors } from './errors';
import { CURRENT, parseFilter, type FilterContext, type Schema } from './filter';

export interface OrderKey {
  property: string;
  descending: boolean;
}

export interface QueryOptions {
  filter?: (row: object) => boolean;
  orderby: OrderKey[];
  select?: string[];
  expand: string[];
  top?: number;
  skip: number;
  count: boolean;
  /** Offset decoded from $skiptoken. */
  offset: number;
}

const KNOWN_OPTIONS = new Set(['$filter', '$orderby', '$select', '$expand', '$top', '$skip', '$count', '$skiptoken', '$format', '$schemaversion']);

function nonNegativeInt(name: string, value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw errors.badQuery(`Invalid value '${value}' for ${name} query option found. The ${name} query option requires a non-negative integer value.`);
  }
  return Number(value);
}

export function encodeSkipToken(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeSkipToken(token: string): number {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const m = /^o:(\d+)$/.exec(text);
  if (!m) {
    throw errors.badQuery(`The skip token value '${token}' is not valid.`);
  }
  return Number(m[1]);
}

/** Parses the system query options of a collection or entity request. */
export function parseQuery(
  params: URLSearchParams,
  schema: Schema,
  typeName: string,
  expandable: readonly string[],
  collection: boolean,
  server: Omit<FilterContext, 'schemaVersion'> = CURRENT,
): QueryOptions {
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (!key.startsWith('$')) {
      continue; // custom query options are ignored, as OData says
    }
    if (!KNOWN_OPTIONS.has(key)) {
      throw errors.badQuery(`The query parameter '${key}' is not supported.`);
    }
    if (seen.has(key)) {
      throw errors.badQuery(`Query option '${key}' was specified more than once, but it must be specified at most once.`);
    }
    seen.add(key);
    if (!collection && ['$filter', '$orderby', '$top', '$skip', '$count', '$skiptoken'].includes(key)) {
      throw errors.badQuery(`The query option '${key}' is not allowed on a single entity.`);
    }
  }
  const format = params.get('$format');
  if (format !== null && format !== 'json' && !format.startsWith('application/json')) {
    throw errors.badQuery(`The requested format '${format}' is not supported.`);
  }
  const property = (name: string): string => {
    if (!Object.prototype.hasOwnProperty.call(schema, name)) {
      throw errors.badQuery(`Could not find a property named '${name}' on type '${typeName}'.`);
    }
    return name;
  };
  const list = (v: string): string[] => v.split(',').map((s) => s.trim());

  const schemaVersion = params.get('$schemaversion') ?? '2.0';
  if (!['1.0', '2.0', '2.1'].includes(schemaVersion) || (schemaVersion === '2.1' && server.serverVersion === 'old')) {
    throw errors.badQuery(`The schema version '${schemaVersion}' is not supported.`);
  }
  const opts: QueryOptions = { orderby: [], expand: [], skip: 0, count: false, offset: 0 };
  const filter = params.get('$filter');
  if (filter !== null) {
    opts.filter = parseFilter(filter, schema, typeName, { ...server, schemaVersion });
  }
  const orderby = params.get('$orderby');
  if (orderby !== null) {
    opts.orderby = list(orderby).map((part) => {
      const m = /^([A-Za-z_]\w*)(?:\s+(asc|desc))?$/.exec(part);
      if (!m) {
        throw errors.badQuery(`Syntax error in $orderby '${orderby}'.`);
      }
      if (schema[property(m[1])] === 'address') {
        throw errors.badQuery(`The $orderby expression must evaluate to a single value of primitive type; '${m[1]}' is a complex property.`);
      }
      return { property: m[1], descending: m[2] === 'desc' };
    });
  }
  const select = params.get('$select');
  if (select !== null) {
    const names = list(select);
    opts.select = names.includes('*') ? undefined : names.map(property);
  }
  const expand = params.get('$expand');
  if (expand !== null) {
    opts.expand = list(expand).map((name) => {
      if (!expandable.includes(name)) {
        if (/^\w+$/.test(name)) {
          throw errors.badQuery(`Could not find a property named '${name}' on type '${typeName}'.`);
        }
        throw errors.badQuery(`The $expand option '${name}' is not supported.`);
      }
      return name;
    });
  }
  const top = params.get('$top');
  if (top !== null) {
    opts.top = nonNegativeInt('$top', top);
  }
  const skip = params.get('$skip');
  if (skip !== null) {
    opts.skip = nonNegativeInt('$skip', skip);
  }
  const count = params.get('$count');
  if (count !== null) {
    if (count !== 'true' && count !== 'false') {
      throw errors.badQuery(`'${count}' is not a valid count option.`);
    }
    opts.count = count === 'true';
  }
  const token = params.get('$skiptoken');
  if (token !== null) {
    opts.offset = decodeSkipToken(token);
  }
  return opts;
}

export interface Page<T> {
  items: readonly T[];
  /** Total matching the filter (for $count), before $top/$skip. */
  total: number;
  /** Offset for the next page's $skiptoken, when there is one. */
  nextOffset?: number;
}

/** Applies filter, order, $skip/$top and the server page size. */
export function page<T extends object>(all: readonly T[], opts: QueryOptions, pageSize: number): Page<T> {
  let rows: readonly T[] = opts.filter ? all.filter(opts.filter) : all;
  if (opts.orderby.length > 0) {
    const keys = opts.orderby;
    const sorted = rows === all ? rows.slice() : (rows as T[]);
    sorted.sort((a, b) => {
      for (const k of keys) {
        const x = (a as Record<string, unknown>)[k.property] as string | number;
        const y = (b as Record<string, unknown>)[k.property] as string | number;
        if (x !== y) {
          const c = x < y ? -1 : 1;
          return k.descending ? -c : c;
        }
      }
      return 0;
    });
    rows = sorted;
  }
  const total = rows.length;
  const end = opts.top === undefined ? total : Math.min(total, opts.skip + opts.top);
  const start = Math.min(end, opts.skip + opts.offset);
  const pageEnd = Math.min(end, start + pageSize);
  return {
    items: rows.slice(start, pageEnd),
    total,
    nextOffset: pageEnd < end ? opts.offset + (pageEnd - start) : undefined,
  };
}

/** Projects an entity to the $select'ed properties (etag and annotations kept). */
export function project(entity: Readonly<Record<string, unknown>>, select: readonly string[] | undefined): Record<string, unknown> {
  if (!select) {
    return { ...entity };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entity)) {
    if (k.startsWith('@odata.')) {
      out[k] = v;
    }
  }
  for (const name of select) {
    out[name] = entity[name];
  }
  return out;
}

/** The `Prefer` header's odata.maxpagesize, if any. */
export function preferredPageSize(prefer: string | undefined): number | undefined {
  if (!prefer) {
    return undefined;
  }
  const m = /(?:^|[,;\s])odata\.maxpagesize\s*=\s*"?([^",;\s]*)"?/i.exec(prefer);
  if (!m) {
    return undefined;
  }
  if (!/^\d+$/.test(m[1]) || Number(m[1]) === 0) {
    throw errors.badQuery(`The value '${m[1]}' of the preference odata.maxpagesize is not a positive integer.`);
  }
  return Number(m[1]);
}
