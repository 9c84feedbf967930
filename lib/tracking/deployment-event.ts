import * as z from 'zod/mini';
import { EventBridgeSchema } from '../changes/schemas/eventbridge.js';
import { describeIssues, EventParseError } from '../errors.js';

/** `ECS Deployment State Change` (source `aws.ecs`): the events outcome tracking listens to. */
export const DeploymentStateChangeSchema = z.extend(EventBridgeSchema, {
  source: z.literal('aws.ecs'),
  'detail-type': z.literal('ECS Deployment State Change'),
  detail: z.object({
    eventType: z.optional(z.string()),
    eventName: z.string().check(z.minLength(1)),
    deploymentId: z.string().check(z.minLength(1)),
    updatedAt: z.optional(z.string()),
    reason: z.optional(z.string()),
  }),
});

/** A parsed deployment state change event. */
export type DeploymentStateChange = z.infer<typeof DeploymentStateChangeSchema>;

/**
 * Parses an `ECS Deployment State Change` event.
 * @throws {EventParseError} naming what is wrong, with the zod error as `cause`.
 */
export function parseDeploymentStateChange(event: unknown): DeploymentStateChange {
  const result = DeploymentStateChangeSchema.safeParse(event);
  if (!result.success) {
    throw new EventParseError(`ECS Deployment State Change event is malformed: ${describeIssues(result.error, 'event')}`, { cause: result.error });
  }
  return result.data;
}
