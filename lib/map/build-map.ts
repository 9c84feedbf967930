import { judgementOf, type LastChangedAnswer, type MetadataQuery, metadataQuery, stalenessVerdict, unjudgedNote } from '../audit/staleness.js';
import type { ParameterMetadata, SecretMetadata } from '../changes/types.js';
import type { Config } from '../config/config.js';
import type { BatchJobDefinitionRecord, BatchJobRecord, EcsServiceRecord, FoundReference, InventoryProblem } from '../inventory/types.js';
import { type BatchPolicy, batchPolicyFor, callsForAction, type PlanScope, standingJobSkip, standingServiceSkip, waveOf } from '../plan/index.js';
import { matchReference, referenceReach } from '../references/index.js';
import type { ChangedResource, Reference, ReferenceContext, ReferenceNote } from '../references/types.js';
import { FINDING_CATALOG, SEVERITY_ORDER } from './finding-catalog.js';
import {
  type FindingCode,
  MAP_FORMAT,
  type MapBatchJobTarget,
  type MapContainer,
  type MapDefinition,
  type MapEcsServiceTarget,
  type MapFinding,
  type MapPin,
  type MapResource,
  type MapScope,
  type MapTarget,
  type MapUnparsedReference,
  type MapUse,
  type ResourceStatus,
  type SecretsMap,
} from './types.js';

/** A container's image, when the inventory carries it (optional until the inventory reads images). */
export interface ContainerImageInput {
  readonly name: string;
  readonly image?: string;
}

/** An ECS service as the inventory records it, plus its task definition's container images when known. */
export type MapEcsServiceInput = EcsServiceRecord & { readonly containers?: readonly ContainerImageInput[] };

/** A Batch job definition as the inventory records it, plus its container images when known. */
export type MapJobDefinitionInput = BatchJobDefinitionRecord & { readonly containers?: readonly ContainerImageInput[] };

/** What one DescribeSecret / DescribeParameters look-up answered. Metadata only: never a value. */
export type MetadataResult =
  | { readonly outcome: 'secret'; readonly metadata: SecretMetadata }
  | { readonly outcome: 'parameter'; readonly metadata: ParameterMetadata }
  | { readonly outcome: 'not-found' }
  | { readonly outcome: 'error'; readonly message: string };

/** A look-up and its answer. */
export interface MetadataAnswer {
  readonly query: MetadataQuery;
  readonly result: MetadataResult;
}

/** Everything the map is built from: the inventory's records and the metadata look-ups, as plain data. */
export interface SecretsMapInputs {
  readonly services: readonly MapEcsServiceInput[];
  readonly jobDefinitions?: readonly MapJobDefinitionInput[];
  readonly jobs?: readonly BatchJobRecord[];
  /** Answers for {@link mapMetadataQueries} and {@link otherRegionQueries}; see `lookUpMapMetadata`. */
  readonly metadata: readonly MetadataAnswer[];
  /** Inventory problems, shown as warnings. */
  readonly problems?: readonly InventoryProblem[];
}

/** The configuration the map judges with. */
export interface SecretsMapOptions {
  /** ISO-8601; the clock is an input, so the map is a pure function of its inputs. */
  readonly generatedAt: string;
  /** The account whose events this deployment handles (`SECRET_REFRESH_ACCOUNT_ID`, else the caller's own). */
  readonly homeAccount: string;
  /**
   * Regions whose change events reach this deployment. The CLI passes `SECRET_REFRESH_REGIONS` (the home Region by
   * default): a Region scanned for workloads is taken to have its events forwarded, as the README's "Deploy" asks.
   */
  readonly watchedRegions: readonly string[];
  /** `SECRET_REFRESH_MAX_TARGETS`. */
  readonly maxTargets: number;
  /** Cluster include/exclude and opt-in mode. */
  readonly scope?: PlanScope;
  /** `SECRET_REFRESH_REDEPLOY_AWSPREVIOUS`: AWSPREVIOUS pins count as readers of a change. */
  readonly redeployOnPreviousChange: boolean;
  /** `SECRET_REFRESH_BATCH_POLICY`, the fallback when no tag says otherwise. */
  readonly batchPolicy: BatchPolicy;
}

/**
 * The map's options from the configuration.
 *
 * @example
 * const options = mapOptions(config, callerAccount, new Date());
 */
export function mapOptions(config: Config, callerAccount: string, now: Date): SecretsMapOptions {
  return {
    generatedAt: now.toISOString(),
    homeAccount: config.accountId ?? callerAccount,
    watchedRegions: config.regions,
    maxTargets: config.maxTargets,
    scope: { include: config.clustersInclude, exclude: config.clustersExclude, optIn: config.mode === 'opt-in' },
    redeployOnPreviousChange: config.redeployOnPreviousChange,
    batchPolicy: config.batchPolicy,
  };
}

