import type { ECSClient } from '@aws-sdk/client-ecs';

/** What ECS would record for a service: its current deployment and the digests its revision resolved. */
export interface RecordedDeployment {
  readonly serviceArn: string;
  readonly containers: Readonly<Record<string, string>>;
}

/**
 * Fills moto 5.2.1's gap in ECS service deployments on a real, moto-pointed ECS client: moto's DescribeServices
 * returns no `currentServiceDeployment`, and DescribeServiceDeployments / DescribeServiceRevisions are not
 * implemented (HTTP 500). For the services in `recorded`, this adds the `currentServiceDeployment` ECS would
 * return and answers those two calls as ECS would, with the digests given (what ECS resolved the tags to when
 * the deployment started). Every other call, and everything else in the answers, is moto's own.
 */
export function serveServiceDeployments(client: ECSClient, recorded: readonly RecordedDeployment[]): void {
  const byService = new Map(recorded.map((entry) => [entry.serviceArn, entry]));
  const deploymentArn = (serviceArn: string) => `${serviceArn.replace(':service/', ':service-deployment/')}/current`;
  const revisionArn = (serviceArn: string) => `${serviceArn.replace(':service/', ':service-revision/')}/current`;
  const serviceOf = (arn: string, kind: string) => recorded.find((entry) => arn === `${entry.serviceArn.replace(':service/', `:${kind}/`)}/current`);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = (args as { input: Record<string, unknown> }).input;
      const answer = (output: Record<string, unknown>) => ({ output: { ...output, $metadata: { httpStatusCode: 200 } }, response: {} });
      if (context.commandName === 'DescribeServiceDeploymentsCommand') {
        const arns = input.serviceDeploymentArns as string[];
        return answer({
          serviceDeployments: arns.flatMap((arn) => {
            const entry = serviceOf(arn, 'service-deployment');
            return entry ? [{ serviceDeploymentArn: arn, serviceArn: entry.serviceArn, targetServiceRevision: { arn: revisionArn(entry.serviceArn) } }] : [];
          }),
          failures: arns.filter((arn) => !serviceOf(arn, 'service-deployment')).map((arn) => ({ arn, reason: 'MISSING' })),
        }) as never;
      }
      if (context.commandName === 'DescribeServiceRevisionsCommand') {
        const arns = input.serviceRevisionArns as string[];
        return answer({
          serviceRevisions: arns.flatMap((arn) => {
            const entry = serviceOf(arn, 'service-revision');
            if (!entry) return [];
            const containerImages = Object.entries(entry.containers).map(([containerName, imageDigest]) => ({ containerName, imageDigest }));
            return [{ serviceRevisionArn: arn, serviceArn: entry.serviceArn, containerImages }];
          }),
          failures: [],
        }) as never;
      }
      const result = await next(args);
      if (context.commandName === 'DescribeServicesCommand') {
        const output = result.output as { services?: { serviceArn?: string; currentServiceDeployment?: string }[] };
        for (const service of output.services ?? []) {
          if (service.serviceArn && byService.has(service.serviceArn)) service.currentServiceDeployment = deploymentArn(service.serviceArn);
        }
      }
      return result;
    },
    { step: 'initialize', name: 'motoServiceDeploymentsGap' },
  );
}
