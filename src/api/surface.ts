import { buildQuery, checkId } from './urls';
import type { ApiKind } from './types';

/** Where things are on one API surface and how it differs: one object each, instead of branches through the client. */
export interface ApiSurface {
  readonly kind: ApiKind;
  company(companyId: string): string;
  customers(companyId: string): string;
  customer(companyId: string, customerId: string): string;
  picture(companyId: string, customerId: string): string;
  /** The picture's bytes: Business Central's `pictureContent`, Graph's `picture/{id}/content`. */
  pictureContent(companyId: string, customerId: string, pictureId?: string): string;
  /** What a DELETE removes the picture at. */
  pictureToDelete(companyId: string, customerId: string): string;
  /** `$select` (and `$expand=picture`, where the surface tells "has a picture" cheaply) for customer reads. */
  customerQuery(extra: Record<string, string | undefined>): string;
  /** The byte upload's method. */
  readonly byteUpload: 'PATCH' | 'PUT';
  /**
   * Graph: a picture is added by a JSON POST, its bytes live under the picture's own id (asked first), and the
   * environments API (which takes a Business Central token) is out of reach.
   */
  readonly graph: boolean;
}

/** Business Central keys an entity in parentheses, Graph in a path segment. */
function surface(kind: ApiKind, baseUrl: string, key: (id: string) => string, select: string, expand: string | undefined): ApiSurface {
  const company = (companyId: string) => `${baseUrl}/companies${key(checkId(companyId, 'company'))}`;
  const customer = (companyId: string, customerId: string) => `${company(companyId)}/customers${key(checkId(customerId, 'customer'))}`;
  const picture = (companyId: string, customerId: string) => `${customer(companyId, customerId)}/picture`;
  const graph = kind === 'graph';
  return {
    kind,
    company,
    customers: (companyId) => `${company(companyId)}/customers`,
    customer,
    picture,
    // On Graph the picture's id is the customer's, unless the service says otherwise.
    pictureContent: (companyId, customerId, pictureId = customerId) =>
      graph ? `${picture(companyId, customerId)}/${checkId(pictureId, 'picture')}/content` : `${picture(companyId, customerId)}/pictureContent`,
    pictureToDelete: (companyId, customerId) => (graph ? `${picture(companyId, customerId)}/${checkId(customerId, 'picture')}` : picture(companyId, customerId)),
    customerQuery: (extra) => buildQuery({ $select: select, $expand: expand, ...extra }),
    byteUpload: graph ? 'PUT' : 'PATCH',
    graph,
  };
}

/** Graph's customers carry the city in `address` (a `$select` of the flat `city` is a 400 there) and do not expand a picture. */
export function apiSurface(kind: ApiKind, baseUrl: string): ApiSurface {
  return kind === 'graph'
    ? surface(kind, baseUrl, (id) => `/${id}`, 'id,number,displayName,address,email,blocked', undefined)
    : surface(kind, baseUrl, (id) => `(${id})`, 'id,number,displayName,city,email,blocked', 'picture');
}
