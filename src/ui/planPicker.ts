import * as vscode from 'vscode';
import { inert } from '../common/serviceText';
import type { PlanEntry } from '../bulk/plan';
import { BACK, runMultiPick, runQuickPick } from './quickPick';

/** What to do with customers that already have a picture: check them (replace), leave them unchecked (skip, the user may check them). */
export type ExistingPictures = 'replace' | 'skip';

interface PlanItem<F> extends vscode.QuickPickItem {
  readonly entry: PlanEntry<F>;
}

/** What the scan passed over before the plan (files that are not pictures, subfolders): one sentence, and how many. */
export interface PassedOverText {
  readonly text: string;
  readonly count: number;
}

/** Why the plan was left for a moment: the files left out were asked for, or the check-all box would check replacements. */
type Detour<F> = { readonly kind: 'leftOut' } | { readonly kind: 'checkAll'; readonly all: readonly PlanItem<F>[] };

/**
 * The plan, before anything is sent. Its list holds only what can be uploaded: the matched files checked, customers
 * that have a picture unchecked (check to replace). Files that will not be uploaded (a quick pick in VS Code 1.100
 * cannot show a row that cannot be checked) are counted in the title and listed with the reason behind a title
 * button. The check-all box asks before it checks replacements; Enter with nothing checked says so and stays.
 * The checked entries, or undefined when the user dismissed it.
 */
export async function pickPlan<F>(
  entries: readonly PlanEntry<F>[],
  options: {
    readonly companyName: string;
    readonly existing: ExistingPictures;
    readonly passedOver?: PassedOverText;
    /** Replaced pictures are downloaded and kept first (`bcPictures.keepReplacedPictures`): the rows say what that costs. */
    readonly keepsReplaced?: boolean;
    /** What preparing will make of a file ("Sent as 1024×768: rotated, location removed"); undefined where it goes as it is. */
    readonly preparation?: (file: F) => string | undefined;
  },
): Promise<PlanEntry<F>[] | undefined> {
  const items: (PlanItem<F> | vscode.QuickPickItem)[] = [];
  const rows: PlanItem<F>[] = [];
  const group = (title: string, members: readonly PlanEntry<F>[]) => {
    if (members.length === 0) return;
    items.push({ label: `${title} (${members.length})`, kind: vscode.QuickPickItemKind.Separator });
    for (const entry of members) {
      const row: PlanItem<F> = { ...rowOf(entry, options.keepsReplaced ?? false, options.preparation), entry };
      items.push(row);
      rows.push(row);
    }
  };
  group(vscode.l10n.t('Ready to upload'), entries.filter((entry) => entry.kind === 'ready'));
  group(vscode.l10n.t('Customers that already have a picture'), entries.filter((entry) => entry.kind === 'hasPicture'));
  const leftOut = entries.filter((entry) => 'reason' in entry);
  const leftOutCount = leftOut.length + (options.passedOver?.count ?? 0);
  const leftOutButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('warning'), tooltip: vscode.l10n.t('Left out of the plan ({0}): see why', leftOutCount) };
  const isReplacement = (row: PlanItem<F>) => row.entry.kind === 'hasPicture';

  let state: { checked: readonly PlanItem<F>[]; value?: string; active?: PlanItem<F> } = {
    checked: rows.filter((row) => !isReplacement(row) || options.existing === 'replace'),
  };
  for (;;) {
    const end = await runMultiPick<PlanItem<F>, Detour<F>>({
      title: vscode.l10n.t('Pictures for customers of {0}: {1} of {2} files match a customer number', options.companyName, rows.length, entries.length),
      placeholder: vscode.l10n.t('Check what to upload; nothing is sent before Enter'),
      items: items as PlanItem<F>[],
      ...state,
      buttons: leftOutCount > 0 ? [{ button: leftOutButton, why: { kind: 'leftOut' } }] : [],
      // The check-all box checks every row shown; replacing pictures is a choice of its own.
      checkMany: (before, after) => (after.some((row) => isReplacement(row) && !before.includes(row)) ? { leave: { kind: 'checkAll', all: after } } : after),
      refuse: (checked) => (checked.length === 0 ? vscode.l10n.t('Nothing is checked: check the pictures to upload, or press Escape to leave without uploading') : undefined),
    });
    if (!end) return undefined;
    if (end.kind === 'accepted') return end.checked.map((row) => row.entry);
    state = { checked: end.checked, value: end.value, active: end.active };
    if (end.why.kind === 'leftOut') {
      if (!(await showLeftOut(leftOut, options.passedOver, leftOutCount))) return undefined;
      continue;
    }
    const { all } = end.why;
    const newOnly = all.filter((row) => !isReplacement(row) || end.checked.includes(row));
    const checked = await askCheckAll(newOnly, all, options.keepsReplaced ?? false);
    if (checked === undefined) return undefined;
    if (checked !== BACK) state = { ...state, checked };
  }
}

