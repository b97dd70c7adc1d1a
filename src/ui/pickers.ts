import * as vscode from 'vscode';
import { inert } from '../common/serviceText';
import { isGuid } from '../api/urls';
import type { Company, Customer, CustomerCursor, CustomerPage, PictureService } from '../api/types';
import { BACK, runQuickPick, type StepInfo } from './quickPick';
import type { RecentCustomer } from '../local/recent';

const SEARCH_DELAY_MS = 250;

interface CompanyItem extends vscode.QuickPickItem {
  readonly company: Company;
}

/**
 * Step "company": by name, the last company used here preselected (else the first), each described by where it
 * is (`where`: the environment or server) on the one line every row has.
 */
export async function pickCompany(
  companies: readonly Company[],
  lastCompanyId: string | undefined,
  step: StepInfo,
  where: string,
): Promise<Company | undefined> {
  const ordered = [...companies].sort((a, b) => a.displayName.localeCompare(b.displayName));
  const items: CompanyItem[] = ordered.map((company) => ({
    label: inert(company.displayName || company.name),
    description: [
      company.displayName && company.displayName !== company.name ? inert(company.name) : undefined,
      inert(where),
      company.id === lastCompanyId ? vscode.l10n.t('last used') : undefined,
    ]
      .filter(Boolean)
      .join(' · '),
    company,
  }));
  const preselected = items.find((item) => item.company.id === lastCompanyId) ?? items[0];
  const picked = await runQuickPick<CompanyItem, Company>(
    { title: vscode.l10n.t('Select the Company'), placeholder: vscode.l10n.t('Type to filter companies'), step },
    (quickPick) => {
      quickPick.items = items;
      quickPick.activeItems = preselected ? [preselected] : [];
    },
    (item) => item.company,
  );
  return picked === BACK ? undefined : picked;
}

type CustomerItem = vscode.QuickPickItem &
  ({ readonly customer: Customer } | { readonly recent: RecentCustomer } | { readonly action: 'more' | 'direct' | 'none' });

export interface CustomerPickerOptions {
  readonly company: Company;
  readonly recent: readonly RecentCustomer[];
  readonly step: StepInfo;
  readonly canGoBack: boolean;
  readonly title: string;
  readonly onError: (error: unknown) => string;
}

/**
 * Step "customer": the first page at once, then a search on the server as the user types (debounced,
 * the previous request aborted, stale answers dropped), "Load more" while there is a next page,
 * recent customers first, and an item to go to a customer by number or id.
 */
