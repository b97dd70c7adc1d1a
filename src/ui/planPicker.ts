import * as vscode from 'vscode';
import { inert } from '../common/serviceText';
import type { PlanEntry } from '../bulk/plan';
import { runMultiPick } from './quickPick';

/** What to do with customers that already have a picture: check them (replace), leave them unchecked (skip, the user may check them). */
export type ExistingPictures = 'replace' | 'skip';

interface PlanItem<F> extends vscode.QuickPickItem {
  readonly entry?: PlanEntry<F>;
}

/**
 * The plan, before anything is sent: the matched files checked, customers that have a picture unchecked
 * (check to replace), and every file that will not be uploaded with the reason. The checked entries, or
 * undefined when the user dismissed it.
 */
export async function pickPlan<F>(
  entries: readonly PlanEntry<F>[],
  options: { readonly companyName: string; readonly existing: ExistingPictures; readonly passedOver?: string },
): Promise<PlanEntry<F>[] | undefined> {
  const of = (kinds: readonly PlanEntry<F>['kind'][]) => entries.filter((entry) => kinds.includes(entry.kind));
  const items: PlanItem<F>[] = [];
  const group = (title: string, members: readonly PlanEntry<F>[], item: (entry: PlanEntry<F>) => vscode.QuickPickItem) => {
    if (members.length === 0) return;
    items.push({ label: `${title} (${members.length})`, kind: vscode.QuickPickItemKind.Separator });
    for (const entry of members) items.push({ ...item(entry), entry });
  };
  const customerItem = (entry: PlanEntry<F>): vscode.QuickPickItem =>
    'customer' in entry
      ? {
          label: entry.name,
          description: `→ ${inert(entry.customer.number)} · ${inert(entry.customer.displayName)}`,
          detail:
            entry.kind === 'hasPicture'
              ? entry.unknown
                ? vscode.l10n.t('May already have a picture (this API does not tell): check to replace it')
                : vscode.l10n.t('Has a picture: check to replace it')
              : undefined,
        }
      : { label: entry.name };
  const leftOutItem = (entry: PlanEntry<F>): vscode.QuickPickItem => ({
    label: `$(circle-slash) ${entry.name}`,
    detail: 'reason' in entry ? entry.reason : undefined,
  });
  group(vscode.l10n.t('Ready to upload'), of(['ready']), customerItem);
  group(vscode.l10n.t('Customers that already have a picture'), of(['hasPicture']), customerItem);
  group(vscode.l10n.t('No customer with this number'), of(['noCustomer']), leftOutItem);
  group(vscode.l10n.t('Several files for one customer'), of(['duplicate']), leftOutItem);
  group(vscode.l10n.t('Not a picture the service takes'), of(['refused']), leftOutItem);

  const checkable = (item: PlanItem<F>) => item.entry?.kind === 'ready' || item.entry?.kind === 'hasPicture';
  const checked = items.filter((item) => item.entry?.kind === 'ready' || (item.entry?.kind === 'hasPicture' && options.existing === 'replace'));
  const matched = of(['ready', 'hasPicture']).length;
  const picked = await runMultiPick<PlanItem<F>>({
    title: vscode.l10n.t('Pictures for customers of {0}: {1} of {2} files match a customer number', options.companyName, matched, entries.length),
    placeholder:
      vscode.l10n.t('Check the pictures to upload, then press Enter. Nothing is sent before.') + (options.passedOver ? ' ' + options.passedOver : ''),
    items,
    checked,
    checkable,
  });
  return picked?.map((item) => item.entry!);
}
