/**
 * The emulator's tenant: environments, companies, customers and pictures.
 * Everything is deterministic; the big company's customers are generated on
 * first use and shared (read-only) between emulators in the same process.
 */
import { inspectImage, makePng, SAMPLE_GIF, SAMPLE_JPEG } from './images';

export type EdmType = 'string' | 'number' | 'boolean' | 'guid' | 'datetime' | 'address';

export interface Customer {
  id: string;
  number: string;
  displayName: string;
  type: 'Company' | 'Person';
  addressLine1: string;
  addressLine2: string;
  city: string;
  state: string;
  country: string;
  postalCode: string;
  phoneNumber: string;
  email: string;
  website: string;
  salespersonCode: string;
  balanceDue: number;
  creditLimit: number;
  taxLiable: boolean;
  taxAreaId: string;
  taxAreaDisplayName: string;
  taxRegistrationNumber: string;
  currencyId: string;
  currencyCode: string;
  paymentTermsId: string;
  shipmentMethodId: string;
  paymentMethodId: string;
  /** ' ' (one space, the option's first value) when not blocked, as the service answers. */
  blocked: ' ' | 'Ship' | 'Invoice' | 'All';
  lastModifiedDateTime: string;
}

/** Property types of the API v2.0 `customer` entity, in the service's order. */
export const CUSTOMER_PROPERTIES: Readonly<Record<keyof Customer, EdmType>> = {
  id: 'guid',
  number: 'string',
  displayName: 'string',
  type: 'string',
  addressLine1: 'string',
  addressLine2: 'string',
  city: 'string',
  state: 'string',
  country: 'string',
  postalCode: 'string',
  phoneNumber: 'string',
  email: 'string',
  website: 'string',
  salespersonCode: 'string',
  balanceDue: 'number',
  creditLimit: 'number',
  taxLiable: 'boolean',
  taxAreaId: 'guid',
  taxAreaDisplayName: 'string',
  taxRegistrationNumber: 'string',
  currencyId: 'guid',
  currencyCode: 'string',
  paymentTermsId: 'guid',
  shipmentMethodId: 'guid',
  paymentMethodId: 'guid',
  blocked: 'string',
  lastModifiedDateTime: 'datetime',
};

/**
 * Graph beta's customer (https://learn.microsoft.com/en-us/graph/api/resources/customer?view=graph-rest-beta):
 * the address is one postalAddressType object, with no flat city; amounts are named balance and overdueAmount.
 */
export const GRAPH_CUSTOMER_PROPERTIES: Readonly<Record<string, EdmType>> = graphShape(CUSTOMER_PROPERTIES, 'address', 'number');

/** Business Central's customer reshaped as Graph's: the flat address in one object, balanceDue as balance. */
function graphShape<T>(c: Readonly<Record<keyof Customer, T>>, address: T, amount: T): Record<string, T> {
  const { addressLine1, addressLine2, city, state, country, postalCode, balanceDue, creditLimit, salespersonCode, ...shared } = c;
  return { ...shared, address, balance: amount, overdueAmount: amount };
}

/** A customer as Graph shows it. */
export function graphCustomer(c: Customer): Record<string, unknown> {
  const address = { street: [c.addressLine1, c.addressLine2].filter(Boolean).join('\r\n'), city: c.city, state: c.state, countryLetterCode: c.country, postalCode: c.postalCode };
  return { ...graphShape<unknown>(c, address, 0), balance: c.balanceDue };
}

/** Code fields of the customer and their length (table 18 Customer: "No." is Code[20]); a longer filter literal is a 400. */
export const CUSTOMER_MAX_LENGTHS: Readonly<Record<string, number>> = { number: 20 };

export interface CompanyInfo {
  id: string;
  systemVersion: string;
  timestamp: number;
  name: string;
  displayName: string;
  businessProfileId: string;
  systemCreatedAt: string;
  systemCreatedBy: string;
  systemModifiedAt: string;
  systemModifiedBy: string;
}

