import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', '**/dist/**', 'node_modules/**', '**/*.gen.ts', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['scripts/**/*.mjs', '**/*.mjs', 'tests/**/*.{mjs,ts}', '*.config.{js,ts}', 'app/vite.config.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  // Page tests also hold functions that run in the browser (page.evaluate).
  {
    files: ['tests/pages/**/*.mjs', 'scripts/bench.mjs', 'scripts/lighthouse.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