/**
 * True when something could not be read (`summary.inventoryProblems` > 0): the map is then incomplete, and the CLI
 * exits 1 and the audit function fails instead of presenting what it could not see as all clear.
 */
export function mapIncomplete(map: SecretsMap): boolean {
  return map.summary.inventoryProblems > 0;
}

/** The key that pairs a {@link MetadataQuery} with its answer. */
export function queryKey(query: MetadataQuery): string {
  return `${query.kind}|${query.region}|${query.id}`;
}

/**
 * The metadata look-ups the map needs first: one per distinct secret / parameter referenced in the home account.
 * Resources of other accounts are not looked up (their metadata is not reliably describable from here).
 */
export function mapMetadataQueries(
  inputs: Pick<SecretsMapInputs, 'services' | 'jobDefinitions'>,
  options: Pick<SecretsMapOptions, 'homeAccount'>,
): MetadataQuery[] {
  const queries = new Map<string, MetadataQuery>();
  for (const { found } of everyReference(inputs)) {
    const resolved = resolve(found);
    if (!resolved || resolved.reference.account !== options.homeAccount) continue;
    const query = metadataQuery(resolved.reference);
    queries.set(queryKey(query), query);
  }
  return [...queries.values()];
}

/**
 * The second round of look-ups: a parameter read by name and not found in its own Region is looked for in the other
 * watched Regions, to tell "missing" from "exists only in another Region" (where ECS needs the full ARN).
 */
export function otherRegionQueries(
  inputs: Pick<SecretsMapInputs, 'services' | 'jobDefinitions'>,
  answers: readonly MetadataAnswer[],
  options: Pick<SecretsMapOptions, 'homeAccount' | 'watchedRegions'>,
): MetadataQuery[] {
  const answered = new Map(answers.map((answer) => [queryKey(answer.query), answer.result]));
  const queries = new Map<string, MetadataQuery>();
  for (const { found } of everyReference(inputs)) {
    const resolved = resolve(found);
    if (!resolved || !isNameOnlyParameter(resolved.reference) || resolved.reference.account !== options.homeAccount) continue;
    const query = metadataQuery(resolved.reference);
    if (answered.get(queryKey(query))?.outcome !== 'not-found') continue;
    for (const region of options.watchedRegions) {
      if (region === query.region) continue;
      const elsewhere = { ...query, region };
      queries.set(queryKey(elsewhere), elsewhere);
    }
  }
  return [...queries.values()];
}

/**
 * Builds the secrets map: every referenced secret and parameter → the definitions that read it → the services and
 * jobs that run them, each with its staleness (the audit's rule), scope and wave, and every finding with what to do.
 * Pure and synchronous: the inventory and the metadata look-ups are inputs, so every finding is unit-tested
 * without AWS, and the CLI, the audit function and the demo build the same document.
 *
 * @example
 * const queries = mapMetadataQueries(inputs, options);
 * const map = buildSecretsMap({ ...inputs, metadata: await lookUpMapMetadata(inputs, options, directory) }, options);
 */
export function buildSecretsMap(inputs: SecretsMapInputs, options: SecretsMapOptions): SecretsMap {
  return new MapBuilder(inputs, options).build();
}

// ---------------------------------------------------------------------------------------------------------------

/** A reference the map can place, with its stage-and-version pin spelled out when it has one. */
interface ResolvedReference {
  readonly reference: Reference;
  readonly notes: readonly ReferenceNote[];
  readonly stageAndVersion?: { readonly stage: string; readonly versionId: string };
}

interface ResolvedUse extends ResolvedReference {
  readonly found: FoundReference;
  readonly resource: string;
  /** ARN of the definition it is in. */
  readonly definition: string;
}

interface ResourceAccumulator {
  readonly id: string;
  readonly reference: Reference;
  readonly name: string;
  readonly arn?: string;
  readonly status: ResourceStatus;
  readonly statusReason: string;
  readonly answer: LastChangedAnswer;
  readonly secret?: SecretMetadata;
  readonly deletedDate?: string;
  readonly lastChanged?: string;
  readonly foundInRegions: { readonly region: string; readonly arn?: string }[];
  readonly uses: MapUse[];
  readonly resolvedUses: ResolvedUse[];
  readonly definitions: Set<string>;
}

interface DefinitionAccumulator {
  readonly type: MapDefinition['type'];
  readonly arn: string;
  readonly name: string;
  readonly region: string;
  readonly account: string;
  readonly status?: string;
  readonly uses: ResolvedUse[];
  readonly unparsed: MapUnparsedReference[];
  readonly containers?: readonly MapContainer[];
  readonly targets: string[];
}

interface FindingAccumulator {
  readonly code: FindingCode;
  readonly message: string;
  readonly action: string;
  readonly resource?: string;
  readonly valueFrom?: string;
  readonly image?: string;
  readonly definitions: Set<string>;
  /** Set when the affected targets are not simply those of the definitions. */
  readonly targets?: readonly string[];
}

