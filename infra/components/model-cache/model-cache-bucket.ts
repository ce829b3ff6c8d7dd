/**
 * ModelCacheBucket: the stack's S3 bucket of model weights. Private (every public access block on,
 * ACLs off), encrypted with S3-managed keys (SSE-S3: no KMS request charges on the many ranged GETs
 * a streamed load makes), versioning left off (a revision's prefix is written once; the copy is
 * re-creatable from Hugging Face). Lifecycle: objects move to Intelligent-Tiering at once, so a
 * model revision no pod reads any more drops to the Infrequent Access tier after 30 days without a
 * retrieval fee (https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-overview.html);
 * half-finished multipart uploads of a failed copy are aborted after a day.
 *
 * `forceDestroy`: `pulumi destroy` deletes the cached weights with the bucket (S3 refuses to delete
 * a bucket that holds objects); they are a copy, never the only one.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Days an incomplete multipart upload is kept: a copy Job that died mid-upload is re-run from the start. */
const ABORT_INCOMPLETE_UPLOAD_DAYS = 1;

export class ModelCacheBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;

  /** `bucketName`: modelCacheBucketName's, known at preview. */
  constructor(name: string, args: { bucketName: pulumi.Input<string>; stack: string }, opts?: pulumi.ComponentResourceOptions) {
    super("llm-stack:model-cache:ModelCacheBucket", name, {}, opts);
    const parent = { parent: this };
    const bucket = new aws.s3.Bucket(
      `${name}`,
      { bucket: args.bucketName, forceDestroy: true, tags: { "llm-stack/stack": args.stack, "llm-stack/purpose": "model-cache" } },
      parent,
    );
    new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      parent,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      },
      parent,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "intelligent-tiering",
            status: "Enabled",
            filter: { prefix: "models/" },
            transitions: [{ days: 0, storageClass: "INTELLIGENT_TIERING" }],
          },
          {
            id: "abort-incomplete-uploads",
            status: "Enabled",
            filter: { prefix: "" },
            abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS },
          },
        ],
      },
      parent,
    );
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
