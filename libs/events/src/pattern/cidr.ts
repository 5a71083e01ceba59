import { BlockList, isIP } from 'node:net';
import { EventPatternError } from './pattern-error';

/**
 * EventBridge `cidr`: an IPv4 or IPv6 block (`10.0.0.0/24`, `2001:db8::/32`). Host bits may be
 * set (they are ignored, as a mask ignores them). Event values that are not IP address strings
 * never match. Node's BlockList does the bit work (it also counts `::ffff:10.0.0.5` as inside an
 * IPv4 block, the same address written the IPv6 way).
 */
export class CidrBlock {
  private constructor(private readonly list: BlockList) {}

  static parse(text: string, path: string): CidrBlock {
    const slash = text.indexOf('/');
    const address = slash < 0 ? '' : text.slice(0, slash);
    const bits = slash < 0 ? '' : text.slice(slash + 1);
    const family = address.includes('%') ? 0 : isIP(address);
    if (family === 0 || !/^\d{1,3}$/.test(bits)) throw new EventPatternError(path, 'must be an IPv4 or IPv6 CIDR block such as "10.0.0.0/24"');
    const prefix = Number(bits);
    if (prefix > (family === 4 ? 32 : 128)) throw new EventPatternError(path, `prefix length must be at most ${family === 4 ? 32 : 128}`);
    const list = new BlockList();
    list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
    return new CidrBlock(list);
  }

  contains(value: string): boolean {
    const family = isIP(value);
    if (family === 0) return false;
    return this.list.check(value, family === 4 ? 'ipv4' : 'ipv6');
  }
}
