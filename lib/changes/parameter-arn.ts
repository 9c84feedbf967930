/**
 * The canonical ARN of an SSM parameter.
 *
 * Why: SSM treats `/a/b` and `a/b` as the same parameter, and its ARN absorbs the leading slash
 * (`parameter/a/b`), so ARNs are the one spelling of a parameter that compares reliably.
 */

/**
 * Build `arn:<partition>:ssm:<region>:<account>:parameter/<name without leading slash>`.
 *
 * @example
 * parameterArn('aws', 'us-east-1', '111122223333', '/demo/orders/api-key');
 * // → 'arn:aws:ssm:us-east-1:111122223333:parameter/demo/orders/api-key'
 */
export function parameterArn(partition: string, region: string, account: string, name: string): string {
  return `arn:${partition}:ssm:${region}:${account}:parameter/${name.replace(/^\/+/, '')}`;
}
