import type { Company, Customer } from '../api/types';

/** The part of VS Code's `Memento` (`ExtensionContext.globalState`) used here. */
export interface KeptState {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface RecentCustomer {
  readonly id: string;
  readonly number: string;
  readonly displayName: string;
}

interface Remembered {
  readonly companyId?: string;
  readonly customers?: Record<string, readonly RecentCustomer[]>;
}

const MAX_RECENT_CUSTOMERS = 5;

/** The last company and recent customers, per service, tenant and environment; kept on this machine only. */
export class RecentChoices {
  constructor(
    private readonly state: KeptState,
    private readonly scope: string,
  ) {}

  private get key(): string {
    return `bcPictures.recent:${this.scope}`;
  }

  private read(): Remembered {
    return this.state.get<Remembered>(this.key) ?? {};
  }

  get companyId(): string | undefined {
    return this.read().companyId;
  }

  customers(companyId: string): readonly RecentCustomer[] {
    return this.read().customers?.[companyId] ?? [];
  }

  async remember(company: Company, customer: Customer): Promise<void> {
    const remembered = this.read();
    const recent = [
      { id: customer.id, number: customer.number, displayName: customer.displayName },
      ...this.customers(company.id).filter((c) => c.id !== customer.id),
    ].slice(0, MAX_RECENT_CUSTOMERS);
    await this.state.update(this.key, {
      companyId: company.id,
      customers: { ...remembered.customers, [company.id]: recent },
    });
  }
}
