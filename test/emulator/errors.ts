/** The service's error shape: {"error":{"code","message"}} (+ innerError on Graph). */

export type ApiKind = 'bc' | 'graph' | 'environments' | 'unknown';

/** Thrown by handlers; turned into the service's error body by the server. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string | string[]>> = {},
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    innerError?: { 'request-id': string; date: string; 'client-request-id'?: string };
  };
}

/** Business Central ends every message with `  CorrelationId:  <guid>.`; Graph adds innerError. */
export function errorBody(api: ApiKind, code: string, message: string, correlationId: string, now = new Date()): ErrorBody {
  // Two spaces on each side of "CorrelationId:", as the service writes it.
  const body: ErrorBody = { error: { code, message: `${message}  CorrelationId:  ${correlationId}.` } };
  if (api === 'graph') {
    body.error.innerError = { 'request-id': correlationId, date: now.toISOString().replace(/\.\d{3}Z$/, '') };
  }
  return body;
}

// Constructors for the errors the emulator answers, so codes stay consistent.
export const errors = {
  notFound: (entity: string, key: string) =>
    new ServiceError(404, 'BadRequest_NotFound', `The ${entity} does not exist. Identification fields and values: SystemId='{${key.toUpperCase()}}'`),
  noSegment: (segment: string) => new ServiceError(404, 'BadRequest_NotFound', `Resource not found for the segment '${segment}'.`),
  noRoute: (path: string) => new ServiceError(404, 'BadRequest_NotFound', `No HTTP resource was found that matches the request URI '${path}'.`),
  badQuery: (message: string) => new ServiceError(400, 'BadRequest', message),
  /** What Business Central's OData does not implement (an `or` across fields, `not`, `in` without 2.1). */
  notImplemented: (message: string) => new ServiceError(501, 'BadRequest_MethodNotImplemented', message),
  /** A literal longer than the Code[n] field it is compared with fails the whole request. */
  filterLength: (value: string, max: number) =>
    new ServiceError(400, 'Application_FilterErrorException', `The length of the string is ${value.length}, but it must be less than or equal to ${max} characters. Value: ${value}`),
  badKey: (value: string) =>
    new ServiceError(400, 'BadRequest_InvalidToken', `Bad Request - Error in query syntax. The key value '${value}' is not a valid Edm.Guid.`),
  methodNotAllowed: (method: string, segment: string, kind = 'Entity') =>
    new ServiceError(
      405,
      'BadRequest_MethodNotAllowed',
      `'${method}' requests for '${segment}' of EdmType '${kind}' are not allowed within Dynamics 365 Business Central OData web services.`,
      { Allow: 'GET, PATCH, DELETE' },
    ),
  missingIfMatch: () => new ServiceError(400, 'BadRequest_InvalidToken', 'Could not validate the client concurrency token required by the service. Please provide a valid token in the client request.'),
  entityChanged: () =>
    new ServiceError(409, 'Request_EntityChanged', 'Another user has already changed the record.'),
};