class MapBuilder {
  private readonly answers: ReadonlyMap<string, MetadataResult>;
  private readonly resources = new Map<string, ResourceAccumulator>();
  private readonly definitions = new Map<string, DefinitionAccumulator>();
  private readonly targets: MapTarget[] = [];
  private readonly findings = new Map<string, FindingAccumulator>();
  private readonly warnings: string[] = [];

  constructor(
    private readonly inputs: SecretsMapInputs,
    private readonly options: SecretsMapOptions,
  ) {
    this.answers = new Map(inputs.metadata.map((answer) => [queryKey(answer.query), answer.result]));
  }

  build(): SecretsMap {
    for (const problem of this.inputs.problems ?? []) {
      this.warnings.push(`inventory: ${problem.region} ${problem.subject}: ${problem.message}`);
    }
    // Worded as the audit words its own failed look-ups: the same problem reads the same in both.
    const unread = this.inputs.metadata.flatMap(({ query, result }) => (result.outcome === 'error' ? [{ query, message: result.message }] : []));
    for (const { query, message } of unread) {
      this.warnings.push(`inventory: ${query.region} ${query.kind === 'secret' ? 'DescribeSecret' : 'DescribeParameters'} ${query.id}: ${message}`);
    }
    this.addServices();
    this.addBatch();
    const resources = this.finishResources();
    this.addDefinitionFindings();
    this.addResourceFindings(resources);
    const definitions = this.finishDefinitions(resources);
    const findings = this.finishFindings();
    const targets = [...this.targets].sort(compareTargets);
    const resourceList = [...resources.values()].sort(compareResources);
    return {
      format: MAP_FORMAT,
      generatedAt: this.options.generatedAt,
      settings: {
        homeAccount: this.options.homeAccount,
        watchedRegions: [...this.options.watchedRegions],
        maxTargets: this.options.maxTargets,
        mode: this.options.scope?.optIn ? 'opt-in' : 'all',
        clustersInclude: [...(this.options.scope?.include ?? [])],
        clustersExclude: [...(this.options.scope?.exclude ?? [])],
        redeployOnPreviousChange: this.options.redeployOnPreviousChange,
        batchPolicy: this.options.batchPolicy,
      },
      summary: {
        regions: [
          ...new Set([...this.options.watchedRegions, ...targets.map((target) => target.region), ...definitions.map((definition) => definition.region)]),
        ].sort(),
        secrets: resourceList.filter((resource) => resource.kind === 'secret').length,
        parameters: resourceList.filter((resource) => resource.kind === 'parameter').length,
        broken: resourceList.filter((resource) => resource.status === 'missing' || resource.status === 'scheduled-for-deletion').length,
        taskDefinitions: definitions.filter((definition) => definition.type === 'task-definition').length,
        jobDefinitions: definitions.filter((definition) => definition.type === 'job-definition').length,
        services: targets.filter((target) => target.type === 'ecs-service').length,
        jobs: targets.filter((target) => target.type === 'batch-job').length,
        stale: targets.filter((target) => target.staleness.status === 'stale').length,
        fresh: targets.filter((target) => target.staleness.status === 'fresh').length,
        unknown: targets.filter((target) => target.staleness.status === 'unknown').length,
        findings: {
          error: findings.filter((finding) => finding.severity === 'error').length,
          warning: findings.filter((finding) => finding.severity === 'warning').length,
          info: findings.filter((finding) => finding.severity === 'info').length,
        },
        inventoryProblems: (this.inputs.problems?.length ?? 0) + unread.length,
      },
      resources: resourceList,
      definitions,
      targets,
      findings,
      warnings: [...new Set(this.warnings)],
    };
  }

  // --- inventory → definitions and targets -----------------------------------------------------------------

  private addServices(): void {
    for (const service of this.inputs.services) {
      if (service.references.length === 0) continue;
      const arn = service.taskDefinitionArn ?? `${service.arn} (task definition unknown)`;
      const definition = this.definition(arn, () => ({
        type: 'task-definition',
        arn,
        name: service.taskDefinitionArn ? taskDefinitionName(service.taskDefinitionArn) : '(unknown)',
        region: service.region,
        account: service.account,
        found: service.references,
        context: service,
        ...(service.containers ? { containers: service.containers } : {}),
      }));
      definition.targets.push(service.arn);
      const wave = waveOf(service.tags, (message) => this.warnings.push(message), service.arn);
      const target: MapEcsServiceTarget = {
        type: 'ecs-service',
        arn: service.arn,
        name: service.name,
        cluster: service.clusterName,
        region: service.region,
        account: service.account,
        definition: arn,
        status: service.status,
        desiredCount: service.desiredCount,
        deploymentController: service.deploymentController,
        staleness: this.staleness(definition, service.primaryDeployment?.createdAt, 'deployed'),
        scope: serviceScope(service, this.options.scope),
        ...(wave !== undefined ? { wave } : {}),
        resources: distinct(definition.uses.map((use) => use.resource)),
      };
      this.targets.push(target);
    }
  }

