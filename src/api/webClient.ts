// The Business Central web client's address of a customer card, where one can be formed (online only).
import type { Company, Customer } from './types';

const CUSTOMER_CARD_PAGE = 21;

export function customerCardUrl(
  settings: { serviceUrl: string; tenant: string; environment: string },
  company: Company,
  customer: Customer,
): string | undefined {
  // On-premises servers and emulators have their own web client addresses, which the API does not tell.
  if (settings.serviceUrl) return undefined;
  const path = [settings.tenant, settings.environment].filter(Boolean).map(encodeURIComponent).join('/');
  const filter = `'No.' IS '${customer.number.replace(/'/g, "''")}'`;
  return `https://businesscentral.dynamics.com/${path}/?company=${encodeURIComponent(company.name)}&page=${CUSTOMER_CARD_PAGE}&filter=${encodeURIComponent(filter)}`;
}