export async function pickCustomer(service: PictureService, options: CustomerPickerOptions): Promise<Customer | typeof BACK | undefined> {
  const companyId = options.company.id;
  let generation = 0;
  let inFlight: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let shown: Customer[] = [];
  let more: CustomerCursor | undefined;
  let notice: string | undefined;
  let loadMore = () => {};

  return runQuickPick<CustomerItem, Customer>(
    {
      title: options.title,
      placeholder: vscode.l10n.t('Search by customer name or number'),
      step: options.step,
      canGoBack: options.canGoBack,
    },
    (quickPick, disposables) => {
      const render = () => {
        const value = quickPick.value.trim();
        const items: CustomerItem[] = [];
        const recentIds = new Set<string>();
        if (!value && options.recent.length > 0) {
          items.push({ label: vscode.l10n.t('Recently used'), kind: vscode.QuickPickItemKind.Separator } as unknown as CustomerItem);
          for (const customer of options.recent) {
            recentIds.add(customer.id);
            items.push({ ...customerItem(customer), recent: customer });
          }
          items.push({ label: vscode.l10n.t('Customers'), kind: vscode.QuickPickItemKind.Separator } as unknown as CustomerItem);
        }
        for (const customer of shown) if (!recentIds.has(customer.id)) items.push({ ...customerItem(customer), customer });
        if (notice) items.push({ label: notice, action: 'none', alwaysShow: true });
        if (more) {
          items.push({ label: `$(ellipsis) ${vscode.l10n.t('Load more')}`, action: 'more', alwaysShow: true });
        }
        if (value) {
          items.push({
            label: `$(arrow-right) ${vscode.l10n.t('Go to customer "{0}"', value)}`,
            detail: vscode.l10n.t('Look up the customer with exactly this number or id'),
            action: 'direct',
            alwaysShow: true,
          });
        }
        quickPick.items = items;
      };
      const load = async (fetch: (signal: AbortSignal) => Promise<CustomerPage>, append: boolean) => {
        const mine = ++generation;
        inFlight?.abort();
        const controller = new AbortController();
        inFlight = controller;
        quickPick.busy = true;
        try {
          const page = await fetch(controller.signal);
          if (mine !== generation) return;
          // A search merges two requests: a customer found by both may come again on a later page.
          const seen = new Set(append ? shown.map((customer) => customer.id) : []);
          shown = [...(append ? shown : []), ...page.items.filter((customer) => !seen.has(customer.id))];
          more = page.more;
          notice = shown.length === 0 ? vscode.l10n.t('No customer matches "{0}".', quickPick.value.trim()) : undefined;
        } catch (error) {
          if (mine !== generation || controller.signal.aborted) return;
          if (!append) shown = [];
          more = undefined;
          notice = `$(error) ${options.onError(error)}`;
        } finally {
          if (mine === generation) {
            quickPick.busy = false;
            render();
          }
        }
      };
      const search = () => load((signal) => service.listCustomers(companyId, { search: quickPick.value.trim() }, { signal }), false);
      disposables.push(
        quickPick.onDidChangeValue(() => {
          clearTimeout(timer);
          // Invalidate the answer in flight at once, so a stale list is never shown for the new text.
          generation++;
          inFlight?.abort();
          quickPick.busy = true;
          render();
          timer = setTimeout(() => void search(), SEARCH_DELAY_MS);
        }),
        { dispose: () => (clearTimeout(timer), inFlight?.abort()) },
      );
      loadMore = () => {
        const cursor = more;
        if (cursor) void load((signal) => service.nextCustomers(cursor, { signal }), true);
      };
      render();
      void search();
    },
    async (item, quickPick) => {
      if ('customer' in item) return item.customer;
      // A remembered customer may have changed (or gone) since: ask the service for it as it is now.
      if ('recent' in item) return service.getCustomer(companyId, item.recent.id);
      if (item.action === 'more') {
        loadMore();
        return 'stay';
      }
      if (item.action === 'direct') {
        const value = quickPick.value.trim();
        quickPick.busy = true;
        try {
          const found = await findDirect(service, companyId, value);
          if (found) return found;
          notice = undefined;
          void vscode.window.showWarningMessage(
            vscode.l10n.t('No customer of {0} has the number or id "{1}". Check it, or search by name.', inert(options.company.displayName), value),
          );
        } catch (error) {
          void vscode.window.showErrorMessage(options.onError(error));
        } finally {
          quickPick.busy = false;
        }
      }
      return 'stay';
    },
  );
}

function customerItem(customer: Customer | RecentCustomer): vscode.QuickPickItem {
  const full = customer as Partial<Customer>;
  const markers: string[] = [];
  if (full.hasPicture) markers.push(`$(file-media) ${vscode.l10n.t('has a picture')}`);
  if (full.blocked) markers.push(`$(circle-slash) ${vscode.l10n.t('blocked: {0}', inert(full.blocked))}`);
  return {
    label: inert(customer.displayName || customer.number),
    description: [customer.number, full.city].filter(Boolean).map(inert).join(' · '),
    detail: markers.length > 0 ? markers.join('   ') : undefined,
    // The server already searched: the quick pick's own filter must not hide its answers.
    alwaysShow: true,
  };
}

/** A customer by exact number (as Business Central stores it, upper-case), or by id when the text is a GUID. */
export async function findDirect(service: PictureService, companyId: string, value: string): Promise<Customer | undefined> {
  if (isGuid(value)) {
    try {
      return await service.getCustomer(companyId, value);
    } catch {
      // Not an id after all (or gone): a number that looks like a GUID is still worth a try.
    }
  }
  const [match] = await service.findCustomersByNumber(companyId, [value]);
  return match;
}
