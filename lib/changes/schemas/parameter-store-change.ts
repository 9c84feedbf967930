/**
 * Native SSM `Parameter Store Change` event (source `aws.ssm`). No CloudTrail needed.
 *
 * `operation` is kept a free string: AWS publishes no enum (Create, Update, Delete and LabelParameterVersion are
 * documented), and an unknown operation must be reported as "nothing to do", not rejected.
 */
import * as z from 'zod/mini';
import { EventBridgeSchema } from './eventbridge.js';
import { ParameterNameSchema } from './names.js';

/** `detail` of a Parameter Store Change. `exception` is set when an asynchronous validation failed. */
export const ParameterStoreChangeDetailSchema = z.object({
  operation: z.string().check(z.minLength(1)),
  /** Parameter name exactly as stored: `/a/b` or `flat`. */
  name: ParameterNameSchema,
  type: z.optional(z.string()),
  exception: z.optional(z.string()),
});

/** A whole Parameter Store Change event: the Powertools EventBridge envelope with our `detail`. */
export const ParameterStoreChangeEventSchema = z.extend(EventBridgeSchema, {
  source: z.literal('aws.ssm'),
  'detail-type': z.literal('Parameter Store Change'),
  detail: ParameterStoreChangeDetailSchema,
});

/** A validated Parameter Store Change event. */
export type ParameterStoreChangeEvent = z.output<typeof ParameterStoreChangeEventSchema>;
