/** Business Central API v2.0: /v2.0[/{tenant}]/{environment}/api/v2.0/... and /environments/v1.2. */
import { type Context, sendBytes, sendEmpty, sendJson, sendText } from './context';
import { sendCollection } from './collection';
import { type Company, COMPANY_PROPERTIES, CUSTOMER_MAX_LENGTHS, CUSTOMER_PROPERTIES, type Customer, type Environment, type TenantData } from './data';
import { errors, ServiceError } from './errors';
import { acceptedImage } from './images';
import { page, parseQuery, project } from './odata';
import { parseSegments, type Segment } from './segments';

export interface ServiceState {
  data: TenantData;
  maxPageSize: number;
  graphPostRefused: boolean;
  /** 'old': a server from before April 2024, which ignores `in` and knows no $schemaversion=2.1. */
  serverVersion: 'current' | 'old';
}

/** How a query is parsed for customers on this server: its version, and the Code[20] number. */
export function customerFilters(state: ServiceState) {
  return { serverVersion: state.serverVersion, maxLengths: CUSTOMER_MAX_LENGTHS };
}

const CUSTOMER_TYPE = 'Microsoft.NAV.customer';
const COMPANY_TYPE = 'Microsoft.NAV.company';

/** GET /environments/v1.2 */
export function handleEnvironments(ctx: Context, state: ServiceState): void {
  if (ctx.req.method !== 'GET') {
    throw errors.methodNotAllowed(ctx.req.method ?? '', 'environments', 'Collection');
  }
  // Both spellings of the family are seen in the field; other families (an ISV's) carry no customer API.
  const family = (e: Environment) => (e.info.type === 'Sandbox' ? 'Business Central' : 'BusinessCentral');
  const other = { friendlyName: 'Partner App', type: 'Production', name: 'partner-app', countryCode: 'US', applicationFamily: 'PartnerApp', aadTenantId: state.data.tenantId, status: 'Active' };
  sendJson(ctx, 200, {
    value: [...state.data.environments.map((e) => ({
      friendlyName: e.info.name,
      type: e.info.type,
      name: e.info.name,
      countryCode: e.info.countryCode,
      applicationFamily: family(e),
      aadTenantId: state.data.tenantId,
      applicationVersion: e.info.applicationVersion,
      status: 'Active',
      webClientLoginUrl: `${ctx.origin}/?tenant=${state.data.tenantId}&environment=${e.info.name}`,
      webServiceUrl: `${ctx.origin}/v2.0/${e.info.name}`,
      locationName: e.info.locationName,
      geoName: e.info.geoName,
      platformVersion: e.info.platformVersion,
      ringName: e.info.type === 'Production' ? 'PROD' : 'PREVIEW',
    })), other],
  });
}

export function pictureJson(table: Company['customers'], customerId: string, mediaLink: string): Record<string, unknown> {
  const p = table.picture(customerId);
  return {
    '@odata.etag': table.pictureEtag(customerId),
    id: customerId,
    parentType: 'Customer',
    width: p.width,
    height: p.height,
    contentType: p.contentType,
    'pictureContent@odata.mediaEditLink': mediaLink,
    'pictureContent@odata.mediaReadLink': mediaLink,
  };
}

