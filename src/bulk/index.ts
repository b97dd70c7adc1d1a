// Many pictures by customer number: the plan, the pool that uploads them within the service's limits, the report.
export { customerNumberOf, matchFiles, numbersToLookUp, type PlanEntry, type PlanFile } from './plan';
export { AdaptiveLimit, PauseGate, RequestBudget, runPool, SERVICE_MAX_CONCURRENT, SERVICE_REQUEST_BUDGET, type PoolOptions, type PoolOutcome } from './pool';
export { runReportMarkdown, type RunReport, type UploadRecord } from './report';
export { describePassedOver, summarize, type PassedOver, type RunOutcome } from './summary';
