import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const LAYERS = ['web', 'cli', 'server', 'runtime', 'graphs', 'agents', 'rag', 'store']
const layerRules = () =>
  LAYERS.map((layer, i) => ({
    files: [`${layer}/**/*.ts`, `${layer}/**/*.tsx`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: LAYERS.slice(0, i).map((up) => ({
          group: [`**/${up}/**`, `../${up}`, `../../${up}`],
          message: `${layer}/ may not import ${up}/ (imports point cli → server → runtime → graphs → agents → rag → store)`,
        })),
        // the page talks to the server over HTTP/SSE/WS only: web/ imports none of the other layers
        ...(layer === 'web' ? { patterns: LAYERS.slice(1).map((down) => ({
          group: [`**/${down}/**`, `../${down}`, `../../${down}`, `../../../${down}`],
          message: `web/ may not import ${down}/: the page talks to the server over HTTP/SSE/WebSocket only`,
        })) } : {}),
      }],
    },
  }))

export default tseslint.config(
  { ignores: ['node_modules/**', 'web/dist/**', '.artifacts/**', '.switchyard/**', 'bench/peer/**', 'coverage/**', 'scratch/**', 'examples/ts-sample/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
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
  { files: ['**/*.config.ts', '**/*.config.js'], rules: { 'no-restricted-syntax': 'off' } },
  // imports point one way: web (HTTP only) → cli → server → runtime → graphs → agents → rag → store
  ...layerRules(),
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', performance: 'readonly' } },
  },
)
