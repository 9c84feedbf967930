import { describe, expect, it } from 'vitest';
import { outOfSightWarnings } from '../../../lib/report/index.js';
import { ACCOUNT, found, OTHER_ACCOUNT } from '../../support/map-inputs.js';

const WEST_SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:shared/db-Ab12Cd`;
const SOUTH_PARAMETER = `arn:aws:ssm:ap-south-1:${ACCOUNT}:parameter/shared/key`;
const FOREIGN_SECRET = `arn:aws:secretsmanager:us-east-1:${OTHER_ACCOUNT}:secret:partner/token-Qw12Er`;

describe('outOfSightWarnings', () => {
  it('says nothing when every reference is in a scanned Region of the workload account', () => {
    const readers = [
      { account: ACCOUNT, references: [found('/demo/orders/api-key'), found(`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:demo/x-Ab12Cd`)] },
    ];
    expect(outOfSightWarnings(['us-east-1'], readers, { kind: 'secret', name: 'demo/x', region: 'us-east-1' })).toEqual([]);
  });

  it('warns once about references to Regions not watched, naming the Regions and counting distinct resources', () => {
    const readers = [
      { account: ACCOUNT, references: [found(WEST_SECRET), found(`${WEST_SECRET}:password::`)] },
      { account: ACCOUNT, references: [found(WEST_SECRET), found(SOUTH_PARAMETER)] },
    ];
    expect(outOfSightWarnings(['us-east-1'], readers)).toEqual([
      '2 secrets or parameters read here are in a Region this deployment does not watch (ap-south-1, eu-west-1; it scans us-east-1): ' +
        "their changes never arrive, so their readers are never refreshed; forward those Regions' events to this Region's default bus and add them to " +
        'SECRET_REFRESH_REGIONS, or refresh by hand (secret-refresh refresh --ref …; the secrets map lists them)',
    ]);
  });

  it('warns once about references to other accounts, with what to do after changing one', () => {
    const readers = [{ account: ACCOUNT, references: [found(FOREIGN_SECRET)] }];
    expect(outOfSightWarnings(['us-east-1'], readers)).toEqual([
      `1 secret or parameter read here belongs to another account (${OTHER_ACCOUNT}): their change events are refused here; ` +
        'after changing one, run secret-refresh refresh --ref <its ARN> in this account (the secrets map lists them)',
    ]);
  });

  it('warns when the change itself is in a Region that is not scanned: its readers there are not seen', () => {
    expect(outOfSightWarnings(['us-east-1'], [], { kind: 'parameter', name: '/shared/key', region: 'ap-south-1' })).toEqual([
      'the parameter /shared/key is in ap-south-1, which is not scanned (Regions scanned: us-east-1): services and jobs in ap-south-1 that read it are not seen; ' +
        'add ap-south-1 to SECRET_REFRESH_REGIONS',
    ]);
  });

  it('ignores unparseable references and workloads whose account is unknown', () => {
    const readers = [
      { account: ACCOUNT, references: [found('arn:aws:nope')] },
      { account: '', references: [found(FOREIGN_SECRET)] },
    ];
    expect(outOfSightWarnings(['us-east-1'], readers)).toEqual([]);
  });
});
