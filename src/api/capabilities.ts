/**
 * What a Business Central service supports beyond the filters every version takes, learned once per service
 * and kept while the extension runs: servers differ by version, and asking again on every keystroke costs requests.
 */
export class ServiceCapabilities {
  private readonly nested = new Map<string, Promise<boolean>>();

  /**
   * Whether the service at `baseUrl` takes nested filter functions with `$schemaversion=2.1`. `probe` runs once per
   * service; a probe that fails (network, throttling) is not remembered, so the next search asks again.
   */
  nestedFilters(baseUrl: string, probe: () => Promise<boolean>): Promise<boolean> {
    const known = this.nested.get(baseUrl);
    if (known) return known;
    const asked = probe();
    this.nested.set(baseUrl, asked);
    asked.catch(() => this.nested.delete(baseUrl));
    return asked;
  }

  /** The service refused what it was thought to take (a server downgraded, a proxy in between): ask it no more. */
  refuseNestedFilters(baseUrl: string): void {
    this.nested.set(baseUrl, Promise.resolve(false));
  }
}
