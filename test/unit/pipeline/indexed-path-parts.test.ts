/**
 * The fast path's pure parts (lib/pipeline/indexed-path.ts), without the ECS simulator of indexed-path.test.ts:
 * which changes are looked up in the index (a new value, a moved label, a deletion; never a change that makes
 * nothing new), and the one plan and execution the report gets when the fast path and the backstop both acted (a
 * refusal or a rollout of either is kept). The index is a double that answers for every Region and records the
 * keys it is asked for.
 */
import { describe, expect, it } from 'vitest';
import type { Execution } from '../../../lib/actions/index.js';
import { InMemoryServiceIndexStore, type ServiceIndexStore } from '../../../lib/aws/service-index-table.js';
import type { IdentifiedChange } from '../../../lib/changes/types.js';
import type { Inventory } from '../../../lib/inventory/index.js';
import { type FastPath, lookUpCandidates, mergeWithFastPath, serviceIndexReport, updateIndex } from '../../../lib/pipeline/indexed-path.js';
import type { Plan } from '../../../lib/plan/index.js';
import { rotationChange } from '../changes/fake-metadata-directory.js';

const REGION = 'us-east-1';

/** An index that covers every Region since now and holds nothing; the keys asked for, in order. */
function recordingIndex(): { store: ServiceIndexStore; asked: string[] } {
  const asked: string[] = [];
  const unused = async (): Promise<never> => {
    throw new Error('not used by a look-up');
  };
  const store: ServiceIndexStore = {
    members: async (key) => {
      asked.push(key);
      return [];
    },
    service: async () => undefined,
    coverage: async (regions) => new Map(regions.map((region) => [region, Date.now()])),
    servicesOf: unused,
    putService: unused,
    putCoverage: unused,
  };
  return { store, asked };
}

function change(id: string, name: string, overrides: Partial<IdentifiedChange> = {}): IdentifiedChange {
  return { id, ...rotationChange({ name, arn: `arn:aws:secretsmanager:${REGION}:111122223333:secret:${name}-Ab12Cd`, ...overrides }) };
}

const key = (name: string) => `secret|aws|${REGION}|111122223333|${name}`;

describe('lookUpCandidates', () => {
  it('looks up the changes that can act (a new value, a moved label, a deletion) and no other', async () => {
    const { store, asked } = recordingIndex();
    const changes = [
      change('c1', 'app/current', { effect: 'new-current-value' }),
      change('c2', 'app/label', { effect: 'label-moved', labels: ['blue'] }),
      change('c3', 'app/deleted', { effect: 'deleted', labels: [] }),
      change('c4', 'app/nothing', { effect: 'none' } as Partial<IdentifiedChange>),
    ];
    const lookup = await lookUpCandidates(store, changes, [REGION]);
    // Each secret under its name and its full name (with the ARN's random suffix).
    expect(asked).toEqual(['app/current', 'app/label', 'app/deleted'].flatMap((name) => [key(name), key(`${name}-Ab12Cd`)]));
    expect(lookup).toEqual({ candidates: [], covered: [REGION], uncovered: [], reads: 7 });
  });
});

const SERVICE = (name: string) => `arn:aws:ecs:${REGION}:111122223333:service/orders/${name}`;
const emptyPlan = (): Plan => ({ changes: [], targets: [], warnings: [] });
const emptyExecution = (): Execution => ({ results: [], warnings: [] });
const fastPath = (plan: Plan, execution: Execution): FastPath => ({
  lookup: { candidates: [], covered: [REGION], uncovered: [], reads: 1 },
  plan,
  execution,
  handled: new Set([SERVICE('api')]),
});
const ROLLOUT = { name: 'rollout-1', status: 'started' } as unknown as NonNullable<Execution['rollout']>;

