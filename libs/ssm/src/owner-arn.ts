/**
 * Vigil users as SSM `Owner` values: `arn:vigil:iam::vigil:user/<username>` (partition `vigil`,
 * no region, account `vigil`), the shape of an IAM user ARN so scripts that split on `/` or `:`
 * keep working. An owner that already is an ARN (a session imported from AWS) is shown as it is.
 */
export const OWNER_ARN_PREFIX = 'arn:vigil:iam::vigil:user/';

export function ownerArn(owner: string): string {
  return owner.startsWith('arn:') ? owner : `${OWNER_ARN_PREFIX}${owner}`;
}

/** The `Owner` filter takes the ARN or the bare username. */
export function ownerFromFilter(value: string): string {
  return value.startsWith(OWNER_ARN_PREFIX) ? value.slice(OWNER_ARN_PREFIX.length) : value;
}
