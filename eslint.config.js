import js from '@eslint/js'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'
import importX from 'eslint-plugin-import-x'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      // resolves `./x.js` to `./x.ts` and workspace packages through their `@sluice/source` condition
      'import-x/resolver-next': [createTypeScriptImportResolver({ noWarnOnMultipleProjects: true, project: ['tsconfig.json', 'packages/*/tsconfig.json', 'adapters/*/tsconfig.json'], conditionNames: ['@sluice/source', 'types', 'import', 'default'] })],
    },
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', performance: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'smart'],
      // the floors go one way: a cycle, even through type imports, means a layer reaches up
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-duplicates': 'error',
    },
  },
  {
    // what tools/build compiles to CommonJS, where import() becomes require(): a local named `require` would shadow it
    files: ['packages/*/src/**/*.ts', 'adapters/*/src/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "VariableDeclarator[id.name='require']", message: 'name it otherwise: the CommonJS build needs `require`' }],
    },
  },
  {
    // the dashboard's page: plain ES modules for the browser, type-checked by packages/dashboard/tsconfig.page.json
    files: ['packages/dashboard/page/**/*.js'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', EventSource: 'readonly', ResizeObserver: 'readonly', uPlot: 'readonly' },
    },
  },
  {
    // the packaging smoke test's scratch apps run outside the workspace as a user's would: CommonJS and Jest
    files: ['test/packaging/app/**/*.{js,cjs,mjs}'],
    languageOptions: { globals: { require: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', test: 'readonly', expect: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['test/packaging/app/**/*.js'], languageOptions: { sourceType: 'commonjs' } },
)
