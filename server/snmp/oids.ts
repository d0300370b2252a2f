/** Numeric OIDs the engine reads (no MIB files are installed; names in comments). */
export const OID = {
  sysDescr: '1.3.6.1.2.1.1.1.0', // SNMPv2-MIB
  sysObjectID: '1.3.6.1.2.1.1.2.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysContact: '1.3.6.1.2.1.1.4.0',
  sysName: '1.3.6.1.2.1.1.5.0',
  sysLocation: '1.3.6.1.2.1.1.6.0',
  ifTable: '1.3.6.1.2.1.2.2.1', // IF-MIB ifEntry: .2 descr .3 type .5 speed .6 physAddress .7 admin .8 oper
  ifXTable: '1.3.6.1.2.1.31.1.1.1', // .1 ifName .15 ifHighSpeed .18 ifAlias
  ipAdEntIfIndex: '1.3.6.1.2.1.4.20.1.2', // IP-MIB ipAddrTable (IPv4, deprecated but universal)
  ipAdEntNetMask: '1.3.6.1.2.1.4.20.1.3',
  ipAddressIfIndex: '1.3.6.1.2.1.4.34.1.3', // IP-MIB ipAddressTable (RFC 4293, v4 and v6)
  entPhysicalEntry: '1.3.6.1.2.1.47.1.1.1.1', // ENTITY-MIB
  lldpRemEntry: '1.0.8802.1.1.2.1.4.1.1', // LLDP-MIB lldpRemTable
  lldpLocPortDesc: '1.0.8802.1.1.2.1.3.7.1.4',
  lldpLocPortId: '1.0.8802.1.1.2.1.3.7.1.3',
  cdpCacheEntry: '1.3.6.1.4.1.9.9.23.1.2.1.1', // CISCO-CDP-MIB
  hrSWInstalledEntry: '1.3.6.1.2.1.25.6.3.1', // HOST-RESOURCES-MIB: .2 name .4 type .5 date
  hrStorageEntry: '1.3.6.1.2.1.25.2.3.1', // .2 type .3 descr .4 allocation units .5 size .6 used
  dot1dBaseBridgeAddress: '1.3.6.1.2.1.17.1.1.0', // BRIDGE-MIB: the switch base MAC
} as const;

/** entPhysicalClass values (RFC 6933). */
export const ENTITY_CLASS: Record<number, string> = {
  1: 'other', 2: 'unknown', 3: 'chassis', 4: 'backplane', 5: 'container', 6: 'powerSupply', 7: 'fan', 8: 'sensor',
  9: 'module', 10: 'port', 11: 'stack', 12: 'cpu', 13: 'energyObject', 14: 'battery', 15: 'storageDrive',
};
