/** Collection answers with server-driven paging, shared by both API surfaces. */
import { type Context, sendJson } from './context';
import { ServiceError } from './errors';
import { encodeSkipToken, page, preferredPageSize, project, type QueryOptions } from './odata';

export const SERVICE_MAX_PAGE_SIZE = 20_000;

/** The page size for this request: Prefer: odata.maxpagesize, at most `max`; past it is a 413. */
export function pageSizeFor(ctx: Context, max: number): { size: number; applied?: string } {
  const prefer = ctx.req.headers.prefer;
  const wanted = preferredPageSize(Array.isArray(prefer) ? prefer.join(',') : prefer);
  if (wanted === undefined) {
    return { size: max };
  }
  if (wanted > max) {
    throw new ServiceError(413, 'Request_EntityTooLarge', `The requested page size ${wanted} exceeds the maximum page size of ${max}.`);
  }
  return { size: wanted, applied: `odata.maxpagesize=${wanted}` };
}

/** The same request URL with $skiptoken replaced, keeping the client's other options as sent. */
export function nextLinkFor(ctx: Context, offset: number): string {
  const raw = ctx.req.url ?? '/';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const parts = q < 0 ? [] : raw.slice(q + 1).split('&').filter((p) => p !== '');
  const kept = parts.filter((p) => {
    const key = decodeURIComponent(p.split('=')[0].replace(/\+/g, ' '));
    return key !== '$skiptoken';
  });
  kept.push(`$skiptoken=${encodeSkipToken(offset)}`);
  return `${ctx.origin}${path}?${kept.join('&')}`;
}

export function sendCollection<T extends object>(
  ctx: Context,
  rows: readonly T[],
  opts: QueryOptions,
  maxPageSize: number,
  contextUrl: string,
  toJson: (row: T) => Record<string, unknown>,
): void {
  const { size, applied } = pageSizeFor(ctx, maxPageSize);
  const p = page(rows, opts, size);
  const body: Record<string, unknown> = { '@odata.context': contextUrl };
  if (opts.count) {
    body['@odata.count'] = p.total;
  }
  const keep = opts.select ? [...opts.select, ...opts.expand] : undefined;
  body.value = p.items.map((r) => project(toJson(r), keep));
  if (p.nextOffset !== undefined) {
    body['@odata.nextLink'] = nextLinkFor(ctx, p.nextOffset);
  }
  sendJson(ctx, 200, body, applied ? { 'Preference-Applied': applied } : {});
}
