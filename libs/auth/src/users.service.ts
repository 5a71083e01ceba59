import { randomBytes, randomUUID } from 'node:crypto';
import { ConflictException, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { CreateUserDto } from './dto/create-user.dto';
import { UserEntity } from './entities/user.entity';
import { hashPassword } from './password-hasher';
import { Privilege, Role, UserPrincipal } from './principal';

export interface PublicUser {
  id: string;
  username: string;
  roles: Role[];
  privileges: Privilege[];
}

export function splitList<T extends string>(value: string): T[] {
  return value ? (value.split(',') as T[]) : [];
}

export function toPrincipal(user: UserEntity): UserPrincipal {
  return {
    kind: 'user',
    id: user.id,
    username: user.username,
    roles: splitList<Role>(user.roles),
    privileges: splitList<Privilege>(user.privileges),
  };
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly clock: Clock,
    private readonly config: VigilConfig,
  ) {}

  async create(input: CreateUserDto): Promise<PublicUser> {
    if (await this.users.existsBy({ username: input.username })) {
      throw new ConflictException(`username: "${input.username}" is already taken`);
    }
    const user = this.users.create({
      id: randomUUID(),
      username: input.username,
      passwordHash: await hashPassword(input.password),
      roles: input.roles.join(','),
      privileges: input.privileges.join(','),
      sessionColumns: null,
      createdAt: this.clock.now(),
    });
    await this.users.insert(user);
    return this.toPublic(user);
  }

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ username });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  async list(): Promise<PublicUser[]> {
    return (await this.users.find({ order: { username: 'ASC' } })).map((u) => this.toPublic(u));
  }

  async getSessionColumns(userId: string): Promise<string[] | null> {
    const user = await this.users.findOne({ where: { id: userId }, select: { id: true, sessionColumns: true } });
    return user?.sessionColumns ? (JSON.parse(user.sessionColumns) as string[]) : null;
  }

  async setSessionColumns(userId: string, columns: string[]): Promise<void> {
    await this.users.update({ id: userId }, { sessionColumns: JSON.stringify(columns) });
  }

  /**
   * Creates the first administrator when the user table is empty. Without a configured password
   * a random one is generated and printed once, to stdout, never to the structured log.
   */
  async bootstrapAdmin(): Promise<{ username: string; generatedPassword: string | null } | null> {
    if ((await this.users.count()) > 0) return null;
    const generated = this.config.admin.password ? null : randomBytes(12).toString('base64url');
    await this.create({
      username: this.config.admin.username,
      password: this.config.admin.password ?? generated!,
      roles: ['admin'],
      privileges: ['shadow', 'interact', 'terminate'],
    });
    this.logger.log(`created bootstrap administrator "${this.config.admin.username}"`);
    return { username: this.config.admin.username, generatedPassword: generated };
  }

  private toPublic(user: UserEntity): PublicUser {
    const { id, username, roles, privileges } = toPrincipal(user);
    return { id, username, roles, privileges };
  }
}
