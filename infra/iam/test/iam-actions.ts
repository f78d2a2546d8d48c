/**
 * The IAM actions each AWS operation the code constructs needs (the Service Authorization Reference), and which
 * actions take no resource-level permission.
 */

/** `service:Operation` (as aws-calls.ts reports it) → the IAM actions it is authorised by. */
export const iamActionsOf: Readonly<Record<string, readonly string[]>> = {
  "s3:HeadBucket": ["s3:ListBucket"],
  "s3:ListObjectsV2": ["s3:ListBucket"],
  "s3:GetBucketVersioning": ["s3:GetBucketVersioning"],
  "s3:CreateBucket": ["s3:CreateBucket"],
  "s3:PutBucketVersioning": ["s3:PutBucketVersioning"],
  "s3:PutObject": ["s3:PutObject"],
  // lib-storage: CreateMultipartUpload, UploadPart and CompleteMultipartUpload are all s3:PutObject; an upload
  // that fails is aborted (leavePartsOnError false).
  "s3:Upload": ["s3:PutObject", "s3:AbortMultipartUpload"],
  // Reads and presigned links name an object version (links are pinned to the version an export wrote).
  "s3:GetObject": ["s3:GetObject", "s3:GetObjectVersion"],
  // Without s3:ListBucket a missing key answers 403 instead of 404, and exists() would throw instead of "no".
  "s3:HeadObject": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
  // deleteObjects (keys) and deleteVersions (key + VersionId) share one DeleteObjects call.
  "s3:DeleteObjects": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
  "dynamodb:Scan": ["dynamodb:Scan"],
  "dynamodb:GetItem": ["dynamodb:GetItem"],
  "dynamodb:Query": ["dynamodb:Query"],
  // The Data API signs in to a provisioned cluster as REDSHIFT_DB_USER with temporary credentials.
  "redshift-data:ExecuteStatement": ["redshift-data:ExecuteStatement", "redshift:GetClusterCredentials"],
  "redshift-data:BatchExecuteStatement": ["redshift-data:BatchExecuteStatement", "redshift:GetClusterCredentials"],
  "redshift-data:DescribeStatement": ["redshift-data:DescribeStatement"],
  "redshift-data:GetStatementResult": ["redshift-data:GetStatementResult"],
  "redshift-data:CancelStatement": ["redshift-data:CancelStatement"],
  "sns:Publish": ["sns:Publish"],
  "secrets-manager:GetSecretValue": ["secretsmanager:GetSecretValue"],
  "glue:GetDatabase": ["glue:GetDatabase"],
  "glue:CreateDatabase": ["glue:CreateDatabase"],
  "glue:GetTable": ["glue:GetTable"],
  "glue:CreateTable": ["glue:CreateTable"],
  "glue:CreatePartition": ["glue:CreatePartition"],
  "glue:UpdatePartition": ["glue:UpdatePartition"],
};

/**
 * Actions that take no resource-level permission (Resource must be "*"): allowed only with the condition that
 * limits them to the caller's own statements.
 */
export const ownStatementActions: ReadonlySet<string> = new Set([
  "redshift-data:DescribeStatement",
  "redshift-data:GetStatementResult",
  "redshift-data:CancelStatement",
]);
export const ownStatementCondition = {
  StringEquals: { "redshift-data:statement-owner-iam-userid": "${aws:userid}" },
} as const;

/** S3 actions on the bucket itself (their resource is the bucket's ARN); every other S3 action is on objects. */
export const bucketActions: ReadonlySet<string> = new Set([
  "s3:ListBucket",
  "s3:GetBucketVersioning",
  "s3:CreateBucket",
  "s3:PutBucketVersioning",
]);

/** The ARN service an action's resources are in (redshift-data statements run on a redshift cluster). */
export function arnServiceOf(action: string): string {
  const prefix = action.split(":")[0] ?? "";
  return prefix === "redshift-data" ? "redshift" : prefix;
}