/** If-Match: '*' or the current etag; missing -> 400 BadRequest_InvalidToken, stale -> 409 Request_EntityChanged. */
export function checkIfMatch(ctx: Context, current: string, required = true): void {
  const header = ctx.req.headers['if-match'];
  if (header === undefined || header.trim() === '') {
    if (required) {
      throw errors.missingIfMatch();
    }
    return;
  }
  const tags = header.split(/,(?=\s*(?:W\/)?"|\s*\*)/).map((t) => t.trim());
  if (tags.includes('*') || tags.includes(current)) {
    return;
  }
  throw errors.entityChanged();
}

function allow(ctx: Context, methods: string[], segment: string, kind: string): string {
  const method = ctx.req.method ?? 'GET';
  if (!methods.includes(method)) {
    const err = errors.methodNotAllowed(method, segment, kind);
    throw new ServiceError(err.status, err.code, err.message, { Allow: methods.join(', ') });
  }
  return method;
}

function noKey(seg: Segment): void {
  if (seg.key !== undefined && seg.key !== '') {
    throw errors.badQuery(`The request URI is not valid. The segment '${seg.name}' cannot include key predicates, however it may end in empty parenthesis.`);
  }
}

function collectionLast(seg: Segment): never {
  throw errors.badQuery(
    `The request URI is not valid. Since the segment '${seg.name}' refers to a collection, this must be the last segment in the request URI or it must be followed by an function or action that can be bound to it otherwise all intermediate segments must refer to a single resource.`,
  );
}

export function handleBc(ctx: Context, state: ServiceState, tenant: string | undefined, environmentName: string, rest: string): void {
  if (tenant !== undefined && /^[0-9a-f-]{36}$/i.test(tenant) && tenant.toLowerCase() !== state.data.tenantId) {
    throw new ServiceError(404, 'NoEnvironmentFound', `No environment was found for tenant '${tenant}'.`);
  }
  const env: Environment | undefined = state.data.environment(environmentName);
  if (!env) {
    throw new ServiceError(404, 'NoEnvironmentFound', `No environment named '${environmentName}' was found for this tenant.`);
  }
  const base = `${ctx.origin}${ctx.url.pathname.slice(0, ctx.url.pathname.length - rest.length)}`;
  const meta = `${base}/$metadata`;
  const segs = parseSegments(rest);
  const params = ctx.url.searchParams;

  if (segs.length === 0) {
    allow(ctx, ['GET'], 'api/v2.0', 'Service');
    sendJson(ctx, 200, {
      '@odata.context': meta,
      value: [{ name: 'companies', kind: 'EntitySet', url: 'companies' }, { name: 'customers', kind: 'EntitySet', url: 'customers' }],
    });
    return;
  }
  const [s0, s1, s2, s3, s4] = segs;
  if (s0.name !== 'companies') {
    throw errors.noSegment(s0.name);
  }
  if (s0.key === undefined || s0.key === '') {
    if (s1) {
      collectionLast(s0);
    }
    allow(ctx, ['GET'], 'companies', 'Collection');
    const opts = parseQuery(params, COMPANY_PROPERTIES, COMPANY_TYPE, [], true, state);
    sendCollection(ctx, env.companies.map((c) => c.info), opts, state.maxPageSize, `${meta}#companies`, (c) => ({ '@odata.etag': env.company(c.id)!.etag, ...c }));
    return;
  }
  const company = env.company(s0.key);
  if (!company) {
    throw errors.notFound('Company', s0.key);
  }
  if (!s1) {
    allow(ctx, ['GET'], 'companies', 'Entity');
    const opts = parseQuery(params, COMPANY_PROPERTIES, COMPANY_TYPE, [], false, state);
    sendJson(ctx, 200, { '@odata.context': `${meta}#companies/$entity`, ...project({ '@odata.etag': company.etag, ...company.info }, opts.select) });
    return;
  }
  if (s1.name !== 'customers') {
    throw errors.noSegment(s1.name);
  }
  const table = company.customers;
  const customerBase = `${base}/companies(${company.id})/customers`;
  const mediaLink = (id: string) => `${customerBase}(${id})/picture/pictureContent`;
  const customerJson = (c: Customer, expand: readonly string[]): Record<string, unknown> => {
    const o: Record<string, unknown> = { '@odata.etag': table.etag(c.id), ...c };
    if (expand.includes('picture')) {
      o.picture = pictureJson(table, c.id, mediaLink(c.id));
    }
    return o;
  };

  if (s1.key === undefined || s1.key === '') {
    if (s2 && s2.name === '$count' && !s3) {
      allow(ctx, ['GET'], '$count', 'Collection');
      const opts = parseQuery(params, CUSTOMER_PROPERTIES, CUSTOMER_TYPE, [], true, customerFilters(state));
      sendText(ctx, 200, String(page(table.all(), opts, Number.MAX_SAFE_INTEGER).total));
      return;
    }
    if (s2) {
      collectionLast(s1);
    }
    allow(ctx, ['GET'], 'customers', 'Collection');
    const opts = parseQuery(params, CUSTOMER_PROPERTIES, CUSTOMER_TYPE, ['picture'], true, customerFilters(state));
    const select = opts.select ? `(${opts.select.join(',')})` : '';
    sendCollection(ctx, table.all(), opts, state.maxPageSize, `${meta}#companies(${company.id})/customers${select}`, (c) => customerJson(c, opts.expand));
    return;
  }
  const customer = table.get(s1.key);
  if (!customer) {
    throw errors.notFound('Customer', s1.key);
  }
  if (!s2) {
    allow(ctx, ['GET'], 'customers', 'Entity');
    const opts = parseQuery(params, CUSTOMER_PROPERTIES, CUSTOMER_TYPE, ['picture'], false, customerFilters(state));
    const keep = opts.select ? [...opts.select, ...opts.expand] : undefined;
    sendJson(ctx, 200, { '@odata.context': `${meta}#companies(${company.id})/customers/$entity`, ...project(customerJson(customer, opts.expand), keep) });
    return;
  }
  if (s2.name !== 'picture') {
    throw errors.noSegment(s2.name);
  }
  noKey(s2);
  const id = customer.id;
  if (!s3) {
    const method = allow(ctx, ['GET', 'DELETE'], 'picture', 'Entity');
    if (method === 'GET') {
      const opts = parseQuery(params, { id: 'guid', parentType: 'string', width: 'number', height: 'number', contentType: 'string' }, 'Microsoft.NAV.picture', [], false, state);
      sendJson(ctx, 200, {
        '@odata.context': `${meta}#companies(${company.id})/customers(${id})/picture/$entity`,
        ...project(pictureJson(table, id, mediaLink(id)), opts.select),
      });
      return;
    }
    checkIfMatch(ctx, table.pictureEtag(id));
    table.deletePicture(id);
    sendEmpty(ctx, 204);
    return;
  }
  if (s3.name !== 'pictureContent' || s4) {
    throw errors.noSegment(s4 ? s4.name : s3.name);
  }
  noKey(s3);
  const method = allow(ctx, ['GET', 'PATCH'], 'pictureContent', 'Stream');
  if (method === 'GET') {
    const p = table.picture(id);
    if (!p.bytes) {
      sendEmpty(ctx, 204);
      return;
    }
    sendBytes(ctx, p.bytes, p.contentType, { ETag: table.pictureEtag(id) });
    return;
  }
  checkIfMatch(ctx, table.pictureEtag(id));
  const info = acceptedImage(ctx.body);
  table.setPicture(id, ctx.body, info);
  sendEmpty(ctx, 204);
}
