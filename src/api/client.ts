import * as l10n from '../common/l10n';
import type { Log } from '../common/log';
import { errorFromStatus, invalidResponseError, pictureMayBeSetError, ServiceError } from './errors';
import { Transport, type HttpResponse, type TransportOptions } from './http';
import type {
  ApiKind,
  Company,
  Customer,
  CustomerCursor,
  CustomerCursorPart,
  CustomerPage,
  CustomerQuery,
  DownloadOptions,
  Environment,
  Picture,
  PictureService,
  RequestOptions,
  UploadOptions,
  UploadSource,
} from './types';
import { graphPictureBody } from './upload';
import { hasPicture } from './picture';
import { apiSurface, type ApiSurface } from './surface';
import { ServiceCapabilities } from './capabilities';
import {
  buildBaseUrl,
  buildEnvironmentsUrl,
  buildQuery,
  isSameOrigin,
  loggableUrl,
  looksLikeCustomerNumber,
  matchesSearch,
  nameSearchFilter,
  normalizeCustomerNumber,
  numberEqFilter,
  numberSearchFilter,
  type ServiceSettings,
} from './urls';

export const DEFAULT_PAGE_SIZE = 50;
/** Numbers per `number eq … or …` request, and the longest URL such a request may have (the service takes about 8,000). */
export const NUMBER_BATCH = 40;
export const MAX_URL_LENGTH = 6000;
/** Pages of companies at the most: a tenant has a few companies, so more is a loop. */
const MAX_COMPANY_PAGES = 100;
/** Pages a lookup of one batch of numbers may take: a batch can never need more, whatever the service answers. */
const MAX_PAGES_PER_BATCH = 3;


/** Statuses with which a service refuses a filter it does not support: not a failure of the search, a reason to ask another way. */
const FILTER_REFUSED = new Set([400, 501]);

