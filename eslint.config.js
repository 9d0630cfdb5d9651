// One linter, zero warnings (`npm run lint`). Besides the usual checks it enforces the layers of
// ARCHITECTURE.md: who may import whom.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

const layer = (files, patterns, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
  },
})

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', '.tsbuild/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  layer(['src/domain/**'], ['react', 'react-dom', 'dexie', 'y-indexeddb', 'y-websocket', '**/storage/**', '**/sync/**', '**/ui/**', 'node:*'], 'src/domain imports yjs only (ARCHITECTURE.md)'),
  layer(['src/storage/**'], ['react', 'react-dom', 'y-websocket', '**/sync/**', '**/ui/**', 'node:*'], 'src/storage may import the domain only'),
  layer(['src/sync/**'], ['react', 'react-dom', '**/ui/**', 'node:*'], 'src/sync may import domain and storage only'),
  layer(['sync-server/**'], ['**/src/domain/**', '**/src/storage/**', '**/src/ui/**', '**/src/sync/connection*', '**/src/sync/index*'], 'the relay reads the shared wire format (src/sync/wire.ts) and nothing else from src/'),
)
