import { describeBinding } from './bind-address';

describe('describeBinding (the start log)', () => {
  it('a wildcard bind says so, and gives a loopback URL that works from this machine', () => {
    expect(describeBinding('0.0.0.0', 8080)).toEqual({ bound: '0.0.0.0:8080, every IPv4 interface', reachableAt: '127.0.0.1:8080' });
    expect(describeBinding('::', 8080)).toEqual({ bound: '[::]:8080, every interface', reachableAt: '[::1]:8080' });
  });

  it('a specific address is both where it binds and where to reach it', () => {
    expect(describeBinding('127.0.0.1', 41234)).toEqual({ bound: '127.0.0.1:41234', reachableAt: '127.0.0.1:41234' });
    expect(describeBinding('10.1.2.3', 443)).toEqual({ bound: '10.1.2.3:443', reachableAt: '10.1.2.3:443' });
    expect(describeBinding('fd00::5', 8443)).toEqual({ bound: '[fd00::5]:8443', reachableAt: '[fd00::5]:8443' });
  });
});
