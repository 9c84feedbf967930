/**
 * The secrets map: who reads which secret or parameter, what is stale, what will break. One document
 * ({@link buildSecretsMap}), three renderings: the JSON itself, {@link formatMap} for the terminal and
 * {@link renderMapPage} for the self-contained page.
 */
export {
  buildSecretsMap,
  type ContainerImageInput,
  type MapEcsServiceInput,
  type MapJobDefinitionInput,
  type MetadataAnswer,
  type MetadataResult,
  mapMetadataQueries,
  mapOptions,
  otherRegionQueries,
  type SecretsMapInputs,
  type SecretsMapOptions,
} from './build-map.js';
export { FINDING_CATALOG } from './finding-catalog.js';
export { formatMap } from './format-map.js';
export { lookUpMapMetadata } from './look-up-metadata.js';
export { renderMapPage } from './render-page.js';
export type * from './types.js';
export { MAP_FORMAT } from './types.js';
