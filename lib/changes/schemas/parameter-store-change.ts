/**
 * Native SSM `Parameter Store Change` event (source `aws.ssm`). No CloudTrail needed.
 *
 * `operation` is kept a free string: AWS publishes no enum (Create, Update, Delete and LabelParameterVersion are
 * documented), and an unknown operation must be reported as "nothing to do", not rejected.
 */
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import { ParameterNameSchema } from './names.js';

/** `detail` of a Parameter Store Change. `exception` is set when an asynchronous validation failed. */
export const ParameterStoreChangeDetailSchema = z.object({
  operation: z.string().min(1),
  /** Parameter name exactly as stored: `/a/b` or `flat`. */
  name: ParameterNameSchema,
  type: z.string().optional(),
  exception: z.string().optional(),
});

/** A whole Parameter Store Change event: the Powertools EventBridge envelope with our `detail`. */
export const ParameterStoreChangeEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.ssm'),
  'detail-type': z.literal('Parameter Store Change'),
  detail: ParameterStoreChangeDetailSchema,
});

/** A validated Parameter Store Change event. */
export type ParameterStoreChangeEvent = z.output<typeof ParameterStoreChangeEventSchema>;
