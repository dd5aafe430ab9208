import { InMemoryProfileStore } from '../../src/shared/profile/memory-store.ts';
import { describeProfileStoreContract } from './profile-store.contract.ts';

describeProfileStoreContract('in-memory', async () => ({
  store: new InMemoryProfileStore(),
  close: async () => {},
}));