  private addBatch(): void {
    const byArn = new Map((this.inputs.jobDefinitions ?? []).map((definition) => [definition.arn, definition]));
    const running = new Set((this.inputs.jobs ?? []).map((job) => job.jobDefinitionArn));
    for (const record of this.inputs.jobDefinitions ?? []) {
      if (record.references.length === 0 || (record.status !== 'ACTIVE' && !running.has(record.arn))) continue;
      this.definition(record.arn, () => ({
        type: 'job-definition',
        arn: record.arn,
        name: `${record.name}:${record.revision}`,
        region: record.region,
        account: record.account,
        status: record.status,
        found: record.references,
        context: record,
        ...(record.containers ? { containers: record.containers } : {}),
      }));
    }
    for (const job of this.inputs.jobs ?? []) {
      const definition = this.definitions.get(job.jobDefinitionArn);
      if (!definition) continue;
      const arn = job.jobArn ?? job.jobId;
      definition.targets.push(arn);
      const record = byArn.get(job.jobDefinitionArn);
      const policy = batchPolicyFor(job, record, this.options.batchPolicy, this.warnings);
      const target: MapBatchJobTarget = {
        type: 'batch-job',
        arn,
        jobId: job.jobId,
        name: job.jobName,
        jobQueue: job.jobQueue,
        region: job.region,
        definition: definition.arn,
        status: job.status,
        policy,
        staleness: this.staleness(definition, job.startedAt, 'started'),
        scope: jobScope(job, record, policy),
        resources: distinct(definition.uses.map((use) => use.resource)),
      };
      this.targets.push(target);
    }
  }

  /** The definition for `arn`, creating it (and placing its references) the first time it is seen. */
  private definition(
    arn: string,
    describe: () => Omit<DefinitionAccumulator, 'uses' | 'unparsed' | 'targets' | 'containers'> & {
      found: readonly FoundReference[];
      context: ReferenceContext;
      containers?: readonly ContainerImageInput[];
    },
  ): DefinitionAccumulator {
    const existing = this.definitions.get(arn);
    if (existing) return existing;
    const { found, context, containers, ...identity } = describe();
    const images = containers?.flatMap((container) => (container.image ? [{ name: container.name, image: container.image }] : []));
    const definition: DefinitionAccumulator = {
      ...identity,
      uses: [],
      unparsed: [],
      targets: [],
      ...(images ? { containers: images } : {}),
    };
    this.definitions.set(arn, definition);
    for (const reference of found) {
      const resolved = resolve(reference);
      if (!resolved) {
        definition.unparsed.push({
          container: reference.container,
          location: reference.location,
          ...(reference.name !== undefined ? { name: reference.name } : {}),
          valueFrom: reference.valueFrom,
          error: 'error' in reference.parsed ? reference.parsed.error : 'unparseable',
        });
        continue;
      }
      const resource = this.resource(resolved.reference);
      const use: ResolvedUse = { ...resolved, found: reference, resource: resource.id, definition: arn };
      definition.uses.push(use);
      resource.resolvedUses.push(use);
      resource.definitions.add(arn);
      resource.uses.push(mapUse(use));
    }
    return definition;
  }

  /** The resource a reference reads, creating it from its metadata answer the first time. */
  private resource(reference: Reference): ResourceAccumulator {
    const query = metadataQuery(reference);
    const result = reference.account === this.options.homeAccount ? this.answers.get(queryKey(query)) : undefined;
    const identity = resourceIdentity(reference, result);
    const existing = this.resources.get(identity.id);
    if (existing) return existing;
    const accumulator: ResourceAccumulator = {
      ...identity,
      reference,
      ...resourceStatus(reference, result, this.options.homeAccount),
      foundInRegions: result?.outcome === 'not-found' && isNameOnlyParameter(reference) ? this.elsewhere(query) : [],
      uses: [],
      resolvedUses: [],
      definitions: new Set(),
    };
    this.resources.set(identity.id, accumulator);
    return accumulator;
  }

  /** Watched Regions (other than its own) where a parameter of the same name exists. */
  private elsewhere(query: MetadataQuery): { region: string; arn?: string }[] {
    return this.options.watchedRegions.flatMap((region) => {
      if (region === query.region) return [];
      const result = this.answers.get(queryKey({ ...query, region }));
      if (result?.outcome !== 'parameter') return [];
      return [{ region, ...(result.metadata.arn ? { arn: result.metadata.arn } : {}) }];
    });
  }

