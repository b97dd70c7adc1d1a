import * as vscode from 'vscode';
import type { Company, Customer } from '../api/types';
import { failureMessage } from '../ui/failures';
import { findDirect, pickCompany, pickCustomer } from '../ui/pickers';
import { BACK } from '../ui/quickPick';
import { RecentChoices } from '../ui/recent';
import { connect, type Connection } from './connection';
import type { CommandContext } from '.';

/** Lets tests, tasks and keybindings skip the pickers. */
export interface PictureTarget {
  readonly companyId?: string;
  readonly customerId?: string;
  readonly customerNumber?: string;
}

/** Commands without a file take the target first; a Uri (from a menu) or anything else is no target. */
export function asTarget(value: unknown): PictureTarget | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof vscode.Uri) return undefined;
  const { companyId, customerId, customerNumber } = value as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  return { companyId: text(companyId), customerId: text(customerId), customerNumber: text(customerNumber) };
}

/** Company then customer, each skipped where the target names it or there is nothing to choose. */
export async function chooseCustomer(
  connection: Connection,
  recent: RecentChoices,
  target: PictureTarget | undefined,
): Promise<{ company: Company; customer: Customer } | undefined> {
  const { service } = connection;
  const companies = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Loading Business Central companies…') },
    () => service.listCompanies(),
  );
  if (companies.length === 0) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('The environment "{0}" has no companies you can see. Check the environment setting and your permissions.', connection.settings.environment),
    );
    return undefined;
  }
  const named = target?.companyId ? companies.find((c) => c.id.toLowerCase() === target.companyId!.toLowerCase()) : undefined;
  if (target?.companyId && !named) {
    void vscode.window.showErrorMessage(vscode.l10n.t('No company with the id {0} in the environment "{1}".', target.companyId, connection.settings.environment));
    return undefined;
  }
  const skipCompany = named !== undefined || companies.length === 1;
  for (;;) {
    const company = named ?? (companies.length === 1 ? companies[0] : await pickCompany(companies, recent.companyId, { step: 1, totalSteps: 2 }));
    if (!company) return undefined;
    if (target?.customerId) return { company, customer: await service.getCustomer(company.id, target.customerId) };
    if (target?.customerNumber) {
      const customer = await findDirect(service, company.id, target.customerNumber);
      if (!customer) {
        void vscode.window.showErrorMessage(
          vscode.l10n.t('{0} has no customer with the number "{1}". Check the number, or pick the customer from the list.', company.displayName, target.customerNumber),
        );
        return undefined;
      }
      return { company, customer };
    }
    const customer = await pickCustomer(service, {
      company,
      recent: recent.customers(company.id),
      step: skipCompany ? { step: 1, totalSteps: 1 } : { step: 2, totalSteps: 2 },
      canGoBack: !skipCompany,
      title: vscode.l10n.t('Select the Customer of {0}', company.displayName),
      onError: failureMessage,
    });
    if (customer === BACK) continue;
    return customer ? { company, customer } : undefined;
  }
}

/** Signs in, then company and customer: how the commands without a file start. Undefined when the user stopped. */
export async function connectToCustomer(
  services: CommandContext,
  target: PictureTarget | undefined,
): Promise<{ connection: Connection; recent: RecentChoices; company: Company; customer: Customer } | undefined> {
  const connection = await connect(services);
  const recent = new RecentChoices(services.context.globalState, connection.scope);
  const chosen = await chooseCustomer(connection, recent, target);
  return chosen && { connection, recent, ...chosen };
}
