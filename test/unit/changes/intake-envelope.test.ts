/**
 * The envelopes a change arrives in (lib/changes/intake-envelope.ts): what the CLI's `event` command and onChanges
 * unwrap, so that whatever the dead-letter queue or an old on-failure queue holds can be re-run as it is.
 */
import { describe, expect, it } from 'vitest';
import { IntakeEnvelopeError, unwrapIntake } from '../../../lib/changes/intake-envelope.js';
import { EventParseError } from '../../../lib/errors.js';
import { sampleEvent } from './fake-metadata-directory.js';

const EVENT = sampleEvent('ssm-parameter-store-change-update.json');
const OTHER = sampleEvent('secretsmanager-secret-label-updated-awscurrent.json');

describe('unwrapIntake', () => {
  it('returns an EventBridge event as it is, with the source it was given', () => {
    expect(unwrapIntake(EVENT, 'file.json')).toEqual([{ event: EVENT, source: 'file.json' }]);
  });

  it('returns the events of an array, in order', () => {
    expect(unwrapIntake([EVENT, OTHER])).toEqual([{ event: EVENT }, { event: OTHER }]);
  });

  it('unwraps an SQS event for Lambda (Records), naming each event by its message id', () => {
    const sqs = {
      Records: [
        { messageId: 'm-1', body: JSON.stringify(EVENT), eventSource: 'aws:sqs' },
        { messageId: 'm-2', body: JSON.stringify(OTHER), eventSource: 'aws:sqs' },
      ],
    };
    expect(unwrapIntake(sqs)).toEqual([
      { event: EVENT, source: 'm-1' },
      { event: OTHER, source: 'm-2' },
    ]);
  });

  it('unwraps the output of aws sqs receive-message on the dead-letter queue (Messages with Body)', () => {
    const received = { Messages: [{ MessageId: 'dlq-1', ReceiptHandle: 'r', MD5OfBody: 'x', Body: JSON.stringify(EVENT) }] };
    expect(unwrapIntake(received)).toEqual([{ event: EVENT, source: 'dlq-1' }]);
    expect(unwrapIntake(received.Messages[0])).toEqual([{ event: EVENT, source: 'dlq-1' }]);
  });

  it('unwraps a Lambda on-failure destination record (requestPayload), also inside an SQS message body', () => {
    const onFailure = {
      version: '1.0',
      timestamp: '2026-11-20T10:03:00.000Z',
      requestContext: {
        requestId: 'r-1',
        functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:secret-refresh-prod-onSecretChange',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: OTHER,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'TargetsFailedError', errorMessage: '1 target(s) failed' },
    };
    expect(unwrapIntake(onFailure)).toEqual([{ event: OTHER }]);
    expect(unwrapIntake({ Messages: [{ MessageId: 'old-1', Body: JSON.stringify(onFailure) }] })).toEqual([{ event: OTHER, source: 'old-1' }]);
  });

  it('refuses a message body that is not JSON with IntakeEnvelopeError (an EventParseError), naming the message', () => {
    const run = () => unwrapIntake({ Records: [{ messageId: 'm-7', body: 'not json', eventSource: 'aws:sqs' }] });
    expect(run).toThrow(IntakeEnvelopeError);
    expect(run).toThrow(EventParseError);
    expect(run).toThrow(/^SQS message m-7 has a body that is not JSON: /);
  });

  it('refuses an on-failure record without a payload', () => {
    expect(() => unwrapIntake({ requestContext: {}, requestPayload: null })).toThrow(
      'the Lambda on-failure record has no requestPayload: there is no event to re-run',
    );
  });

  it('returns anything else as it is, so the Change step says what is wrong with it', () => {
    expect(unwrapIntake(42)).toEqual([{ event: 42 }]);
    expect(unwrapIntake({ source: 'aws.ssm' })).toEqual([{ event: { source: 'aws.ssm' } }]);
    expect(unwrapIntake({ Records: [{ not: 'sqs' }] })).toEqual([{ event: { Records: [{ not: 'sqs' }] } }]);
  });

  it('refuses envelopes nested absurdly deep', () => {
    let value: unknown = EVENT;
    for (let depth = 0; depth < 10; depth++) value = [value];
    expect(() => unwrapIntake(value)).toThrow(/^envelopes nested more than 6 deep/);
  });
});

describe('unwrapIntake: the edges of each envelope', () => {
  it('unwraps one SQS record on its own, and names it by the source given when its message id is empty', () => {
    expect(unwrapIntake({ messageId: 'm-3', body: JSON.stringify(EVENT) })).toEqual([{ event: EVENT, source: 'm-3' }]);
    expect(unwrapIntake({ Records: [{ messageId: '', body: JSON.stringify(EVENT), eventSource: 'aws:sqs' }] }, 'batch.json')).toEqual([
      { event: EVENT, source: 'batch.json' },
    ]);
    expect(unwrapIntake({ Messages: [{ MessageId: '', Body: JSON.stringify(EVENT) }] })).toEqual([{ event: EVENT }]);
  });

  it('leaves a record of another event source (not aws:sqs) as it is', () => {
    const kinesis = { Records: [{ messageId: 'k-1', body: JSON.stringify(EVENT), eventSource: 'aws:kinesis' }] };
    expect(unwrapIntake(kinesis)).toEqual([{ event: kinesis }]);
  });

  it('unwraps an on-failure record that has only a responseContext, and leaves a bare requestPayload as it is', () => {
    expect(unwrapIntake({ requestPayload: EVENT, responseContext: { statusCode: 200 } }, 'old.json')).toEqual([{ event: EVENT, source: 'old.json' }]);
    const bare = { requestPayload: EVENT };
    expect(unwrapIntake(bare)).toEqual([{ event: bare }]);
    expect(() => unwrapIntake({ responseContext: {}, requestPayload: undefined })).toThrow(IntakeEnvelopeError);
  });

  it('says which message could not be read only when it has an id', () => {
    expect(() => unwrapIntake({ Records: [{ messageId: '', body: '{', eventSource: 'aws:sqs' }] })).toThrow(/^SQS message has a body that is not JSON: /);
  });

  it('accepts envelopes nested 6 deep and refuses 7, saying so', () => {
    const nested = (levels: number) => {
      let value: unknown = EVENT;
      for (let depth = 0; depth < levels; depth++) value = [value];
      return value;
    };
    expect(unwrapIntake(nested(6))).toEqual([{ event: EVENT }]);
    expect(() => unwrapIntake(nested(7))).toThrow(
      new IntakeEnvelopeError('envelopes nested more than 6 deep: expected an EventBridge event inside at most a few'),
    );
  });

  it('counts on-failure records in the nesting too', () => {
    const onFailure = (levels: number) => {
      let value: unknown = EVENT;
      for (let depth = 0; depth < levels; depth++) value = { requestContext: { condition: 'RetriesExhausted' }, requestPayload: value };
      return value;
    };
    expect(unwrapIntake(onFailure(6))).toEqual([{ event: EVENT }]);
    expect(() => unwrapIntake(onFailure(7))).toThrow(IntakeEnvelopeError);
  });

  it('counts message bodies in the nesting too, and reports the innermost message', () => {
    const messages = (levels: number) => {
      let value: unknown = EVENT;
      for (let depth = 0; depth < levels; depth++) value = { MessageId: `m-${depth}`, Body: JSON.stringify(value) };
      return value;
    };
    expect(unwrapIntake(messages(6))).toEqual([{ event: EVENT, source: 'm-0' }]);
    expect(() => unwrapIntake(messages(7))).toThrow(
      new IntakeEnvelopeError('envelopes nested more than 6 deep: expected an EventBridge event inside at most a few'),
    );
  });

  it('leaves a list of records or messages as it is when any element is not one, keeping its source', () => {
    const records = { Records: [{ messageId: 'm-1', body: JSON.stringify(EVENT) }, { messageId: 'm-2' }] };
    expect(unwrapIntake(records, 'dlq.json')).toEqual([{ event: records, source: 'dlq.json' }]);
    const messages = { Messages: [{ MessageId: 'm-1', Body: JSON.stringify(EVENT) }, { MessageId: 'm-2' }] };
    expect(unwrapIntake(messages, 'dlq.json')).toEqual([{ event: messages, source: 'dlq.json' }]);
  });

  it.each([
    ['a record without a message id', { body: JSON.stringify(EVENT) }],
    ['a record whose body is not text', { messageId: 'm-1', body: EVENT }],
    ['a message without a message id', { Body: JSON.stringify(EVENT) }],
    ['a message whose body is not text', { MessageId: 'm-1', Body: EVENT }],
  ])('leaves %s as it is', (_label, value) => {
    expect(unwrapIntake(value)).toEqual([{ event: value }]);
  });
});