  /** The audit's staleness rule over the references of a definition. */
  private staleness(definition: DefinitionAccumulator, since: string | undefined, verb: 'deployed' | 'started'): MapTarget['staleness'] {
    const audited = definition.uses.map((use) => {
      const note = unjudgedNote(use.reference);
      const judgement = note ? { note } : judgementOf(use.reference, this.resources.get(use.resource)?.answer);
      return { valueFrom: use.found.valueFrom, ...(judgement.lastChanged ? { lastChanged: judgement.lastChanged.toISOString() } : {}) };
    });
    const verdict = stalenessVerdict(since, audited, verb);
    return { status: verdict.status, reason: verdict.reason, ...(verdict.deployedAt ? { since: verdict.deployedAt } : {}) };
  }

  // --- findings ----------------------------------------------------------------------------------------------

  private finding(
    code: FindingCode,
    subject: { resource?: string; valueFrom?: string; image?: string },
    message: string,
    definitions: Iterable<string>,
    extra: { action?: string; targets?: readonly string[] } = {},
  ): void {
    const key = [code, subject.resource ?? '', subject.valueFrom ?? '', subject.image ?? ''].join('\u0000');
    let accumulator = this.findings.get(key);
    if (!accumulator) {
      accumulator = {
        code,
        message,
        action: extra.action ?? FINDING_CATALOG[code].action,
        ...subject,
        definitions: new Set(),
        ...(extra.targets ? { targets: extra.targets } : {}),
      };
      this.findings.set(key, accumulator);
    }
    for (const definition of definitions) accumulator.definitions.add(definition);
  }

  /** Findings about how a reference or an image is written: per use, grouped by what is written. */
  private addDefinitionFindings(): void {
    for (const definition of this.definitions.values()) {
      for (const use of definition.uses) this.addUseFindings(definition, use);
      for (const reference of definition.unparsed) {
        this.finding(
          'unparseable-reference',
          { valueFrom: reference.valueFrom },
          `${reference.container} (${reference.location}${reference.name ? ` ${reference.name}` : ''}): ${reference.error}`,
          [definition.arn],
        );
      }
      for (const container of definition.containers ?? []) {
        if (IMMUTABLE_IMAGE.test(container.image)) continue;
        this.finding(
          'mutable-image-tag',
          { image: container.image },
          `image ${container.image} is referenced by tag, not by digest: a forced redeploy resolves the tag again`,
          [definition.arn],
        );
      }
    }
  }

  private addUseFindings(definition: DefinitionAccumulator, use: ResolvedUse): void {
    const { reference } = use;
    const valueFrom = use.found.valueFrom;
    const resource = this.resources.get(use.resource);
    const reach = referenceReach(reference, { account: this.options.homeAccount, regions: this.options.watchedRegions });
    const otherAccount = reach === 'other-account';
    const unwatched = reach === 'unwatched-region';
    for (const note of use.notes) {
      // The map gives its own, richer stage-and-version finding below (is the label on that version now?).
      if (note.code === 'stage-and-version-pin' && use.stageAndVersion) continue;
      if (otherAccount && (note.code === 'cross-account' || note.code === 'cross-region')) continue;
      if (unwatched && note.code === 'cross-region') continue;
      this.finding(note.code, { resource: use.resource, valueFrom }, note.message, [definition.arn]);
    }
    if (otherAccount) {
      this.finding(
        'other-account',
        { resource: use.resource },
        `${describe(reference)} belongs to account ${reference.account}, not ${this.options.homeAccount}: its change events are refused here`,
        [definition.arn],
        { action: `after changing it, run secret-refresh refresh --ref ${resource?.arn ?? use.resource} in account ${this.options.homeAccount}` },
      );
    } else if (unwatched) {
      this.finding(
        'unwatched-region',
        { resource: use.resource },
        `${describe(reference)} is in Region ${reference.region}, which this deployment does not watch (${this.options.watchedRegions.join(', ')})`,
        [definition.arn],
      );
    }
    if (use.stageAndVersion) {
      const { stage, versionId } = use.stageAndVersion;
      const stages = resource?.secret?.versionIdsToStages;
      const now =
        stages === undefined
          ? 'whether the label is on that version now is unknown'
          : (stages[versionId] ?? []).includes(stage)
            ? `the label is on that version now, so it reads until "${stage}" moves`
            : `"${stage}" is no longer on that version, so reading it fails now`;
      this.finding(
        'stage-and-version-pin',
        { resource: use.resource, valueFrom },
        `${valueFrom} pins staging label "${stage}" and version id ${versionId} at once: ${now}`,
        [definition.arn],
      );
    }
  }

