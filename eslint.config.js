// One flat config for the repo. Per-folder blocks enforce the dependency rules in docs/architecture.md.
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@weft/*/src/*', '@weft/*/src'],
              message: 'Import packages through their index.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests poke at loosely typed YAML values; `any` there keeps assertions readable.
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts', 'packages/core/src/testing/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-globals': [
        'error',
        'process',
        'setTimeout',
        'setInterval',
        'window',
        'document',
        'fetch',
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'react', 'hono', '@weft/*'],
              message: '@weft/core is pure: no I/O, framework or app imports.',
            },
          ],
        },
      ],
    },
  },
  {
    // Storage is shared by the server and the CLI: it may not reach into an app (its logger is a
    // structural interface of its own), and only tests and src/testing may use @weft/core.
    files: ['packages/storage/src/**/*.ts'],
    ignores: ['packages/storage/src/**/*.test.ts', 'packages/storage/src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@weft/*', '!@weft/storage', '**/apps/**', '../../*'],
              message: '@weft/storage stands alone: no app, no other workspace package.',
            },
          ],
        },
      ],
    },
  },
)