export const COMPANY_PROPERTIES: Readonly<Record<keyof CompanyInfo, EdmType>> = {
  id: 'guid',
  systemVersion: 'string',
  timestamp: 'number',
  name: 'string',
  displayName: 'string',
  businessProfileId: 'string',
  systemCreatedAt: 'datetime',
  systemCreatedBy: 'guid',
  systemModifiedAt: 'datetime',
  systemModifiedBy: 'guid',
};

/** A customer's picture as stored. `bytes` undefined = no picture (width/height 0, contentType ""). */
export interface StoredPicture {
  readonly bytes?: Buffer;
  readonly width: number;
  readonly height: number;
  readonly contentType: string;
  /** Changes on every change; the picture etag is derived from it. */
  readonly version: number;
}

export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
const SYSTEM_USER = '9d1a3b5c-0000-4000-8000-00000000a001';
const BASE_TIME = Date.parse('2025-01-15T09:30:00Z');

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** A version-4-shaped GUID from a PRNG. */
export function guidFrom(rand: () => number): string {
  const a = hex8(rand() * 2 ** 32);
  const b = hex8(rand() * 2 ** 32);
  const c = hex8(rand() * 2 ** 32);
  const d = hex8(rand() * 2 ** 32);
  const variant = ((parseInt(c[0], 16) & 0x3) | 0x8).toString(16);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

let versionCounter = 1;
function nextVersion(): number {
  return ++versionCounter;
}

/** A weak etag in the service's style: W/"<base64 of 'len;data;'>" */
export function makeEtag(id: string, version: number): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  }
  const inner = `${h.toString(16).padStart(8, '0')}${version};`;
  return `W/"${Buffer.from(`'${inner.length};${inner}'`).toString('base64')}"`;
}

/** The customers of one company. Rows are immutable; changes replace a row (copy on write). */
export class CustomerTable {
  private rows?: Customer[];
  private index?: Map<string, number>;
  private readonly versions = new Map<string, number>();
  private readonly pictures = new Map<string, StoredPicture>();

  constructor(private readonly source: () => readonly Customer[]) {}

  /** All customers in primary-key order (by number). */
  all(): readonly Customer[] {
    if (!this.rows) {
      this.rows = this.source().slice();
    }
    return this.rows;
  }

  get count(): number {
    return this.all().length;
  }

  private position(id: string): number | undefined {
    if (!this.index) {
      this.index = new Map();
      this.all().forEach((c, i) => this.index!.set(c.id.toLowerCase(), i));
    }
    return this.index.get(id.toLowerCase());
  }

  get(id: string): Customer | undefined {
    const i = this.position(id);
    return i === undefined ? undefined : this.all()[i];
  }

  etag(id: string): string {
    return makeEtag(id, this.versions.get(id) ?? 1);
  }

  /** Replaces fields of a customer (bumps its etag and lastModifiedDateTime). */
  update(id: string, patch: Partial<Omit<Customer, 'id'>>): Customer {
    const i = this.position(id);
    if (i === undefined) {
      throw new Error(`no customer ${id}`);
    }
    const rows = this.all() as Customer[];
    const next = { ...rows[i], ...patch, lastModifiedDateTime: patch.lastModifiedDateTime ?? new Date().toISOString() };
    rows[i] = next;
    this.versions.set(rows[i].id, nextVersion());
    return next;
  }

  /** Adds a customer, keeping primary-key order. */
  add(customer: Customer): void {
    const rows = this.all() as Customer[];
    let at = rows.findIndex((c) => c.number > customer.number);
    if (at < 0) {
      at = rows.length;
    }
    rows.splice(at, 0, customer);
    this.index = undefined;
  }

  picture(id: string): StoredPicture {
    return this.pictures.get(id) ?? { width: 0, height: 0, contentType: '', version: 1 };
  }

  pictureEtag(id: string): string {
    return makeEtag(`ffff${id}`, this.picture(id).version);
  }

