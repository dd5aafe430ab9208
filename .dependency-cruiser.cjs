/**
 * The import rules of docs/architecture.md, checked by `npm run lint` (dependency-cruiser).
 * Layers, lowest first: shared <- rules <- application (pipeline, rights, api) <- entry points
 * (functions, cli, local, infra, bench, scripts). Every arrow that must never exist is a rule.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const layer = (name) => `^src/${name}/`;
const ENTRY = '^(functions|infra|bench|scripts|bin)/|^src/(cli|local|eval)/';
/** Traffic generators: for the CLI, the bench and the evaluation, never for the deployed code. */
const GENERATORS = '^src/demo/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle ties modules that should be apart: move the shared part down.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-imports-only-shared',
      severity: 'error',
      comment: 'src/shared is the bottom layer: contract, facts, pseudonymisation, IP data, ports, adapters.',
      from: { path: layer('shared') },
      to: { path: '^(src|functions|infra|bench|scripts|bin)/', pathNot: layer('shared') },
    },
    {
      name: 'rules-import-only-shared',
      severity: 'error',
      comment: 'Rules are pure functions over facts and profiles: no application, no entry point.',
      from: { path: layer('rules') },
      to: {
        path: '^(src|functions|infra|bench|scripts|bin)/',
        pathNot: `${layer('rules')}|${layer('shared')}`,
      },
    },
    {
      name: 'ip-data-builder-imports-only-shared',
      severity: 'error',
      comment: 'Build-time code reads the runtime formats, never the other way round.',
      from: { path: layer('ip-data-builder') },
      to: {
        path: '^(src|functions|infra|bench|scripts|bin)/',
        pathNot: `${layer('ip-data-builder')}|${layer('shared')}`,
      },
    },
    {
      name: 'runtime-never-imports-the-builder',
      severity: 'error',
      comment:
        'The functions read the tables the builder wrote; the builder is for npm ci, the CLI and cdk synth.',
      from: {
        path: `^functions/|${layer('pipeline')}|${layer('rights')}|${layer('api')}|${layer('rules')}|${layer('shared')}`,
      },
      to: { path: layer('ip-data-builder') },
    },
    {
      name: 'pipeline-and-rights-below-api',
      severity: 'error',
      comment: 'The detection pipeline and the rights service know nothing of HTTP or of entry points.',
      from: { path: `${layer('pipeline')}|${layer('rights')}` },
      to: { path: `${layer('api')}|${ENTRY}|${GENERATORS}` },
    },
    {
      name: 'generators-below-entry-points',
      severity: 'error',
      comment:
        'The traffic generators build on the contract and the pipeline, never on HTTP or an entry point.',
      from: { path: GENERATORS },
      to: { path: `${layer('api')}|${ENTRY}` },
    },
    {
      name: 'api-below-entry-points',
      severity: 'error',
      comment: 'The HTTP layer serves Lambda and the local gateway alike: it imports no entry point.',
      from: { path: layer('api') },
      to: { path: `${ENTRY}|${GENERATORS}` },
    },
    {
      name: 'functions-are-independent',
      severity: 'error',
      comment:
        'A Lambda entry imports the layers below, never another entry point, the CLI or the local stack.',
      from: { path: '^functions/' },
      to: { path: ENTRY, pathNot: '^functions/' },
    },
    {
      name: 'console-talks-http-only',
      severity: 'error',
      comment:
        'The analyst console runs in the browser and reaches the server over its HTTP APIs only: of the server it imports types (erased from the bundle), and its build config the folder it builds into.',
      from: { path: layer('console'), pathNot: '^src/console/vite\\.config\\.ts$' },
      to: {
        path: '^(src|functions|infra|bench|scripts|bin)/',
        pathNot: layer('console'),
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'server-never-imports-the-console',
      severity: 'error',
      comment: 'The console is a browser app: the server serves its built files, never its modules.',
      from: { path: '^(src|functions|infra)/', pathNot: layer('console') },
      to: { path: layer('console') },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      comment: 'Test doubles and factories live under test/.',
      from: { path: '^(src|functions|infra)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk\\.out|\\.vigil)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
