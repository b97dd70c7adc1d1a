import * as assert from 'node:assert/strict';
import { companiesPlace, readConnectionSettings, settingsScope, type InspectedSetting, type SettingsSection } from '../../../src/local/settings';
import { CapturingLog } from '../api/helpers';

/** A settings section as VS Code's `inspect` reports it: each key's value per level. */
function section(values: Record<string, InspectedSetting<unknown>>): SettingsSection {
  return { inspect: <T>(key: string) => values[key] as InspectedSetting<T> | undefined };
}

describe('the connection settings, read from user settings only', () => {
  it('defaults every setting that is not set', () => {
    const log = new CapturingLog();
    assert.deepEqual(readConnectionSettings(section({}), log), {
      api: 'businessCentral',
      environment: 'production',
      tenant: '',
      clientId: '',
      serviceUrl: '',
      authentication: 'microsoft',
    });
    assert.deepEqual(log.lines, []);
  });

  it('takes the user values, trimmed', () => {
    const settings = readConnectionSettings(
      section({
        api: { globalValue: 'graph' },
        environment: { globalValue: '  Sandbox ' },
        tenant: { globalValue: ' contoso.onmicrosoft.com\t' },
        clientId: { globalValue: ' 0000-app ' },
        serviceUrl: { globalValue: ' https://bc.example.com/BC/api/v2.0 ' },
        authentication: { globalValue: 'basic' },
      }),
      new CapturingLog(),
    );
    assert.deepEqual(settings, {
      api: 'graph',
      environment: 'Sandbox',
      tenant: 'contoso.onmicrosoft.com',
      clientId: '0000-app',
      serviceUrl: 'https://bc.example.com/BC/api/v2.0',
      authentication: 'basic',
    });
  });

  it('falls back to the default environment when the user value is blank, and to the defaults for unknown API or sign-in kinds', () => {
    const settings = readConnectionSettings(
      section({ environment: { globalValue: '   ' }, api: { globalValue: 'odata' }, authentication: { globalValue: 'ntlm' } }),
      new CapturingLog(),
    );
    assert.equal(settings.environment, 'production');
    assert.equal(settings.api, 'businessCentral');
    assert.equal(settings.authentication, 'microsoft');
  });

  it('ignores workspace and folder values, even without a user value, and names each in the log', () => {
    const log = new CapturingLog();
    const settings = readConnectionSettings(
      section({
        serviceUrl: { workspaceValue: 'https://attacker.example/api/v2.0' },
        authentication: { workspaceFolderValue: 'basic' },
        tenant: { globalValue: 'contoso', workspaceValue: 'fabrikam', workspaceFolderValue: 'northwind' },
      }),
      log,
    );
    assert.equal(settings.serviceUrl, '');
    assert.equal(settings.authentication, 'microsoft');
    assert.equal(settings.tenant, 'contoso');
    assert.deepEqual(
      log.lines.map((line) => line.trim()),
      ['tenant', 'serviceUrl', 'authentication'].map((key) => `warn Ignored bcPictures.${key} from workspace settings: it can only be set in user settings.`),
    );
    assert.ok(!log.text.includes('attacker') && !log.text.includes('fabrikam'), 'the ignored values are not logged');
  });

  it('keeps remembered choices apart per service, tenant, API and environment (its case aside)', () => {
    const base = readConnectionSettings(section({}), new CapturingLog());
    assert.equal(settingsScope(base), 'online|home|businessCentral|production');
    assert.equal(settingsScope({ ...base, environment: 'Production' }), settingsScope(base));
    const scopes = [
      base,
      { ...base, serviceUrl: 'https://bc.example.com' },
      { ...base, tenant: 'contoso' },
      { ...base, api: 'graph' as const },
      { ...base, environment: 'sandbox' },
    ].map(settingsScope);
    assert.equal(new Set(scopes).size, scopes.length, scopes.join(', '));
  });

  it('places companies in the environment online, in Production on Graph, and on the server on-premises', () => {
    assert.deepEqual(companiesPlace({ api: 'businessCentral', environment: 'sandbox-de', serviceUrl: '' }), { kind: 'environment', name: 'sandbox-de' });
    assert.deepEqual(companiesPlace({ api: 'businessCentral', environment: 'production', serviceUrl: 'http://127.0.0.1:8080' }), { kind: 'environment', name: 'production' });
    assert.deepEqual(companiesPlace({ api: 'graph', environment: 'sandbox', serviceUrl: '' }), { kind: 'environment', name: 'Production' });
    assert.deepEqual(companiesPlace({ api: 'businessCentral', environment: 'production', serviceUrl: 'https://bc.contoso.com:7048/BC/api/v2.0' }), { kind: 'server', name: 'bc.contoso.com:7048' });
  });
});
