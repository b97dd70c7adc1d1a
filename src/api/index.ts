/**
 * The Business Central API layer: plain TypeScript, no `vscode`. The extension builds one service per settings
 * change with `createPictureService`; requests go through the extension host's `fetch` (VS Code's network stack).
 */
import type { ServiceCapabilities } from './capabilities';
import { PictureClient } from './client';
import type { TransportOptions } from './http';
import type { ApiKind, PictureService } from './types';

export interface PictureServiceSettings {
  readonly api: ApiKind;
  readonly serviceUrl?: string;
  readonly environment: string;
  readonly tenant?: string;
}

/** What the service needs besides its settings: the transport's options, and the pickers' page size. */
export interface PictureServiceDeps extends TransportOptions {
  /** Page size of customer lists when the query names none. Default 50. */
  readonly pageSize?: number;
  /** What each service was found to support, kept for the extension's lifetime (see `ServiceCapabilities`). */
  readonly capabilities?: ServiceCapabilities;
}

/** Throws a `ServiceError` of kind 'settings' when the settings cannot make a safe base URL. */
export function createPictureService(settings: PictureServiceSettings, deps: PictureServiceDeps): PictureService {
  return new PictureClient(settings, deps);
}

export { PictureClient, DEFAULT_PAGE_SIZE, MAX_URL_LENGTH, NUMBER_BATCH } from './client';
export { cancelledError, ServiceError, type ServiceErrorKind } from './errors';
export { type Authorize, type TimeoutOptions } from './http';
export { parseRetryAfter, type RetryOptions } from './retry';
export { fileUploadSource, bytesUploadSource, readInspectedFile, rereadUploadSource, type UploadInfo } from './upload';
export { ServiceCapabilities } from './capabilities';
export { buildBaseUrl, buildEnvironmentsUrl, checkId, CUSTOMER_NUMBER_MAX_LENGTH, isLoopbackHost, isOnPremises, normalizeCustomerNumber, odataString, type ServiceSettings } from './urls';
export type * from './types';
