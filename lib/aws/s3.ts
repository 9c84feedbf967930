import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export type { S3Client };

/** One object to write: its key, its text (stored as UTF-8) and how it is served. */
export interface TextObject {
  readonly key: string;
  readonly body: string;
  /** `Content-Type`, e.g. `text/html; charset=utf-8`. */
  readonly contentType: string;
  /** `Cache-Control`, for an object that is overwritten under the same key (`no-cache`: always revalidate). */
  readonly cacheControl?: string;
}

/**
 * PutObject of one text object. The only S3 call secret-refresh makes (the daily audit's copy of the secrets map in
 * `SECRET_REFRESH_REPORT_BUCKET`): no read, no list, no ACL, no tagging, so the role needs `s3:PutObject` alone. The
 * object gets the bucket's default encryption. Rejects with the SDK's error (`NoSuchBucket`, `AccessDenied`…) for the
 * caller to report.
 *
 * @example
 * await putTextObject(clients.s3('us-east-1'), 'reports', { key: 'secrets-map/latest.json', body, contentType: 'application/json' });
 */
export async function putTextObject(client: S3Client, bucket: string, object: TextObject): Promise<void> {
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: object.key,
      Body: object.body,
      ContentType: object.contentType,
      ...(object.cacheControl ? { CacheControl: object.cacheControl } : {}),
    }),
  );
}
