/**
 * The secrets map: who reads which secret or parameter, what is stale, what will break. One document
 * ({@link buildSecretsMap}, read from AWS by {@link mapAccount}), three renderings: the JSON itself, {@link formatMap}
 * for the terminal and {@link renderMapPage} for the self-contained page; {@link storeMap} writes the page and the JSON
 * to the report bucket.
 */
export {
  buildSecretsMap,
  type ContainerImageInput,
  type MapEcsServiceInput,
  type MapJobDefinitionInput,
  type MetadataAnswer,
  type MetadataResult,
  mapIncomplete,
  mapMetadataQueries,
  mapOptions,
  otherRegionQueries,
  type SecretsMapInputs,
  type SecretsMapOptions,
} from './build-map.js';
export { FINDING_CATALOG } from './finding-catalog.js';
export { formatMap } from './format-map.js';
export { lookUpMapMetadata } from './look-up-metadata.js';
export { mapAccount } from './map-account.js';
export { renderMapPage } from './render-page.js';
export { MAP_KEY_PREFIX, type MapObject, mapObjects, type StoredMap, storeMap } from './store-map.js';
export type * from './types.js';
export { MAP_FORMAT } from './types.js';
