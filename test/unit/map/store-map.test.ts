import { describe, expect, it } from 'vitest';
import { renderMapPage } from '../../../lib/map/render-page.js';
import { type MapObject, mapObjects, storeMap } from '../../../lib/map/store-map.js';
import { realisticMap } from '../../fixtures/map/realistic-map.js';

const DAILY = ['secrets-map/daily/2026-12-01.html', 'secrets-map/daily/2026-12-01.json'];
const LATEST = ['secrets-map/latest.html', 'secrets-map/latest.json'];

describe('mapObjects', () => {
  it('is the page and the JSON, dated by generatedAt (UTC) and as latest, with their content types', () => {
    const map = realisticMap();
    const objects = mapObjects(map);
    expect(objects.map(({ key, contentType, cacheControl }) => ({ key, contentType, cacheControl }))).toEqual([
      { key: DAILY[0], contentType: 'text/html; charset=utf-8', cacheControl: undefined },
      { key: DAILY[1], contentType: 'application/json; charset=utf-8', cacheControl: undefined },
      { key: LATEST[0], contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' },
      { key: LATEST[1], contentType: 'application/json; charset=utf-8', cacheControl: 'no-cache' },
    ]);
    expect(objects[0]?.body).toBe(renderMapPage(map));
    expect(JSON.parse(objects[1]?.body ?? '')).toEqual(JSON.parse(JSON.stringify(map)));
    expect(objects[2]?.body).toBe(objects[0]?.body);
    expect(objects[3]?.body).toBe(objects[1]?.body);
  });
});

describe('storeMap', () => {
  it('writes the dated copies first, then latest, and lists the keys written', async () => {
    const written: string[][] = [];
    let batch: string[] = [];
    const stored = await storeMap(realisticMap(), 'reports', async (object: MapObject) => {
      batch.push(object.key);
      if (batch.length === 2) {
        written.push(batch.sort());
        batch = [];
      }
    });
    expect(written).toEqual([DAILY, LATEST]);
    expect(stored).toEqual({ bucket: 'reports', keys: [...DAILY, ...LATEST], warnings: [] });
  });

  it('turns a failed write into a warning naming the object and the error, and then leaves latest alone', async () => {
    const attempted: string[] = [];
    const stored = await storeMap(realisticMap(), 'reports', async (object) => {
      attempted.push(object.key);
      if (object.key.endsWith('.html')) throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    });
    expect(attempted.sort()).toEqual(DAILY);
    expect(stored).toEqual({
      bucket: 'reports',
      keys: [DAILY[1]],
      warnings: [
        'secrets map: PutObject s3://reports/secrets-map/daily/2026-12-01.html failed: AccessDenied: Access Denied',
        'secrets map: s3://reports/secrets-map/latest.* not overwritten, it keeps the last map stored whole',
      ],
    });
  });

  it('reports a failed latest write too', async () => {
    const stored = await storeMap(realisticMap(), 'reports', async (object) => {
      if (object.key === LATEST[1]) throw new Error('socket hang up');
    });
    expect(stored.keys).toEqual([...DAILY, LATEST[0]]);
    expect(stored.warnings).toEqual(['secrets map: PutObject s3://reports/secrets-map/latest.json failed: Error: socket hang up']);
  });
});
