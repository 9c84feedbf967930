/**
 * Public API of `lib/references`: parse a `valueFrom` into a reference, and match a reference to a change.
 *
 * Other packages import from here (types from `./types.js`), so the file layout inside can change freely.
 */
export { looksLikeArn, type ParsedArn, parseArn, partitionOfRegion } from './arn.js';
export { changeIndexKeys, indexKeyRegion, referenceIndexKey } from './index-keys.js';
export { matchReference } from './match-reference.js';
export { isCredentialSpecReference, parseReference, type SafeParseReferenceResult, safeParseReference } from './parse-reference.js';
export { referenceReach, type WatchScope } from './reach.js';
export { isManagedSecretName, isSecretName, SECRET_NAME_MAX_LENGTH } from './secret-id.js';
export { looksLikeVersionId } from './secret-pin.js';
export type * from './types.js';
