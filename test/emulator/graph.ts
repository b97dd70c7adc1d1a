/**
 * Microsoft Graph beta financials: /beta/financials/companies/{id}/customers/{id}/picture...
 * Keys are path segments. Graph reaches only the environment named Production.
 */
import { checkIfMatch, customerFilters, type ServiceState } from './bc';
import { sendCollection } from './collection';
import { type Context, sendBytes, sendEmpty, sendJson } from './context';
import { COMPANY_PROPERTIES, type Customer, GRAPH_CUSTOMER_PROPERTIES, graphCustomer } from './data';
import { errors, ServiceError } from './errors';
import { acceptedImage } from './images';
import { parseQuery, project } from './odata';
import { guidSegment } from './segments';

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function allow(ctx: Context, methods: string[], segment: string): string {
  const method = ctx.req.method ?? 'GET';
  if (!methods.includes(method)) {
    const e = errors.methodNotAllowed(method, segment);
    throw new ServiceError(e.status, e.code, e.message, { Allow: methods.join(', ') });
  }
  return method;
}

function parsePictureBody(ctx: Context): { bytes: Buffer; width: number; height: number; contentType: string } {
  const type = String(ctx.req.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) {
    throw new ServiceError(415, 'UnsupportedMediaType', `The content type '${type}' is not supported; send application/json.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(ctx.body.toString('utf8'));
  } catch {
    throw new ServiceError(400, 'BadRequest', 'The request body is not valid JSON.');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ServiceError(400, 'BadRequest', 'The request body must be a JSON object.');
  }
  const b = json as Record<string, unknown>;
  const odataType = b['@odata.type'];
  if (odataType !== undefined && odataType !== '#microsoft.graph.picture' && odataType !== 'microsoft.graph.picture') {
    throw new ServiceError(400, 'BadRequest', `The type '${String(odataType)}' is not a valid type for a picture.`);
  }
  for (const k of Object.keys(b)) {
    if (!['@odata.type', 'id', 'width', 'height', 'contentType', 'content'].includes(k)) {
      throw new ServiceError(400, 'BadRequest', `The property '${k}' does not exist on type 'microsoft.graph.picture'.`);
    }
  }
  if (typeof b.content !== 'string' || b.content === '' || !BASE64_RE.test(b.content)) {
    throw new ServiceError(400, 'BadRequest', "The property 'content' must be the picture's bytes as a base64 string.");
  }
  const bytes = Buffer.from(b.content, 'base64');
  const info = acceptedImage(bytes);
  for (const k of ['width', 'height'] as const) {
    if (b[k] !== undefined && b[k] !== info[k]) {
      throw new ServiceError(400, 'BadRequest', `The ${k} ${String(b[k])} does not match the picture (${info[k]}).`);
    }
  }
  if (b.contentType !== undefined && b.contentType !== info.contentType) {
    throw new ServiceError(400, 'BadRequest', `The contentType '${String(b.contentType)}' does not match the picture (${info.contentType}).`);
  }
  return { bytes, ...info };
}

export function handleGraph(ctx: Context, state: ServiceState, rest: string): void {
  const env = state.data.environment('production');
  const parts = rest.split('/').filter((p, i, all) => !(p === '' && (i === 0 || i === all.length - 1)));
  const base = `${ctx.origin}/beta/financials`;
  const meta = `${ctx.origin}/beta/$metadata`;
  const params = ctx.url.searchParams;
  if (parts[0] !== 'companies') {
    throw errors.noSegment(parts[0] ?? 'financials');
  }
  if (!env) {
    throw errors.noSegment('companies');
  }
  if (parts.length === 1) {
    allow(ctx, ['GET'], 'companies');
    const opts = parseQuery(params, COMPANY_PROPERTIES, 'microsoft.graph.company', [], true, state);
    sendCollection(ctx, env.companies.map((c) => c.info), opts, state.maxPageSize, `${meta}#financials/companies`, (c) => ({ ...c }));
    return;
  }
  const companyId = guidSegment(parts[1]);
  const company = env.company(companyId);
  if (!company) {
    throw errors.notFound('Company', companyId);
  }
  if (parts.length === 2) {
    allow(ctx, ['GET'], 'companies');
    const opts = parseQuery(params, COMPANY_PROPERTIES, 'microsoft.graph.company', [], false, state);
    sendJson(ctx, 200, { '@odata.context': `${meta}#financials/companies/$entity`, ...project({ ...company.info }, opts.select) });
    return;
  }
  if (parts[2] !== 'customers') {
    throw errors.noSegment(parts[2]);
  }
  const table = company.customers;
  const customersUrl = `${base}/companies/${company.id}/customers`;
  const toJson = (c: Customer): Record<string, unknown> => ({ '@odata.etag': table.etag(c.id), ...graphCustomer(c) });
  if (parts.length === 3) {
    allow(ctx, ['GET'], 'customers');
    const opts = parseQuery(params, GRAPH_CUSTOMER_PROPERTIES, 'microsoft.graph.customer', [], true, customerFilters(state));
    sendCollection(ctx, table.all(), opts, state.maxPageSize, `${meta}#financials/companies('${company.id}')/customers`, toJson);
    return;
  }
  const customerId = guidSegment(parts[3]);
  const customer = table.get(customerId);
  if (!customer) {
    throw errors.notFound('Customer', customerId);
  }
  if (parts.length === 4) {
    allow(ctx, ['GET'], 'customers');
    const opts = parseQuery(params, GRAPH_CUSTOMER_PROPERTIES, 'microsoft.graph.customer', [], false, customerFilters(state));
    sendJson(ctx, 200, { '@odata.context': `${meta}#financials/companies('${company.id}')/customers/$entity`, ...project(toJson(customer), opts.select) });
    return;
  }
  if (parts[4] !== 'picture') {
    throw errors.noSegment(parts[4]);
  }
  const id = customer.id;
  const pictureUrl = `${customersUrl}/${id}/picture`;
  const pictureJson = (): Record<string, unknown> => {
    const p = table.picture(id);
    return {
      '@odata.etag': table.pictureEtag(id),
      id,
      width: p.width,
      height: p.height,
      contentType: p.contentType,
      'content@odata.mediaEditLink': `${pictureUrl}/${id}/content`,
      'content@odata.mediaReadLink': `${pictureUrl}/${id}/content`,
    };
  };
  const has = (): boolean => table.picture(id).bytes !== undefined;
  if (parts.length === 5) {
    const method = allow(ctx, ['GET', 'POST'], 'picture');
    if (method === 'GET') {
      sendJson(ctx, 200, { '@odata.context': `${meta}#financials/companies('${company.id}')/customers('${id}')/picture`, value: has() ? [pictureJson()] : [] });
      return;
    }
    if (state.graphPostRefused) {
      throw errors.methodNotAllowed('POST', 'picture');
    }
    const pic = parsePictureBody(ctx);
    table.setPicture(id, pic.bytes, pic);
    sendJson(ctx, 201, { '@odata.context': `${meta}#financials/companies('${company.id}')/customers('${id}')/picture/$entity`, ...pictureJson() }, {
      Location: `${pictureUrl}/${id}`,
    });
    return;
  }
  const pictureId = guidSegment(parts[5]);
  if (pictureId !== id || !has()) {
    throw errors.notFound('Picture', pictureId);
  }
  if (parts.length === 6) {
    const method = allow(ctx, ['GET', 'DELETE'], 'picture');
    if (method === 'GET') {
      sendJson(ctx, 200, { '@odata.context': `${meta}#financials/companies('${company.id}')/customers('${id}')/picture/$entity`, ...pictureJson() });
      return;
    }
    checkIfMatch(ctx, table.pictureEtag(id), false);
    table.deletePicture(id);
    sendEmpty(ctx, 204);
    return;
  }
  if (parts[6] !== 'content' || parts.length > 7) {
    throw errors.noSegment(parts[parts.length - 1]);
  }
  const method = allow(ctx, ['GET', 'PUT'], 'content');
  if (method === 'GET') {
    const p = table.picture(id);
    sendBytes(ctx, p.bytes!, p.contentType);
    return;
  }
  checkIfMatch(ctx, table.pictureEtag(id), false);
  const info = acceptedImage(ctx.body);
  table.setPicture(id, ctx.body, info);
  sendEmpty(ctx, 204);
}