function rowOf<F>(entry: PlanEntry<F>, keepsReplaced: boolean, preparation?: (file: F) => string | undefined): vscode.QuickPickItem {
  if (!('customer' in entry)) return { label: entry.name };
  const prepared = preparation?.(entry.file);
  const replace =
    entry.kind !== 'hasPicture'
      ? undefined
      : entry.unknown
        ? vscode.l10n.t('May already have a picture (this API does not tell): check to replace it')
        : vscode.l10n.t('Has a picture: check to replace it');
  return {
    label: entry.name,
    description: `→ ${inert(entry.customer.number)} · ${inert(entry.customer.displayName)}`,
    // Keeping costs a download a replaced picture: said where the choice is made.
    detail: [replace && keepsReplaced ? `${replace}. ${vscode.l10n.t('Its current picture is downloaded and kept on this computer first (one more request).')}` : replace, prepared]
      .filter((part) => part)
      .join(' · ') || undefined,
  };
}

interface CheckAllChoice<T> extends vscode.QuickPickItem {
  readonly checked: readonly T[];
}

/**
 * The check-all box would check customers that have a picture: which rows to check. BACK (or Back) leaves the plan as
 * it was; undefined when dismissed.
 */
async function askCheckAll<T extends PlanItem<unknown>>(newOnly: readonly T[], all: readonly T[], keepsReplaced: boolean): Promise<readonly T[] | typeof BACK | undefined> {
  const replacing = all.length - newOnly.length;
  const choices: CheckAllChoice<T>[] = [
    {
      iconPath: new vscode.ThemeIcon('check'),
      label: vscode.l10n.t('Check the new pictures only'),
      detail: vscode.l10n.t('{0} checked. The {1} customers that have a picture stay unchecked: check each one to replace its picture.', newOnly.length, replacing),
      checked: newOnly,
    },
    {
      iconPath: new vscode.ThemeIcon('replace'),
      label: vscode.l10n.t('Check all: also replace the pictures of {0} customers', replacing),
      detail: keepsReplaced
        ? vscode.l10n.t('The pictures these {0} customers have now are replaced by the files; each is downloaded and kept on this computer first (one more request each).', replacing)
        : vscode.l10n.t('The pictures these {0} customers have now are replaced by the files.', replacing),
      checked: all,
    },
    { iconPath: new vscode.ThemeIcon('close'), label: vscode.l10n.t('Uncheck all'), checked: [] },
  ];
  return runQuickPick<CheckAllChoice<T>, readonly T[]>(
    {
      title: vscode.l10n.t('Check all? {0} of the customers already have a picture', replacing),
      placeholder: vscode.l10n.t('Which pictures should be checked?'),
      canGoBack: true,
    },
    (quickPick) => {
      quickPick.items = choices;
      quickPick.matchOnDescription = false;
    },
    (choice) => choice.checked,
  );
}

/** The files the plan leaves out, each with why; true to go back to the plan (Enter or Back), false when dismissed. */
async function showLeftOut<F>(leftOut: readonly PlanEntry<F>[], passedOver: PassedOverText | undefined, count: number): Promise<boolean> {
  const items: vscode.QuickPickItem[] = [];
  const group = (title: string, members: readonly PlanEntry<F>[]) => {
    if (members.length === 0) return;
    items.push({ label: `${title} (${members.length})`, kind: vscode.QuickPickItemKind.Separator });
    for (const entry of members) items.push({ iconPath: new vscode.ThemeIcon('circle-slash'), label: entry.name, detail: 'reason' in entry ? entry.reason : undefined });
  };
  group(vscode.l10n.t("Not named after a customer's number"), leftOut.filter((entry) => entry.kind === 'noCustomer'));
  group(vscode.l10n.t('Several files for one customer'), leftOut.filter((entry) => entry.kind === 'duplicate'));
  group(vscode.l10n.t('Not a picture the service takes'), leftOut.filter((entry) => entry.kind === 'refused'));
  if (passedOver) {
    items.push({ label: `${vscode.l10n.t('Not read')} (${passedOver.count})`, kind: vscode.QuickPickItemKind.Separator });
    items.push({ iconPath: new vscode.ThemeIcon('info'), label: passedOver.text });
  }
  const back = await runQuickPick<vscode.QuickPickItem, true>(
    {
      title: vscode.l10n.t('Left out of the plan ({0}), and why', count),
      placeholder: vscode.l10n.t('Enter or Back goes back to the plan'),
      canGoBack: true,
    },
    (quickPick) => {
      quickPick.items = items;
      quickPick.matchOnDetail = true;
    },
    () => true,
  );
  return back !== undefined;
}
