import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * Stands in for VS Code's Microsoft sign-in, which cannot reach Microsoft here: already signed in
 * (test mode refuses sign-in dialogs), issues tokens the emulator is told to accept, records the
 * scopes it was asked for.
 */
export class FakeMicrosoftProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  readonly scopesAsked: string[][] = [];
  private readonly changes = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changes.event;
  private session: vscode.AuthenticationSession;
  private asksBeforeRefresh: number | undefined;
  private readonly registration: vscode.Disposable;

  constructor(private readonly issue: (token: string) => void) {
    this.session = this.newSession();
    this.registration = vscode.authentication.registerAuthenticationProvider('microsoft', 'Microsoft', this);
  }

  get token(): string {
    return this.session.accessToken;
  }

  /** What the real provider does when a token expired: the next silent ask gets a fresh one. */
  refresh(): string {
    const old = this.session;
    this.session = this.newSession();
    this.changes.fire({ added: [this.session], removed: [old], changed: [] });
    return this.session.accessToken;
  }

  /** Like a token that expires after the next use: the ask after next gets a fresh one. */
  refreshAfterNextAsk(): void {
    this.asksBeforeRefresh = 1;
  }

  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    this.scopesAsked.push([...(scopes ?? [])]);
    if (this.asksBeforeRefresh !== undefined && this.asksBeforeRefresh-- === 0) {
      this.asksBeforeRefresh = undefined;
      this.refresh();
    }
    return [this.session];
  }

  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    this.scopesAsked.push([...scopes]);
    this.refresh();
    return this.session;
  }

  async removeSession(): Promise<void> {}

  dispose(): void {
    this.registration.dispose();
    this.changes.dispose();
  }

  private newSession(): vscode.AuthenticationSession {
    const accessToken = `fake-token-${randomUUID()}`;
    this.issue(accessToken);
    return { id: randomUUID(), accessToken, account: { id: 'ada', label: 'ada@cronus.test' }, scopes: [] };
  }
}