  /** Findings about a resource itself: existence, the blast-radius cap, unreadable metadata. */
  private addResourceFindings(resources: ReadonlyMap<string, MapResource>): void {
    for (const accumulator of this.resources.values()) {
      const resource = resources.get(accumulator.id);
      if (!resource) continue;
      const what = `${resource.kind} ${resource.name} (${resource.region}, ${resource.account})`;
      if (accumulator.status === 'scheduled-for-deletion') {
        this.finding(
          'scheduled-for-deletion',
          { resource: resource.id },
          `${what} is scheduled for deletion${resource.deletedDate ? ` (DeletedDate ${resource.deletedDate})` : ''}: new tasks and jobs that read it fail to start`,
          accumulator.definitions,
          {
            action: `restore it (aws secretsmanager restore-secret --secret-id ${resource.arn ?? resource.name} --region ${resource.region}), or move the definitions off it before it is deleted`,
          },
        );
      }
      if (accumulator.status === 'missing') this.addMissingFindings(accumulator, what);
      if (accumulator.status === 'unreadable') {
        this.finding('metadata-unreadable', { resource: resource.id }, `${what}: ${accumulator.statusReason}`, accumulator.definitions);
      }
      if (resource.wouldAct > this.options.maxTargets) {
        this.finding(
          'over-max-targets',
          { resource: resource.id },
          `${what}: its next change would act on ${resource.wouldAct} targets, more than SECRET_REFRESH_MAX_TARGETS=${this.options.maxTargets}: the automatic refresh will be refused`,
          accumulator.definitions,
          {
            action: `after its next change, review with "secret-refresh refresh --ref ${resource.arn ?? resource.name} --dry-run", then run it with --confirm-large; or raise SECRET_REFRESH_MAX_TARGETS`,
            targets: this.actingTargets(accumulator),
          },
        );
      }
    }
  }

  private addMissingFindings(accumulator: ResourceAccumulator, what: string): void {
    const [elsewhere] = accumulator.foundInRegions;
    const nameOnly = elsewhere ? accumulator.resolvedUses.filter((use) => isNameOnlyParameter(use.reference)) : [];
    const others = accumulator.resolvedUses.filter((use) => !nameOnly.includes(use));
    if (elsewhere && nameOnly.length > 0 && accumulator.reference.kind === 'parameter') {
      const { partition, account, key } = accumulator.reference;
      const arn = elsewhere.arn ?? `arn:${partition}:ssm:${elsewhere.region}:${account}:parameter/${key}`;
      const regions = accumulator.foundInRegions.map((found) => found.region).join(', ');
      this.finding(
        'name-only-other-region',
        { resource: accumulator.id },
        `parameter /${key} is read by name in ${accumulator.reference.region}, where it does not exist; it exists in ${regions}`,
        nameOnly.map((use) => use.definition),
        { action: `reference it by its full ARN: ${arn}` },
      );
    }
    if (others.length > 0) {
      this.finding(
        'missing',
        { resource: accumulator.id },
        `${what} does not exist: new tasks and jobs that read it fail to start`,
        others.map((use) => use.definition),
      );
    }
  }

  /** The targets a change of the resource would act on: in scope, and reading the value that changes. */
  private actingTargets(accumulator: ResourceAccumulator): string[] {
    const change = changeOf(accumulator);
    const acting: string[] = [];
    for (const target of this.targets) {
      if (target.scope.status !== 'in-scope') continue;
      const definition = this.definitions.get(target.definition);
      const reads = definition?.uses.some((use) => {
        if (use.resource !== accumulator.id || use.stageAndVersion) return false;
        return callsForAction(matchReference(use.reference, change).impact, this.options);
      });
      if (reads) acting.push(target.arn);
    }
    return acting;
  }

  // --- finishing ------------------------------------------------------------------------------------------------

  private finishResources(): Map<string, MapResource> {
    const finished = new Map<string, MapResource>();
    for (const accumulator of this.resources.values()) {
      const { reference } = accumulator;
      const definitions = [...accumulator.definitions].sort();
      const targets = distinct(definitions.flatMap((arn) => this.definitions.get(arn)?.targets ?? []));
      finished.set(accumulator.id, {
        id: accumulator.id,
        kind: reference.kind,
        name: accumulator.name,
        ...(accumulator.arn ? { arn: accumulator.arn } : {}),
        partition: reference.partition,
        region: reference.region,
        account: reference.account,
        status: accumulator.status,
        statusReason: accumulator.statusReason,
        ...(accumulator.deletedDate ? { deletedDate: accumulator.deletedDate } : {}),
        ...(accumulator.lastChanged ? { lastChanged: accumulator.lastChanged } : {}),
        ...(accumulator.foundInRegions.length > 0 ? { foundInRegions: accumulator.foundInRegions.map((found) => found.region) } : {}),
        uses: [...accumulator.uses].sort((a, b) => a.definition.localeCompare(b.definition) || a.container.localeCompare(b.container)),
        definitions,
        targets,
        wouldAct: this.actingTargets(accumulator).length,
      });
    }
    return finished;
  }

