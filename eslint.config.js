import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'coverage/', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@slack/*', 'discord.js', 'undici', 'pg', 'better-sqlite3', 'kysely', 'pino'], message: 'src/core stays free of transports, chat SDKs and drivers.' },
            { group: ['**/adapters/**', '**/hf/**', '**/store/**', '**/config', '**/main'], message: 'src/core must not import outer layers.' },
          ],
        },
      ],
    },
  },
);
