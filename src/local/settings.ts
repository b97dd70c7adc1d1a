import type { ApiKind } from '../api/types';
import { isOnPremises } from '../api/urls';
import type { Log } from '../common/log';

export type Authentication = 'microsoft' | 'basic';

/** The settings that decide where credentials go: read from user settings only. */
export interface ConnectionSettings {
  readonly api: ApiKind;
  readonly environment: string;
  readonly tenant: string;
  readonly clientId: string;
  readonly serviceUrl: string;
  readonly authentication: Authentication;
}

/** A setting's value at each level, as VS Code's `WorkspaceConfiguration.inspect` tells it. */
export interface InspectedSetting<T> {
  readonly globalValue?: T;
  readonly workspaceValue?: T;
  readonly workspaceFolderValue?: T;
}

/** The part of a settings section used here; `vscode.workspace.getConfiguration('bcPictures')` is one. */
export interface SettingsSection {
  inspect<T>(key: string): InspectedSetting<T> | undefined;
}

const DEFAULTS: ConnectionSettings = {
  api: 'businessCentral',
  environment: 'production',
  tenant: '',
  clientId: '',
  serviceUrl: '',
  authentication: 'microsoft',
};

/**
 * A workspace (a cloned repository, say) must never redirect credentials, so values found in
 * workspace or folder settings are ignored and named in the log, even where VS Code would return them.
 */
export function readConnectionSettings(section: SettingsSection, log: Pick<Log, 'warn'>): ConnectionSettings {
  const read = <K extends keyof ConnectionSettings>(key: K): ConnectionSettings[K] => {
    const inspected = section.inspect<ConnectionSettings[K]>(key);
    if (inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined) {
      log.warn(`Ignored bcPictures.${key} from workspace settings: it can only be set in user settings.`);
    }
    const value = inspected?.globalValue ?? DEFAULTS[key];
    return (typeof value === 'string' ? value.trim() : value) as ConnectionSettings[K];
  };
  return {
    api: read('api') === 'graph' ? 'graph' : 'businessCentral',
    environment: read('environment') || DEFAULTS.environment,
    tenant: read('tenant'),
    clientId: read('clientId'),
    serviceUrl: read('serviceUrl'),
    authentication: read('authentication') === 'basic' ? 'basic' : 'microsoft',
  };
}

/** The key under which remembered companies and customers live: one per service, tenant and environment. */
export function settingsScope(settings: ConnectionSettings): string {
  return [settings.serviceUrl || 'online', settings.tenant || 'home', settings.api, settings.environment.toLowerCase()].join('|');
}

/** Where a connection's companies are: its environment online (Graph reaches only Production), its server on-premises. */
export function companiesPlace(settings: Pick<ConnectionSettings, 'api' | 'environment' | 'serviceUrl'>): { readonly kind: 'environment' | 'server'; readonly name: string } {
  if (isOnPremises(settings.serviceUrl)) {
    let host = settings.serviceUrl;
    try {
      host = new URL(settings.serviceUrl).host;
    } catch {
      // Checked before any request is sent; the setting as written is still the best name for it.
    }
    return { kind: 'server', name: host };
  }
  return { kind: 'environment', name: settings.api === 'graph' ? 'Production' : settings.environment };
}

/** How pictures are prepared before they are sent, as the settings say; out-of-range values fall back to what is sensible. */
export function readPreparationSettings(get: <T>(key: string) => T | undefined): { maxSize: number; removeMetadata: boolean; jpegQuality: number } {
  const number = (key: string, fallback: number, min: number, max: number) => {
    const value = Number(get<number>(key));
    return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
  };
  return {
    // 0 keeps the size; below 16 pixels nothing recognisable is left, so a tiny value is taken as 16.
    maxSize: ((size) => (size === 0 ? 0 : Math.max(16, size)))(number('maxPictureSize', 1024, 0, 16384)),
    removeMetadata: get<boolean>('removeMetadata') !== false,
    jpegQuality: number('jpegQuality', 85, 1, 100),
  };
}
