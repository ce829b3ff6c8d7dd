/** The performance model's public API: workload in, calibrated throughput, latency, sizing and $/M out. */
export { CALIBRATION, ERROR_BAND, fitCalibration, fittableRows, meanLogError } from "./calibration";
export {
  accuracyOf,
  familyOf,
  isThroughput,
  leaveOneFamilyOut,
  median,
  summarise,
  type ErrorSummary,
  type PerformanceAccuracyRow,
} from "./accuracy";
export {
  breakEvenTokensPerMonth,
  compareModels,
  hostedComparison,
  type CompareRequest,
  type CompareRow,
  type HostedComparison,
  type HostedOffer,
} from "./compare";
export {
  MAX_UTILIZATION_WITHOUT_SLO,
  performanceFor,
  performanceOf,
  withinReplicas,
  type NearestMeasurement,
  type Performance,
} from "./performance";
export { predictMeasurement, type EngineCalibration } from "./predict";
export { servingShapeFor, servingShapeOf, type ServingShape } from "./serving-shape";
export { simulateLatency, type SimulatedLatency } from "./simulate";
export { atConcurrency, saturatedThroughput, type RequestShape } from "./steady-state";
export { stepTime } from "./step-time";
export {
  economicsAt,
  economicsAtShare,
  planForWorkload,
  workloadOptions,
  type WorkloadEconomics,
  type WorkloadOption,
  type WorkloadPlan,
} from "./workload-plan";
