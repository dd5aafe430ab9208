/**
 * The address book of the customer's account, by path: where a delivery address is looked up,
 * added or changed. Contract v1 has no address-change event, so the page is the evidence; the
 * patterns cover the Dutch, English, German and French words for it, with or without the
 * account prefix, and the steps that write (new, add, edit, change). A checkout's delivery step
 * is no address book: the caller leaves checkout pages out.
 */
const ADDRESS_BOOK =
  /(^|\/)(adres|adressen|adresboek|address|addresses|address-?book|adresse|adresses)(\/|$)/i;
const WRITES =
  /(^|\/)(nieuw|toevoegen|wijzig|wijzigen|bewerken|new|add|create|edit|change|update|neu|bearbeiten|ajouter|modifier)(\/|$)/i;

/** What a request path does in the address book: `edit` adds or changes an address, `view` only looks. */
export type AddressBookStep = 'view' | 'edit';

/** The address-book step a path is, if it is one. */
export function addressBookStep(path: string): AddressBookStep | undefined {
  if (!ADDRESS_BOOK.test(path)) return undefined;
  return WRITES.test(path) ? 'edit' : 'view';
}
