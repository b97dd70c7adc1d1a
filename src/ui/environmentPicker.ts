import * as vscode from 'vscode';
import { inert } from '../common/serviceText';
import type { Environment } from '../api/types';
import { BACK, runQuickPick } from './quickPick';

interface EnvironmentItem extends vscode.QuickPickItem {
  readonly environment: Environment;
}

function typeLabel(type: string): string {
  if (type === 'Production') return vscode.l10n.t('Production');
  if (type === 'Sandbox') return vscode.l10n.t('Sandbox');
  return type;
}

/** The tenant's environments, the current one first and preselected; undefined when dismissed. */
export async function pickEnvironment(environments: readonly Environment[], current: string): Promise<Environment | undefined> {
  const isCurrent = (e: Environment) => e.name.toLowerCase() === current.toLowerCase();
  const ordered = [...environments].sort((a, b) => Number(isCurrent(b)) - Number(isCurrent(a)) || a.name.localeCompare(b.name));
  const items: EnvironmentItem[] = ordered.map((environment) => ({
    label: inert(environment.name),
    description: [typeLabel(environment.type), environment.countryCode].filter(Boolean).map(inert).join(' · '),
    detail: isCurrent(environment) ? vscode.l10n.t('Current environment') : undefined,
    iconPath: new vscode.ThemeIcon(isCurrent(environment) ? 'check' : 'organization'),
    environment,
  }));
  const picked = await runQuickPick<EnvironmentItem, Environment>(
    { title: vscode.l10n.t('Select the Business Central Environment'), placeholder: vscode.l10n.t('Type to filter environments by name, type or country') },
    (quickPick) => {
      quickPick.items = items;
      quickPick.activeItems = items.slice(0, 1);
    },
    (item) => item.environment,
  );
  return picked === BACK ? undefined : picked;
}
