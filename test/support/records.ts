/**
 * A CloudTrail AwsApiCall record by IAM user `user` of account 111122223333 from 203.0.113.7, as the
 * detection tests write their small incidents (the unit session tests and the integration test).
 */
export function apiCall(id: string, time: string, source: string, name: string, user = 'mallory'): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventTime: time,
    eventSource: source,
    eventName: name,
    eventType: 'AwsApiCall',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.15',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/${user}`, accountId: '111122223333', userName: user },
    eventID: id,
    recipientAccountId: '111122223333',
  };
}
