import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { listInterfaces, suggestedSubnet, type InterfaceAddress } from '../../electron/core/discovery/interfaces.js';

const v4 = (address: string, netmask: string, prefix: number, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask,
  family: 'IPv4',
  mac: internal ? '00:00:00:00:00:00' : '3c:52:82:aa:bb:cc',
  internal,
  cidr: `${address}/${prefix}`,
});
const v6 = (address: string): NetworkInterfaceInfo => ({
  address,
  netmask: 'ffff:ffff:ffff:ffff::',
  family: 'IPv6',
  mac: '3c:52:82:aa:bb:cc',
  internal: false,
  cidr: `${address}/64`,
  scopeid: 2,
});

const fake = () => ({
  lo: [
    v4('127.0.0.1', '255.0.0.0', 8, true),
    { ...v6('::1'), internal: true, netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', cidr: '::1/128' },
  ],
  eth0: [v6('fe80::1'), v4('192.168.1.23', '255.255.255.0', 24)],
  wlan0: [v4('10.20.30.40', '255.255.0.0', 16)],
  down: undefined,
});

const iface = (address: string, netmask: string, extra: Partial<InterfaceAddress> = {}): InterfaceAddress => ({
  name: 'eth0',
  address,
  family: 'IPv4',
  netmask,
  cidr: null,
  internal: false,
  mac: '3c:52:82:aa:bb:cc',
  ...extra,
});

describe('listInterfaces', () => {
  it('lists every address, IPv4 first and real interfaces before loopback', () => {
    const list = listInterfaces(fake);
    expect(list.map((i) => `${i.name} ${i.address}`)).toEqual([
      'eth0 192.168.1.23',
      'wlan0 10.20.30.40',
      'lo 127.0.0.1',
      'eth0 fe80::1',
      'lo ::1',
    ]);
    expect(list[0]).toEqual({
      name: 'eth0',
      address: '192.168.1.23',
      family: 'IPv4',
      netmask: '255.255.255.0',
      cidr: '192.168.1.23/24',
      internal: false,
      mac: '3c:52:82:aa:bb:cc',
    });
  });

  it('reads the real machine without failing', () => {
    const list = listInterfaces();
    expect(list.some((i) => i.internal)).toBe(true);
  });
});

describe('suggestedSubnet', () => {
  it('proposes the interface network', () => {
    expect(suggestedSubnet(iface('192.168.1.23', '255.255.255.0'))).toEqual({ cidr: '192.168.1.0/24', hostCount: 254, narrowed: false });
    expect(suggestedSubnet(iface('192.168.1.200', '255.255.255.128'))).toEqual({
      cidr: '192.168.1.128/25',
      hostCount: 126,
      narrowed: false,
    });
  });

  it('narrows networks wider than a /24 to the /24 around the address', () => {
    expect(suggestedSubnet(iface('10.20.30.40', '255.255.0.0'))).toEqual({ cidr: '10.20.30.0/24', hostCount: 254, narrowed: true });
  });

  it('proposes nothing for loopback, IPv6, point-to-point or odd masks', () => {
    expect(suggestedSubnet(iface('127.0.0.1', '255.0.0.0', { internal: true }))).toBeNull();
    expect(suggestedSubnet(iface('fe80::1', 'ffff:ffff:ffff:ffff::', { family: 'IPv6' }))).toBeNull();
    expect(suggestedSubnet(iface('10.0.0.1', '255.255.255.255'))).toBeNull();
    expect(suggestedSubnet(iface('10.0.0.1', '255.0.255.0'))).toBeNull();
  });
});
