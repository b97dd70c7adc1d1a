import { BasicCredentialKeeper, type BasicCredentials, type SecretStore } from '../auth/signIn';

export type { SecretStore };

/** User name and web service access key for Basic authentication, kept in VS Code's secret storage per service. */
export class BasicCredentialStore {
  constructor(private readonly secrets: SecretStore) {}

  private key(serviceUrl: string): string {
    return `bcPictures.basic:${serviceUrl || 'online'}`;
  }

  /** One command's credentials: the stored ones, or asked for (`ask`, with this `serviceUrl`) and stored once the service accepts them. */
  keeper(serviceUrl: string, ask: (serviceUrl: string, previousUserName: string | undefined) => Promise<BasicCredentials | undefined>): BasicCredentialKeeper {
    return new BasicCredentialKeeper(this.secrets, this.key(serviceUrl), (previousUserName) => ask(serviceUrl, previousUserName));
  }

  /** Whether a user name and key are stored for the service: they are stored only once it accepted them. */
  async has(serviceUrl: string): Promise<boolean> {
    return (await this.secrets.get(this.key(serviceUrl))) !== undefined;
  }

  async forget(serviceUrl: string): Promise<boolean> {
    const had = (await this.secrets.get(this.key(serviceUrl))) !== undefined;
    await this.secrets.delete(this.key(serviceUrl));
    return had;
  }
}
