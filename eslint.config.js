import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const LAYERS = ['cli', 'server', 'runtime', 'graphs', 'agents', 'rag', 'store']
const layerRules = () =>
  LAYERS.map((layer, i) => ({
    files: [`${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: LAYERS.slice(0, i).map((up) => ({
          group: [`**/${up}/**`, `../${up}`, `../../${up}`],
          message: `${layer}/ may not import ${up}/ (imports point cli → server → runtime → graphs → agents → rag → store)`,
        })),
      }],
    },
  }))

export default tseslint.config(
  { ignores: ['node_modules/**', '.switchyard/**', 'bench/peer/**', 'coverage/**', 'scratch/**', 'examples/ts-sample/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error',
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` map or a union instead of enum.' },
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  { files: ['*.config.ts', '*.config.js'], rules: { 'no-restricted-syntax': 'off' } },
  // imports point one way: cli → server → runtime → graphs → agents → rag → store
  ...layerRules(),
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
)
