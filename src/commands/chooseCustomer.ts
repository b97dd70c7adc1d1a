import * as vscode from 'vscode';
import { cancellableRead } from '../ui/progress';
import { inert } from '../common/serviceText';
import type { Company, Customer } from '../api/types';
import { failureMessage } from '../ui/failures';
import { findDirect, pickCompany, pickCustomer } from '../ui/pickers';
import { BACK } from '../ui/quickPick';
import { RecentChoices } from '../local/recent';
import { companiesPlace, type ConnectionSettings } from '../local/settings';
import type { Connection } from './connection';
import type { CommandContext, PictureTarget } from './context';

/** Commands without a file take the target first; a Uri (from a menu) or anything else is no target. */
export function asTarget(value: unknown): PictureTarget | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof vscode.Uri) return undefined;
  const { companyId, customerId, customerNumber } = value as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  return { companyId: text(companyId), customerId: text(customerId), customerNumber: text(customerNumber) };
}

/**
 * The environment's companies, and the one `companyId` names (if given). Undefined, after telling the user,
 * when there is no company to work with or the named one does not exist.
 */
async function loadCompanies(connection: Connection, companyId: string | undefined): Promise<Loaded | undefined> {
  const companies = await cancellableRead(vscode.l10n.t('Loading Business Central companies…'), (signal) => connection.service.listCompanies({ signal }), connection.prompts);
  if (companies.length === 0) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('The environment "{0}" has no companies you can see. Check the environment setting and your permissions.', connection.settings.environment),
    );
    return undefined;
  }
  if (!companyId) return { companies };
  const named = companies.find((c) => c.id.toLowerCase() === companyId.toLowerCase());
  if (!named) {
    void vscode.window.showErrorMessage(vscode.l10n.t('No company with the id {0} in the environment "{1}".', companyId, connection.settings.environment));
    return undefined;
  }
  return { companies, named };
}

type Loaded = { companies: Company[]; named?: Company };

/** Where the companies are, for their description: "environment production", or on-premises "server bc.contoso.com". */
function companiesWhere(settings: ConnectionSettings): string {
  const place = companiesPlace(settings);
  return place.kind === 'server' ? vscode.l10n.t('server {0}', place.name) : vscode.l10n.t('environment {0}', place.name);
}

/** The company named by the caller or the only one, else the one the user picks (step 1 of `totalSteps`). */
async function companyOf(connection: Connection, loaded: Loaded, recent: RecentChoices, totalSteps: number): Promise<{ company: Company; picked: boolean } | undefined> {
  const only = loaded.named ?? (loaded.companies.length === 1 ? loaded.companies[0] : undefined);
  if (only) return { company: only, picked: false };
  const company = await pickCompany(loaded.companies, recent.companyId, { step: 1, totalSteps }, companiesWhere(connection.settings));
  return company ? { company, picked: true } : undefined;
}

/** The company for commands whose next step is not a customer (many pictures at once). */
export async function chooseCompany(connection: Connection, recent: RecentChoices, companyId: string | undefined): Promise<Company | undefined> {
  const loaded = await loadCompanies(connection, companyId);
  return loaded && (await companyOf(connection, loaded, recent, 2))?.company;
}

/** Company then customer, each skipped where the target names it or there is nothing to choose. */
export async function chooseCustomer(
  connection: Connection,
  recent: RecentChoices,
  target: PictureTarget | undefined,
): Promise<{ company: Company; customer: Customer } | undefined> {
  const { service } = connection;
  const loaded = await loadCompanies(connection, target?.companyId);
  if (!loaded) return undefined;
  for (;;) {
    const chosen = await companyOf(connection, loaded, recent, 2);
    if (!chosen) return undefined;
    const { company, picked } = chosen;
    if (target?.customerId) return { company, customer: await service.getCustomer(company.id, target.customerId) };
    if (target?.customerNumber) {
      const customer = await findDirect(service, company.id, target.customerNumber);
      if (!customer) {
        void vscode.window.showErrorMessage(
          vscode.l10n.t('{0} has no customer with the number "{1}". Check the number, or pick the customer from the list.', inert(company.displayName), target.customerNumber),
        );
        return undefined;
      }
      return { company, customer };
    }
    const customer = await pickCustomer(service, {
      company,
      recent: recent.customers(company.id),
      step: picked ? { step: 2, totalSteps: 2 } : { step: 1, totalSteps: 1 },
      canGoBack: picked,
      title: vscode.l10n.t('Select the Customer of {0}', inert(company.displayName)),
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
  const connection = await services.connections.get();
  const recent = new RecentChoices(services.context.globalState, connection.scope);
  const chosen = await chooseCustomer(connection, recent, target);
  return chosen && { connection, recent, ...chosen };
}
