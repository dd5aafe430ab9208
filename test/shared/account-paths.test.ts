import { describe, expect, it } from 'vitest';
import { addressBookStep } from '../../src/shared/account-paths.ts';

describe('addressBookStep', () => {
  it.each([
    ['/account/adressen', 'view'],
    ['/account/adressen/nieuw', 'edit'],
    ['/mijn-account/adresboek/wijzigen', 'edit'],
    ['/account/addresses', 'view'],
    ['/account/address-book/add', 'edit'],
    ['/konto/adressen/neu', 'edit'],
    ['/compte/adresses/ajouter', 'edit'],
  ])('reads %s as the address book (%s)', (path, step) => {
    expect(addressBookStep(path)).toBe(step);
  });

  it.each(['/account', '/account/bestellingen', '/p/adres-etiketten/7301', '/c/tuin', '/'])(
    'leaves %s alone',
    (path) => {
      expect(addressBookStep(path)).toBeUndefined();
    },
  );
});
