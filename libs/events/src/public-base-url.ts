import type { AddressInfo } from 'node:net';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { VigilConfig } from '@vigil/config';

/**
 * Where notification links point: VIGIL_PUBLIC_URL, or else the address this gateway listens
 * on (loopback when it binds every interface), which is right for a single-host install and
 * tells an operator behind a proxy to set the variable.
 */
@Injectable()
export class PublicBaseUrl {
  constructor(
    private readonly config: VigilConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  get(): string {
    if (this.config.events.publicUrl) return this.config.events.publicUrl.replace(/\/+$/, '');
    const scheme = this.config.tls ? 'https' : 'http';
    const address = this.adapterHost.httpAdapter?.getHttpServer?.()?.address?.() as AddressInfo | string | null | undefined;
    if (!address || typeof address === 'string') return `${scheme}://127.0.0.1:${this.config.port}`;
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `${scheme}://${host}:${address.port}`;
  }
}
