// What the rest of the extension sees of Business Central, whichever API surface carries it.
import type { PictureFacts } from '../common/picture';

export type ApiKind = 'businessCentral' | 'graph';

export interface Company {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
}

export interface Customer {
  readonly id: string;
  readonly number: string;
  readonly displayName: string;
  readonly city?: string;
  readonly email?: string;
  /** '' when not blocked (the service says ' '), else the service's value ('Ship', 'Invoice', 'All'). */
  readonly blocked?: string;
  /** Known only where the service tells it cheaply ($expand=picture); undefined when unknown. */
  readonly hasPicture?: boolean;
  /** What the service stored, where it was expanded with the customer (Business Central's `$expand=picture`). */
  readonly picture?: Picture;
}

/** What the service stored: width 0 and an empty content type mean "no picture". */
export interface Picture {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly contentType: string;
}

/** A Business Central online environment of the signed-in tenant, from the environments API. */
export interface Environment {
  /** What goes into the API URL and the setting bcPictures.environment. */
  readonly name: string;
  /** 'Production' or 'Sandbox'. */
  readonly type: string;
  readonly countryCode: string;
  readonly applicationVersion?: string;
}

/** One request behind a customer list that has more pages: its `@odata.nextLink`, and what its rows must match. */
export interface CustomerCursorPart {
  readonly nextLink: string;
  readonly pageSize: number;
  /** A search: every row must match it, or the service ignored the filter and paging stops. */
  readonly search?: { readonly by: 'name' | 'number'; readonly text: string };
}

/** Where *Load more* goes on: one part per request of the list (a search asks by name and by number). Pass back unchanged. */
export interface CustomerCursor {
  readonly parts: readonly CustomerCursorPart[];
}

export interface CustomerPage {
  readonly items: readonly Customer[];
  /** Undefined on the last page. */
  readonly more?: CustomerCursor;
}

export interface CustomerQuery {
  /** Matches number or name, as the user types it; empty lists from the start. */
  readonly search?: string;
  readonly pageSize?: number;
}

/** The bytes of an image to upload; `open` is called again for each attempt (retries). */
export interface UploadSource extends Pick<PictureFacts, 'byteSize' | 'contentType' | 'width' | 'height'> {
  open(): AsyncIterable<Uint8Array> | Uint8Array;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  /** Before each wait for the service (throttled or busy), with the wait in whole seconds: for this call's progress. */
  readonly onWaiting?: (seconds: number) => void;
}

export interface DownloadOptions extends RequestOptions {
  readonly picture?: Picture;
}

export interface UploadOptions extends RequestOptions {
  /** Bytes sent so far of this attempt; restarts from 0 when an attempt is retried. */
  onProgress?(sent: number, total: number): void;
}

/** Everything the commands do with the service. */
export interface PictureService {
  readonly kind: ApiKind;
  /** The tenant's environments; throws a 'settings' ServiceError for on-premises, which has none. */
  listEnvironments(options?: RequestOptions): Promise<Environment[]>;
  listCompanies(options?: RequestOptions): Promise<Company[]>;
  /** A search asks for part of the name and, for text that may be a number, part of the number (two requests, merged by id, in number order). */
  listCustomers(companyId: string, query: CustomerQuery, options?: RequestOptions): Promise<CustomerPage>;
  nextCustomers(more: CustomerCursor, options?: RequestOptions): Promise<CustomerPage>;
  /** Customers by exact number (trimmed, upper-cased; longer than 20 characters: none), in the order asked. */
  findCustomersByNumber(companyId: string, numbers: readonly string[], options?: RequestOptions): Promise<Customer[]>;
  getCustomer(companyId: string, customerId: string, options?: RequestOptions): Promise<Customer>;
  getPicture(companyId: string, customerId: string, options?: RequestOptions): Promise<Picture>;
  uploadPicture(companyId: string, customerId: string, source: UploadSource, options?: UploadOptions): Promise<Picture>;
  /** The upload alone: what was stored when the answer says it (Graph's POST), else undefined (a 204), to be read back in batches. */
  sendPicture(companyId: string, customerId: string, source: UploadSource, options?: UploadOptions): Promise<Picture | undefined>;
  /**
   * What is stored for many customers, by id: Business Central in batches of numbers with `$expand=picture`, Graph
   * (which expands no picture) one request each. A customer the service no longer lists is missing from the map.
   */
  storedPictures(companyId: string, customers: readonly Pick<Customer, 'id' | 'number'>[], options?: RequestOptions): Promise<Map<string, Picture>>;
  /** The picture's bytes; undefined when there is none. `picture` (what `getPicture` returned) saves Graph asking for it again. */
  downloadPicture(companyId: string, customerId: string, options?: DownloadOptions): Promise<Uint8Array | undefined>;
  /**
   * How many bytes the picture `getPicture` returned has (the service tells only its type and size in pixels): read from
   * the Content-Length of its content, or counted while downloading where there is none. Undefined when there is none.
   */
  pictureByteSize(companyId: string, customerId: string, picture: Picture, options?: RequestOptions): Promise<number | undefined>;
  deletePicture(companyId: string, customerId: string, options?: RequestOptions): Promise<void>;
}