  /** Stores exactly these bytes as the picture (the caller has inspected them). */
  setPicture(id: string, bytes: Buffer, info?: { width: number; height: number; contentType: string }): StoredPicture {
    const derived = info ?? inspectOrThrow(bytes);
    const pic: StoredPicture = { bytes, ...derived, version: nextVersion() };
    this.pictures.set(id, pic);
    this.update(id, {});
    return pic;
  }

  deletePicture(id: string): void {
    this.pictures.set(id, { width: 0, height: 0, contentType: '', version: nextVersion() });
    this.update(id, {});
  }

  /** Seeds a picture without touching the customer (demo data). */
  seedPicture(id: string, bytes: Buffer): void {
    this.pictures.set(id, { bytes, ...inspectOrThrow(bytes), version: 1 });
  }
}

function inspectOrThrow(bytes: Buffer): { width: number; height: number; contentType: string } {
  const r = inspectImage(bytes);
  if (!r.ok) {
    throw new Error(`not an accepted image (${r.reason})`);
  }
  return { width: r.width, height: r.height, contentType: r.contentType };
}

export class Company {
  constructor(
    readonly info: CompanyInfo,
    readonly customers: CustomerTable,
  ) {}
  get id(): string {
    return this.info.id;
  }
  get etag(): string {
    return makeEtag(this.info.id, 1);
  }
}

export interface EnvironmentInfo {
  name: string;
  type: 'Production' | 'Sandbox';
  countryCode: string;
  applicationVersion: string;
  platformVersion: string;
  locationName: string;
  geoName: string;
}

export class Environment {
  readonly companies: Company[] = [];
  constructor(readonly info: EnvironmentInfo) {}
  company(id: string): Company | undefined {
    const lower = id.toLowerCase();
    return this.companies.find((c) => c.id === lower);
  }
}

/** Well-known ids of the demo data, so tests can address it directly. */
export const DEMO = {
  tenantId: '7e1f0c2a-5b3d-4c8e-9f10-2a3b4c5d6e7f',
  cronusId: 'a1b2c3d4-0001-4000-8000-000000000001',
  myCompanyId: 'a1b2c3d4-0002-4000-8000-000000000002',
  sandboxCronusId: 'a1b2c3d4-0003-4000-8000-000000000003',
  bigCompanyId: 'b16b16b1-0004-4000-8000-000000000004',
  bigCompanyName: 'Big Tenant Ltd.',
  bigCustomers: 100_000,
  /** Customers of CRONUS USA, Inc. by number. */
  customer: (n: number) => `c0ffee00-0000-4000-8000-${String(n).padStart(12, '0')}`,
} as const;

function companyInfo(id: string, name: string, createdDaysAgo: number): CompanyInfo {
  const created = new Date(BASE_TIME - createdDaysAgo * 86_400_000).toISOString();
  return {
    id,
    systemVersion: '26.0.30643.32015',
    timestamp: 1000 + createdDaysAgo,
    name,
    displayName: name,
    businessProfileId: '',
    systemCreatedAt: created,
    systemCreatedBy: EMPTY_GUID,
    systemModifiedAt: created,
    systemModifiedBy: SYSTEM_USER,
  };
}

type CustomerSeed = Pick<Customer, 'number' | 'displayName' | 'addressLine1' | 'city' | 'state' | 'postalCode' | 'phoneNumber' | 'email'> &
  Partial<Customer>;

function customer(id: string, seed: CustomerSeed, minutes: number): Customer {
  return {
    id,
    type: 'Company',
    addressLine2: '',
    country: 'US',
    website: '',
    salespersonCode: 'PS',
    balanceDue: 0,
    creditLimit: 0,
    taxLiable: true,
    taxAreaId: 'b1c2d3e4-0000-4000-8000-0000000000aa',
    taxAreaDisplayName: 'ATLANTA, GA',
    taxRegistrationNumber: '',
    currencyId: EMPTY_GUID,
    currencyCode: 'USD',
    paymentTermsId: 'b1c2d3e4-0000-4000-8000-0000000000bb',
    shipmentMethodId: EMPTY_GUID,
    paymentMethodId: EMPTY_GUID,
    blocked: ' ',
    lastModifiedDateTime: new Date(BASE_TIME + minutes * 60_000).toISOString(),
    ...seed,
  };
}

