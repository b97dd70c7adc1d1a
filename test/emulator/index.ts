/**
 * A local Business Central emulator over real HTTP, strict like the service.
 *
 *   const emu = await startEmulator({ bigCompany: true });
 *   emu.acceptToken('t1', { audience: 'businesscentral' });
 *   ... request(`${emu.bcBaseUrl()}/companies`, { headers: { authorization: 'Bearer t1' } })
 *   emu.fault({ method: 'PATCH', kind: 'status', status: 429, retryAfter: 1 });
 *   await emu.close();
 *
 * See README.md for the routes, the decisions where the service's behaviour is
 * not documented, and curl examples.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Auth, type BasicCredential, type TokenGrant } from './auth';
import type { ServiceState } from './bc';
import { SERVICE_MAX_PAGE_SIZE } from './collection';
import type { RecordedRequest } from './context';
import { type DataOptions, TenantData } from './data';
import { FaultSchedule, type FaultSpec, HeldRequests, Limiter, type Limits, SERVICE_LIMITS, type UserStats } from './faults';
import { handle, type Pipeline, type Timing } from './server';

export type { RecordedRequest } from './context';
export type { FaultSpec, FaultAction, FaultMatch, Limits, UserStats } from './faults';
export type { TokenGrant, BasicCredential, Audience } from './auth';
export { DEMO, TenantData, CUSTOMER_PROPERTIES, bigCustomers } from './data';
export type { Customer, CompanyInfo, StoredPicture, DataOptions } from './data';
export { makePng, SAMPLE_GIF, SAMPLE_JPEG, inspectImage } from './images';
export { SERVICE_LIMITS } from './faults';
export type { Timing } from './server';

/**
 * The `online` profile's time per request: an assumption (Microsoft publishes no latency), the order of a
 * small API call to Business Central online, plus the import of the picture's bytes into the Media field.
 */
export const ONLINE_TIMING: Timing = { latencyMs: 150, importMsPerMb: 400 };
const NO_TIMING: Timing = { latencyMs: 0, importMsPerMb: 0 };

/** The service's request body limit: 350 MB. */
export const SERVICE_MAX_BODY_BYTES = 350 * 1024 * 1024;

export interface EmulatorOptions extends DataOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** The host name in `url` (default: the address listened on), e.g. a name a test proxy resolves. */
  publicHost?: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Accept Basic authentication (on-premises style) with this user name and web service access key. */
  basic?: BasicCredential;
  /** Bearer tokens to accept from the start. */
  tokens?: Record<string, TokenGrant>;
  /** Refuse Graph's "Add picture" POST the way Business Central does (405 BadRequest_MethodNotAllowed). */
  graphPostRefused?: boolean;
  /** Request body limit in bytes (default 350 MB, like the service). */
  maxBodyBytes?: number;
  /** Largest page (default 20,000); a larger Prefer: odata.maxpagesize is a 413. */
  maxPageSize?: number;
  /** Per-user limits (default: the online service's 6,000 / 5 min, 5 concurrent, 8 min queue timeout). */
  limits?: Partial<Limits>;
  /** authorization_uri in WWW-Authenticate challenges (default: `${url}/common/oauth2/authorize`). */
  authorizationUri?: string;
  /** Called with one line per answered request (method, path, status; never credentials). */
  log?: (line: string) => void;
  /**
   * 'current' (default): a server of today, strict as README.md says. 'old': a server from before the `in`
   * operator (April 2024), which ignores `in` silently (the whole table comes back) and refuses $schemaversion=2.1.
   */
  serverVersion?: 'current' | 'old';
  /**
   * 'strict' (default): the service's rules and limits, answered at once. 'online': also the time the service
   * takes (ONLINE_TIMING, or `timing`), so that 5 requests of a user execute at once and the rest queue as
   * they do live. The limits are the service's in both (6,000 per 5 minutes, 5 at once, 95 queued); scale
   * them with `limits` and the time with `timing` to keep a test short.
   */
  profile?: 'strict' | 'online';
  /** Overrides the profile's time per request and per MiB of body. */
  timing?: Partial<Timing>;
}

export interface Emulator {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** `${url}/v2.0[/${tenant}]/${environment}/api/v2.0` (environment default 'production'). */
  bcBaseUrl(environment?: string, tenant?: string): string;
  /** `${url}/beta/financials` */
  readonly graphBaseUrl: string;
  /** `${url}/environments/v1.2` */
  readonly environmentsUrl: string;
  /** The emulated tenant: environments, companies, customers and pictures, readable and changeable. */
  readonly data: TenantData;

  /** Accepts a bearer token for an audience (a Business Central token does not open Graph and vice versa). */
  acceptToken(token: string, grant: TokenGrant): void;
  /** The token is answered as expired (401 invalid_token) from now on. */
  revokeToken(token: string): void;
  /** Changes (or with undefined, switches off) Basic authentication. */
  setBasic(basic: BasicCredential | undefined): void;

  /** Every request received, in order (credentials redacted). */
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;

  /** Schedules a fault for the next `times` (default 1) matching requests. */
  fault(spec: FaultSpec): void;
  /** Ends the fault scheduled with this very spec object; the others stay. */
  removeFault(spec: FaultSpec): void;
  clearFaults(): void;
  /** Number of scheduled faults not yet used up. */
  readonly pendingFaults: number;
  /** Resolves once at least `count` requests are held by the `hold` fault. */
  waitForHeld(count: number): Promise<void>;
  /** Lets every request held by the `hold` fault go on (handled normally). */
  releaseHeld(): void;