/** The environments list names the family in two spellings ("BusinessCentral", "Business Central"). */
function isBusinessCentralFamily(family: unknown): boolean {
  return family === undefined || (typeof family === 'string' && family.replace(/\s+/g, '').toLowerCase() === 'businesscentral');
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function collection(response: HttpResponse): { value: unknown[]; nextLink?: string } {
  const json = response.json;
  if (!isObject(json) || !Array.isArray(json.value)) {
    throw invalidResponseError(l10n.t('no list of results'), response.status, response.correlationId);
  }
  return { value: json.value, nextLink: str(json['@odata.nextLink']) };
}

function toCompany(raw: unknown, response: HttpResponse): Company {
  if (!isObject(raw) || typeof raw.id !== 'string') {
    throw invalidResponseError(l10n.t('a company without an id'), response.status, response.correlationId);
  }
  const name = str(raw.name) ?? '';
  return { id: raw.id, name, displayName: str(raw.displayName) || name };
}

/** Whether an expanded `picture` (an object on Business Central, maybe a list on Graph) holds an image. */
function pictureFlag(raw: unknown): boolean | undefined {
  if (Array.isArray(raw)) {
    return raw.some((item) => isObject(item) && hasPicture({ width: num(item.width), contentType: str(item.contentType) ?? '' }));
  }
  if (isObject(raw)) {
    return hasPicture({ width: num(raw.width), contentType: str(raw.contentType) ?? '' });
  }
  return raw === null ? false : undefined;
}

function toEnvironment(raw: unknown, response: HttpResponse): Environment {
  if (!isObject(raw) || typeof raw.name !== 'string') {
    throw invalidResponseError(l10n.t('an environment without a name'), response.status, response.correlationId);
  }
  const version = str(raw.applicationVersion);
  return { name: raw.name, type: str(raw.type) ?? '', countryCode: str(raw.countryCode) ?? '', ...(version ? { applicationVersion: version } : {}) };
}

function toCustomer(raw: unknown, response: HttpResponse): Customer {
  if (!isObject(raw) || typeof raw.id !== 'string') {
    throw invalidResponseError(l10n.t('a customer without an id'), response.status, response.correlationId);
  }
  const address = isObject(raw.address) ? raw.address : undefined;
  const customer: { -readonly [K in keyof Customer]: Customer[K] } = {
    id: raw.id,
    number: str(raw.number) ?? '',
    displayName: str(raw.displayName) ?? '',
  };
  const city = str(raw.city) ?? str(address?.city);
  if (city !== undefined) {
    customer.city = city;
  }
  const email = str(raw.email);
  if (email !== undefined) {
    customer.email = email;
  }
  const blocked = str(raw.blocked);
  if (blocked !== undefined) {
    // Not blocked is " " (the first value of the service's option), which must not read as "blocked".
    customer.blocked = blocked.trim();
  }
  const hasPicture = 'picture' in raw ? pictureFlag(raw.picture) : undefined;
  if (hasPicture !== undefined) {
    customer.hasPicture = hasPicture;
  }
  // Business Central expands the picture as one object with the same facts as GET …/picture.
  if (isObject(raw.picture)) {
    customer.picture = { id: str(raw.picture.id) ?? raw.id.toLowerCase(), width: num(raw.picture.width), height: num(raw.picture.height), contentType: str(raw.picture.contentType) ?? '' };
  }
  return customer;
}

function toPicture(raw: unknown, customerId: string, response: HttpResponse): Picture {
  // Business Central answers one object; Graph may answer a collection of (at most) one.
  let item: unknown = raw;
  if (isObject(raw) && Array.isArray(raw.value)) {
    item = raw.value[0];
    if (item === undefined) {
      return { id: customerId, width: 0, height: 0, contentType: '' };
    }
  }
  if (!isObject(item)) {
    throw invalidResponseError(l10n.t('no picture'), response.status, response.correlationId);
  }
  return {
    id: str(item.id) ?? customerId,
    width: num(item.width),
    height: num(item.height),
    contentType: str(item.contentType) ?? '',
  };
}

export interface ClientOptions extends TransportOptions {
  /** Default page size for customer lists (pickers). */
  readonly pageSize?: number;
  /** What each service was found to support; shared by the clients of one extension session. */
  readonly capabilities?: ServiceCapabilities;
}

/** One request of a customer list, and the next page it leads to. */
interface ListPart {
  readonly url: string;
  readonly pageSize: number;
  readonly search?: CustomerCursorPart['search'];
}

/** One page of one part; `ignored` when its rows did not match its search (the service ignored the filter). */
interface PartPage {
  readonly items: readonly Customer[];
  readonly next?: CustomerCursorPart;
  readonly ignored?: 'name' | 'number';
}

/** The pages of a list's parts as one page: merged by id, in number order, with each part's next link. */
function merged(pages: readonly PartPage[]): CustomerPage {
  const byId = new Map<string, Customer>();
  for (const page of pages) {
    for (const customer of page.items) if (!byId.has(customer.id)) byId.set(customer.id, customer);
  }
  const items = [...byId.values()];
  if (pages.length > 1) items.sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
  const next = pages.flatMap((page) => (page.next ? [page.next] : []));
  return next.length > 0 ? { items, more: { parts: next } } : { items };
}

/** The `PictureService` over either API surface. */
export class PictureClient implements PictureService {
  readonly kind: ApiKind;
  readonly baseUrl: string;
  private readonly paths: ApiSurface;
  private readonly transport: Transport;
  private readonly log: Log;
  private readonly pageSize: number;
  private readonly serviceUrl?: string;
  private readonly capabilities: ServiceCapabilities;
  /** Graph: the service refused the JSON POST once; go straight to the byte upload after that. */
  private graphPostRefused = false;

  constructor(settings: ServiceSettings, options: ClientOptions) {
    this.kind = settings.api;
    this.baseUrl = buildBaseUrl(settings);
    this.paths = apiSurface(settings.api, this.baseUrl);
    this.serviceUrl = settings.serviceUrl;
    this.transport = new Transport(options);
    this.log = options.log;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.capabilities = options.capabilities ?? new ServiceCapabilities();
  }

  // ------------------------------------------------------------------------------------------------- reads

  async listEnvironments(options: RequestOptions = {}): Promise<Environment[]> {
    if (this.paths.graph) {
      // The environments API takes a Business Central token; Graph reaches only Production anyway.
      throw new ServiceError(l10n.t('Microsoft Graph reaches only the environment named Production. Set bcPictures.api to businessCentral to choose another environment.'), { kind: 'settings' });
    }
    const url = buildEnvironmentsUrl({ serviceUrl: this.serviceUrl });
    const response = await this.transport.send({ method: 'GET', url, expect: 'json', signal: options.signal });
    // Only Business Central environments have the customer API (the list may hold other application families).
    return collection(response)
      .value.filter((raw) => !isObject(raw) || isBusinessCentralFamily(raw.applicationFamily))
      .map((raw) => toEnvironment(raw, response));
  }

  async listCompanies(options: RequestOptions = {}): Promise<Company[]> {
    const companies: Company[] = [];
    // A next link seen before, or more pages than any tenant has companies, is a loop: stop, never page for ever.
    const visited = new Set<string>();
    let url: string | undefined = `${this.baseUrl}/companies${buildQuery({ $select: 'id,name,displayName' })}`;
    while (url) {
      if (visited.has(url) || visited.size >= MAX_COMPANY_PAGES) {
        this.log.warn(`The list of companies did not end after ${visited.size} pages (a next link came again or too many pages); stopped.`);
        throw new ServiceError(l10n.t('Business Central kept sending more pages of companies without end, so the list was stopped. Try again; if it happens again, check the setting bcPictures.serviceUrl and any proxy in between.'), {
          kind: 'invalidResponse',
        });
      }
      visited.add(url);
      const response = await this.transport.send({ method: 'GET', url, expect: 'json', signal: options.signal, onWaiting: options.onWaiting, subject: 'companies' });
      const page = collection(response);
      companies.push(...page.value.map((raw) => toCompany(raw, response)));
      url = page.nextLink === undefined ? undefined : this.checkNextLink(page.nextLink);
    }
    return companies;
  }

  async listCustomers(companyId: string, query: CustomerQuery, options: RequestOptions = {}): Promise<CustomerPage> {
    const pageSize = Math.max(1, Math.floor(query.pageSize ?? this.pageSize));
    const base = this.paths.customers(companyId);
    const text = query.search?.trim() ?? '';
    if (!text) {
      return merged([await this.listPage({ url: base + this.paths.customerQuery({ $orderby: 'number' }), pageSize }, options, 'company')]);
    }
    // Business Central refuses an `or` across two fields: name and number are two requests, merged here; text
    // that cannot be a number (spaces, lower-case words) is a name search only.
    const byNumber = looksLikeCustomerNumber(text) ? numberSearchFilter(text) : undefined;
    const pages = await Promise.all([
      ...(byNumber ? [this.listPage({ url: base + this.paths.customerQuery({ $filter: byNumber, $orderby: 'number' }), pageSize, search: { by: 'number', text } }, options, 'company')] : []),
      this.nameSearch(companyId, text, pageSize, options),
    ]);
    return merged(pages);
  }

  /** The name part of a search: case-insensitive where the service takes it, else by the common spellings. */
  private async nameSearch(companyId: string, text: string, pageSize: number, options: RequestOptions): Promise<PartPage> {
    const byName = (caseInsensitive: boolean): ListPart => ({
      url: this.paths.customers(companyId) + this.paths.customerQuery({ $filter: nameSearchFilter(text, caseInsensitive), $orderby: 'number', $schemaversion: caseInsensitive ? '2.1' : undefined }),
      pageSize,
      search: { by: 'name', text },
    });
    if (!(await this.nestedFilters(companyId))) return this.listPage(byName(false), options, 'company');
    let why: string;
    try {
      const page = await this.listPage(byName(true), options, 'company');
      if (!page.ignored) return page;
      why = 'its answer did not match the filter';
    } catch (error) {
      if (!(error instanceof ServiceError) || error.status === undefined || !FILTER_REFUSED.has(error.status)) throw error;
      why = `${error.status} ${error.code ?? ''}`;
    }
    // Refused, or answered as if there were no filter (the documented "undefined result"): spellings from now on.
    this.log.warn(`The service did not take a case-insensitive name search (${why}); searching the common spellings from now on.`);
    this.capabilities.refuseNestedFilters(this.baseUrl);
    return this.listPage(byName(false), options, 'company');
  }

  async nextCustomers(more: CustomerCursor, options: RequestOptions = {}): Promise<CustomerPage> {
    const parts = more.parts.map((part) => ({ url: this.checkNextLink(part.nextLink), pageSize: part.pageSize, search: part.search }));
    return merged(await Promise.all(parts.map((part) => this.listPage(part, options, 'customers'))));
  }

  /**
   * Whether the service takes `contains(tolower(…))` with `$schemaversion=2.1`: asked once per service with a
   * small request whose answer is checked, since older servers refuse it and some return rows it does not match.
   */
  private nestedFilters(companyId: string): Promise<boolean> {
    return this.capabilities.nestedFilters(this.baseUrl, async () => {
      const url = this.paths.customers(companyId) + buildQuery({ $select: 'id,number,displayName', $filter: "contains(tolower(displayName),'a')", $top: '5', $schemaversion: '2.1' });
      try {
        // No signal: the answer is shared by every search that waits for it, and one typed letter must not cancel it.
        const response = await this.transport.send({ method: 'GET', url, expect: 'json', subject: 'company' });
        const rows = collection(response).value.map((raw) => toCustomer(raw, response));
        const works = rows.every((customer) => matchesSearch(customer, 'a', 'name'));
        this.log.info(`Case-insensitive customer search: ${works ? 'supported' : 'not supported (the answer did not match the filter)'} by this service.`);
        return works;
      } catch (error) {
        if (error instanceof ServiceError && error.status !== undefined && FILTER_REFUSED.has(error.status)) {
          this.log.info(`Case-insensitive customer search: not supported by this service (${error.status} ${error.code ?? ''}); searching the common spellings.`);
          return false;
        }
        throw error;
      }
    });
  }

  /** One page of one part; a part whose rows do not match its search stops there, and says so in `ignored`. */
  private async listPage(part: ListPart, options: RequestOptions, subject: 'company' | 'customers'): Promise<PartPage> {
    const page = await this.customerPage(part.url, part.pageSize, options, subject);
    const search = part.search;
    if (search) {
      const matching = page.items.filter((customer) => matchesSearch(customer, search.text, search.by));
      if (matching.length < page.items.length) {
        // The service ignored the filter: paging on would walk the whole customer table.
        this.log.warn(
          `The service answered a customer search by ${search.by} with ${page.items.length - matching.length} of ${page.items.length} customers that do not match it (the filter was ignored); showing the ${matching.length} that match, and asking for no more pages.`,
        );
        return { items: matching, ignored: search.by };
      }
    }
    return page.nextLink === undefined ? { items: page.items } : { items: page.items, next: { nextLink: page.nextLink, pageSize: part.pageSize, ...(search ? { search } : {}) } };
  }

  private async customerPage(url: string, pageSize: number, options: RequestOptions, subject: 'company' | 'customers'): Promise<{ items: Customer[]; nextLink?: string }> {
    const response = await this.transport.send({
      method: 'GET',
      url,
      headers: { prefer: `odata.maxpagesize=${pageSize}` },
      expect: 'json',
      signal: options.signal,
      onWaiting: options.onWaiting,
      subject,
    });
    const page = collection(response);
    const items = page.value.map((raw) => toCustomer(raw, response));
    return page.nextLink === undefined ? { items } : { items, nextLink: this.checkNextLink(page.nextLink) };
  }

  /** Only links on the service's own origin are followed; anything else is refused before a credential is sent. */
  private checkNextLink(nextLink: string): string {
    if (!isSameOrigin(nextLink, this.baseUrl)) {
      let origin = '';
      try {
        origin = new URL(nextLink).origin;
      } catch {
        origin = '';
      }
      this.log.warn(`Refused a next link to another address: ${origin ? loggableUrl(origin) : '(invalid URL)'}`);
      throw new ServiceError(
        l10n.t('Business Central sent a link to the next page on another address ({0}); it was not followed, so your credentials stay with the service. Check the setting bcPictures.serviceUrl.', origin || l10n.t('not a valid URL')),
        { kind: 'invalidResponse' },
      );
    }
    return nextLink;
  }

  /**
   * Same-field `number eq … or …` in batches (every version takes it; `in` needs `$schemaversion=2.1` and older
   * servers ignore it). An answer holding a number that was not asked for means the filter was ignored: the
   * lookup stops with an error instead of paging through the table.
   */
  async findCustomersByNumber(companyId: string, numbers: readonly string[], options: RequestOptions = {}): Promise<Customer[]> {
    const base = this.paths.customers(companyId);
    const wanted = [...new Set(numbers.flatMap((n) => normalizeCustomerNumber(n) ?? []))];
    const urlFor = (batch: readonly string[]) => base + this.paths.customerQuery({ $filter: numberEqFilter(batch) });
    const batches: string[][] = [];
    let current: string[] = [];
    for (const number of wanted) {
      const candidate = [...current, number];
      if (current.length > 0 && (candidate.length > NUMBER_BATCH || urlFor(candidate).length > MAX_URL_LENGTH)) {
        batches.push(current);
        current = [number];
      } else {
        current = candidate;
      }
    }
    if (current.length > 0) {
      batches.push(current);
    }
    const found = new Map<string, Customer>();
    for (const batch of batches) {
      const asked = new Set(batch);
      let url: string | undefined = urlFor(batch);
      let rows = 0;
      for (let pages = 0; url && pages < MAX_PAGES_PER_BATCH && rows < batch.length; pages++) {
        const page: { items: Customer[]; nextLink?: string } = await this.customerPage(url, batch.length, options, pages === 0 ? 'company' : 'customers');
        const stray = page.items.filter((customer) => !asked.has(customer.number));
        if (stray.length > 0) {
          this.log.warn(`The service answered a lookup of ${batch.length} customer numbers with ${stray.length} customers that were not asked for (the filter was ignored); the lookup stopped.`);
          throw new ServiceError(
            l10n.t('Business Central answered the lookup of customer numbers with customers that were not asked for: it ignored the filter. Nothing was changed. Try again; if it happens again, the server may be too old for this lookup: add the pictures one at a time.'),
            { kind: 'invalidResponse' },
          );
        }
        for (const customer of page.items) found.set(customer.number, customer);
        rows += page.items.length;
        url = page.nextLink;
      }
    }
    return wanted.flatMap((number) => found.get(number) ?? []);
  }

  async getCustomer(companyId: string, customerId: string, options: RequestOptions = {}): Promise<Customer> {
    const url = this.paths.customer(companyId, customerId) + this.paths.customerQuery({});
    const response = await this.transport.send({ method: 'GET', url, expect: 'json', signal: options.signal, onWaiting: options.onWaiting, subject: 'customer' });
    return toCustomer(response.json, response);
  }

  async getPicture(companyId: string, customerId: string, options: RequestOptions = {}): Promise<Picture> {
    const url = this.paths.picture(companyId, customerId);
    const response = await this.transport.send({ method: 'GET', url, expect: 'json', signal: options.signal, onWaiting: options.onWaiting, subject: 'customer' });
    return toPicture(response.json, customerId.toLowerCase(), response);
  }

  async downloadPicture(companyId: string, customerId: string, options: DownloadOptions = {}): Promise<Uint8Array | undefined> {
    let url = this.paths.pictureContent(companyId, customerId);
    if (options.picture) url = this.paths.pictureContent(companyId, customerId, options.picture.id);
    else if (this.paths.graph) {
      // Graph lists the picture (none: an empty list) and serves the bytes under its id.
      const picture = await this.getPicture(companyId, customerId, options);
      if (!hasPicture(picture)) {
        return undefined;
      }
      url = this.paths.pictureContent(companyId, customerId, picture.id);
    }
    const response = await this.transport.send({ method: 'GET', url, expect: 'bytes', signal: options.signal, onWaiting: options.onWaiting, subject: 'picture' });
    return response.status === 204 || !response.bytes?.length ? undefined : new Uint8Array(response.bytes);
  }

  async pictureByteSize(companyId: string, customerId: string, picture: Picture, options: RequestOptions = {}): Promise<number | undefined> {
    // The picture's own id: Graph serves the bytes under it (Business Central's path has none).
    const url = this.paths.pictureContent(companyId, customerId, picture.id);
    const response = await this.transport.send({ method: 'GET', url, expect: 'size', signal: options.signal, onWaiting: options.onWaiting, subject: 'picture' });
    return response.status === 204 || !response.size ? undefined : response.size;
  }

  async deletePicture(companyId: string, customerId: string, options: RequestOptions = {}): Promise<void> {
    const url = this.paths.pictureToDelete(companyId, customerId);
    await this.transport.send({ method: 'DELETE', url, headers: { 'if-match': '*' }, expect: 'none', signal: options.signal, onWaiting: options.onWaiting, subject: 'customer' });
  }

  // ------------------------------------------------------------------------------------------------- upload

  async uploadPicture(companyId: string, customerId: string, source: UploadSource, options: UploadOptions = {}): Promise<Picture> {
    return (await this.sendPicture(companyId, customerId, source, options)) ?? this.storedPicture(companyId, customerId, source, options);
  }

  async sendPicture(companyId: string, customerId: string, source: UploadSource, options: UploadOptions = {}): Promise<Picture | undefined> {
    try {
      return await this.upload(companyId, customerId, source, options);
    } catch (error) {
      // All of the picture was sent and nothing said whether it was stored: "check", never "the old one stays".
      if (error instanceof ServiceError && error.outcomeUnknown) throw pictureMayBeSetError(error);
      throw error;
    }
  }

  private async upload(companyId: string, customerId: string, source: UploadSource, options: UploadOptions): Promise<Picture | undefined> {
    if (this.paths.graph && !this.graphPostRefused) {
      const posted = await this.postGraphPicture(companyId, customerId, source, options);
      if (posted) {
        return posted;
      }
    }
    let url = this.paths.pictureContent(companyId, customerId);
    let hadNoPicture = false;
    if (this.paths.graph) {
      // Graph's byte upload goes to the picture's own id; it is the customer id, but ask rather than assume.
      const current = await this.getPicture(companyId, customerId, options);
      hadNoPicture = !hasPicture(current);
      url = this.paths.pictureContent(companyId, customerId, current.id);
    }
    try {
      await this.sendBytes(url, source, options);
    } catch (error) {
      if (this.paths.graph && hadNoPicture && error instanceof ServiceError && error.kind === 'notFound') {
        // Graph refused the POST that adds a picture, and its byte upload only replaces one.
        throw new ServiceError(
          l10n.t('Microsoft Graph does not let this customer get a first picture: it refused adding one and can only replace an existing picture. Set bcPictures.api to businessCentral to upload through the Business Central API.') +
            (error.correlationId ? ' ' + l10n.t('(Error code: {0}, CorrelationId: {1}.)', error.code ?? '404', error.correlationId) : ''),
          { kind: 'badRequest', status: error.status, code: error.code, correlationId: error.correlationId, cause: error },
        );
      }
      throw error;
    }
    return undefined;
  }

  async storedPictures(companyId: string, customers: readonly Pick<Customer, 'id' | 'number'>[], options: RequestOptions = {}): Promise<Map<string, Picture>> {
    const stored = new Map<string, Picture>();
    if (this.paths.graph) {
      for (const customer of customers) stored.set(customer.id, await this.getPicture(companyId, customer.id, options));
      return stored;
    }
    const wanted = new Map(customers.map((customer) => [customer.id.toLowerCase(), customer.id]));
    for (const found of await this.findCustomersByNumber(companyId, customers.map((customer) => customer.number), options)) {
      // By id: a number given to another customer since the plan must not lend its picture.
      const id = wanted.get(found.id.toLowerCase());
      if (found.picture && id !== undefined) stored.set(id, found.picture);
    }
    return stored;
  }

  /**
   * What the service stored, read back after an upload it accepted. The picture is set either way, so a
   * failed read must not report the upload as failed: the inspected size and type stand in, and the log says so.
   */
  private async storedPicture(companyId: string, customerId: string, source: UploadSource, options: RequestOptions): Promise<Picture> {
    try {
      return await this.getPicture(companyId, customerId, options);
    } catch (error) {
      if (error instanceof ServiceError && error.kind === 'cancelled') throw error;
      this.log.warn(`The picture was uploaded, but reading it back failed (${error instanceof ServiceError ? (error.code ?? error.kind) : String(error)}); reporting the uploaded image's own size and type.`);
      return { id: customerId.toLowerCase(), width: source.width, height: source.height, contentType: source.contentType };
    }
  }

  private async sendBytes(url: string, source: UploadSource, options: UploadOptions): Promise<void> {
    await this.transport.send({
      method: this.paths.byteUpload,
      url,
      headers: { 'content-type': 'application/octet-stream', 'if-match': '*' },
      body: {
        length: source.byteSize,
        open: () => source.open(),
        onProgress: options.onProgress ? (sent, total) => options.onProgress?.(sent, total) : undefined,
      },
      expect: 'none',
      signal: options.signal,
      onWaiting: options.onWaiting,
      subject: 'customer',
    });
  }

  /** The original Graph form: a JSON picture with base64 content. Undefined when the service refuses the POST. */
  private async postGraphPicture(companyId: string, customerId: string, source: UploadSource, options: UploadOptions): Promise<Picture | undefined> {
    const body = graphPictureBody(source);
    const progress = options.onProgress;
    const response = await this.transport.send({
      method: 'POST',
      url: this.paths.picture(companyId, customerId),
      headers: { 'content-type': 'application/json' },
      body: {
        length: body.length,
        open: () => body.open(),
        // Reported in bytes of the image, not of the (base64, a third larger) request body.
        onProgress: progress ? (sent, total) => progress(Math.min(source.byteSize, Math.floor((sent / total) * source.byteSize)), source.byteSize) : undefined,
      },
      expect: 'json',
      signal: options.signal,
      onWaiting: options.onWaiting,
      subject: 'customer',
      passStatuses: [400, 405],
    });
    if (response.status >= 200 && response.status < 300) {
      return toPicture(response.json, customerId.toLowerCase(), response);
    }
    const code = response.error?.code;
    if (response.status === 405 || code === 'BadRequest_MethodNotAllowed') {
      this.log.info(`The service refused the Graph picture POST (${response.status} ${code ?? ''}); uploading the bytes instead.`);
      this.graphPostRefused = true;
      return undefined;
    }
    throw errorFromStatus({
      status: response.status,
      body: response.error ?? {},
      headerCorrelationId: response.correlationId,
      subject: 'customer',
    });
  }
}
