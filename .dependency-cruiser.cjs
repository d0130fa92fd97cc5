/**
 * The dependency direction of docs/architecture.md, enforced: `npm run lint` fails on any
 * forbidden import. shared ← sync ← edge, cloud; UIs import only shared; edge and cloud never
 * import each other; only edge/src/db touches SQLite; sync imports no driver, database or HTTP
 * library.
 */
const DRIVERS = '^(better-sqlite3|pg|pg-.*|@electric-sql/.*|fastify|@fastify/.*|mqtt|serialport|@serialport/.*|onoff|@influxdata/.*|jsonwebtoken|@node-rs/.*|(node:)?(fs|net|http|https|child_process|dgram))$';

module.exports = {
  forbidden: [
    {
      name: 'shared-imports-only-zod',
      comment: 'shared/ is imported by everything, browsers included: only zod, @noble/hashes and ulid, and itself.',
      severity: 'error',
      from: { path: '^shared/(src|scripts)/' },
      to: { pathNot: ['^shared/', '^node_modules/(zod|@noble/hashes|ulid)/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'shared-src-no-node-builtins',
      comment: 'shared/src runs in browsers too.',
      severity: 'error',
      from: { path: '^shared/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'sync-is-pure',
      comment: 'sync/ is the protocol only: storage and transport come in through interfaces.',
      severity: 'error',
      from: { path: '^sync/src/' },
      to: { path: ['^(edge|cloud|infra)/'] },
    },
    {
      name: 'sync-no-drivers',
      severity: 'error',
      from: { path: '^sync/src/' },
      to: { path: DRIVERS },
    },
    {
      name: 'sync-no-driver-packages',
      severity: 'error',
      from: { path: '^sync/src/' },
      to: { path: '^node_modules/(@types/)?(better-sqlite3|pg|fastify|@fastify|mqtt|serialport|@serialport|onoff|@influxdata|jsonwebtoken)/' },
    },
    {
      name: 'edge-not-cloud',
      comment: 'The edge runs on the farm and must never depend on cloud code.',
      severity: 'error',
      from: { path: '^edge/' },
      to: { path: '^cloud/' },
    },
    {
      name: 'cloud-not-edge',
      severity: 'error',
      from: { path: '^cloud/' },
      to: { path: '^edge/' },
    },
    {
      name: 'only-edge-db-touches-sqlite',
      comment: 'edge/src/db is the only importer of better-sqlite3 (one writer, one place for SQL).',
      severity: 'error',
      from: { path: '^edge/src/', pathNot: '^edge/src/db/' },
      to: { path: '^node_modules/(@types/)?better-sqlite3/' },
    },
    {
      name: 'uis-import-only-shared',
      comment: 'Web UIs run in browsers and speak to the server over HTTP only.',
      severity: 'error',
      from: { path: '^(edge/ui|cloud/dashboard)/' },
      to: { path: '^(edge/src|cloud/src|sync|infra)/' },
    },
    {
      name: 'dashboard-imports-only-shared-and-browser-libraries',
      comment: 'The owners\' dashboard runs in browsers: its own files, @tokkatot/shared and browser libraries, no Node built-ins.',
      severity: 'error',
      from: { path: '^cloud/dashboard/src/' },
      to: { pathNot: ['^cloud/dashboard/src/', '^shared/src/', '^node_modules/(preact|htm|uplot|rxdb|rxjs|dexie|@fontsource)/'] },
    },
    {
      name: 'nothing-imports-infra',
      severity: 'error',
      from: { pathNot: '^infra/' },
      to: { path: '^infra/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
