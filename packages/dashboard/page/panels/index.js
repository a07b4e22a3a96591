// @ts-check
import {
  acquireWaitPanel,
  connectionsPanel,
  errorsPanel,
  queryTimePanel,
  replicaLagPanel,
  statementCachePanel,
  throughputPanel,
  utilizationPanel,
} from './charts.js'
import { acquireHistogramPanel } from './acquire-histogram.js'
import { eventsPanel } from './events.js'
import { healthPanel } from './health.js'
import { nodesPanel } from './nodes.js'
import { patternsPanel } from './patterns.js'
import { workflowsPanel } from './workflows.js'

/** @type {import('./panel.js').PanelDefinition[]} every panel, in page order */
export const PANELS = [
  connectionsPanel,
  utilizationPanel,
  throughputPanel,
  errorsPanel,
  acquireWaitPanel,
  acquireHistogramPanel,
  queryTimePanel,
  healthPanel,
  statementCachePanel,
  replicaLagPanel,
  nodesPanel,
  patternsPanel,
  workflowsPanel,
  eventsPanel,
]
