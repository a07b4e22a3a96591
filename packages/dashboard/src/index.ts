export { startDashboard, type Dashboard } from './start-dashboard.js'
export { type DashboardOptions, type DashboardPools, resolveDashboardOptions } from './config/dashboard-options.js'
export { DASHBOARD_DEFAULTS } from './config/defaults.js'
export { DashboardListenError } from './dashboard-error.js'
export type { DashboardPool } from './registry/dashboard-pool.js'
export type {
  DashboardFrame,
  PoolSnapshot,
  ConnectionCounts,
  LatencySummary,
  PoolTotals,
  PoolRates,
  StatementCacheSnapshot,
  WorkflowsSnapshot,
  NodeSnapshot,
  RoutingTotals,
  PoolEventKind,
  PoolEventRecord,
} from './collect/snapshot.js'
