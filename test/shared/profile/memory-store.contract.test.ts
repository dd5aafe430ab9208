import { InMemoryProfileStore } from '../../../src/shared/profile/memory-store.ts';
import { describeProfileStoreContract } from './profile-store.contract.ts';
import { describeSubjectDataContract } from './subject-data.contract.ts';
import { describeMapKeysContract } from './map-keys.contract.ts';

describeProfileStoreContract('in-memory', async () => ({
  store: new InMemoryProfileStore(),
  close: async () => {},
}));

describeSubjectDataContract('in-memory', async () => ({
  store: new InMemoryProfileStore(),
  close: async () => {},
}));

describeMapKeysContract(
  'in-memory',
  async () => ({ store: new InMemoryProfileStore(), close: async () => {} }),
  200,
);
