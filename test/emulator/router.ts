/** The top-level router: which API a path belongs to and who handles it. */
import { handleBc, handleEnvironments, type ServiceState } from './bc';
import type { Context } from './context';
import type { ApiKind } from './errors';
import { handleGraph } from './graph';

export interface Route {
  api: ApiKind;
  handle: (ctx: Context, state: ServiceState) => void;
}

const ROUTES: Array<{ api: ApiKind; pattern: RegExp; handle: (ctx: Context, state: ServiceState, m: RegExpExecArray) => void }> = [
  { api: 'environments', pattern: /^\/environments\/v1\.2\/?$/, handle: (ctx, state) => handleEnvironments(ctx, state) },
  {
    api: 'bc',
    pattern: /^\/v2\.0\/(?:([^/]+)\/)?([^/]+)\/api\/v2\.0(\/.*)?$/,
    handle: (ctx, state, m) => handleBc(ctx, state, m[1] === undefined ? undefined : decodeURIComponent(m[1]), decodeURIComponent(m[2]), m[3] ?? ''),
  },
  { api: 'graph', pattern: /^\/beta\/financials(\/.*)?$/, handle: (ctx, state, m) => handleGraph(ctx, state, m[1] ?? '') },
];

/** Finds the route of a path; undefined when no API serves it (answered 404). */
export function route(pathname: string): Route | undefined {
  for (const r of ROUTES) {
    const m = r.pattern.exec(pathname);
    if (m) {
      return { api: r.api, handle: (ctx, state) => r.handle(ctx, state, m) };
    }
  }
  return undefined;
}