  /** Graph's POST picture is refused like Business Central refuses it. */
  graphPostRefused: boolean;
  /** Which server this emulates (see EmulatorOptions.serverVersion); tests may switch it. */
  serverVersion: 'current' | 'old';
  /** Changes the per-user limits (e.g. small numbers in tests). */
  setLimits(limits: Partial<Limits>): void;
  /** Requests in flight (peak, queued) of a user: the Basic user name, TokenGrant.user, or `token-<hash>`. */
  userStats(user: string): UserStats;
  /** The time each admitted request takes (see EmulatorOptions.profile). */
  readonly timing: Timing;

  close(): Promise<void>;
}

class RunningEmulator implements Emulator {
  readonly data: TenantData;
  readonly requests: RecordedRequest[] = [];
  private readonly auth: Auth;
  private readonly schedule = new FaultSchedule();
  private readonly limiter: Limiter;
  private readonly state: ServiceState;
  private readonly sockets = new Set<Socket>();
  private readonly hung = new Set<ServerResponse>();
  private readonly held = new HeldRequests();
  readonly server: Server;
  private address?: AddressInfo;
  readonly timing: Timing;

  constructor(private readonly options: EmulatorOptions) {
    this.timing = { ...(options.profile === 'online' ? ONLINE_TIMING : NO_TIMING), ...options.timing };
    this.data = new TenantData(options);
    this.auth = new Auth(options.basic, () => options.authorizationUri ?? `${this.url}/common/oauth2/authorize`);
    for (const [token, grant] of Object.entries(options.tokens ?? {})) {
      this.auth.accept(token, grant);
    }
    this.limiter = new Limiter({ ...SERVICE_LIMITS, ...options.limits });
    this.state = { data: this.data, maxPageSize: options.maxPageSize ?? SERVICE_MAX_PAGE_SIZE, graphPostRefused: options.graphPostRefused ?? false, serverVersion: options.serverVersion ?? 'current' };
    const pipeline: Pipeline = {
      state: this.state,
      auth: this.auth,
      faults: this.schedule,
      limiter: this.limiter,
      requests: this.requests,
      maxBodyBytes: options.maxBodyBytes ?? SERVICE_MAX_BODY_BYTES,
      origin: () => this.url,
      hung: this.hung,
      held: this.held,
      log: options.log,
      timing: () => this.timing,
    };
    const serverOptions = { requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 5_000 };
    const handler = (req: Parameters<typeof handle>[1], res: ServerResponse) => void handle(pipeline, req, res);
    this.server = (options.tls ? createHttpsServer({ ...serverOptions, ...options.tls }, handler) : createServer(serverOptions, handler)) as Server;
    // Expect: 100-continue: refuse an oversized body before it is sent.
    this.server.on('checkContinue', (req, res) => {
      if (Number(req.headers['content-length'] ?? 0) > pipeline.maxBodyBytes) {
        void handle(pipeline, req, res);
        return;
      }
      res.writeContinue();
      void handle(pipeline, req, res);
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.address = this.server.address() as AddressInfo;
  }

  get port(): number {
    return this.address?.port ?? 0;
  }
  get url(): string {
    const host = this.options.publicHost ?? this.address?.address ?? '127.0.0.1';
    return `${this.options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }
  bcBaseUrl(environment = 'production', tenant?: string): string {
    return `${this.url}/v2.0/${tenant ? `${encodeURIComponent(tenant)}/` : ''}${encodeURIComponent(environment)}/api/v2.0`;
  }
  get graphBaseUrl(): string {
    return `${this.url}/beta/financials`;
  }
  get environmentsUrl(): string {
    return `${this.url}/environments/v1.2`;
  }
  acceptToken(token: string, grant: TokenGrant): void {
    this.auth.accept(token, grant);
  }
  revokeToken(token: string): void {
    this.auth.revoke(token);
  }
  setBasic(basic: BasicCredential | undefined): void {
    this.auth.setBasic(basic);
  }
  clearRequests(): void {
    this.requests.length = 0;
  }
  fault(spec: FaultSpec): void {
    this.schedule.add(spec);
  }
  removeFault(spec: FaultSpec): void {
    this.schedule.remove(spec);
  }
  clearFaults(): void {
    this.schedule.clear();
  }
  get pendingFaults(): number {
    return this.schedule.pending;
  }
  waitForHeld(count: number): Promise<void> {
    return this.held.waitFor(count);
  }
  releaseHeld(): void {
    this.held.release();
  }
  get graphPostRefused(): boolean {
    return this.state.graphPostRefused;
  }
  set graphPostRefused(v: boolean) {
    this.state.graphPostRefused = v;
  }
  get serverVersion(): 'current' | 'old' {
    return this.state.serverVersion;
  }
  set serverVersion(v: 'current' | 'old') {
    this.state.serverVersion = v;
  }
  setLimits(limits: Partial<Limits>): void {
    this.limiter.limits = { ...this.limiter.limits, ...limits };
  }
  userStats(user: string): UserStats {
    return this.limiter.stats(user);
  }

  async close(): Promise<void> {
    this.held.release();
    for (const res of this.hung) {
      res.destroy();
    }
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const s of this.sockets) {
      s.destroy();
    }
    await closed;
  }
}

/** Starts an emulator on 127.0.0.1 (a free port unless `port` is given). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = new RunningEmulator(options);
  await emu.listen();
  return emu;
}
