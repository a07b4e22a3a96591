import { configDefaults, defineConfig } from 'vitest/config'

// Workspace packages resolve to their TypeScript sources through the
// `@sluice/source` export condition, so the tests never need a build.
const resolve = { conditions: ['@sluice/source'] }
// tests run in Vite's server-side environment, which has its own resolve conditions
const ssr = { resolve: { conditions: ['@sluice/source'], externalConditions: ['@sluice/source'] } }
// The fault matrix's cases for what issue 11's phase 2 builds (a script that awaits a query
// while the database is down gets an error instead of a silent exit; wrong credentials fail
// fast; a frozen replica's reads fall back): they fail until it lands, so they stay out of
// the run. SLUICE_PENDING_PHASE2=1 brings them in, to work on them.
const pendingPhase2 = process.env.SLUICE_PENDING_PHASE2 ? [] : ['test/faults/pending-phase2.test.ts']

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
          exclude: [...configDefaults.exclude, ...pendingPhase2],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
})
