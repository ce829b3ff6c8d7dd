/** The planner's public API. Pure and deterministic: nothing under infra/plan imports @pulumi/*. */
export { InfeasiblePlanError, type InputIssue, PlanInputError } from "./errors";
export { attentionLayerKinds, kvBytesPerSequencePerGpu, kvBytesPerToken, kvBytesPerTokenPerGpu, type KvCacheDtype } from "./kv-cache";
export { type ReplicaMemory, replicaMemory } from "./memory";
export { tensorParallelProblem, validTensorParallelSizes } from "./parallelism";
export { countParameters } from "./parameters";
export { type DeploymentPlan, planDeployment, type PlanOptions } from "./planner";
export { DEFAULTS, matchModel, type PlanRequest, resolvePlanRequest, type WeightsSource } from "./request";
export { parseVllmArgs, servedModelNameOf, VLLM_PORT } from "./vllm-args";
export { BYTES_PER_GIB, loadPeakBytesPerGpuByStage, totalWeightBytes, weightBytesPerGpuByStage } from "./weights";
export { MAX_NODES_PER_REPLICA, type Candidate } from "./candidates";
export {
  type ClusterMode,
  describeCost,
  eksSupportTypeOf,
  missingPrice,
  type PricedItem,
  priceItems,
  type StackCost,
  stackCost,
  clusterItems,
  type GpuNodeGroupSize,
  SYSTEM_NODE_GROUP,
  type UnpricedItem,
  capacityBlockTerms,
  type CapacityBlockTerms,
} from "./stack-cost";
export {
  cacheFillTimeoutSeconds,
  DOWNLOAD_HEADROOM,
  gpuNodeStorage,
  gpuNodeStorageOf,
  type GpuPoolShape,
  MIN_STARTUP_SECONDS,
  NODE_GROUP_LABEL,
  poolShapeOf,
  replicasFittingNode,
  setPoolShape,
  modelCacheGiB,
  podResources,
  rolloutSeconds,
  STARTUP_PROBE_PERIOD_SECONDS,
  startupBudget,
} from "./serving";
export { GPU_TAINT, GPU_TOLERATION } from "./gpu-taint";
export { type AvailabilityZone, placeGpuSubnets, placeZones, type SubnetZone, type ZonePlacement } from "./placement";
export { accuracyRows } from "./accuracy";
export { editDistance } from "./edit-distance";
export { checkpointBytes, weightsDownload } from "./weights-download";
export {
  MODEL_CACHE_MARKER,
  modelCacheBucketName,
  type ModelCacheLayout,
  modelCacheLayout,
  modelCacheLayoutOf,
  modelCacheUri,
  repoOfModelArgument,
} from "./model-cache";
export { type TimeToReady, timeToReady } from "./time-to-ready";
export { DEFAULT_MIN_REPLICAS, fixedRange, type ReplicaRange, replicaRange, type ServerScaling } from "./autoscaling";
export {
  cacheRepositoryPrefix,
  credentialsFor,
  IMAGE_SOURCES,
  type ImageSource,
  type ImageSourceKind,
  pulledImage,
  stackRepositoryPrefix,
} from "./image-source";
export { allowlistProblem, coversInternet, MAX_ALLOWLIST_ADDRESSES, parseCidr, WIDEST_ALLOWLIST_PREFIX } from "./cidr";
export { imagePin, MOVING_TAGS, tagOf, versionAtLeast, type ImagePin } from "./image-pin";
export { KIT_NAMESPACES, reservedNamespace, SYSTEM_NAMESPACES } from "./namespaces";
export { parseQuantity } from "./quantity";
