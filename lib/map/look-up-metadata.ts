import type { MetadataQuery } from '../audit/staleness.js';
import type { MetadataDirectory } from '../changes/types.js';
import {
  type MetadataAnswer,
  type MetadataResult,
  mapMetadataQueries,
  otherRegionQueries,
  type SecretsMapInputs,
  type SecretsMapOptions,
} from './build-map.js';

/**
 * Looks up the metadata the map needs through a {@link MetadataDirectory} (DescribeSecret, DescribeParameters: never
 * a value): first every referenced resource of the home account, then, for parameters read by name and not found
 * in their own Region, the same name in the other watched Regions. At most `concurrency` look-ups are in flight.
 * A failed look-up becomes an `error` answer (the map reports it), never a failed map.
 *
 * @example
 * const metadata = await lookUpMapMetadata(inputs, options, dependencies.directory, config.concurrency);
 * const map = buildSecretsMap({ ...inputs, metadata }, options);
 */
export async function lookUpMapMetadata(
  inputs: Pick<SecretsMapInputs, 'services' | 'jobDefinitions'>,
  options: Pick<SecretsMapOptions, 'homeAccount' | 'watchedRegions'>,
  directory: MetadataDirectory,
  concurrency = 5,
): Promise<MetadataAnswer[]> {
  const first = await answerAll(mapMetadataQueries(inputs, options), directory, concurrency);
  const second = await answerAll(otherRegionQueries(inputs, first, options), directory, concurrency);
  return [...first, ...second];
}

async function answerAll(queries: readonly MetadataQuery[], directory: MetadataDirectory, concurrency: number): Promise<MetadataAnswer[]> {
  const answers: MetadataAnswer[] = new Array(queries.length);
  let next = 0;
  const worker = async () => {
    while (next < queries.length) {
      const index = next++;
      const query = queries[index] as MetadataQuery;
      answers[index] = { query, result: await answer(query, directory) };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queries.length)) }, worker));
  return answers;
}

async function answer(query: MetadataQuery, directory: MetadataDirectory): Promise<MetadataResult> {
  try {
    if (query.kind === 'secret') {
      const metadata = await directory.describeSecret(query.id, query.region);
      return metadata ? { outcome: 'secret', metadata } : { outcome: 'not-found' };
    }
    const metadata = await directory.describeParameter(query.id, query.region);
    return metadata ? { outcome: 'parameter', metadata } : { outcome: 'not-found' };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { outcome: 'error', message };
  }
}
