/**
 * EKS Kubernetes versions the kit knows, with their support windows. A cluster whose version is
 * past its end of standard support moves to extended support ($0.60/h instead of $0.10/h) unless
 * its upgrade policy is STANDARD, in which case EKS upgrades it at the end of standard support.
 */
import { type Source } from "./schema";

export interface EksVersionSupport {
  /** The day EKS released the version. */
  releasedOn: string;
  /** Last day of standard support (14 months after release). */
  standardSupportEndsOn: string;
  /** Last day of extended support (12 months after standard support ends). */
  extendedSupportEndsOn: string;
  source: Source;
}

const ENDOFLIFE =
  "https://endoflife.date/amazon-eks (mirrors https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html release calendar)";

export const EKS_VERSIONS = {
  "1.34": {
    releasedOn: "2025-10-06",
    standardSupportEndsOn: "2026-12-02",
    extendedSupportEndsOn: "2027-12-02",
    source: { ref: ENDOFLIFE, readOn: "2026-11-27" },
  },
  "1.35": {
    releasedOn: "2026-01-28",
    standardSupportEndsOn: "2027-03-27",
    extendedSupportEndsOn: "2028-03-27",
    source: { ref: ENDOFLIFE, readOn: "2026-11-27" },
  },
} as const satisfies Record<string, EksVersionSupport>;

export type EksVersion = keyof typeof EKS_VERSIONS;

/**
 * The version a created cluster runs: the newest whose support window we could read on 2026-11-27
 * (1.34 leaves standard support on 2026-12-02; AWS's docs already use 1.36 as an example, but its
 * dates were not published where we could read them). With upgradePolicy STANDARD, EKS upgrades
 * the control plane itself when 1.35's standard support ends on 2027-03-27; `llm-stack preflight`
 * reads the live dates from DescribeClusterVersions and warns 30 days ahead.
 */
export const KUBERNETES_VERSION: EksVersion = "1.35";

/** EKS `upgradePolicy.supportType` values (https://docs.aws.amazon.com/eks/latest/APIReference/API_UpgradePolicyRequest.html). */
export const EKS_SUPPORT_TYPES = ["standard", "extended"] as const;
export type EksSupportType = (typeof EKS_SUPPORT_TYPES)[number];
