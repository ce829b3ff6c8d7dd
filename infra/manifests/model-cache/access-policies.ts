/**
 * The IAM documents of the S3 model cache, as plain data (tests read exactly these):
 * - the trust policy of a Pod Identity role: the EKS Pod Identity service principal, with the
 *   session tags it sets pinned to one cluster, namespace and service account
 *   (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html, pod-id-abac.html);
 * - the server's read access: objects of its model revision's prefix only, and a listing limited
 *   to that prefix (vLLM lists the prefix with boto3 list_objects_v2 before pulling the config);
 * - the copy Job's write access to the same prefix. It may list the whole bucket: S3 answers
 *   HeadObject on a missing key with 404 only to a caller allowed s3:ListBucket, 403 otherwise
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html), and the Job reads a
 *   missing marker as "copy it".
 */
type PolicyDocument = { Version: "2012-10-17"; Statement: Record<string, unknown>[] };

export function podIdentityTrustPolicy(clusterName: string, namespace: string, serviceAccount: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        // Every stack names its namespace and service accounts alike: the cluster tag keeps one stack's
        // role from another cluster's pods in the same account.
        Condition: {
          StringEquals: {
            "aws:RequestTag/eks-cluster-name": clusterName,
            "aws:RequestTag/kubernetes-namespace": namespace,
            "aws:RequestTag/kubernetes-service-account": serviceAccount,
          },
        },
      },
    ],
  };
}

export function modelReadPolicy(bucketArn: string, prefix: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadModelRevision", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucketArn}/${prefix}*`] },
      {
        Sid: "ListModelRevision",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [bucketArn],
        Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } },
      },
    ],
  };
}

export function modelWritePolicy(bucketArn: string, prefix: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "WriteModelRevision",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
        Resource: [`${bucketArn}/${prefix}*`],
      },
      { Sid: "ListCache", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucketArn] },
    ],
  };
}

/** The benchmark Job's write access: new objects under the benchmarks/ prefix, nothing else (it never reads the cache). */
export function benchmarkWritePolicy(bucketArn: string, prefix: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "WriteBenchmarkResults", Effect: "Allow", Action: ["s3:PutObject"], Resource: [`${bucketArn}/${prefix}*`] }],
  };
}