  private finishDefinitions(resources: ReadonlyMap<string, MapResource>): MapDefinition[] {
    return [...this.definitions.values()]
      .map((definition) => ({
        type: definition.type,
        arn: definition.arn,
        name: definition.name,
        region: definition.region,
        account: definition.account,
        ...(definition.status !== undefined ? { status: definition.status } : {}),
        resources: distinct(definition.uses.map((use) => use.resource)).filter((id) => resources.has(id)),
        targets: distinct(definition.targets),
        unparsed: definition.unparsed,
        ...(definition.containers ? { containers: definition.containers } : {}),
      }))
      .sort((a, b) => a.type.localeCompare(b.type) || a.region.localeCompare(b.region) || a.name.localeCompare(b.name) || a.arn.localeCompare(b.arn));
  }

  private finishFindings(): MapFinding[] {
    return [...this.findings.values()]
      .map((finding) => {
        const definitions = [...finding.definitions].sort();
        const targets = finding.targets ? [...finding.targets] : distinct(definitions.flatMap((arn) => this.definitions.get(arn)?.targets ?? []));
        return {
          code: finding.code,
          severity: FINDING_CATALOG[finding.code].severity,
          message: finding.message,
          action: finding.action,
          ...(finding.resource !== undefined ? { resource: finding.resource } : {}),
          ...(finding.valueFrom !== undefined ? { valueFrom: finding.valueFrom } : {}),
          ...(finding.image !== undefined ? { image: finding.image } : {}),
          definitions,
          targets: targets.sort(),
        };
      })
      .sort(
        (a, b) =>
          SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
          a.code.localeCompare(b.code) ||
          (a.resource ?? '').localeCompare(b.resource ?? '') ||
          (a.valueFrom ?? a.image ?? '').localeCompare(b.valueFrom ?? b.image ?? ''),
      );
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** An image pinned by digest cannot change under a redeploy. */
const IMMUTABLE_IMAGE = /@sha256:[0-9a-fA-F]{64}$/;

function* everyReference(inputs: Pick<SecretsMapInputs, 'services' | 'jobDefinitions'>): Generator<{ found: FoundReference; context: ReferenceContext }> {
  for (const service of inputs.services) for (const found of service.references) yield { found, context: service };
  for (const definition of inputs.jobDefinitions ?? []) for (const found of definition.references) yield { found, context: definition };
}

/**
 * The reference as parsed, with a stage-and-version pin (`…::AWSCURRENT:<version-id>`, which the parser reads as a
 * version pin that keeps its stage) spelled out, so the map can say whether the label is still on that version.
 */
function resolve(found: FoundReference): ResolvedReference | undefined {
  if ('error' in found.parsed) return undefined;
  const { reference } = found.parsed;
  if (reference.kind !== 'secret' || reference.pin.type !== 'version' || reference.pin.stage === undefined) return found.parsed;
  return { ...found.parsed, stageAndVersion: { stage: reference.pin.stage, versionId: reference.pin.versionId } };
}

function isNameOnlyParameter(reference: Reference): boolean {
  return reference.kind === 'parameter' && !reference.raw.startsWith('arn:');
}

function resourceIdentity(reference: Reference, result: MetadataResult | undefined): { id: string; name: string; arn?: string } {
  if (reference.kind === 'parameter') {
    const arn = `arn:${reference.partition}:ssm:${reference.region}:${reference.account}:parameter/${reference.key}`;
    const name = result?.outcome === 'parameter' ? result.metadata.name : `/${reference.key}`;
    return { id: arn, name, arn: result?.outcome === 'parameter' && result.metadata.arn ? result.metadata.arn : arn };
  }
  if (result?.outcome === 'secret') return { id: result.metadata.arn, name: result.metadata.name, arn: result.metadata.arn };
  const written = `arn:${reference.partition}:secretsmanager:${reference.region}:${reference.account}:secret:${reference.secretId}`;
  return { id: written, name: reference.secretId };
}

function resourceStatus(
  reference: Reference,
  result: MetadataResult | undefined,
  homeAccount: string,
): Pick<ResourceAccumulator, 'status' | 'statusReason' | 'answer' | 'secret' | 'deletedDate' | 'lastChanged'> {
  if (reference.account !== homeAccount) {
    return { status: 'not-checked', statusReason: `in account ${reference.account}, not ${homeAccount}: not looked up`, answer: undefined };
  }
  if (!result) return { status: 'not-checked', statusReason: 'no metadata look-up was made', answer: undefined };
  switch (result.outcome) {
    case 'not-found':
      return { status: 'missing', statusReason: `${reference.kind} not found in ${reference.region}`, answer: 'missing' };
    case 'error':
      return { status: 'unreadable', statusReason: `metadata could not be read: ${result.message}`, answer: undefined };
    case 'parameter': {
      const changed = result.metadata.lastModifiedDate;
      return {
        status: 'exists',
        statusReason: `DescribeParameters: version ${result.metadata.version}`,
        answer: changed,
        ...(changed ? { lastChanged: changed.toISOString() } : {}),
      };
    }
    case 'secret': {
      const { deletedDate, lastChangedDate } = result.metadata;
      return {
        status: deletedDate ? 'scheduled-for-deletion' : 'exists',
        statusReason: deletedDate ? `DescribeSecret: scheduled for deletion (DeletedDate ${deletedDate.toISOString()})` : 'DescribeSecret: exists',
        answer: lastChangedDate,
        secret: result.metadata,
        ...(deletedDate ? { deletedDate: deletedDate.toISOString() } : {}),
        ...(lastChangedDate ? { lastChanged: lastChangedDate.toISOString() } : {}),
      };
    }
  }
}

/** A new current value of the resource, as the Plan would match it (the cap counts what the Plan would do). */
function changeOf(accumulator: ResourceAccumulator) {
  const { reference } = accumulator;
  let resource: ChangedResource;
  if (reference.kind === 'parameter') {
    resource = { kind: 'parameter', partition: reference.partition, region: reference.region, account: reference.account, key: reference.key };
  } else {
    const name = accumulator.secret?.name ?? accumulator.name;
    const id = accumulator.secret?.arn.split(':secret:')[1];
    const suffix = id?.startsWith(`${name}-`) ? id.slice(name.length + 1) : undefined;
    resource = { kind: 'secret', partition: reference.partition, region: reference.region, account: reference.account, name, ...(suffix ? { suffix } : {}) };
  }
  return { resource, effect: 'new-current-value' as const, labels: ['AWSCURRENT'] };
}

function mapUse(use: ResolvedUse): MapUse {
  const pin = pinOf(use);
  return {
    definition: use.definition,
    container: use.found.container,
    location: use.found.location,
    ...(use.found.name !== undefined ? { name: use.found.name } : {}),
    valueFrom: use.found.valueFrom,
    ...(use.reference.kind === 'secret' && use.reference.jsonKey !== undefined ? { jsonKey: use.reference.jsonKey } : {}),
    pin,
    pinLabel: pinLabel(pin, use.reference.kind),
  };
}

function pinOf(use: ResolvedReference): MapPin {
  if (use.stageAndVersion) return { type: 'stage-and-version', ...use.stageAndVersion };
  const { reference } = use;
  if (reference.kind === 'parameter') return reference.selector === undefined ? { type: 'current' } : { type: 'selector', selector: reference.selector };
  const { pin } = reference;
  if (pin.type === 'version') return { type: 'version', versionId: pin.versionId };
  return pin;
}

function pinLabel(pin: MapPin, kind: Reference['kind']): string {
  switch (pin.type) {
    case 'current':
      return kind === 'secret' ? 'AWSCURRENT' : 'latest';
    case 'stage':
      return `staging label "${pin.stage}"`;
    case 'version':
      return `version id ${pin.versionId}`;
    case 'stage-and-version':
      return `staging label "${pin.stage}" and version id ${pin.versionId}`;
    case 'selector':
      return `selector :${pin.selector}`;
    case 'version-or-stage':
      return `version id or staging label "${pin.selector}"`;
  }
}

function describe(reference: Reference): string {
  return reference.kind === 'secret' ? `secret ${reference.secretId}` : `parameter /${reference.key}`;
}

/** Whether the Plan would act on the service, judged by the Plan's own rules that do not depend on the change. */
function serviceScope(service: EcsServiceRecord, scope: PlanScope | undefined): MapScope {
  const skipped = standingServiceSkip(service, scope);
  if (skipped) return { status: skipped.code, reason: skipped.reason };
  return { status: 'in-scope', reason: 'redeployed when a value it reads changes' };
}

/** Whether a running job would be resubmitted, judged by the Plan's own rules that do not depend on the change. */
function jobScope(job: BatchJobRecord, definition: BatchJobDefinitionRecord | undefined, policy: BatchPolicy): MapScope {
  const skipped = standingJobSkip(job, definition);
  if (skipped) return { status: skipped.code, reason: skipped.reason };
  if (policy === 'report') return { status: 'policy-report', reason: 'policy "report": reported, not resubmitted' };
  return { status: 'in-scope', reason: `policy "${policy}": resubmitted when a value it reads changes` };
}

/** `family:revision` from a task-definition ARN. */
function taskDefinitionName(arn: string): string {
  return arn.split(':task-definition/')[1] ?? arn;
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function compareResources(a: MapResource, b: MapResource): number {
  return a.kind.localeCompare(b.kind) || a.region.localeCompare(b.region) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

function compareTargets(a: MapTarget, b: MapTarget): number {
  const group = (target: MapTarget) => (target.type === 'ecs-service' ? target.cluster : target.jobQueue);
  return a.type.localeCompare(b.type) || a.region.localeCompare(b.region) || group(a).localeCompare(group(b)) || a.name.localeCompare(b.name);
}
