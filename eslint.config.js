// One linter for the workspace, with type-aware rules (typescript-eslint's project service).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // House rule 1: a package is used only through its public entry, never its src/ or dist/.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@rhn/[a-z-]+/(src|dist)(/|$)',
              message: "Import another package through its public entry ('@rhn/<name>'), not its src/ or dist/.",
            },
            {
              regex: '^(\\.\\./)+(protocols|firmware-sim|edge-agent|aggregator|ledger)/(src|dist)(/|$)',
              message: "Import another package through its public entry ('@rhn/<name>'), not by a relative path into it.",
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // House rule 10: library code logs through the injected logger.
      'no-console': 'error',
    },
  },
  {
    // CLIs speak to people on stdout/stderr.
    files: ['**/src/cli/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/test/**/*.ts', 'test/**/*.ts', '**/bench/**/*.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
)