describe('mergeWithFastPath', () => {
  it('keeps the fast path’s refusal and rollout when the backstop has none', () => {
    const fast = fastPath(
      { ...emptyPlan(), warnings: ['fast warning'], refused: 'refused: over the hourly budget', refusedBy: 'rate-limit' },
      { ...emptyExecution(), warnings: ['fast action warning'], rollout: ROLLOUT },
    );
    const merged = mergeWithFastPath(fast, { ...emptyPlan(), warnings: ['backstop warning'] }, { ...emptyExecution(), warnings: ['backstop action warning'] });
    expect(merged.plan).toEqual({
      changes: [],
      targets: [],
      warnings: ['fast warning', 'backstop warning'],
      refused: 'refused: over the hourly budget',
      refusedBy: 'rate-limit',
    });
    expect(merged.execution).toEqual({ results: [], warnings: ['fast action warning', 'backstop action warning'], rollout: ROLLOUT });
  });

  it('prefers the backstop’s refusal and rollout, and adds no field neither has', () => {
    const backstopRollout = { ...ROLLOUT, name: 'rollout-2' } as NonNullable<Execution['rollout']>;
    const fast = fastPath({ ...emptyPlan(), refused: 'refused by the cap', refusedBy: 'blast-radius-cap' }, { ...emptyExecution(), rollout: ROLLOUT });
    const merged = mergeWithFastPath(
      fast,
      { ...emptyPlan(), refused: 'refused: over the hourly budget', refusedBy: 'rate-limit' },
      {
        ...emptyExecution(),
        rollout: backstopRollout,
      },
    );
    expect(merged.plan).toMatchObject({ refused: 'refused: over the hourly budget', refusedBy: 'rate-limit' });
    expect(merged.execution.rollout).toBe(backstopRollout);
    const plain = mergeWithFastPath(fastPath(emptyPlan(), emptyExecution()), emptyPlan(), emptyExecution());
    expect(Object.keys(plain.plan).sort()).toEqual(['changes', 'targets', 'warnings']);
    expect(Object.keys(plain.execution).sort()).toEqual(['results', 'warnings']);
  });
});

const OTHER_REGION = 'eu-west-1';

/** An index holding one service in each of the two Regions, read an hour ago. */
async function indexOfTwoRegions(): Promise<InMemoryServiceIndexStore> {
  const store = new InMemoryServiceIndexStore();
  for (const region of [REGION, OTHER_REGION]) {
    await store.putService(
      {
        arn: `arn:aws:ecs:${region}:111122223333:service/orders/api`,
        clusterArn: `arn:aws:ecs:${region}:111122223333:cluster/orders`,
        region,
        keys: [key('app/current')],
        present: true,
        readAt: Date.now() - 3600_000,
      },
      [],
    );
  }
  return store;
}

const inventory = (problems: Inventory['ecs']['problems']): Inventory => ({
  ecs: { regions: [REGION, OTHER_REGION], clusters: 1, services: [], problems },
  batch: { regions: [REGION, OTHER_REGION], queues: 0, jobDefinitions: [], jobs: [], problems: [] },
});

describe('updateIndex', () => {
  it('makes the index of each Region read without problems what the scan found, and leaves a troubled Region as it was', async () => {
    const store = await indexOfTwoRegions();
    const scannedAt = Date.now();
    const problem = { region: OTHER_REGION, subject: 'ListClusters', message: 'ThrottlingException: Rate exceeded' };
    const updated = await updateIndex(store, inventory([problem]), scannedAt);
    // The service the scan no longer found in us-east-1 is removed; eu-west-1 could not be read: untouched.
    expect(updated).toEqual({ written: 0, removed: 1, regions: [REGION], warnings: [] });
    expect((await store.service(`arn:aws:ecs:${REGION}:111122223333:service/orders/api`))?.present).toBe(false);
    expect((await store.service(`arn:aws:ecs:${OTHER_REGION}:111122223333:service/orders/api`))?.present).toBe(true);
    expect(await store.coverage([REGION, OTHER_REGION])).toEqual(new Map([[REGION, scannedAt]]));
  });

  it('counts the removals of every Region', async () => {
    const updated = await updateIndex(await indexOfTwoRegions(), inventory([]), Date.now());
    expect(updated).toEqual({ written: 0, removed: 2, regions: [REGION, OTHER_REGION], warnings: [] });
  });
});

describe('serviceIndexReport', () => {
  it('has no warning when every Region is covered and the fast path acted', () => {
    const index = serviceIndexReport(fastPath(emptyPlan(), emptyExecution()), emptyPlan(), { written: 0, removed: 0, regions: [REGION] });
    expect(index.warnings).toEqual([]);
    expect(index.report).toEqual({
      coveredRegions: [REGION],
      scannedOnlyRegions: [],
      candidates: 0,
      fastPathTargets: 0,
      missedByIndex: [],
      indexedRegions: [REGION],
      servicesWritten: 0,
      servicesRemoved: 0,
    });
  });
});
