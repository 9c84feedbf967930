import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The Lambda functions' structured logger. Reports are logged whole (they hold no secret values: only
 * ARNs, names, versions and labels); the CloudTrail fields that could ever carry one are never copied
 * into a Change, so they cannot reach a log line.
 */
export const logger = new Logger({ serviceName: 'secret-refresh' });
