import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';

/**
 * The account of the credentials in use (GetCallerIdentity needs no permission). Used only when a manual
 * refresh names a parameter whose metadata carries no ARN, to know which account's references it matches.
 */
export async function callerAccount(client: STSClient): Promise<string | undefined> {
  return (await client.send(new GetCallerIdentityCommand({}))).Account;
}

/** Who the credentials in use are (their ARN): who answered an approval. GetCallerIdentity needs no permission. */
export async function callerArn(client: STSClient): Promise<string | undefined> {
  return (await client.send(new GetCallerIdentityCommand({}))).Arn;
}
