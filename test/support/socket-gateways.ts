import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { GATEWAY_METADATA, GATEWAY_OPTIONS, MESSAGE_MAPPING_METADATA, MESSAGE_METADATA } from '@nestjs/websockets/constants';

export interface GatewayEvents {
  /** @SubscribeMessage names: what clients may send */
  messages: Set<string>;
  /** @OnEvent names: the domain events the gateway forwards */
  domainEvents: Set<string>;
}

/** socket.io gateways by namespace, read from Nest's metadata of the running app. */
export function socketGateways(app: INestApplication): Map<string, GatewayEvents> {
  const scanner = new MetadataScanner();
  const found = new Map<string, GatewayEvents>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.providers.values()) {
      const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
      if (!type || !wrapper.instance || !Reflect.getMetadata(GATEWAY_METADATA, type)) continue;
      const namespace = String((Reflect.getMetadata(GATEWAY_OPTIONS, type) as { namespace?: string } | undefined)?.namespace ?? '/');
      const events = found.get(namespace) ?? { messages: new Set<string>(), domainEvents: new Set<string>() };
      const prototype = Object.getPrototypeOf(wrapper.instance) as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as object;
        if (Reflect.getMetadata(MESSAGE_MAPPING_METADATA, handler)) events.messages.add(String(Reflect.getMetadata(MESSAGE_METADATA, handler)));
        const listeners = (Reflect.getMetadata('EVENT_LISTENER_METADATA', handler) ?? []) as { event: string | string[] }[];
        for (const { event } of listeners) [event].flat().forEach((e) => events.domainEvents.add(String(e)));
      }
      found.set(namespace, events);
    }
  }
  return found;
}