const CRONUS_CUSTOMERS: CustomerSeed[] = [
  { number: '10000', displayName: 'Adatum Corporation', addressLine1: '192 Market Square', city: 'Atlanta', state: 'GA', postalCode: '31772', phoneNumber: '(404) 555-0140', email: 'robert.townes@adatum.test', balanceDue: 12_780.5, creditLimit: 50_000 },
  { number: '20000', displayName: 'Trey Research', addressLine1: '153 Thomas Drive', city: 'Chicago', state: 'IL', postalCode: '61236', phoneNumber: '(312) 555-0160', email: 'helen.ray@treyresearch.test', balanceDue: 4_316.92 },
  { number: '30000', displayName: 'School of Fine Art', addressLine1: '10 High Tower Green', city: 'Miami', state: 'FL', postalCode: '37125', phoneNumber: '(305) 555-0108', email: 'meagan.bond@fineart.test', type: 'Company', balanceDue: 0 },
  { number: '40000', displayName: 'Alpine Ski House', addressLine1: '10 Deerfield Road', city: 'Atlanta', state: 'GA', postalCode: '31772', phoneNumber: '(404) 555-0112', email: 'ian.deberry@alpineskihouse.test', balanceDue: 999.99 },
  { number: '50000', displayName: 'Relecloud', addressLine1: '25 Water Way', city: 'Chicago', state: 'IL', postalCode: '61236', phoneNumber: '(312) 555-0115', email: 'jesse.homer@relecloud.test', balanceDue: 1_500 },
  { number: '60000', displayName: "O'Brien & Sons", addressLine1: "7 O'Connell Street", city: 'Boston', state: 'MA', postalCode: '02108', phoneNumber: '(617) 555-0199', email: "sean.o'brien@obrien.test", balanceDue: 250 },
  { number: '70000', displayName: 'Fabrikam, Inc.', addressLine1: '55 Industry Park', city: 'Seattle', state: 'WA', postalCode: '98101', phoneNumber: '(206) 555-0123', email: 'orders@fabrikam.test', blocked: 'Ship', balanceDue: 8_200 },
  { number: '80000', displayName: 'Coho Winery', addressLine1: '1 Vineyard Lane', city: 'Napa', state: 'CA', postalCode: '94558', phoneNumber: '(707) 555-0147', email: 'office@cohowinery.test', blocked: 'All' },
  { number: '90000', displayName: 'Wide World Importers', addressLine1: '400 Harbor Blvd', city: 'Long Beach', state: 'CA', postalCode: '90802', phoneNumber: '(562) 555-0171', email: 'ap@wideworldimporters.test', blocked: 'Invoice', balanceDue: 31_000 },
  { number: '95000', displayName: 'Mrs. Pat Garcia', addressLine1: '12 Elm Street', city: 'Atlanta', state: 'GA', postalCode: '31772', phoneNumber: '(404) 555-0177', email: 'pat.garcia@mail.test', type: 'Person' },
];

function cronusCustomers(): Customer[] {
  return CRONUS_CUSTOMERS.map((s, i) => customer(DEMO.customer(Number(s.number)), s, i * 17));
}

