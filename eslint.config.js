// Lint: typescript-eslint recommended + the layer boundaries of style.md §3.2.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/*.db*', 'web/dist/', 'coverage/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['common/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../../server/*', '../server/*', '../../agent/*', '../agent/*', 'kysely', 'node:fs', 'fs'], message: 'common/ holds contracts only: no server/agent code, no I/O' }] }],
    },
  },
  {
    files: ['agent/**/*.ts', 'web/**/*.ts', 'web/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/*'], message: 'agent/ and web/ may import common/ only' }] }],
    },
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/db/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'better-sqlite3', message: 'only server/db/ opens the database' }, { name: 'pg', message: 'only server/db/ opens the database' }] }],
    },
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/config/**', 'server/cli/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'only server/config/ reads process.env; take the config slice as an argument' }],
    },
  },
);
