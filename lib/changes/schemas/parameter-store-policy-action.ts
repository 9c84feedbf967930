/**
 * Native SSM `Parameter Store Policy Action` event (advanced-tier parameter policies). Its detail keys are
 * kebab-case, unlike `Parameter Store Change`.
 */
import * as z from 'zod/mini';
import { EventBridgeSchema } from './eventbridge.js';
import { ParameterNameSchema } from './names.js';

/** `detail` of a Parameter Store Policy Action: `Expiration`, `ExpirationNotification` or `NoChangeNotification`. */
export const ParameterStorePolicyActionDetailSchema = z.object({
  'policy-type': z.string().check(z.minLength(1)),
  'parameter-name': ParameterNameSchema,
});

/** A whole Parameter Store Policy Action event: the Powertools EventBridge envelope with our `detail`. */
export const ParameterStorePolicyActionEventSchema = z.extend(EventBridgeSchema, {
  source: z.literal('aws.ssm'),
  'detail-type': z.literal('Parameter Store Policy Action'),
  detail: ParameterStorePolicyActionDetailSchema,
});

/** A validated Parameter Store Policy Action event. */
export type ParameterStorePolicyActionEvent = z.output<typeof ParameterStorePolicyActionEventSchema>;