const MY_COMPANY_CUSTOMERS: CustomerSeed[] = [
  { number: 'C00010', displayName: 'Northwind Traders', addressLine1: '2 Harbour Road', city: 'Portland', state: 'OR', postalCode: '97201', phoneNumber: '(503) 555-0101', email: 'info@northwind.test' },
  { number: 'C00020', displayName: 'Tailspin Toys', addressLine1: '88 Runway Ave', city: 'Denver', state: 'CO', postalCode: '80202', phoneNumber: '(303) 555-0102', email: 'sales@tailspin.test' },
  { number: 'C00030', displayName: 'Litware, Inc.', addressLine1: '3 Software Way', city: 'Austin', state: 'TX', postalCode: '73301', phoneNumber: '(512) 555-0103', email: 'hello@litware.test' },
];

const FIRST = ['Alder', 'Birch', 'Cedar', 'Delta', 'Echo', 'Falcon', 'Granite', 'Harbor', 'Iris', 'Juniper', 'Kestrel', 'Lumen', 'Maple', 'Nova', 'Orchid', 'Pioneer', 'Quartz', 'River', 'Summit', 'Tidal', 'Umber', 'Vista', 'Willow', 'Xenon', 'Yarrow', 'Zephyr'];
const SECOND = ['Logistics', 'Bakery', 'Consulting', 'Motors', 'Foods', 'Textiles', 'Analytics', 'Builders', 'Dental', 'Farms', 'Studios', 'Outfitters', 'Pharma', 'Robotics', 'Travel', 'Wines'];
const SUFFIX = ['Inc.', 'Ltd.', 'GmbH', 'LLC', '& Co.', 'S.A.', 'Group', "& Sons"];
const CITIES: Array<[string, string, string]> = [
  ['Atlanta', 'GA', '30301'], ['Chicago', 'IL', '60601'], ['Seattle', 'WA', '98101'], ['Miami', 'FL', '33101'],
  ['Denver', 'CO', '80202'], ['Boston', 'MA', '02108'], ['Austin', 'TX', '73301'], ['Portland', 'OR', '97201'],
];
const BLOCKED: Customer['blocked'][] = [' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', 'Ship', 'Invoice', 'All', ' '];

const bigCache = new Map<string, readonly Customer[]>();

/** Deterministic big-tenant customers: number C000001.., names from word lists. Cached per (count, seed). */
export function bigCustomers(count: number, seed = 42): readonly Customer[] {
  const key = `${count}:${seed}`;
  const cached = bigCache.get(key);
  if (cached) {
    return cached;
  }
  const rand = prng(seed);
  const rows: Customer[] = new Array(count);
  const width = Math.max(6, String(count).length);
  for (let i = 0; i < count; i++) {
    const f = FIRST[Math.floor(rand() * FIRST.length)];
    const s = SECOND[Math.floor(rand() * SECOND.length)];
    const x = SUFFIX[Math.floor(rand() * SUFFIX.length)];
    const [city, state, zip] = CITIES[Math.floor(rand() * CITIES.length)];
    const n = i + 1;
    const id = guidFrom(rand);
    rows[i] = {
      id,
      number: `C${String(n).padStart(width, '0')}`,
      displayName: `${f} ${s} ${x}`,
      type: rand() < 0.1 ? 'Person' : 'Company',
      addressLine1: `${1 + Math.floor(rand() * 999)} ${f} Street`,
      addressLine2: '',
      city,
      state,
      country: 'US',
      postalCode: zip,
      phoneNumber: `(555) 555-${String(n % 10000).padStart(4, '0')}`,
      email: `c${n}@${f.toLowerCase()}-${s.toLowerCase()}.test`,
      website: '',
      salespersonCode: '',
      balanceDue: Math.round(rand() * 100_000) / 100,
      creditLimit: 0,
      taxLiable: false,
      taxAreaId: EMPTY_GUID,
      taxAreaDisplayName: '',
      taxRegistrationNumber: '',
      currencyId: EMPTY_GUID,
      currencyCode: 'USD',
      paymentTermsId: EMPTY_GUID,
      shipmentMethodId: EMPTY_GUID,
      paymentMethodId: EMPTY_GUID,
      blocked: BLOCKED[Math.floor(rand() * BLOCKED.length)],
      lastModifiedDateTime: new Date(BASE_TIME + n * 1000).toISOString(),
    };
  }
  bigCache.set(key, rows);
  return rows;
}

