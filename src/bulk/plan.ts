/**
 * Pictures by customer number: which file goes to which customer (a file's base name is the customer's number,
 * compared without regard to case), and what is left out and why.
 */
import * as l10n from '../common/l10n';
import type { Customer } from '../api/types';
import { CUSTOMER_NUMBER_MAX_LENGTH, normalizeCustomerNumber } from '../api/urls';

/** The customer number a file name stands for: the name without its last extension, or undefined when empty. */
export function customerNumberOf(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf('.');
  const base = (dot > 0 ? fileName.slice(0, dot) : fileName).trim();
  return base.length > 0 ? base : undefined;
}

/**
 * The numbers to ask the service for: upper-cased as Business Central stores them (it compares exactly), without
 * repeats, and without names longer than a number can be (one such literal would fail the whole request).
 */
export function numbersToLookUp(numbers: readonly string[]): string[] {
  return [...new Set(numbers.flatMap((number) => normalizeCustomerNumber(number) ?? []))];
}

/** A file as the plan sees it: its name, and why inspection refused it (if it did). */
export interface PlanFile<F> {
  readonly file: F;
  readonly name: string;
  readonly refusal?: string;
}

export type PlanEntry<F> =
  /** Matched to a customer without a picture. */
  | { readonly kind: 'ready'; readonly file: F; readonly name: string; readonly customer: Customer }
  /** Matched to a customer that has a picture (or may have one: `unknown` where the service does not tell). */
  | { readonly kind: 'hasPicture'; readonly file: F; readonly name: string; readonly customer: Customer; readonly unknown: boolean }
  | { readonly kind: 'noCustomer' | 'duplicate' | 'refused'; readonly file: F; readonly name: string; readonly reason: string };

/** One entry per file, in the files' order: refused images first decided, then unknown numbers, then files that name the same customer. */
export function matchFiles<F>(files: readonly PlanFile<F>[], customers: readonly Customer[]): PlanEntry<F>[] {
  const exact = new Map(customers.map((customer) => [customer.number, customer]));
  const folded = new Map<string, Customer[]>();
  for (const customer of customers) {
    const key = customer.number.toLowerCase();
    folded.set(key, [...(folded.get(key) ?? []), customer]);
  }
  const customerOf = (number: string): Customer | undefined => {
    // Exact first; a case-insensitive match only when it is the only one.
    const same = folded.get(number.toLowerCase()) ?? [];
    return exact.get(number) ?? (same.length === 1 ? same[0] : undefined);
  };
  const matched = files.map((file) => {
    const number = customerNumberOf(file.name);
    return { file, customer: number === undefined ? undefined : customerOf(number), number };
  });
  const filesPerCustomer = new Map<string, string[]>();
  for (const { file, customer } of matched) {
    if (customer && !file.refusal) filesPerCustomer.set(customer.id, [...(filesPerCustomer.get(customer.id) ?? []), file.name]);
  }
  return matched.map(({ file, customer, number }): PlanEntry<F> => {
    const base = { file: file.file, name: file.name };
    if (file.refusal) return { ...base, kind: 'refused', reason: file.refusal };
    if (!customer) return { ...base, kind: 'noCustomer', reason: whyNoCustomer(file.name, number) };
    const names = filesPerCustomer.get(customer.id) ?? [];
    if (names.length > 1) {
      return {
        ...base,
        kind: 'duplicate',
        reason: l10n.t('{0} files name customer {1}: {2}. Keep one of them.', names.length, customer.number, names.join(', ')),
      };
    }
    if (customer.hasPicture === false) return { ...base, kind: 'ready', customer };
    return { ...base, kind: 'hasPicture', customer, unknown: customer.hasPicture === undefined };
  });
}

/**
 * Why no customer matched a file: a name too long for a number (Code[20]), a name that is a word rather than a number
 * (no digit: "logo"), or a number no customer has.
 */
function whyNoCustomer(fileName: string, number: string | undefined): string {
  if (number !== undefined && number.length > CUSTOMER_NUMBER_MAX_LENGTH) {
    return l10n.t('"{0}" is longer than {1} characters, so it cannot be a customer number. Rename the file to the customer\'s number.', number, CUSTOMER_NUMBER_MAX_LENGTH);
  }
  if (number === undefined || !/\p{Nd}/u.test(number)) {
    const dot = fileName.lastIndexOf('.');
    const extension = dot > 0 ? fileName.slice(dot) : '';
    return l10n.t('The name "{0}" is not a customer number: name the file after one, such as 10000{1}.', number ?? fileName, extension);
  }
  return l10n.t('No customer has the number "{0}". Rename the file to the customer\'s number.', number);
}
