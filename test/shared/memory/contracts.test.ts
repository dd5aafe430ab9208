import { InMemoryDecisionLog } from '../../../src/shared/memory/decisions.ts';
import { InMemoryProfileStore } from '../../../src/shared/memory/profiles.ts';
import { InMemorySubjectData } from '../../support/memory-subject-data.ts';
import { InMemoryEntityLists } from '../../../src/shared/memory/entity-lists.ts';
import { describeEntityListsContract } from '../ports/entity-lists.contract.ts';
import { describeDecisionLogContract } from '../ports/decisions.contract.ts';
import { describeProfileStoreContract } from '../ports/profiles.contract.ts';
import { describeSubjectDataContract } from '../ports/subject-data.contract.ts';
import { describeMapKeysContract } from '../ports/map-keys.contract.ts';

const subjectData = async () => {
  const store = new InMemorySubjectData();
  return { store: { profiles: store, subjects: store }, close: async () => {} };
};

describeProfileStoreContract('in-memory', async () => ({
  store: new InMemoryProfileStore(),
  close: async () => {},
}));

describeDecisionLogContract('in-memory', async () => ({
  store: new InMemoryDecisionLog(),
  close: async () => {},
}));

describeSubjectDataContract('in-memory', subjectData);

describeMapKeysContract('in-memory', subjectData, 200);

describeEntityListsContract('in-memory', async () => ({
  store: new InMemoryEntityLists(),
  close: async () => {},
}));
