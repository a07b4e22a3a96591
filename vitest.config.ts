import { configDefaults, defineConfig } from 'vitest/config'

// Workspace packages resolve to their TypeScript sources through the
// `@sluice/source` export condition, so the tests never need a build.
const resolve = { conditions: ['@sluice/source'] }
// tests run in Vite's server-side environment, which has its own resolve conditions
const ssr = { resolve: { conditions: ['@sluice/source'], externalConditions: ['@sluice/source'] } }

export default defineConfig({
  resolve,
  ssr,
  test: {
    // a focused test left in by mistake fails CI instead of silently skipping the rest
    allowOnly: !process.env.CI,
    projects: [
      {
        resolve,
        ssr,
        test: {
          name: 'unit',
          include: ['packages/*/test/unit/**/*.test.ts', 'adapters/*/test/unit/**/*.test.ts'],
        },
      },
      {
        resolve,
        ssr,
        test: {
          name: 'integration',
          include: [
            'packages/*/test/integration/**/*.test.ts',
            'adapters/*/test/integration/**/*.test.ts',
            'test/**/*.test.ts',
            'examples/*/test/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
})
