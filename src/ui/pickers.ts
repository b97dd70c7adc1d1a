import * as vscode from 'vscode';
import { inert } from '../common/serviceText';
import { isGuid, looksLikeNumberOrId } from '../api/urls';
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

/** `sortByLabel` is proposed API (quickPickSortByLabel) that the workbench honours for every extension; @types/vscode lacks it. */
interface UnsortedQuickPick {
  sortByLabel: boolean;
}

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
 * the previous request aborted, stale answers dropped), in the server's order, "Load more" while there is a
 * next page, recent customers first (their badges asked for again), and, for text that may be a number or an
 * id, an item to go to that customer.
 */
export async function pickCustomer(service: PictureService, options: CustomerPickerOptions): Promise<Customer | typeof BACK | undefined> {
  const companyId = options.company.id;
  const recentIds = new Set(options.recent.map((customer) => customer.id));
  /** Each customer as the service last sent it: the remembered ones keep only number and name. */
  const known = new Map<string, Customer>();
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
      // VS Code sorts what matches the text by label; the server's order (by number) is the one to keep.
      (quickPick as unknown as UnsortedQuickPick).sortByLabel = false;
      const keyOf = (item: CustomerItem | undefined) =>
        !item ? undefined : 'customer' in item ? item.customer.id : 'recent' in item ? item.recent.id : 'action' in item ? item.action : undefined;
      /** Shows the list with the keyboard on the row `focus` names (VS Code scrolls to it), else on the first row. */
      const render = (focus?: string) => {
        const value = quickPick.value.trim();
        const items: CustomerItem[] = [];
        if (!value && options.recent.length > 0) {
          items.push({ label: vscode.l10n.t('Recently used'), kind: vscode.QuickPickItemKind.Separator } as unknown as CustomerItem);
          for (const remembered of options.recent) {
            const current = known.get(remembered.id);
            items.push(current ? { ...customerItem(current), customer: current } : { ...customerItem(remembered), recent: remembered });
          }
          items.push({ label: vscode.l10n.t('Customers'), kind: vscode.QuickPickItemKind.Separator } as unknown as CustomerItem);
        }
        for (const customer of shown) if (value || !recentIds.has(customer.id)) items.push({ ...customerItem(customer), customer });
        if (notice) items.push({ label: notice, action: 'none', alwaysShow: true });
        if (more) {
          items.push({ label: `$(ellipsis) ${vscode.l10n.t('Load more')}`, action: 'more', alwaysShow: true });
        }
        if (looksLikeNumberOrId(value)) {
          items.push({
            label: `$(arrow-right) ${vscode.l10n.t('Go to customer "{0}"', inert(value))}`,
            description: vscode.l10n.t('Look up the customer with exactly this number or id'),
            action: 'direct',
            alwaysShow: true,
          });
        }
        quickPick.items = items;
        const active = focus === undefined ? undefined : items.find((item) => item.kind !== vscode.QuickPickItemKind.Separator && keyOf(item) === focus);
        if (active) quickPick.activeItems = [active];
      };
      const load = async (fetch: (signal: AbortSignal) => Promise<CustomerPage>, append: boolean) => {
        const mine = ++generation;
        inFlight?.abort();
        const controller = new AbortController();
        inFlight = controller;
        quickPick.busy = true;
        let focus: string | undefined;
        try {
          const page = await fetch(controller.signal);
          if (mine !== generation) return;
          for (const customer of page.items) known.set(customer.id, customer);
          // A search merges two requests: a customer found by both may come again on a later page.
          const seen = new Set(append ? shown.map((customer) => customer.id) : []);
          const added = page.items.filter((customer) => !seen.has(customer.id));
          shown = [...(append ? shown : []), ...added];
          more = page.more;
          notice = shown.length === 0 ? vscode.l10n.t('No customer matches "{0}".', quickPick.value.trim()) : undefined;
          if (append) {
            // After "Load more" the keyboard stays where it was: on the first new row, where "Load more" stood.
            const firstNew = added.find((customer) => quickPick.value.trim() || !recentIds.has(customer.id));
            focus = firstNew?.id ?? (more ? 'more' : shown.at(-1)?.id);
          }
        } catch (error) {
          if (mine !== generation || controller.signal.aborted) return;
          if (!append) shown = [];
          more = undefined;
          notice = `$(error) ${options.onError(error)}`;
          if (append) focus = 'none';
        } finally {
          if (mine === generation) {
            quickPick.busy = false;
            // The first page keeps the row the person is on (recent customers show before it); a search starts at the top.
            render(append ? focus : quickPick.value.trim() ? undefined : keyOf(quickPick.activeItems[0]));
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
      if (options.recent.length > 0) {
        // Remembered customers keep only number and name: their city and badges come from the service, as they are now.
        const refresh = new AbortController();
        disposables.push({ dispose: () => refresh.abort() });
        service.findCustomersByNumber(companyId, options.recent.map((customer) => customer.number), { signal: refresh.signal }).then(
          (found) => {
            for (const customer of found) if (recentIds.has(customer.id)) known.set(customer.id, customer);
            if (!refresh.signal.aborted && !quickPick.value.trim()) render(keyOf(quickPick.activeItems[0]));
          },
          // The rows stay as remembered; the list's own request tells what went wrong, if anything did.
          () => undefined,
        );
      }
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

/** One line per customer, as every row has: number, city, and the badges (picture, blocked). */
function customerItem(customer: Customer | RecentCustomer): vscode.QuickPickItem {
  const full = customer as Partial<Customer>;
  const parts = [customer.number, full.city].filter(Boolean).map(inert);
  if (full.hasPicture) parts.push(`$(file-media) ${vscode.l10n.t('has a picture')}`);
  if (full.blocked) parts.push(`$(circle-slash) ${vscode.l10n.t('blocked: {0}', inert(full.blocked))}`);
  return {
    label: inert(customer.displayName || customer.number),
    description: parts.join(' · '),
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
