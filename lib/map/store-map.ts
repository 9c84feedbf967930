import { errorText } from '../errors.js';
import { renderMapPage } from './render-page.js';
import type { SecretsMap } from './types.js';

/** The folder of the report bucket that holds the secrets map (the only prefix the role may write to). */
export const MAP_KEY_PREFIX = 'secrets-map/';

/** One object of the stored map: its key, its text and its content type. */
export interface MapObject {
  readonly key: string;
  readonly body: string;
  readonly contentType: string;
  readonly cacheControl?: string;
}

/** What {@link storeMap} did: the keys written, and one warning per object that could not be written. */
export interface StoredMap {
  readonly bucket: string;
  readonly keys: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * The objects the daily audit writes to `SECRET_REFRESH_REPORT_BUCKET` (README, "Secrets map"): the page and the JSON
 * document, each twice:
 * - `secrets-map/latest.html`, `secrets-map/latest.json`: overwritten by every run (`Cache-Control: no-cache`), the
 *   address to bookmark or link;
 * - `secrets-map/daily/<YYYY-MM-DD>.html` / `.json`: the day of `generatedAt` (UTC), kept as history. A retry of the
 *   same day overwrites that day's copy (the same map, a little later), so a replayed invocation never piles up
 *   objects; a lifecycle rule on `secrets-map/daily/` expires old days.
 *
 * The page embeds the same document as the JSON (see `renderMapPage`).
 *
 * @example
 * mapObjects(map).map((object) => object.key);
 * // → ['secrets-map/daily/2026-12-01.html', 'secrets-map/daily/2026-12-01.json', 'secrets-map/latest.html', 'secrets-map/latest.json']
 */
export function mapObjects(map: SecretsMap): MapObject[] {
  const day = map.generatedAt.slice(0, 10);
  const page = renderMapPage(map);
  const json = `${JSON.stringify(map, null, 2)}\n`;
  const html = 'text/html; charset=utf-8';
  const data = 'application/json; charset=utf-8';
  return [
    { key: `${MAP_KEY_PREFIX}daily/${day}.html`, body: page, contentType: html },
    { key: `${MAP_KEY_PREFIX}daily/${day}.json`, body: json, contentType: data },
    { key: `${MAP_KEY_PREFIX}latest.html`, body: page, contentType: html, cacheControl: 'no-cache' },
    { key: `${MAP_KEY_PREFIX}latest.json`, body: json, contentType: data, cacheControl: 'no-cache' },
  ];
}

/**
 * Writes {@link mapObjects} with `put` (PutObject in the Lambda): the dated copies first, then `latest`, so `latest`
 * never names a map whose dated copy was not written. A failed write is never dropped: it becomes a warning naming the
 * object and the error (the audit publishes it, then fails), and `latest` is then not overwritten, so it keeps the last
 * map that was stored whole.
 *
 * @example
 * const stored = await storeMap(map, 'reports', (object) => putTextObject(clients.s3(region), 'reports', object));
 * if (stored.warnings.length > 0) throw …;
 */
export async function storeMap(map: SecretsMap, bucket: string, put: (object: MapObject) => Promise<void>): Promise<StoredMap> {
  const objects = mapObjects(map);
  const keys: string[] = [];
  const warnings: string[] = [];
  const write = async (batch: readonly MapObject[]) => {
    await Promise.all(
      batch.map(async (object) => {
        try {
          await put(object);
          keys.push(object.key);
        } catch (error) {
          warnings.push(`secrets map: PutObject s3://${bucket}/${object.key} failed: ${errorText(error)}`);
        }
      }),
    );
  };
  const dated = objects.filter((object) => !object.key.startsWith(`${MAP_KEY_PREFIX}latest.`));
  await write(dated);
  if (warnings.length === 0) await write(objects.filter((object) => !dated.includes(object)));
  else warnings.push(`secrets map: s3://${bucket}/${MAP_KEY_PREFIX}latest.* not overwritten, it keeps the last map stored whole`);
  return { bucket, keys: objects.map((object) => object.key).filter((key) => keys.includes(key)), warnings: warnings.sort() };
}