export interface DataOptions {
  data?: 'demo' | 'empty';
  /** true = 100,000 customers, or a number of customers, in the company "Big Tenant Ltd." (production). */
  bigCompany?: boolean | number;
  /** Seed for the big company's generator (default 42). */
  bigSeed?: number;
  tenantId?: string;
}

/** The emulated tenant. */
export class TenantData {
  readonly tenantId: string;
  readonly environments: Environment[] = [];

  constructor(options: DataOptions = {}) {
    this.tenantId = options.tenantId ?? DEMO.tenantId;
    const production = new Environment({ name: 'production', type: 'Production', countryCode: 'US', applicationVersion: '26.0.30643.32015', platformVersion: '26.0.30618.0', locationName: 'United States', geoName: 'US' });
    const sandbox = new Environment({ name: 'sandbox', type: 'Sandbox', countryCode: 'US', applicationVersion: '27.0.31200.0', platformVersion: '27.0.31180.0', locationName: 'United States', geoName: 'US' });
    this.environments.push(production, sandbox);
    if ((options.data ?? 'demo') === 'demo') {
      const cronus = new Company(companyInfo(DEMO.cronusId, 'CRONUS USA, Inc.', 400), new CustomerTable(cronusCustomers));
      cronus.customers.seedPicture(DEMO.customer(10000), makePng(64, 48, 1));
      cronus.customers.seedPicture(DEMO.customer(30000), SAMPLE_JPEG);
      cronus.customers.seedPicture(DEMO.customer(50000), SAMPLE_GIF);
      cronus.customers.seedPicture(DEMO.customer(60000), makePng(32, 32, 6));
      const mine = new Company(
        companyInfo(DEMO.myCompanyId, 'My Company', 30),
        new CustomerTable(() => MY_COMPANY_CUSTOMERS.map((s, i) => customer(DEMO.customer(1000 + i), s, i))),
      );
      production.companies.push(cronus, mine);
      const sandboxCronus = new Company(
        companyInfo(DEMO.sandboxCronusId, 'CRONUS USA, Inc.', 10),
        new CustomerTable(() => cronusCustomers().slice(0, 3).map((c, i) => ({ ...c, id: DEMO.customer(500000 + i) }))),
      );
      sandbox.companies.push(sandboxCronus);
    }
    if (options.bigCompany) {
      const count = options.bigCompany === true ? DEMO.bigCustomers : options.bigCompany;
      const seed = options.bigSeed ?? 42;
      production.companies.push(new Company(companyInfo(DEMO.bigCompanyId, DEMO.bigCompanyName, 5), new CustomerTable(() => bigCustomers(count, seed))));
    }
  }

  /** Environment names are matched case-insensitively, like the service. */
  environment(name: string): Environment | undefined {
    const lower = name.toLowerCase();
    return this.environments.find((e) => e.info.name.toLowerCase() === lower);
  }

  /** Finds a company by id in any environment (ids are unique in the emulator). */
  company(id: string): Company | undefined {
    for (const env of this.environments) {
      const c = env.company(id);
      if (c) {
        return c;
      }
    }
    return undefined;
  }

  addCompany(environment: string, name: string, id: string, customers: Customer[] = []): Company {
    const env = this.environment(environment);
    if (!env) {
      throw new Error(`no environment ${environment}`);
    }
    const company = new Company(companyInfo(id.toLowerCase(), name, 0), new CustomerTable(() => customers));
    env.companies.push(company);
    return company;
  }

  /** Builds a customer with plausible defaults for the fields not given. */
  static customer(id: string, fields: Partial<Customer> & Pick<Customer, 'number' | 'displayName'>): Customer {
    return customer(id.toLowerCase(), { addressLine1: '', city: '', state: '', postalCode: '', phoneNumber: '', email: '', ...fields }, 0);
  }
}
