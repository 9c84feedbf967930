/**
 * The EventBridge envelope, on zod's tree-shakable API (`zod/mini`).
 *
 * Why not Powertools' `EventBridgeSchema` (`@aws-lambda-powertools/parser/schemas/eventbridge`), which CONVENTIONS.md
 * asks us to use: it is written with classic zod, and importing it puts classic zod and all its locales (a quarter of
 * each function's bundle) into every function. This is the same schema field for field (Powertools 2.35.0:
 * `version`, `id`, `source`, `account`, `time` as an ISO date-time, `region`, `resources`, `detail-type`, `detail`,
 * optional `replay-name`); test/unit/changes/eventbridge-envelope.test.ts checks that it accepts and refuses exactly
 * what Powertools' schema does, so an upgrade that changes theirs fails our tests.
 */
import * as z from 'zod/mini';

/** An EventBridge event: the envelope every change event arrives in. */
export const EventBridgeSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.optional(z.string()),
});
